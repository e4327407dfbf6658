package ui

import (
	"fmt"
	"image"

	xdraw "golang.org/x/image/draw"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// GridPanel shows the decoded manifold: an n x n grid of decodes over two
// latent dimensions (linear range or Normal-quantile spacing), as one
// image, with controls and PNG export. Decoding runs off the UI goroutine.
type GridPanel struct {
	widget.BaseWidget
	toolNames

	View       *widgets.ImageView
	N          *widget.Slider
	nLabel     *widget.Label
	Spacing    *widget.RadioGroup
	RefreshBtn *widget.Button
	Export     *widget.Button

	env    *toolEnv
	jobs   *latest
	lastPx []float32 // decoded pixels of the shown grid, for export
	lastN  int
	// lastPts are the shown tiles' codes, row by row from the top.
	lastPts []float32
	// lastShape is its images' shape.
	lastShape vae.Shape
	// base is the point's other coordinates the shown grid was decoded
	// with (they matter when the latent space has more than two).
	base []float32
	box  fyne.CanvasObject
	mode *widget.Label // what the grid spans, on a projection
}

func newGridPanel(env *toolEnv) *GridPanel {
	g := &GridPanel{env: env, jobs: newLatest(env.do), toolNames: toolNames{"Grid", "Latent grid"}}
	g.View = widgets.NewImageView(nil, 120) // grows to fill the tool area
	g.View.OnTapped = g.tapped
	g.N = widget.NewSlider(5, 40)
	g.N.Step = 1
	g.N.Value = 20 // set directly: the renderer is built once, when shown
	g.nLabel = widget.NewLabel("20 x 20")
	g.N.OnChanged = func(v float64) {
		g.nLabel.SetText(fmt.Sprintf("%d x %d", int(v), int(v)))
	}
	g.N.OnChangeEnded = func(float64) { g.Update() }
	g.Spacing = widget.NewRadioGroup([]string{"Linear ±3", "Normal quantiles"}, func(string) { g.Update() })
	g.Spacing.Selected = "Linear ±3"
	g.RefreshBtn = widget.NewButton("Refresh", g.Update)
	g.Export = widget.NewButton("Export PNG…", g.exportPNG)
	g.mode = widget.NewLabel("")
	g.mode.Wrapping = fyne.TextWrapWord
	g.mode.SizeName = theme.SizeNameCaptionText
	g.mode.Hide()
	g.box = container.NewBorder(
		container.NewVBox(
			container.NewBorder(nil, nil, widget.NewLabel("Size"), g.nLabel, g.N),
			g.Spacing,
			g.mode,
		),
		container.NewGridWithColumns(2, g.RefreshBtn, g.Export),
		nil, nil, g.View)
	g.ExtendBaseWidget(g)
	return g
}

// CreateRenderer lays out the view and its controls.
func (g *GridPanel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(g.box) }

func (g *GridPanel) Panel() fyne.CanvasObject { return g }

// ModelChanged and DimsChanged decode the grid again (when shown);
// PointMoved only when the point moved off the plane.
func (g *GridPanel) ModelChanged() { g.env.later(g, g.Update, true) }

// DimsChanged decodes the grid over the new axes; a layout still
// converging is waited for (each of its reports would decode the grid
// again: seconds in a page).
func (g *GridPanel) DimsChanged() {
	if !g.env.session.ProjectionInterim() {
		g.env.later(g, g.Update, true)
	}
}
func (g *GridPanel) PointMoved() { g.env.later(g, g.pointMoved, false) }

// ViewChanged follows the plane's zoom and pan when the grid spans the
// plane's view (on a projection).
func (g *GridPanel) ViewChanged() {
	if g.env.session.Projection() != nil && !g.env.session.ProjectionInterim() {
		g.env.later(g, g.Update, true)
	}
}

// Spec is the grid the controls describe, over the session's dimensions
// at its point.
func (g *GridPanel) Spec() vae.GridSpec {
	x, y := g.env.session.Dims()
	s := vae.GridSpec{DimX: x, DimY: y, Base: g.env.session.Point()}
	s.N = int(g.N.Value)
	s.Range = 3
	if g.Spacing.Selected == "Normal quantiles" {
		s.Spacing = vae.Quantile
	}
	return s
}

// pointMoved decodes the grid again when the point's coordinates off the
// plane (which the grid holds fixed) moved.
func (g *GridPanel) pointMoved() {
	x, y := g.env.session.Dims()
	z := g.env.session.Point()
	if len(z) != len(g.base) {
		return // a new model: Update follows
	}
	for i := range z {
		if i != x && i != y && z[i] != g.base[i] {
			g.Update()
			return
		}
	}
}

// Update decodes the grid again off the UI goroutine; the newest request
// wins.
func (g *GridPanel) Update() {
	m := g.env.session.Model()
	if m == nil {
		return
	}
	spec := g.Spec()
	g.base = spec.Base
	// On a projection (PCA, UMAP, t-SNE) the grid spans the plane's view,
	// each tile the code the plane lifts its centre to, as the map does.
	lift, view := g.env.session.Lifter(), g.env.view()
	onPlane := g.env.session.Projection() != nil
	g.showMode(onPlane)
	g.jobs.Run(func() func() {
		var pix, pts []float32
		var err error
		if onPlane {
			pts = mapPoints(lift, view, spec.N)
		} else {
			pts, err = spec.Points(m.Latent())
		}
		if err == nil {
			pix, err = m.Decode(pts)
		}
		var img image.Image
		sh := m.Image()
		if err == nil {
			img = imaging.TileC(pix, sh.Side, sh.Channels, spec.N, 0)
		}
		return func() {
			if err != nil {
				g.env.onErr(fmt.Errorf("latent grid: %w", err))
				return
			}
			g.lastPx, g.lastN, g.lastPts, g.lastShape = pix, spec.N, pts, sh
			g.View.SetImage(img)
		}
	})
}

// showMode says what the grid spans: the two latent axes at the chosen
// spacing, or the plane's view of a projection (the spacing then does
// not apply).
func (g *GridPanel) showMode(onPlane bool) {
	if onPlane {
		x, y := g.env.session.AxisNames()
		g.mode.SetText(fmt.Sprintf("Over the plane's view, %s by %s: it follows zoom and pan", x, y))
		g.mode.Show()
		g.Spacing.Hide()
		return
	}
	g.mode.Hide()
	g.Spacing.Show()
}

// tapped moves the point to the code of the tile the user clicked.
func (g *GridPanel) tapped(fx, fy float64) {
	m := g.env.session.Model()
	n := g.lastN
	if m == nil || g.lastPx == nil || n == 0 {
		return
	}
	L := m.Latent()
	i := widgets.CellAt(g.View.Image, fx, fy, g.lastShape.Side, 0, n)
	if i < 0 || i >= n*n || (i+1)*L > len(g.lastPts) {
		return
	}
	z := g.lastPts[i*L : (i+1)*L]
	g.env.session.SetPoint(z, PointChange{Interactive: true})
	g.env.status(fmt.Sprintf("Grid tile row %d, column %d of %d: the point is at its code %s", i/n+1, i%n+1, n, fmtVec(z)))
}

// exportPNG saves the shown grid, scaled up so it is readable.
func (g *GridPanel) exportPNG() {
	if g.lastPx == nil {
		return
	}
	pix, n, sh := g.lastPx, g.lastN, g.lastShape
	img := imaging.TileC(pix, sh.Side, sh.Channels, n, 0)
	savePNGDialog(g.env, fmt.Sprintf("latent-grid-%dx%d.png", n, n), img)
}

// upscale enlarges an image by an integer factor, nearest neighbour: grey
// stays grey.
func upscale(src image.Image, k int) image.Image {
	if k <= 1 {
		return src
	}
	b := src.Bounds()
	r := image.Rect(0, 0, b.Dx()*k, b.Dy()*k)
	if g, ok := src.(*image.Gray); ok {
		dst := image.NewGray(r)
		for y := 0; y < dst.Rect.Dy(); y++ {
			for x := 0; x < dst.Rect.Dx(); x++ {
				dst.Pix[y*dst.Stride+x] = g.Pix[(y/k)*g.Stride+x/k]
			}
		}
		return dst
	}
	dst := image.NewRGBA(r) // as the GPU takes it: no conversion per upload
	xdraw.NearestNeighbor.Scale(dst, r, src, b, xdraw.Src, nil)
	return dst
}
