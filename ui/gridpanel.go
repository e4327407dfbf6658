package ui

import (
	"fmt"
	"image"
	"image/png"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// GridPanel shows the decoded manifold: an n x n grid of decodes over two
// latent dimensions (linear range or Normal-quantile spacing), as one
// image, with controls and PNG export. Decoding runs off the UI goroutine.
type GridPanel struct {
	widget.BaseWidget

	View       *ImageView
	N          *widget.Slider
	nLabel     *widget.Label
	Spacing    *widget.RadioGroup
	RefreshBtn *widget.Button
	Export     *widget.Button

	win    fyne.Window
	do     func(func())        // runs a function on the UI goroutine
	spec   func() vae.GridSpec // the explorer supplies dims and base
	model  func() Model
	onErr  func(error)
	busy   bool
	redo   bool
	lastPx []float32 // decoded pixels of the shown grid, for export
	lastN  int
	box    fyne.CanvasObject
}

func newGridPanel(win fyne.Window, do func(func()), model func() Model, spec func() vae.GridSpec, onErr func(error)) *GridPanel {
	g := &GridPanel{win: win, do: do, model: model, spec: spec, onErr: onErr}
	g.View = NewImageView(nil, 240)
	g.N = widget.NewSlider(5, 40)
	g.N.Step = 1
	g.N.SetValue(20)
	g.nLabel = widget.NewLabel("20 x 20")
	g.N.OnChanged = func(v float64) {
		g.nLabel.SetText(fmt.Sprintf("%d x %d", int(v), int(v)))
	}
	g.N.OnChangeEnded = func(float64) { g.Update() }
	g.Spacing = widget.NewRadioGroup([]string{"Linear ±3", "Normal quantiles"}, func(string) { g.Update() })
	g.Spacing.Horizontal = true
	g.Spacing.SetSelected("Linear ±3")
	g.RefreshBtn = widget.NewButton("Refresh", g.Update)
	g.Export = widget.NewButton("Export PNG…", g.exportPNG)
	g.box = container.NewBorder(
		container.NewVBox(
			container.NewBorder(nil, nil, widget.NewLabel("Size"), g.nLabel, g.N),
			g.Spacing,
		),
		container.NewGridWithColumns(2, g.RefreshBtn, g.Export),
		nil, nil, g.View)
	g.ExtendBaseWidget(g)
	return g
}

// CreateRenderer lays out the view and its controls.
func (g *GridPanel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(g.box) }

// Spec is the grid the controls describe, over the explorer's dimensions.
func (g *GridPanel) Spec() vae.GridSpec {
	s := g.spec()
	s.N = int(g.N.Value)
	s.Range = 3
	if g.Spacing.Selected == "Normal quantiles" {
		s.Spacing = vae.Quantile
	}
	return s
}

// Update decodes the grid again on a goroutine. Calls while one runs
// coalesce into one more run.
func (g *GridPanel) Update() {
	if g.busy {
		g.redo = true
		return
	}
	m := g.model()
	if m == nil {
		return
	}
	spec := g.Spec()
	g.busy = true
	go func() {
		var pix []float32
		pts, err := spec.Points(m.Latent())
		if err == nil {
			pix, err = m.Decode(pts)
		}
		var img image.Image
		if err == nil {
			img = imaging.Tile(pix, imaging.Side, spec.N, 0)
		}
		g.do(func() {
			g.busy = false
			if err != nil {
				g.onErr(fmt.Errorf("latent grid: %w", err))
			} else {
				g.lastPx, g.lastN = pix, spec.N
				g.View.SetImage(img)
			}
			if g.redo {
				g.redo = false
				g.Update()
			}
		})
	}()
}

// exportPNG saves the shown grid, scaled up so it is readable.
func (g *GridPanel) exportPNG() {
	if g.lastPx == nil {
		return
	}
	pix, n := g.lastPx, g.lastN
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		img := imaging.Tile(pix, imaging.Side, n, 0)
		scale := int(math.Max(1, math.Round(800/float64(img.Bounds().Dx()))))
		if err := png.Encode(w, upscale(img, scale)); err != nil {
			g.onErr(fmt.Errorf("export %s: %w", w.URI().Path(), err))
		}
	}, g.win)
	d.SetFileName(fmt.Sprintf("latent-grid-%dx%d.png", n, n))
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	d.Show()
}

// upscale enlarges a grey image by an integer factor, nearest neighbour.
func upscale(src *image.Gray, k int) *image.Gray {
	if k <= 1 {
		return src
	}
	b := src.Bounds()
	dst := image.NewGray(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
	for y := 0; y < dst.Rect.Dy(); y++ {
		for x := 0; x < dst.Rect.Dx(); x++ {
			dst.Pix[y*dst.Stride+x] = src.Pix[(y/k)*src.Stride+x/k]
		}
	}
	return dst
}
