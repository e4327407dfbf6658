package ui

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae/imaging"
)

// What the plane shows under its point.
const (
	showScatter = "Scatter"
	showMap     = "Map"
	showBoth    = "Map and scatter"
)

// mapCells is how many decoded tiles span the plane: about one per 24
// points of its side, between 6 and 40.
func mapCells(side float32) int { return max(6, min(40, int(side/24))) }

// mapPoints returns the codes at the centres of an n x n grid of cells over
// view v, rows from the top: lift gives the code at plane coordinates
// (the point with its plane coordinates replaced).
func mapPoints(lift func(x, y float64) []float32, v widgets.View, n int) []float32 {
	var z []float32
	cell := 2 * v.Half / float64(n)
	for r := range n {
		for c := range n {
			z = append(z, lift(v.CX-v.Half+(float64(c)+0.5)*cell, v.CY+v.Half-(float64(r)+0.5)*cell)...)
		}
	}
	return z
}

// renderMap decodes the n x n cells over view v and tiles the images into
// one picture, n*side pixels square, aligned with the view.
func renderMap(m Model, lift func(x, y float64) []float32, v widgets.View, n int) (image.Image, error) {
	pix, err := m.Decode(mapPoints(lift, v, n))
	if err != nil {
		return nil, err
	}
	sh := m.Image()
	return imaging.TileC(pix, sh.Side, sh.Channels, n, 0), nil
}

// buildMapControls makes the choice of what the plane shows and, for map
// and scatter, the scatter's opacity over the map.
func (c *PlaneControl) buildMapControls() {
	show := widget.NewSelect([]string{showScatter, showMap, showBoth}, nil)
	show.PlaceHolder = showBoth // a select is as wide as its placeholder: the longest choice shows whole
	opacity := widget.NewSlider(0.1, 1)
	opacity.Step = 0.05
	opacity.SetValue(c.prefs.FloatWithFallback(prefOpacity, 0.6))
	opacity.OnChanged = func(a float64) {
		c.prefs.SetFloat(prefOpacity, a)
		if show.Selected == showBoth {
			c.plane.SetScatterOpacity(a)
		}
	}
	opacityRow := container.NewBorder(nil, nil, widget.NewLabel("scatter"), nil, opacity)
	show.OnChanged = func(mode string) {
		c.prefs.SetString(prefShow, mode)
		c.plane.ShowMap = mode != showScatter
		switch mode {
		case showMap:
			c.plane.SetScatterOpacity(0)
		case showBoth:
			c.plane.SetScatterOpacity(opacity.Value)
		default:
			c.plane.SetScatterOpacity(1)
		}
		if mode == showBoth {
			opacityRow.Show()
		} else {
			opacityRow.Hide()
		}
		c.updateMap()
	}
	c.Show = show
	show.SetSelected(c.prefs.StringWithFallback(prefShow, showScatter))
	c.Thumbs = widget.NewCheck("Thumbnails", c.SetThumbnails)
	c.Thumbs.Checked = c.prefs.Bool(prefThumbs)
	c.mapRow = container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel("Show"), show, c.Thumbs), nil, opacityRow)
}

// MapControls are the choice of what the plane shows and the scatter's
// opacity.
func (c *PlaneControl) MapControls() fyne.CanvasObject { return c.mapRow }

// updateMap redraws the decoded manifold under the scatter for the current
// view, weights and point, when it is shown: a coarse pass first, then the
// full one, each off the UI goroutine (the newest request wins).
func (c *PlaneControl) updateMap() {
	m := c.s.Model()
	if m == nil || !c.plane.ShowMap {
		c.plane.SetMap(nil, widgets.View{})
		return
	}
	c.mapGen++
	gen, v := c.mapGen, c.plane.View()
	c.mapBase = c.s.Point()
	lift := c.s.Lifter()
	_, side := widgets.PlotRect(c.plane.Size())
	n := mapCells(side)
	pass := func(cells int, then func()) func() func() {
		return func() func() {
			img, err := renderMap(m, lift, v, cells)
			return func() {
				if gen != c.mapGen || m != c.s.Model() {
					return // a newer view or model: its own passes are on their way
				}
				if err != nil {
					c.onErr(fmt.Errorf("map: %w", err))
					return
				}
				c.plane.SetMap(img, v)
				if then != nil {
					then()
				}
			}
		}
	}
	c.mapJobs.Run(pass(max(4, n/3), func() { c.mapJobs.Run(pass(n, nil)) }))
}
