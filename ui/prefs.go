package ui

import (
	"image/color"
	"reflect"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Preference keys.
const (
	prefWidth      = "window.width"
	prefHeight     = "window.height"
	prefLastModel  = "model.last"
	prefRecent     = "model.recent"
	prefFolder     = "data.folder"
	prefDataset    = "data.choice"
	prefTheme      = "view.theme"
	prefLogScale   = "view.logscale"
	prefHover      = "view.hover" // decode the point under the mouse
	prefShow       = "view.show"  // scatter, map or both
	prefOpacity    = "view.opacity"
	prefPCA        = "view.pca"        // principal components as the plane's axes (latent sizes above two)
	prefProjection = "view.projection" // the plane's axes: latent dimensions, PCA or UMAP
	prefThumbs     = "view.thumbnails" // the held-out images drawn instead of dots
	prefPanels     = "view.panels"     // left width, right width (0: automatic), left open, right open
	prefSections   = "view.sections"   // the left panel's sections open (1) or closed (0)
	prefForm       = "train.form"      // epochs|latent|hidden|batch|lr|beta|warmup|loss|limit|arch|decay|side|colour|prep|conditional
)

// Default window size, reduced to fit the screen.
const defaultWidth, defaultHeight = 1280, 800

// restoreWindowSize opens the window at its remembered size, never larger
// than the screen; at first launch it fills the screen (once the screen's
// size is known, when the app has started; started then runs too).
func (e *Explorer) restoreWindowSize(screen func() (int, int, bool), started func()) {
	w, h, remembered := rememberedSize(e.prefs.Float(prefWidth), e.prefs.Float(prefHeight))
	e.Window.Resize(fyne.NewSize(w, h))
	e.App.Lifecycle().SetOnStarted(func() {
		if started != nil {
			defer started()
		}
		if screen == nil {
			return
		}
		sw, sh, ok := screen()
		if !ok {
			return
		}
		scale := e.Window.Canvas().Scale()
		maxW, maxH := float32(sw)/scale, float32(sh)/scale
		if !remembered {
			w, h = maxW, maxH
		}
		if w > maxW || h > maxH || !remembered {
			e.Window.Resize(fyne.NewSize(min(w, maxW), min(h, maxH)))
		}
	})
}

// Bounds of a remembered window size: a preferences file holding 1e30 or
// NaN must not reach the window system (X refuses it and the app dies).
const minWindow, maxWindow = 480, 16384

// rememberedSize is the remembered window size when it is a sane one, else
// the default (remembered false).
func rememberedSize(w, h float64) (float32, float32, bool) {
	ok := func(v float64) bool { return v >= minWindow && v <= maxWindow } // false for NaN
	if !ok(w) || !ok(h) {
		return defaultWidth, defaultHeight, false
	}
	return float32(w), float32(h), true
}

// restorePanels applies the remembered side-panel widths and visibility,
// and remembers changes.
func (e *Explorer) restorePanels() {
	if p := e.prefs.FloatList(prefPanels); len(p) == 4 {
		for i := range 2 { // a width of 0 (automatic) or a sane one
			if w := p[i]; w >= 100 && w <= maxWindow {
				e.shell.width[i] = float32(w)
			}
		}
		e.shell.SetOpen(sideLeft, p[2] != 0)
		e.shell.SetOpen(sideRight, p[3] != 0)
	}
	e.shell.OnChanged = func() {
		b := func(on bool) float64 {
			if on {
				return 1
			}
			return 0
		}
		e.prefs.SetFloatList(prefPanels, []float64{float64(e.shell.width[0]), float64(e.shell.width[1]),
			b(e.shell.open[0]), b(e.shell.open[1])})
		e.refreshMenu()
	}
}

// restoreSections opens the left panel's sections as they were left: at
// first the model card and the dataset, the hyper-parameters closed (a
// first run trains with the defaults; whoever opens them finds them open
// next time).
func (e *Explorer) restoreSections() {
	open := []float64{1, 1, 0}
	if p := e.prefs.FloatList(prefSections); len(p) == len(e.sections.Items) {
		open = p
	}
	for i, it := range e.sections.Items {
		it.Open = open[i] != 0
	}
}

// saveSections remembers which sections are open (on closing: Fyne's
// accordion does not say when one opens).
func (e *Explorer) saveSections() {
	open := make([]float64, len(e.sections.Items))
	for i, it := range e.sections.Items {
		if it.Open {
			open[i] = 1
		}
	}
	e.prefs.SetFloatList(prefSections, open)
}

func (e *Explorer) saveForm() {
	p := e.Train
	e.prefs.SetStringList(prefForm, []string{p.Epochs.Text, p.Latent.Text, p.Hidden.Text, p.Batch.Text,
		p.LR.Text, p.Beta.Text, p.Warmup.Text, p.Loss.Selected, p.Limit.Text, p.Arch.Selected, strconv.FormatBool(p.Decay.Checked),
		p.Side.Text, p.Colour.Selected, p.Prep.Selected, strconv.FormatBool(p.Conditional.Checked)})
	e.prefs.SetString(prefDataset, p.Dataset.Selected)
	e.prefs.SetString(prefFolder, p.Folder)
}

func (e *Explorer) restoreForm() {
	p := e.Train
	if f := e.prefs.StringList(prefForm); len(f) >= 9 {
		if len(f) > 9 { // saved since the conv architecture
			p.Arch.SetSelected(f[9])
		}
		if len(f) > 10 { // since learning-rate decay
			p.Decay.SetChecked(f[10] == "true")
		}
		if len(f) > 13 { // since image folders
			p.Side.SetText(f[11])
			p.Colour.SetSelected(f[12])
			p.Prep.SetSelected(f[13])
		}
		if len(f) > 14 { // since conditional models
			p.Conditional.SetChecked(f[14] == "true")
		}
		for i, en := range []*widget.Entry{p.Epochs, p.Latent, p.Hidden, p.Batch, p.LR, p.Beta, p.Warmup} {
			en.SetText(f[i])
		}
		p.Loss.SetSelected(f[7])
		p.Limit.SetText(f[8])
	}
	if dir := e.prefs.String(prefFolder); dir != "" {
		p.Folder = dir
	}
	if c := e.prefs.String(prefDataset); c != "" {
		p.Dataset.SetSelected(c)
	}
	p.updateFolderRow()
}

// variantTheme forces the light or dark variant of the default theme.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

func (e *Explorer) applyTheme(name string) {
	var want fyne.Theme
	switch name {
	case "light":
		want = variantTheme{theme.DefaultTheme(), theme.VariantLight}
	case "dark":
		want = variantTheme{theme.DefaultTheme(), theme.VariantDark}
	default:
		name = "system"
		want = theme.DefaultTheme()
	}
	// Setting a theme clears Fyne's font and text-size caches and redraws
	// everything: not when the theme is already the one wanted.
	if !sameTheme(e.App.Settings().Theme(), want) {
		e.App.Settings().SetTheme(want)
	}
	e.prefs.SetString(prefTheme, name)
	if e.PlaneCtl != nil {
		e.PlaneCtl.ThemeChanged() // the legend's text is drawn in the theme's colour
	}
	e.refreshMenu()
}

// rememberedForm reports whether the training form has remembered
// settings (the first model then leaves them).
func (e *Explorer) rememberedForm() bool { return len(e.prefs.StringList(prefForm)) != 0 }

// requestClose is the user closing the window (or Ctrl+Q): it asks first
// when training would be lost.
func (e *Explorer) requestClose() {
	if !e.Session.Dirty() || e.closing {
		e.close()
		return
	}
	msg := "The model has training that is not saved. Quit anyway?"
	if e.Training.State() != trainIdle {
		msg = "Training is running and the model is not saved. Stop and quit anyway?"
	}
	dialog.ShowConfirm("Quit VAE Explorer", msg, func(ok bool) {
		if ok {
			e.close()
		}
	}, e.Window)
}

// Closing reports whether the window is closing (or closed).
func (e *Explorer) Closing() bool { return e.closing }

// close stops training, remembers the window and quits.
func (e *Explorer) close() {
	if e.closing {
		return
	}
	e.closing = true
	s := e.Window.Canvas().Size()
	e.prefs.SetFloat(prefWidth, float64(s.Width))
	e.prefs.SetFloat(prefHeight, float64(s.Height))
	e.saveForm()
	e.saveSections()
	e.trainingDone = e.Training.Close()
	e.Point.worker.Close()
	e.Interp.StopAnimation()
	e.PlaneCtl.stopUMAP()
	e.Window.Close()
}

// Close shuts the explorer down as closing its window does, and waits for
// the training goroutines to finish.
func (e *Explorer) Close() {
	e.close()
	<-e.trainingDone
}

// sameTheme reports whether a and b are the same theme value (false for
// themes that cannot be compared).
func sameTheme(a, b fyne.Theme) bool {
	if a == nil || b == nil {
		return a == b
	}
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb || !ta.Comparable() {
		return false
	}
	if v, ok := a.(variantTheme); ok {
		w := b.(variantTheme)
		return v.variant == w.variant && sameTheme(v.Theme, w.Theme)
	}
	return a == b
}
