package ui

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

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
func mapPoints(lift func(x, y float64) []float32, v View, n int) []float32 {
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
func renderMap(m Model, lift func(x, y float64) []float32, v View, n int) (image.Image, error) {
	pix, err := m.Decode(mapPoints(lift, v, n))
	if err != nil {
		return nil, err
	}
	sh := m.Image()
	return imaging.TileC(pix, sh.Side, sh.Channels, n, 0), nil
}

// mapControls are the choice of what the plane shows and the scatter's
// opacity over the map.
func (e *Explorer) mapControls() fyne.CanvasObject {
	show := widget.NewSelect([]string{showScatter, showMap, showBoth}, nil)
	opacity := widget.NewSlider(0.1, 1)
	opacity.Step = 0.05
	opacity.SetValue(e.prefs.FloatWithFallback(prefOpacity, 0.6))
	opacity.OnChanged = func(a float64) {
		e.prefs.SetFloat(prefOpacity, a)
		if show.Selected == showBoth {
			e.Plane.SetScatterOpacity(a)
		}
	}
	opacityRow := container.NewBorder(nil, nil, widget.NewLabel("scatter"), nil, opacity)
	show.OnChanged = func(mode string) {
		e.prefs.SetString(prefShow, mode)
		e.Plane.ShowMap = mode != showScatter
		switch mode {
		case showMap:
			e.Plane.SetScatterOpacity(0)
		case showBoth:
			e.Plane.SetScatterOpacity(opacity.Value)
		default:
			e.Plane.SetScatterOpacity(1)
		}
		if mode == showBoth {
			opacityRow.Show()
		} else {
			opacityRow.Hide()
		}
		e.updateMap()
	}
	e.mapShow = show
	show.SetSelected(e.prefs.StringWithFallback(prefShow, showScatter))
	return container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel("Show"), show), nil, opacityRow)
}

// updateMap redraws the decoded manifold under the scatter for the current
// view, weights and point, when it is shown: a coarse pass first, then the
// full one, each off the UI goroutine (the newest request wins).
func (e *Explorer) updateMap() {
	m := e.Session.Model()
	if m == nil || !e.Plane.ShowMap {
		e.Plane.SetMap(nil, View{})
		return
	}
	e.mapGen++
	gen, v := e.mapGen, e.Plane.View()
	e.mapBase = e.Session.Point()
	lift := e.Session.Lifter()
	_, side := plotRect(e.Plane.Size())
	n := mapCells(side)
	pass := func(cells int, then func()) func() func() {
		return func() func() {
			img, err := renderMap(m, lift, v, cells)
			return func() {
				if gen != e.mapGen || m != e.Session.Model() {
					return // a newer view or model: its own passes are on their way
				}
				if err != nil {
					e.showError(fmt.Errorf("map: %w", err))
					return
				}
				e.Plane.SetMap(img, v)
				if then != nil {
					then()
				}
			}
		}
	}
	e.mapJobs.Run(pass(max(4, n/3), func() { e.mapJobs.Run(pass(n, nil)) }))
}
