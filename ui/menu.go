package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"

	"vaeexplorer/assets"
	"vaeexplorer/vae"
)

// menu builds the main menu. It is also the shortcut table: shortcuts()
// registers every menu item's shortcut on the canvas, so a key and its
// menu entry can never disagree.
func (e *Explorer) menu() *fyne.MainMenu {
	recent := fyne.NewMenuItem("Open Recent", nil)
	recent.ChildMenu = fyne.NewMenu("")
	for _, p := range e.recent() {
		recent.ChildMenu.Items = append(recent.ChildMenu.Items, fyne.NewMenuItem(p, func() { e.OpenModel(p) }))
	}
	if len(recent.ChildMenu.Items) == 0 {
		none := fyne.NewMenuItem("(none yet)", nil)
		none.Disabled = true
		recent.ChildMenu.Items = append(recent.ChildMenu.Items, none)
	}
	bundled := []*fyne.MenuItem{
		item("Bundled model (conv, default)", nil, e.OpenBundled),
		item("Bundled model (mlp)", nil, func() { e.OpenBundledArch(vae.ArchMLP) }),
		item("Bundled model (8-D)", nil, func() { e.OpenBundledArch(assets.Kind8D) }),
	}
	var model *fyne.Menu
	if e.browser == nil {
		model = fyne.NewMenu("Model", slices.Concat([]*fyne.MenuItem{
			item("New", ctrl(fyne.KeyN), e.NewModel),
			item("Open…", ctrl(fyne.KeyO), e.openDialog),
			recent,
		}, bundled, []*fyne.MenuItem{
			fyne.NewMenuItemSeparator(),
			item("Save", ctrl(fyne.KeyS), e.Save),
			item("Save As…", ctrlShift(fyne.KeyS), e.saveAsDialog),
			item("Export for PyTorch (safetensors)…", nil, e.exportTorchDialog),
			fyne.NewMenuItemSeparator(),
			item("Quit", ctrl(fyne.KeyQ), e.requestClose),
		})...)
	} else {
		// A page: model files come from the browser's file picker, saving
		// is a download, and closing the tab is quitting.
		model = fyne.NewMenu("Model", slices.Concat([]*fyne.MenuItem{
			item("New", ctrl(fyne.KeyN), e.NewModel),
			item("Open model file…", ctrl(fyne.KeyO), e.openDialog),
		}, bundled, []*fyne.MenuItem{
			fyne.NewMenuItemSeparator(),
			item("Download model (.vae)", ctrl(fyne.KeyS), func() { e.downloadModel(".vae") }),
			item("Download for PyTorch (.safetensors)", nil, func() { e.downloadModel(".safetensors") }),
		})...)
	}
	themeItem := func(name string) *fyne.MenuItem {
		it := fyne.NewMenuItem(strings.ToUpper(name[:1])+name[1:]+" theme", func() { e.applyTheme(name) })
		it.Checked = e.prefs.StringWithFallback(prefTheme, "system") == name
		return it
	}
	panel := func(label string, sd side, key fyne.KeyName) *fyne.MenuItem {
		it := item(label, ctrl(key), func() { e.shell.toggle(sd) })
		it.Checked = e.shell == nil || e.shell.Open(sd)
		return it
	}
	hover := fyne.NewMenuItem("Decode on hover", func() {
		e.prefs.SetBool(prefHover, !e.prefs.BoolWithFallback(prefHover, true))
		e.hover(0, 0, false)
		e.refreshMenu()
	})
	hover.Checked = e.prefs.BoolWithFallback(prefHover, true)
	view := fyne.NewMenu("View",
		hover,
		fyne.NewMenuItem("Zoom in   (+)", func() { e.Plane.Zoom(1.25) }),
		fyne.NewMenuItem("Zoom out   (-)", func() { e.Plane.Zoom(0.8) }),
		fyne.NewMenuItem("Fit the codes   (0)", e.Plane.Fit),
		fyne.NewMenuItemSeparator(),
		panel("Training panel", sideLeft, fyne.KeyLeftBracket),
		panel("Point and tools panel", sideRight, fyne.KeyRightBracket),
		fyne.NewMenuItemSeparator(),
		themeItem("system"), themeItem("light"), themeItem("dark"))
	stopKey := ctrl(fyne.KeyPeriod)
	if e.browser != nil {
		stopKey = nil // Fyne's web driver never delivers Ctrl+. (seen in Chromium)
	}
	train := fyne.NewMenu("Training",
		item("Train", ctrl(fyne.KeyT), e.StartTraining),
		item("Pause / Resume   (Space)", nil, e.TogglePause),
		item("Stop", stopKey, e.StopTraining),
	)
	images := fyne.NewMenu("Images", item("Open images…", ctrl(fyne.KeyI), e.openImages))
	augment := item("Export augmented images…", nil, e.showAugment)
	if e.browser != nil {
		augment = unavailable(desktopOnly("Export augmented images…"))
	}
	tools := fyne.NewMenu("Tools")
	for i, name := range toolNames {
		tools.Items = append(tools.Items, item(name, ctrl(fyne.KeyName(fmt.Sprint(i+1))), func() { e.ShowTool(i) }))
	}
	tools.Items = append(tools.Items, fyne.NewMenuItemSeparator(), item("Resample", ctrl(fyne.KeyR), e.resample), augment)
	help := fyne.NewMenu("Help", fyne.NewMenuItem("Keyboard shortcuts", e.showShortcuts))
	return fyne.NewMainMenu(model, train, images, tools, view, help)
}

// unavailable is a greyed-out menu item whose label says why.
func unavailable(label string) *fyne.MenuItem {
	it := fyne.NewMenuItem(label, nil)
	it.Disabled = true
	return it
}

func item(label string, s fyne.Shortcut, f func()) *fyne.MenuItem {
	it := fyne.NewMenuItem(label, f)
	it.Shortcut = s
	return it
}

// toolNames are the tools, in order, as the Tools menu names them.
var toolNames = []string{"Latent grid", "Images", "Sample sheet", "Interpolation", "Concept vectors", "Anomalies"}

// ShowTool makes the i-th tool (see toolNames) the active one.
func (e *Explorer) ShowTool(i int) { e.Tools.Select(i) }

// resample shows the sample sheet with a new seed.
func (e *Explorer) resample() {
	e.ShowTool(2)
	e.Samples.NewSeed()
}

func ctrl(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

func ctrlShift(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
}

// shortcuts registers every menu item's shortcut on the canvas, and Space.
func (e *Explorer) shortcuts() {
	c := e.Window.Canvas()
	var walk func(items []*fyne.MenuItem)
	walk = func(items []*fyne.MenuItem) {
		for _, it := range items {
			if it.ChildMenu != nil {
				walk(it.ChildMenu.Items)
			}
			if it.Shortcut != nil && it.Action != nil {
				label := it.Label
				c.AddShortcut(it.Shortcut, func(fyne.Shortcut) { e.runMenu(label) })
			}
		}
	}
	for _, m := range e.Window.MainMenu().Items {
		walk(m.Items)
	}
	// Space pauses and resumes, +, - and 0 zoom the plane, when no text
	// field has the focus.
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeySpace {
			e.TogglePause()
		}
	})
	c.SetOnTypedRune(func(r rune) {
		switch r {
		case '+', '=':
			e.Plane.Zoom(1.25)
		case '-':
			e.Plane.Zoom(0.8)
		case '0':
			e.Plane.Fit()
		}
	})
}

// runMenu runs the current menu's item called label (menus are rebuilt
// when recent files or the theme change, so the action is looked up).
func (e *Explorer) runMenu(label string) {
	for _, m := range e.Window.MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == label && it.Action != nil {
				it.Action()
				return
			}
		}
	}
}

// refreshMenu rebuilds the menu (recent files, checked items).
func (e *Explorer) refreshMenu() {
	if e.Window.MainMenu() != nil {
		e.Window.SetMainMenu(e.menu())
	}
}

func (e *Explorer) showShortcuts() {
	lines := []string{
		"Ctrl+N  new model        Ctrl+O  open model",
		"Ctrl+S  save             Ctrl+Shift+S  save as",
		"Ctrl+T  train            Space   pause / resume",
		"Ctrl+.  stop training    Ctrl+I  open images",
		"Ctrl+1 … Ctrl+6  grid, images, samples, interpolation, vectors, anomalies",
		"Ctrl+[  training panel   Ctrl+]  point and tools panel",
		"Ctrl+R  resample the sample sheet    Ctrl+Q  quit",
		"",
		"Drag the point on the latent plane, or click to jump; hover to preview.",
		"Wheel or + / - zoom, Shift+drag or middle-drag pans, 0 fits the codes.",
		"Drop image files on the window to place them on the plane.",
	}
	if e.browser != nil {
		lines = []string{
			"Ctrl+N  new model        Ctrl+O  open a model file",
			"Ctrl+S  download the model",
			"Ctrl+T  train            Space   pause / resume",
			"Stop button  stop training    Ctrl+I  open images",
			"Ctrl+1 … Ctrl+6  grid, images, samples, interpolation, vectors, anomalies",
			"Ctrl+[  training panel   Ctrl+]  point and tools panel",
			"Ctrl+R  resample the sample sheet",
			"",
			"Drag the point on the latent plane, or click to jump; hover to preview.",
			"Wheel or + / - zoom, Shift+drag or middle-drag pans, 0 fits the codes.",
			"Drop image files on the page (or open them) to place them on the plane.",
		}
	}
	dialog.ShowInformation("Keyboard shortcuts", strings.Join(lines, "\n"), e.Window)
}
