// Package ui holds the Fyne widgets and windows of VAE Explorer. It reaches
// the engine only through the small interfaces in engine.go, so every widget
// can be tested with a tiny real model and Fyne's test driver.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Title is the main window's title.
const Title = "VAE Explorer"

// MainWindow is the application's one main window: training panel on the
// left, latent plane and decoded image in the middle, the decoded grid on
// the right and the live loss plot along the bottom.
type MainWindow struct {
	Window fyne.Window
}

// NewMainWindow builds the main window for app a. It does not show it.
func NewMainWindow(a fyne.App) *MainWindow {
	w := a.NewWindow(Title)
	m := &MainWindow{Window: w}
	w.SetContent(m.layout())
	w.Resize(fyne.NewSize(1280, 800))
	quit := &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	w.Canvas().AddShortcut(quit, func(fyne.Shortcut) { a.Quit() })
	return m
}

func (m *MainWindow) layout() fyne.CanvasObject {
	training := widget.NewCard("Training", "Dataset and hyper-parameters",
		container.NewVBox(
			widget.NewSelect([]string{"MNIST", "Fashion-MNIST", "Folder..."}, nil),
			widget.NewButton("Train", nil),
			widget.NewProgressBar(),
			widget.NewLabel("Ready"),
		))
	plane := widget.NewCard("Latent plane", "Drag the point to decode", widget.NewLabel("latent plane"))
	decoded := widget.NewCard("Decoded", "", widget.NewLabel("decoded image"))
	grid := widget.NewCard("Latent grid", "The decoded manifold", widget.NewLabel("latent grid"))
	plot := widget.NewCard("Loss", "", widget.NewLabel("loss plot"))

	centre := container.NewHSplit(plane, container.NewVSplit(decoded, grid))
	centre.Offset = 0.55
	main := container.NewVSplit(centre, plot)
	main.Offset = 0.72
	left := container.NewVScroll(training)
	left.SetMinSize(fyne.NewSize(280, 0))
	return container.NewBorder(nil, nil, left, nil, main)
}
