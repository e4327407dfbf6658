package ui

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// Traversal sheets sweep each dimension over ±traverseRange in
// traverseSteps columns (the CLI's traverse defaults).
const (
	traverseSteps = 9
	traverseRange = 3
)

// TraversalPanel is the traversal tool: for the current point, one row
// per latent dimension, most informative first and labelled with its KL,
// each sweeping that dimension from -3 to +3 with the others kept. A click
// on a tile moves the point to its code.
type TraversalPanel struct {
	widget.BaseWidget
	toolNames
	env  *toolEnv
	jobs *latest

	View   *widgets.ImageView
	Export *widget.Button
	Info   *widget.Label

	last  *vae.Traversal // what the shown sheet was decoded from
	shape vae.Shape
	img   image.Image
	box   fyne.CanvasObject
}

func newTraversalPanel(env *toolEnv) *TraversalPanel {
	p := &TraversalPanel{env: env, jobs: newLatest(env.do), toolNames: toolNames{"Traverse", "Traversals"}}
	p.View = widgets.NewImageView(nil, 280)
	p.View.OnTapped = p.tapped
	p.Export = widget.NewButton("Export PNG…", p.exportPNG)
	p.Info = widget.NewLabel("")
	p.Info.Wrapping = fyne.TextWrapWord
	p.box = container.NewBorder(nil, container.NewVBox(p.Info, p.Export), nil, nil, p.View)
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer lays out the sheet and its controls.
func (p *TraversalPanel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.box) }

func (p *TraversalPanel) Panel() fyne.CanvasObject { return p }

// ModelChanged and PointMoved decode the sheet again (when shown).
func (p *TraversalPanel) ModelChanged() { p.env.later(p, p.Update, true) }
func (p *TraversalPanel) PointMoved()   { p.env.later(p, p.Update, false) }

// Update decodes the sheet for the current point off the UI goroutine;
// the newest request wins.
func (p *TraversalPanel) Update() {
	m := p.env.session.Model()
	if m == nil {
		return
	}
	z := p.env.session.Point()
	p.jobs.Run(func() func() {
		tr, err := vae.NewTraversal(m, z, nil, traverseSteps, traverseRange)
		var img image.Image
		sh := m.Image()
		if err == nil {
			var pix []float32
			if pix, err = m.Decode(tr.Codes); err == nil {
				labels := make([]string, len(tr.Dims))
				for r := range labels {
					labels[r] = tr.Label(r)
				}
				img = imaging.LabelledRows(pix, sh.Side, sh.Channels, tr.Steps, labels)
			}
		}
		return func() {
			if err != nil {
				p.env.onErr(fmt.Errorf("traversals: %w", err))
				return
			}
			p.last, p.shape, p.img = tr, sh, img
			p.View.SetImage(img)
			what := "by KL (nats)"
			if tr.KL == nil {
				what = "in index order"
			}
			p.Info.SetText(fmt.Sprintf("A row per dimension, %s, swept -%d…+%d from the point. Click a tile to go there.", what, traverseRange, traverseRange))
		}
	})
}

// Shown decodes the sheet when the tool opens without one.
func (p *TraversalPanel) Shown() {
	if p.last == nil {
		p.Update()
	}
}

// cellAt is the row and column of the tile at (fx, fy) of the sheet, or
// ok false on the labels or a gap.
func (p *TraversalPanel) cellAt(fx, fy float64) (r, c int, ok bool) {
	if p.last == nil || p.img == nil {
		return 0, 0, false
	}
	const pad = 2
	b := p.img.Bounds()
	side := p.shape.Side
	tilesW := p.last.Steps*(side+pad) - pad
	x := int(fx*float64(b.Dx())) - (b.Dx() - tilesW)
	y := int(fy * float64(b.Dy()))
	if x < 0 || x%(side+pad) >= side || y%(side+pad) >= side {
		return 0, 0, false
	}
	r, c = y/(side+pad), x/(side+pad)
	return r, c, r < len(p.last.Dims) && c < p.last.Steps
}

// tapped moves the point to the tile's code.
func (p *TraversalPanel) tapped(fx, fy float64) {
	r, c, ok := p.cellAt(fx, fy)
	if !ok {
		return
	}
	z := append([]float32(nil), p.last.Code(r, c)...)
	p.env.session.SetPoint(z, PointChange{Interactive: true})
	p.env.status(fmt.Sprintf("Traversal: z%d = %.2f, the point is at %s", p.last.Dims[r], p.last.Value(c), fmtVec(z)))
}

// exportPNG saves the shown sheet.
func (p *TraversalPanel) exportPNG() {
	if p.img == nil {
		return
	}
	savePNGDialog(p.env, "traversals.png", p.img)
}
