package ui

import (
	"image/color"
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
)

// menuBar is the height the desktop driver's menu bar takes from the
// window (the test driver's canvas has none).
const menuBar = 30

func TestPlaneGetsTheSpaceAtEveryWindowSize(t *testing.T) {
	e, _ := newTestExplorer(t, newFakeModel(2, 500))
	for _, c := range []struct {
		w, h    float32
		minSide float32
	}{{1024, 768, 420}, {1280, 800, 520}, {1920, 1080, 800}} {
		e.Window.Resize(fyne.NewSize(c.w, c.h-menuBar))
		_, side := widgets.PlotRect(e.Plane.Size())
		if side < c.minSide {
			t.Errorf("at %vx%v the plotted square is %v px, want at least %v", c.w, c.h, side, c.minSide)
		}
		// The plane is the largest element: wider than either side panel.
		if l, r := e.shell.Width(sideLeft), e.shell.Width(sideRight); side <= l || side <= r {
			t.Errorf("at %vx%v the plane (%v) is not larger than the panels (%v, %v)", c.w, c.h, side, l, r)
		}
		t.Logf("%vx%v: plotted square %v px, panels %v and %v", c.w, c.h, side, e.shell.Width(sideLeft), e.shell.Width(sideRight))
	}
	// Hiding a side panel gives its width to the plane's area.
	e.Window.Resize(fyne.NewSize(1024, 768-menuBar))
	before := e.Plane.Size().Width
	e.shell.toggle(sideLeft)
	if e.Plane.Size().Width <= before || e.Train.Visible() && e.shell.Open(sideLeft) {
		t.Errorf("hiding the training panel: plane %v -> %v wide", before, e.Plane.Size().Width)
	}
	e.shell.toggle(sideLeft)
}

func TestWindowMinimumFitsTheSmallScreenWhateverItShows(t *testing.T) {
	e, loop := newTestExplorer(t, newFakeModel(2, 500))
	fits := func(what string) {
		t.Helper()
		loop.drain()
		min := e.Window.Content().MinSize()
		if min.Width > 1024 || min.Height > 768-menuBar {
			t.Errorf("%s: the window needs at least %v, more than a 1024x768 screen", what, min)
		}
	}
	fits("bundled model")
	// An 8-D model trained on Fashion-MNIST: eight sliders, the dimension
	// choosers and the long class names in the legend.
	m := measuredModel(t, 8, "fashion", 200)
	e.Models.Set(m, "")
	if len(e.PlaneCtl.Legend.Objects) != 10 || !e.Point.DimsRow.Visible() || len(e.Point.Sliders) != 8 {
		t.Fatalf("8-D Fashion model: %d legend entries, dims row %v, %d sliders", len(e.PlaneCtl.Legend.Objects), e.Point.DimsRow.Visible(), len(e.Point.Sliders))
	}
	fits("8-D Fashion model")
	long := "/home/someone/" + strings.Repeat("a-very-long-folder-name/", 20) + "data"
	e.Train.SetFolder(long)
	e.showError(errLong{strings.Repeat("a long message about what went wrong and what to do; ", 20)})
	fits("long folder name and status message")
	if e.Train.folderLb.Full != long {
		t.Errorf("the folder label lost the full path: %q", e.Train.folderLb.Full)
	}
}

type errLong struct{ s string }

func (e errLong) Error() string { return e.s }

// TestPanelWidthsOnlyFollowTheUser: a new model, a tool switch, training
// state and a long message leave the panels' widths alone; a divider drag
// changes them and is remembered.
func TestPanelWidthsOnlyFollowTheUser(t *testing.T) {
	e, loop := newTestExplorer(t, newFakeModel(2, 500))
	e.Window.Resize(fyne.NewSize(1280, 800-menuBar))
	widths := func() [3]float32 {
		return [3]float32{e.shell.Width(sideLeft), e.Plane.Size().Width, e.shell.Width(sideRight)}
	}
	w0 := widths()
	e.Models.Set(newFakeModel(8, 500), "")
	e.ShowTool(e.Vectors)
	e.Vectors.Kind.SetSelected(vecAttribute)
	e.Vectors.Kind.SetSelected(vecStored)
	e.Training.setState(trainRunning)
	e.Bar.ShowLoading(0.5, strings.Repeat("Downloading a very long file name ", 10))
	e.Training.setState(trainIdle)
	e.showError(errLong{strings.Repeat("long ", 200)})
	loop.drain()
	if w := widths(); w != w0 {
		t.Fatalf("panel widths moved from %v to %v without the user", w0, w)
	}
	// A drag of the divider, as the mouse makes it: remembered when it ends.
	d := e.shell.divs[sideLeft]
	d.Dragged(&fyne.DragEvent{Dragged: fyne.NewDelta(25, 0)})
	d.Dragged(&fyne.DragEvent{Dragged: fyne.NewDelta(15, 0)})
	d.DragEnd()
	if w := widths(); w[0] != w0[0]+40 || w[1] >= w0[1] {
		t.Fatalf("dragging the left divider by 40: widths %v -> %v", w0, w)
	}
	if p := e.prefs.FloatList(prefPanels); len(p) != 4 || float32(p[0]) != w0[0]+40 {
		t.Fatalf("the dragged width was not remembered: %v", p)
	}
}

func TestRememberedGeometryIsClamped(t *testing.T) {
	for _, c := range []struct {
		w, h float64
		ok   bool
	}{{1280, 800, true}, {1e30, 800, false}, {math.NaN(), 800, false}, {-5, 700, false}, {1000, 0, false}, {479, 600, false}} {
		w, h, ok := rememberedSize(c.w, c.h)
		if ok != c.ok || (!ok && (w != defaultWidth || h != defaultHeight)) || (ok && (float64(w) != c.w || float64(h) != c.h)) {
			t.Errorf("remembered %vx%v gave %vx%v (remembered %v)", c.w, c.h, w, h, ok)
		}
	}
	// A preferences file with absurd panel widths opens with automatic ones.
	a := newApp(t)
	a.Preferences().SetFloatList(prefPanels, []float64{1e30, math.NaN(), 1, 1})
	a.Preferences().SetFloat(prefWidth, 1e30)
	loop := newUILoop()
	e := newExplorer(a, &testEngine{}, Options{}, loop.do)
	defer closeExplorer(t, e, loop)
	if e.shell.width != [2]float32{} {
		t.Fatalf("absurd remembered panel widths were used: %v", e.shell.width)
	}
	if s := e.Window.Canvas().Size(); s.Width > maxWindow {
		t.Fatalf("window of %v from a remembered width of 1e30", s)
	}
}

// Switched at run time to the light theme (and back), the legend's names
// and the plane's axis labels are drawn in a colour that stands out from
// the background (the legend kept the dark theme's white before).
func TestThemeSwitchKeepsTheLabelsReadable(t *testing.T) {
	e, _ := newTestExplorer(t, newFakeModel(2, 100))
	for _, name := range []string{"light"} { // the theme the labels vanished in (each switch redraws everything: 1.5 s under -race)
		e.applyTheme(name)
		bg := luminance(theme.Color(theme.ColorNameBackground))
		var texts []*canvas.Text
		for _, o := range e.PlaneCtl.Legend.Objects {
			for _, c := range o.(*fyne.Container).Objects {
				if tx, ok := c.(*canvas.Text); ok {
					texts = append(texts, tx)
				}
			}
		}
		for _, o := range test.WidgetRenderer(e.Plane).Objects() {
			if tx, ok := o.(*canvas.Text); ok && tx.Text != "" {
				texts = append(texts, tx)
			}
		}
		if len(texts) < 12 {
			t.Fatalf("%s: only %d labels found", name, len(texts))
		}
		for _, tx := range texts {
			if d := math.Abs(luminance(tx.Color) - bg); d < 0.4 {
				t.Errorf("%s theme: label %q in %v on a background of luminance %.2f (difference %.2f)", name, tx.Text, tx.Color, bg, d)
			}
		}
	}
}

// luminance is a colour's relative luminance, 0 (black) to 1 (white).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// The model card's KL bars carry their dimension's index underneath (a
// bar chart of 8 dimensions said nothing of which bar was which).
func TestKLChartLabelsEachDimension(t *testing.T) {
	img := klChart([]float64{1, 0.1, 3, 0, 2, 0.5, 0, 4}, nil)
	for j := range 8 {
		ink := 0
		for y := 48; y < img.Bounds().Dy(); y++ {
			for x := j * 18; x < j*18+14; x++ {
				if img.RGBAAt(x, y).A != 0 {
					ink++
				}
			}
		}
		if ink < 5 {
			t.Errorf("dimension %d: %d pixels of label under its bar", j, ink)
		}
	}
}

// A tool opens at its own scroll position, not at the one the previous
// tool was left at, and no tool's scroll holds another scroll.
func TestAToolOpensAtItsTop(t *testing.T) {
	e, _ := newTestExplorer(t, newFakeModel(2, 100))
	e.Window.Resize(fyne.NewSize(1024, 600))
	e.ShowTool(e.Interp)
	sc, ok := e.Tools.Current().(*container.Scroll)
	if !ok {
		t.Fatalf("the path tool is in a %T, not a scroll", e.Tools.Current())
	}
	sc.Offset = fyne.NewPos(0, 120)
	sc.Refresh()
	e.ShowTool(e.Vectors)
	v, ok := e.Tools.Current().(*container.Scroll)
	if !ok || v == sc {
		t.Fatalf("the vectors tool is in %T, the path tool's scroll: %v", e.Tools.Current(), v == sc)
	}
	if v.Offset.Y != 0 {
		t.Fatalf("the vectors tool opened scrolled to %v", v.Offset.Y)
	}
	for _, tl := range e.tools.list {
		e.ShowTool(tl)
		if n := scrollsIn(e.Tools.Current()); n > 1 {
			t.Errorf("%s: %d scrolls, one inside another", tl.Name(), n)
		}
	}
}

// scrollsIn counts the vertical scrolls on the path to the deepest one in
// o's tree (an entry's sideways scroll does not take the wheel).
func scrollsIn(o fyne.CanvasObject) int {
	n := 0
	if sc, ok := o.(*container.Scroll); ok && (sc.Direction == container.ScrollBoth || sc.Direction == container.ScrollVerticalOnly) {
		n = 1
	}
	var kids []fyne.CanvasObject
	switch c := o.(type) {
	case *container.Scroll:
		kids = []fyne.CanvasObject{c.Content}
	case *fyne.Container:
		kids = c.Objects
	case *widget.Entry: // its text's scroll is Fyne's, one line
	case fyne.Widget:
		kids = test.WidgetRenderer(c).Objects()
	}
	deepest := 0
	for _, k := range kids {
		deepest = max(deepest, scrollsIn(k))
	}
	return n + deepest
}

// Opening a bundled model sets the training form to its shape, as opening
// a file does (the 8-D model left the form at the 2-D conv's settings).
func TestTheFormFollowsABundledModel(t *testing.T) {
	e, _ := newTestExplorer(t, nil)
	e.setStatus("Training stopped; the model keeps what it learnt so far.")
	e.Models.OpenBundled("8d")
	if st := e.Status(); !strings.HasPrefix(st, "Opened the bundled 8-D") {
		t.Errorf("status after opening the 8-D model: %q", st)
	}
	if e.Model().Latent() != 8 || e.Train.Latent.Text != "8" || e.Train.Arch.Selected != e.Model().Config().Arch {
		t.Fatalf("the 8-D model with the form at latent %s, %s", e.Train.Latent.Text, e.Train.Arch.Selected)
	}
}
