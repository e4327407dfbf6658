package ui

import (
	"fmt"
	"image"
	"image/color"
	"math/rand"
	"slices"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/embed"
)

// PointView shows the session's latent point beside the plane: the decoded
// image with its coordinates (decoded on its worker), a slider per latent dimension, the choice of
// the plane's two dimensions (latent sizes above two), Origin and Random.
// It is a view of the session: the sliders move the session's point and
// show it, nothing is kept in step by hand.
type PointView struct {
	s *Session

	Decoded   *widgets.ImageView
	Readout   *widget.Label // coordinates of the decoded image
	Sliders   []*widgets.ValueSlider
	values    []*widgets.Caption
	sliderBox *fyne.Container
	// SliderArea scrolls the sliders; its height shows up to four rows.
	SliderArea *container.Scroll
	Axes       *widget.Select // latent axes or principal components
	DimX       *widget.Select
	DimY       *widget.Select
	dimSel     *fyne.Container
	DimsRow    *fyne.Container
	Origin     *widget.Button
	Random     *widget.Button
	// Picked shows the held-out image whose code the user clicked on the
	// plane, beside its label; hidden otherwise.
	Picked      *fyne.Container
	PickedImage *widgets.ImageView
	PickedLabel *widget.Label

	worker  *decodeWorker
	hovered func() []float32 // the code the mouse previews, nil when none
}

// Choices of what the plane's axes are, for latent sizes above two.
const (
	axesLatent = "Latent dims"
	axesPCA    = "PCA"
	axesUMAP   = "UMAP"
	axesTSNE   = "t-SNE"
)

// newPointView makes the point's views: its decoded image (decoded by a
// worker on do, hovered the code the mouse previews), the sliders, Origin
// and Random. axes is called when the user chooses other axes for the
// plane (pca: principal components).
func newPointView(s *Session, do func(func()), hovered func() []float32, axes func(mode string)) *PointView {
	v := &PointView{s: s, hovered: hovered}
	v.worker = newDecodeWorker(do, v.showDecoded)
	v.Decoded = widgets.NewImageView(nil, 120)
	v.Readout = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	v.Readout.Truncation = fyne.TextTruncateEllipsis
	v.sliderBox = container.NewVBox()
	v.SliderArea = container.NewVScroll(v.sliderBox)
	v.DimX = widget.NewSelect(nil, func(str string) {
		_, y := s.Dims()
		s.SetDims(dimIndex(str), y)
		axes(axesLatent)
	})
	v.DimY = widget.NewSelect(nil, func(str string) {
		x, _ := s.Dims()
		s.SetDims(x, dimIndex(str))
		axes(axesLatent)
	})
	v.DimX.PlaceHolder, v.DimY.PlaceHolder = "z00 (0.0)", "z00 (0.0)" // as wide as an option
	v.Axes = widget.NewSelect([]string{axesLatent, axesPCA, axesUMAP, axesTSNE}, axes)
	v.dimSel = container.NewHBox(widget.NewLabel("x:"), v.DimX, widget.NewLabel("y:"), v.DimY)
	v.DimsRow = container.NewHBox(v.Axes, v.dimSel)
	v.DimsRow.Hide()
	v.PickedImage = widgets.NewImageView(nil, 40)
	v.PickedLabel = widget.NewLabel("")
	v.PickedLabel.Wrapping = fyne.TextWrapWord
	v.Picked = container.NewBorder(nil, nil, v.PickedImage, nil, v.PickedLabel)
	v.Picked.Hide()
	v.Origin = widget.NewButtonWithIcon("Origin", theme.MediaReplayIcon(), v.reset)
	v.Random = widget.NewButtonWithIcon("Random", theme.ViewRefreshIcon(), v.random)
	s.OnModel(v.modelChanged)
	s.OnPoint(func(PointChange) { v.showPoint() })
	s.OnDims(v.showDims)
	return v
}

func dimIndex(s string) int {
	var i int
	fmt.Sscanf(s, "z%d", &i)
	return i
}

// modelChanged makes a slider per latent dimension.
func (v *PointView) modelChanged() {
	L := v.s.Latent()
	if len(v.Sliders) != L {
		v.Sliders = make([]*widgets.ValueSlider, L)
		v.values = make([]*widgets.Caption, L)
		rows := make([]fyne.CanvasObject, L)
		for i := range L {
			sl := widgets.NewValueSlider(-4, 4)
			sl.OnChanged = func(x float64) { v.s.SetCoord(i, float32(x), PointChange{Interactive: true}) }
			val := widgets.NewCaption(" 0.00", fyne.TextAlignTrailing, true)
			v.Sliders[i], v.values[i] = sl, val
			rows[i] = container.NewBorder(nil, nil, widgets.NewCaption(fmt.Sprintf("z%d", i), fyne.TextAlignLeading, false), val, sl)
		}
		// Compact rows, in two columns above three dimensions: eight
		// sliders show without scrolling.
		cols := 1
		if L > 3 {
			cols = 2
		}
		v.sliderBox.Layout = layout.NewGridLayoutWithColumns(cols)
		if cols == 2 { // a gap after the left column's values: "0.00 z1", not "0.00z1"
			for i := 0; i < L; i += 2 {
				rows[i] = container.New(layout.NewCustomPaddedLayout(0, 0, 0, 2*theme.Padding()), rows[i])
			}
		}
		v.sliderBox.Objects = rows
		v.sliderBox.Refresh()
		shown := min((L+cols-1)/cols, 4)
		if shown > 0 {
			v.SliderArea.SetMinSize(fyne.NewSize(0, float32(shown)*rows[0].MinSize().Height+float32(shown-1)*theme.Padding()))
		}
	}
	// The axis pickers list the dimensions by their KL, most informative
	// first, when the model has measured it.
	names := make([]string, L)
	order := make([]int, L)
	for i := range order {
		order[i] = i
	}
	var kl []float64
	if m := v.s.Model(); m != nil && m.HeldOut() != nil && len(m.HeldOut().DimKL) == L {
		kl = m.HeldOut().DimKL
		sort.SliceStable(order, func(a, b int) bool { return kl[order[a]] > kl[order[b]] })
	}
	for k, i := range order {
		names[k] = fmt.Sprintf("z%d", i)
		if kl != nil {
			names[k] = fmt.Sprintf("z%d (%.1f)", i, kl[i]) // KL in nats
		}
	}
	v.DimX.Options, v.DimY.Options = names, names
	if L > 2 {
		v.DimsRow.Show()
	} else {
		v.DimsRow.Hide()
	}
	v.showDims()
	v.showPoint()
}

func (v *PointView) showDims() {
	switch p := v.s.Projection().(type) { // shown without calling back: this is the session's state
	case nil:
		v.Axes.Selected = axesLatent
		v.dimSel.Show()
	case *vae.PCA:
		v.Axes.Selected = axesPCA
		v.dimSel.Hide()
	case *embed.Layout:
		v.Axes.Selected = p.Method
		v.dimSel.Hide()
	}
	v.Axes.Refresh()
	x, y := v.s.Dims()
	for _, o := range v.DimX.Options {
		if dimIndex(o) == x {
			v.DimX.Selected = o
		}
		if dimIndex(o) == y {
			v.DimY.Selected = o
		}
	}
	v.DimX.Refresh()
	v.DimY.Refresh()
}

func (v *PointView) showPoint() {
	for i, sl := range v.Sliders {
		x := float64(v.s.Coord(i))
		sl.SetValue(x)
		v.values[i].SetText(fmt.Sprintf("%5.2f", x))
	}
}

// ShowPicked shows the held-out image i (a name) the user clicked on the
// plane, and its picture when the dataset is loaded.
func (v *PointView) ShowPicked(i int, name string, img image.Image) {
	if img != nil {
		v.PickedImage.SetImage(img)
		v.PickedImage.Show()
		v.PickedLabel.SetText(fmt.Sprintf("held-out #%d, a %s; above: its reconstruction", i, name))
	} else {
		v.PickedImage.Hide()
		v.PickedLabel.SetText(fmt.Sprintf("held-out #%d, a %s (its image shows once the dataset is loaded)", i, name))
	}
	v.Picked.Show()
}

// ---- the point's decoded image --------------------------------------------------

// reset moves the point to the origin.
func (v *PointView) reset() {
	v.s.SetPoint(make([]float32, v.s.Latent()), PointChange{})
}

// random moves the point to a sample from N(0, I).
func (v *PointView) random() {
	v.s.SetPoint(vae.Sample(rand.New(rand.NewSource(time.Now().UnixNano())), 1, v.s.Latent(), 1), PointChange{})
}

// dragBudget is how long a drag callback waits for its decode so the image
// is drawn in the same frame as the mouse event. A decode from the
// worker's weight snapshot takes well under a millisecond; past the budget
// the image arrives through fyne.Do.
const dragBudget = 8 * time.Millisecond

// Decode asks the worker for the image of the point, or of the hovered
// code while the mouse previews one: interactive requests (mouse,
// sliders) wait briefly so the image lands in the same frame.
func (v *PointView) Decode(interactive bool) {
	m := v.s.Model()
	if m == nil {
		return
	}
	z := v.hovered()
	if z == nil {
		z = v.s.Point()
	}
	if interactive {
		v.worker.RequestWait(m, z, dragBudget)
	} else {
		v.worker.Request(m, z)
	}
}

// showDecoded runs on the UI goroutine with the worker's image.
func (v *PointView) showDecoded(img image.Image, z []float32) {
	v.Decoded.SetImage(img)
	text := "z = " + fmtVec(z)
	if h := v.hovered(); h != nil && slices.Equal(z, h) {
		text = "hover " + text
	}
	v.Readout.SetText(text)
}

// DecodeLatencies returns recent request-to-screen decode latencies.
func (v *PointView) DecodeLatencies() []time.Duration { return v.worker.stats.snapshot() }

// DecodeTimings returns recent interactive decodes with when each was asked.
func (v *PointView) DecodeTimings() []DecodeTiming { return v.worker.stats.timings() }

// classNames are the names of a model's labels: its own (an image
// folder's classes), else those of the dataset it names.
func classNames(cfg vae.Config) []string { return cfg.ClassNames() }

// modelSummary describes a model in a few lines.
func modelSummary(name string, m Model) string {
	cfg := m.Config()
	info := fmt.Sprintf("%s\n%s, %s loss, beta %g", name, cfg.Shape(), cfg.Loss, cfg.Beta)
	if d, ok := m.(vae.Describer); ok {
		info = name + "\n" + d.Describe()
	}
	if h := m.History(); len(h) > 0 {
		last := h[len(h)-1]
		info += fmt.Sprintf("\n%d epochs on %s\nheld-out -ELBO %.1f nats (rec %.1f + KL %.1f)", len(h), nameOr(cfg.Dataset, "?"), last.TestELBO, last.TestRec, last.TestKL)
	} else if _, described := m.(vae.Describer); !described { // an ONNX model has no history, yet was trained
		info += "\nno epoch finished yet" // untrained, or stopped inside its first epoch
	}
	if h := m.HeldOut(); h != nil && len(h.Labels) > 1 {
		act := vae.Activity(h.Means, m.Latent())
		info += fmt.Sprintf("\nactive units %d of %d (variance of the mean > %g)", vae.ActiveUnits(act), m.Latent(), vae.ActiveThreshold)
		if len(h.DimKL) > 0 {
			info += "\nKL per dimension (nats, below):"
		}
	}
	return info
}

// klChart draws one bar per latent dimension, its KL to the prior, with
// the dimensions that carry almost nothing (inactive) in grey, and each
// dimension's index under its bar (the z of the sliders and pickers).
func klChart(kl, activity []float64) *image.RGBA {
	const barW, gap, h, label = 14, 4, 48, 14
	img := image.NewRGBA(image.Rect(0, 0, max(1, len(kl)*(barW+gap)), h+label))
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{0x90, 0x90, 0x90, 0xff}), Face: basicfont.Face7x13}
	for j := range kl {
		s := fmt.Sprint(j)
		d.Dot = fixed.P(j*(barW+gap)+(barW-7*len(s))/2, h+label-2) // 7 pixels a digit
		d.DrawString(s)
	}
	top := 0.0
	for _, k := range kl {
		top = max(top, k)
	}
	for j, k := range kl {
		c := color.RGBA{0x3b, 0x82, 0xf6, 0xff}
		if j < len(activity) && activity[j] <= vae.ActiveThreshold {
			c = color.RGBA{0x80, 0x80, 0x80, 0xff}
		}
		bh := 1
		if top > 0 {
			bh = max(1, int(float64(h-1)*k/top))
		}
		for y := h - bh; y < h; y++ {
			for x := j * (barW + gap); x < j*(barW+gap)+barW; x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	return img
}

func nameOr(s, def string) string {
	if s == "" {
		return def
	}
	return vae.DataName(s)
}
