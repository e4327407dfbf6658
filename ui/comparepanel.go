package ui

import (
	"fmt"
	"image"
	"path/filepath"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// ComparePanel is the compare tool: a second model of the same latent
// size beside the session's, both decoding the same point and the same
// traversal of one dimension, with each model's KL per dimension and, on
// data with attributes, its MIG. It answers what β = 4 changed against
// β = 1. The second model is this tool's alone; the session's model
// stays what the rest of the window explores.
type ComparePanel struct {
	widget.BaseWidget
	toolNames
	env  *toolEnv
	jobs *latest
	// load opens a model file; data is the loaded dataset (for the MIG).
	load func(path string) (Model, error)
	data func() *dataset.Data

	OpenBtn      *widget.Button
	Dim          *widget.Select
	Info         *widget.Label
	A, B         *widgets.ImageView // the point decoded by each
	RowA, RowB   *widgets.ImageView // the traversal decoded by each
	KLA, KLB     *widgets.ImageView
	NameA, NameB *widget.Label // the two models' names
	Summary      *widget.Label // their shapes, -ELBO and MIG
	other        Model
	otherName    string
	lastA, lastB []float32 // the decodes shown (the point's), for tests
	box          fyne.CanvasObject
}

func newComparePanel(env *toolEnv, load func(string) (Model, error), data func() *dataset.Data) *ComparePanel {
	p := &ComparePanel{env: env, jobs: newLatest(env.do), load: load, data: data, toolNames: toolNames{"Compare", "Compare two models"}}
	p.OpenBtn = widget.NewButtonWithIcon("Open second model…", theme.FolderOpenIcon(), p.choose)
	if !env.docs.folders() {
		p.OpenBtn.SetText(desktopOnly("Open second model"))
		p.OpenBtn.Disable()
	}
	p.Dim = widget.NewSelect(nil, func(string) { p.Update() })
	p.Dim.PlaceHolder = "z00"
	p.Info = widget.NewLabel("Open a second model of the same latent size: both decode the same point and the same traversal, side by side.")
	p.Info.Wrapping = fyne.TextWrapWord
	p.A, p.B = widgets.NewImageView(nil, 72), widgets.NewImageView(nil, 72)
	p.RowA, p.RowB = widgets.NewImageView(nil, 24), widgets.NewImageView(nil, 24)
	p.KLA, p.KLB = widgets.NewImageView(nil, 40), widgets.NewImageView(nil, 40)
	p.NameA, p.NameB = caption("this model"), caption("second model")
	p.NameA.Wrapping, p.NameB.Wrapping = fyne.TextWrapOff, fyne.TextWrapOff
	p.NameA.Truncation, p.NameB.Truncation = fyne.TextTruncateEllipsis, fyne.TextTruncateEllipsis
	p.Summary = widget.NewLabel("")
	p.Summary.Wrapping = fyne.TextWrapWord // full width: shape, -ELBO and MIG read whole
	col := func(name *widget.Label, img, kl *widgets.ImageView) fyne.CanvasObject {
		return container.NewBorder(name, kl, nil, nil, img)
	}
	p.box = container.NewVBox(
		p.OpenBtn,
		container.NewGridWithColumns(2, col(p.NameA, p.A, p.KLA), col(p.NameB, p.B, p.KLB)),
		p.Summary,
		container.NewBorder(nil, nil, widget.NewLabel("Traverse"), nil, p.Dim),
		p.RowA, p.RowB,
		p.Info)
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer lays the two models out side by side.
func (p *ComparePanel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.box) }

func (p *ComparePanel) Panel() fyne.CanvasObject { return p }

// Shown, ModelChanged and PointMoved decode both again.
func (p *ComparePanel) Shown()        { p.Update() }
func (p *ComparePanel) ModelChanged() { p.env.later(p, p.Update, true) }
func (p *ComparePanel) PointMoved()   { p.env.later(p, p.Update, false) }

// choose asks for the second model's file.
func (p *ComparePanel) choose() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		p.Open(r.URI().Path())
	}, p.env.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".vae", ".safetensors", ".onnx"}))
	d.Show()
}

// Open makes the model at path the second one: it must have the session
// model's latent size (the same point means the same thing to both).
func (p *ComparePanel) Open(path string) {
	m, err := p.load(path)
	if err != nil {
		p.env.onErr(err)
		return
	}
	p.SetOther(m, filepath.Base(path))
}

// SetOther compares with m (called name).
func (p *ComparePanel) SetOther(m Model, name string) {
	if s := p.env.session.Model(); s != nil && m.Latent() != s.Latent() {
		p.env.onErr(fmt.Errorf("%s has %d latent dimensions, the model explored %d: compare models of the same latent size", name, m.Latent(), s.Latent()))
		return
	}
	p.other, p.otherName = m, name
	p.Update()
}

// Update decodes the point and the chosen dimension's traversal with
// both models off the UI goroutine.
func (p *ComparePanel) Update() {
	a, b := p.env.session.Model(), p.other
	if a == nil {
		return
	}
	L := a.Latent()
	if len(p.Dim.Options) != L {
		opts := make([]string, L)
		for i := range opts {
			opts[i] = "z" + strconv.Itoa(i)
		}
		p.Dim.Options = opts
		p.Dim.Selected = opts[0]
		p.Dim.Refresh()
	}
	p.NameA.SetText(p.env.session.Name())
	p.Summary.SetText("Left: " + summaryLine(a, p.data()) + ".")
	p.KLA.SetImage(klOf(a))
	if b == nil || b.Latent() != L {
		p.B.SetImage(nil)
		p.RowB.SetImage(nil)
		p.KLB.SetImage(nil)
		p.NameB.SetText("second model: none")
		return
	}
	p.NameB.SetText(p.otherName)
	p.Summary.SetText(p.Summary.Text + "\nRight: " + summaryLine(b, p.data()) + ".")
	p.KLB.SetImage(klOf(b))
	z := p.env.session.Point()
	dim := dimIndex(p.Dim.Selected)
	p.jobs.Run(func() func() {
		tr, err := vae.NewTraversal(a, z, []int{dim}, traverseSteps, traverseRange)
		if err != nil {
			return func() { p.env.onErr(err) }
		}
		codes := append(append([]float32(nil), z...), tr.Codes...)
		pa, errA := a.Decode(codes)
		pb, errB := b.Decode(codes)
		return func() {
			if errA != nil || errB != nil {
				p.env.onErr(fmt.Errorf("compare: %v %v", errA, errB))
				return
			}
			show := func(m Model, pix []float32, one, row *widgets.ImageView) []float32 {
				sh := m.Image()
				one.SetImage(imaging.Picture(pix[:sh.Size()], sh.Side, sh.Channels))
				row.SetImage(imaging.TileC(pix[sh.Size():], sh.Side, sh.Channels, traverseSteps, 2))
				return pix[:sh.Size()]
			}
			p.lastA = show(a, pa, p.A, p.RowA)
			p.lastB = show(b, pb, p.B, p.RowB)
			p.Info.SetText(fmt.Sprintf("Above: the point decoded by each model. Rows: z%d swept from -%d to +%d, this model's above the second's. Under each model: its KL per dimension.", dim, traverseRange, traverseRange))
		}
	})
}

// summaryLine is a model's shape, held-out -ELBO and, on data with
// attributes, its MIG.
func summaryLine(m Model, data *dataset.Data) string {
	cfg := m.Config()
	s := fmt.Sprintf("%s, beta %g", cfg.Shape(), cfg.Beta)
	if h := m.History(); len(h) > 0 {
		last := h[len(h)-1]
		s += fmt.Sprintf("; -ELBO %.1f (rec %.1f + KL %.1f)", last.TestELBO, last.TestRec, last.TestKL)
	}
	if text, _ := disentanglement(m, data); text != "" {
		var mig float64
		fmt.Sscanf(text, "MIG %g", &mig)
		s += fmt.Sprintf("; MIG %.3f", mig)
	}
	return s
}

// klOf is a model's KL-per-dimension chart, nil without statistics.
func klOf(m Model) image.Image {
	h := m.HeldOut()
	if h == nil || len(h.DimKL) == 0 {
		return nil
	}
	return klChart(h.DimKL, vae.Activity(h.Means, m.Latent()))
}
