package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
)

// menu builds the main menu. It is also the shortcut table: shortcuts()
// registers every menu item's shortcut on the canvas, so a key and its
// menu entry can never disagree.
func (e *Explorer) menu() *fyne.MainMenu {
	var bundled []*fyne.MenuItem
	for _, b := range e.engine.Bundles() {
		bundled = append(bundled, item(b.Label, nil, func() { e.Models.OpenBundled(b.Kind) }))
	}
	before, after := e.docs.fileItems()
	model := fyne.NewMenu("Model", slices.Concat(before, bundled, []*fyne.MenuItem{fyne.NewMenuItemSeparator()}, after)...)
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
		e.PlaneCtl.hover(0, 0, false)
		e.refreshMenu()
	})
	hover.Checked = e.prefs.BoolWithFallback(prefHover, true)
	thumbs := fyne.NewMenuItem("Thumbnails of held-out images", func() { e.PlaneCtl.SetThumbnails(!e.prefs.Bool(prefThumbs)) })
	thumbs.Checked = e.prefs.Bool(prefThumbs)
	view := fyne.NewMenu("View",
		hover,
		thumbs,
		fyne.NewMenuItem("Zoom in   (+)", func() { e.Plane.Zoom(1.25) }),
		fyne.NewMenuItem("Zoom out   (-)", func() { e.Plane.Zoom(0.8) }),
		fyne.NewMenuItem("Fit the codes   (0)", e.Plane.Fit),
		fyne.NewMenuItemSeparator(),
		panel("Model and training panel", sideLeft, fyne.KeyLeftBracket),
		panel("Point and tools panel", sideRight, fyne.KeyRightBracket),
		fyne.NewMenuItemSeparator(),
		themeItem("system"), themeItem("light"), themeItem("dark"))
	train := fyne.NewMenu("Training",
		item("Train", ctrl(fyne.KeyT), e.StartTraining),
		item("Pause / Resume   (Space)", nil, e.TogglePause),
		item("Stop", e.docs.stopKey(), e.StopTraining),
	)
	images := fyne.NewMenu("Images", item("Open images…", ctrl(fyne.KeyI), e.docs.openImages))
	augment := item("Export augmented images…", nil, e.showAugment)
	if !e.docs.folders() {
		augment = unavailable(desktopOnly("Export augmented images…"))
	}
	tools := fyne.NewMenu("Tools")
	for i, t := range e.tools.list {
		tools.Items = append(tools.Items, item(t.Title(), ctrl(fyne.KeyName(fmt.Sprint(i+1))), func() { e.ShowTool(t) }))
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

// resample shows the sample sheet with a new seed.
func (e *Explorer) resample() {
	e.ShowTool(e.Samples)
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
	// Space pauses and resumes, +, - and 0 zoom the plane, when no
	// widget has the focus; Enter and Escape answer a dialog.
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if overlayKey(c, k) {
			return
		}
		if k.Name == fyne.KeySpace {
			e.TogglePause()
		}
	})
	c.SetOnTypedRune(func(r rune) {
		if c.Overlays().Top() != nil {
			return
		}
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
	lines := append(e.docs.shortcutLines(),
		fmt.Sprintf("Ctrl+1 … Ctrl+%d  %s", len(e.tools.list), toolList(e.tools.list)),
		"Ctrl+[  model and training panel   Ctrl+]  point and tools panel",
		"Ctrl+R  resample the sample sheet",
		"",
		"Drag the point on the latent plane, or click to jump; hover to preview.",
		"Wheel or + / - zoom, Shift+drag or middle-drag pans, 0 fits the codes.",
		"Drop image files on the "+e.docs.where()+" (or open them) to place them on the plane.",
	)
	dialog.ShowInformation("Keyboard shortcuts", strings.Join(lines, "\n"), e.Window)
}

// toolList names the tools in order, as the shortcuts help lists them.
func toolList(tools []tool) string {
	names := make([]string, len(tools))
	for i, t := range tools {
		names[i] = strings.ToLower(t.Title())
	}
	return strings.Join(names, ", ")
}
