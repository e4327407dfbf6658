package ui

import (
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae/dataset"
)

// PlaneControl is the latent plane's controller. It alone changes what
// the plane shows around the point: the held-out codes and their legend,
// the analysed images' marks, the decoded map under them (its jobs and
// what it was drawn for), the projection (latent axes or principal
// components, which it sets on the session), the code the mouse hovers,
// what a click on a code picks, and the shown tool's overlay. It follows
// the session; views follow it.
type PlaneControl struct {
	s      *Session
	plane  *widgets.LatentPlane
	prefs  fyne.Preferences
	status func(string)
	onErr  func(error)
	// Legend lists the scatter's classes with their colours.
	Legend *fyne.Container
	// Show chooses what the plane shows: scatter, map, or both.
	Show   *widget.Select
	mapRow fyne.CanvasObject

	// OnHoverChanged runs when the hovered code changes (nil: none).
	OnHoverChanged func()
	// OnLassoed runs after a lasso on the plane selected held-out codes.
	OnLassoed func()
	// OnPicked runs after a click moved the point to held-out code i:
	// its label's name, and its image when the dataset is loaded.
	OnPicked func(i int, name string, img image.Image)
	// data is the loaded dataset, if any (a picked code's image,
	// thumbnails); load loads the one the training panel names.
	data func() *dataset.Data
	load func(done func(*dataset.Data, error))
	// Thumbs draws the held-out images instead of dots (remembered).
	Thumbs    *widget.Check
	OnThumbs  func() // thumbnails were turned on or off
	thumbErr  string // why thumbnails are not shown, last said
	thumbLoad Model  // the model data was last loaded for, for thumbnails

	mapJobs  *latest
	mapGen   int       // bumped per map request; older passes are dropped
	mapBase  []float32 // the point the map was drawn at (its other dimensions matter when L > 2)
	projMode string    // the axes the user chose: axesLatent, axesPCA or axesUMAP
	do       func(func())
	umap     umapJob   // the UMAP layout being computed, if any
	hoverZ   []float32 // the hovered code, nil when none
	overlay  Overlay
}

func newPlaneControl(s *Session, plane *widgets.LatentPlane, prefs fyne.Preferences, do func(func()), status func(string), onErr func(error), data func() *dataset.Data) *PlaneControl {
	c := &PlaneControl{s: s, plane: plane, prefs: prefs, status: status, onErr: onErr, data: data, mapJobs: newLatest(do), do: do}
	c.projMode = prefs.String(prefProjection)
	if c.projMode == "" && prefs.Bool(prefPCA) { // set by an earlier version
		c.projMode = axesPCA
	}
	c.Legend = container.NewGridWrap(fyne.NewSize(60, 18))
	plane.OnChanged = func(x, y float64) { s.SetXY(float32(x), float32(y), PointChange{Interactive: true}) }
	plane.OnHover = c.hover
	plane.OnViewChanged = c.updateMap
	plane.OnPick = c.pick
	plane.OnLasso = c.lasso
	s.OnSelection(c.showSelection)
	c.buildMapControls()
	s.OnModel(c.modelChanged)
	s.OnWeights(func() {
		c.weightsMoved() // the codes moved: so did their principal components or layout
		c.refreshScatter()
		c.updateMap()
	})
	s.OnPoint(func(PointChange) {
		c.hoverZ = nil // the user moved the point: the decoded view shows it, not a preview
		plane.SetPoint(s.PlanePoint())
		if plane.ShowMap && c.offPlaneMoved() { // a drag in the plane leaves the map alone
			c.updateMap()
		}
	})
	s.OnDims(func() {
		c.showAxes()
		c.refreshScatter() // which follows the codes unless the user zoomed
		c.updateMap()
		c.refreshMarks()
		c.showOverlay()
	})
	s.OnDrops(c.refreshMarks)
	s.OnClass(c.updateMap) // the map draws the class chosen
	return c
}

func (c *PlaneControl) modelChanged() {
	c.hoverZ = nil // the decoded view shows the point with the new model
	c.updateProjection()
	c.showAxes()
	c.refreshMarks()
	c.refreshScatter()
	c.plane.Fit()
	c.updateMap()
}

// showAxes names the plane's axes (latent dimensions or principal
// components) and shows the point on them.
func (c *PlaneControl) showAxes() {
	c.plane.XLabel, c.plane.YLabel = c.s.AxisNames()
	if c.s.Latent() > 0 {
		c.plane.SetPoint(c.s.PlanePoint())
	}
}

// ---- hover -------------------------------------------------------------------

// Hovered is the code the mouse hovers over, nil when none (or hover
// decoding is off).
func (c *PlaneControl) Hovered() []float32 { return c.hoverZ }

func (c *PlaneControl) setHover(z []float32) {
	if z == nil && c.hoverZ == nil {
		return
	}
	c.hoverZ = z
	if c.OnHoverChanged != nil {
		c.OnHoverChanged()
	}
}

// hover previews the code under the mouse (the point with the plane's
// two coordinates replaced); leaving the plane shows the point again. Off
// when the View menu says so.
func (c *PlaneControl) hover(x, y float64, in bool) {
	if !in || !c.prefs.BoolWithFallback(prefHover, true) {
		c.setHover(nil)
		return
	}
	if c.s.Latent() == 0 {
		return
	}
	c.setHover(c.s.Lift(c.s.Point(), x, y))
}

// ---- scatter, legend, marks ----------------------------------------------------

// refreshScatter shows the held-out codes on the plane and their classes
// in the legend.
func (c *PlaneControl) refreshScatter() {
	m := c.s.Model()
	if m == nil {
		return
	}
	h := m.HeldOut()
	if h == nil || len(h.Labels) == 0 {
		c.plane.SetScatter(nil, nil)
		c.plane.SetThumbnails(nil)
		c.Legend.Objects = nil
		c.Legend.Refresh()
		return
	}
	L := m.Latent()
	xy := make([]float32, 2*len(h.Labels))
	for i := range h.Labels {
		x, y := c.s.ToPlane(h.Means[i*L : (i+1)*L])
		xy[2*i], xy[2*i+1] = float32(x), float32(y)
	}
	c.plane.SetScatter(xy, h.Labels)
	c.showSelection()
	c.refreshThumbs()
	c.plane.AutoFit() // the codes move as the model learns: follow them unless the user chose a view
	c.setLegend(h.Labels, classNames(m.Config()))
}

// setLegend lists the classes present, each with its colour. Entries wrap
// into rows of equal cells, so a long class list never widens the window.
func (c *PlaneControl) setLegend(labels []uint8, names []string) {
	var seen [256]bool
	for _, l := range labels {
		seen[l] = true
	}
	var objs []fyne.CanvasObject
	cell := float32(0)
	for l := range 256 {
		if !seen[l] {
			continue
		}
		name := fmt.Sprint(l)
		if l < len(names) {
			name = names[l]
		}
		t := canvas.NewText(name, theme.Color(theme.ColorNameForeground))
		t.TextSize = theme.CaptionTextSize()
		cell = max(cell, fyne.MeasureText(name, t.TextSize, t.TextStyle).Width+22)
		objs = append(objs, container.NewHBox(container.NewGridWrap(fyne.NewSquareSize(10), canvas.NewCircle(widgets.ClassColour(uint8(l)))), t))
	}
	c.Legend.Layout = layout.NewGridWrapLayout(fyne.NewSize(min(cell, 160), 18))
	c.Legend.Objects = objs
	c.Legend.Refresh()
}

// ThemeChanged draws the legend's names in the new theme's text colour
// (they were invisible on the light theme's background).
func (c *PlaneControl) ThemeChanged() {
	fg := theme.Color(theme.ColorNameForeground)
	for _, o := range c.Legend.Objects {
		for _, t := range o.(*fyne.Container).Objects {
			if t, ok := t.(*canvas.Text); ok {
				t.Color = fg
				t.Refresh()
			}
		}
	}
}

// refreshMarks places the analysed images' marks on the plane.
func (c *PlaneControl) refreshMarks() {
	var marks []widgets.Mark
	for _, a := range c.s.Drops() {
		if len(a.Mean) != c.s.Latent() {
			continue
		}
		x, y := c.s.ToPlane(a.Mean)
		sx, sy := c.s.PlaneSD(a.Logvar)
		marks = append(marks, widgets.Mark{X: x, Y: y, SX: sx, SY: sy,
			Label: strings.TrimSuffix(filepath.Base(a.Path), filepath.Ext(a.Path))})
	}
	c.plane.SetMarks(marks)
}

// ---- projection ------------------------------------------------------------------

// ---- overlays ------------------------------------------------------------------

// SetOverlay draws o (a tool's arrow and path, in codes) on the plane,
// projected on its axes; the zero Overlay clears it.
func (c *PlaneControl) SetOverlay(o Overlay) {
	c.overlay = o
	c.showOverlay()
}

func (c *PlaneControl) showOverlay() {
	o, s := c.overlay, c.s
	L := s.Latent()
	if o.From != nil && len(o.From) == L && len(o.To) == L {
		x0, y0 := s.ToPlane(o.From)
		x1, y1 := s.ToPlane(o.To)
		c.plane.SetArrow(&widgets.Arrow{X0: x0, Y0: y0, X1: x1, Y1: y1})
	} else {
		c.plane.SetArrow(nil)
	}
	if o.Path == nil || L == 0 {
		c.plane.SetPath(nil)
		return
	}
	xy := make([]float64, 0, 2*len(o.Path)/L)
	for i := 0; (i+1)*L <= len(o.Path); i++ {
		x, y := s.ToPlane(o.Path[i*L : (i+1)*L])
		xy = append(xy, x, y)
	}
	c.plane.SetPath(xy)
}

// ---- picks -------------------------------------------------------------------------

// pick is a click on a held-out code in the scatter: the point moves to it
// and the status line says which image it is.
func (c *PlaneControl) pick(i int) {
	m := c.s.Model()
	h := m.HeldOut()
	L := m.Latent()
	if h == nil || (i+1)*L > len(h.Means) {
		return
	}
	c.s.SetPoint(h.Means[i*L:(i+1)*L], PointChange{Interactive: true, Picked: true})
	name := fmt.Sprint(h.Labels[i])
	if names := classNames(m.Config()); int(h.Labels[i]) < len(names) {
		name = names[h.Labels[i]]
	}
	// The image itself, when the model's held-out set is loaded (the
	// model stores only the codes).
	var img image.Image
	if set, err := c.heldOutImages(); err == nil && i < set.N {
		img = set.Picture(i)
	}
	if c.OnPicked != nil {
		c.OnPicked(i, name, img)
	}
	c.status(fmt.Sprintf("Held-out image #%d, a %s: the point is at its code; the decoded image is its reconstruction", i, name))
}

// lasso selects the held-out codes inside the polygon the user drew
// (keeping the second selection).
func (c *PlaneControl) lasso(poly []float64) {
	idx := c.plane.PointsIn(poly)
	_, b := c.s.Selection()
	c.s.SetSelection(idx, b)
	c.status(fmt.Sprintf("%d held-out images selected (Ctrl+drag again to select others; the Selection tool shows them)", len(idx)))
	if c.OnLassoed != nil {
		c.OnLassoed()
	}
}

// showSelection rings the selected codes on the plane.
func (c *PlaneControl) showSelection() {
	a, b := c.s.Selection()
	c.plane.SetSelection(a, b)
}

// offPlaneMoved reports whether the point's part off the plane (which the
// map holds fixed) moved since the map was drawn.
func (c *PlaneControl) offPlaneMoved() bool {
	now := c.s.Point()
	if len(c.mapBase) != len(now) {
		return len(now) > 2
	}
	return !slices.Equal(c.s.Lift(c.mapBase, 0, 0), c.s.Lift(now, 0, 0))
}
