package ui

import (
	"fmt"
	"strings"
	"time"
	msgs "vaeexplorer/vae/msg"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
)

// StatusBar runs along the bottom of the window: the latest message (one
// line, elided, the whole text in a tooltip) and, while training, its
// progress: epoch, a bar, images per second and the time left. It has a
// fixed height and never asks for more width than the window has.
type StatusBar struct {
	icon     *widget.Icon
	msg      *widgets.TipLabel
	Training *widget.Label // "Epoch 2 of 10 · 12,345 img/s · ETA 0:34", "Finished", "Stopped"
	Progress *widget.ProgressBar
	prog     *fyne.Container
	box      *fyne.Container
}

func newStatusBar() *StatusBar {
	b := &StatusBar{icon: widget.NewIcon(theme.InfoIcon()), msg: widgets.NewTipLabel("")}
	b.Training = widget.NewLabel("")
	b.Training.Truncation = fyne.TextTruncateEllipsis
	b.Progress = widget.NewProgressBar()
	b.prog = container.NewHBox(container.NewGridWrap(fyne.NewSize(160, b.Progress.MinSize().Height), b.Progress),
		container.NewGridWrap(fyne.NewSize(330, b.Training.MinSize().Height), b.Training))
	b.prog.Hide() // until training starts
	b.box = container.NewBorder(widget.NewSeparator(), nil, b.icon, b.prog, b.msg)
	return b
}

// Box is the bar's canvas object.
func (b *StatusBar) Box() fyne.CanvasObject { return b.box }

// Text is the message shown.
func (b *StatusBar) Text() string { return b.msg.Full }

// SetMessage shows one line (newlines become "; "), as an error or not.
func (b *StatusBar) SetMessage(msg string, isErr bool) {
	if isErr {
		b.icon.SetResource(theme.ErrorIcon())
	} else {
		b.icon.SetResource(theme.InfoIcon())
	}
	b.msg.SetText(msgs.Line(msg))
}

// SetTraining follows the training state: the progress shows from loading
// on and stays after training with how it ended.
func (b *StatusBar) SetTraining(st trainState) {
	switch st {
	case trainLoading:
		b.prog.Show()
		b.Progress.SetValue(0)
		b.Training.SetText("Loading data…")
	case trainPaused:
		b.Training.SetText("Paused · " + b.Training.Text)
	case trainRunning:
		b.Training.SetText(strings.TrimPrefix(b.Training.Text, "Paused · "))
	}
}

// ShowStep shows a training step's progress.
func (b *StatusBar) ShowStep(ev vae.Event) {
	b.Progress.SetValue(ev.Progress)
	b.Training.SetText(fmt.Sprintf("Epoch %d of %d · %.0f img/s · ETA %s", ev.Epoch, ev.Epochs, ev.ImgPerSec, fmtETA(ev.ETA)))
}

// ShowLoading shows data loading's progress.
func (b *StatusBar) ShowLoading(frac float64, what string) {
	b.Progress.SetValue(frac)
	b.Training.SetText(what)
}

// Clear hides training's progress and state (another model: the last
// run's "Stopped" is not this model's).
func (b *StatusBar) Clear() {
	b.prog.Hide()
	b.Progress.SetValue(0)
	b.Training.SetText("")
}

// Ended shows how training ended ("Finished", "Stopped", "Failed").
func (b *StatusBar) Ended(how string, finished bool) {
	if finished {
		b.Progress.SetValue(1)
	}
	b.Training.SetText(how)
}

func fmtETA(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
