package ui

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// worstShown is how many of the worst reconstructed held-out images the
// anomaly view shows.
const worstShown = 50

// AnomalyPanel ranks held-out images by reconstruction error: the worst
// 50 with their reconstructions, a histogram of all errors with the
// newest dropped image's error marked, and a threshold slider that counts
// the images above it. The histogram works from the model's stored
// held-out errors alone; the ranked images need the dataset, which Rank
// loads.
type AnomalyPanel struct {
	widget.BaseWidget
	toolNames

	RankBtn   *widget.Button
	Sheet     *widgets.ImageView
	Hist      *widgets.ImageView
	Threshold *widget.Slider
	Count     *widget.Label
	Info      *widget.Label
	Busy      *widget.ProgressBarInfinite

	env    *toolEnv
	errs   []float32 // held-out errors, ascending
	from   string    // where errs came from
	lo, hi float64
	marker float64 // the newest dropped image's error, NaN when none
	busy   bool
	// worstMeans are the ranked images' latent codes, worst first.
	worstMeans []float32
	// sheetSide is the side of the sheet's images.
	sheetSide int
	box       fyne.CanvasObject
}

func newAnomalyPanel(env *toolEnv) *AnomalyPanel {
	p := &AnomalyPanel{env: env, marker: math.NaN(), toolNames: toolNames{"Anomalies", "Anomalies"}}
	p.RankBtn = widget.NewButtonWithIcon("Rank held-out", theme.SearchIcon(), p.Rank)
	p.Sheet = widgets.NewImageView(nil, 200)
	p.Sheet.OnTapped = func(fx, fy float64) { // an image or its reconstruction: move the point to its code
		L := p.env.session.Latent()
		i := widgets.CellAt(p.Sheet.Image, fx, fy, p.sheetSide, 2, 10)
		if i < 0 || L == 0 {
			return
		}
		i = (i/20)*10 + i%10 // rows of 10 originals over 10 reconstructions
		if (i+1)*L <= len(p.worstMeans) {
			p.env.session.SetPoint(p.worstMeans[i*L:(i+1)*L], PointChange{Interactive: true})
		}
	}
	p.Hist = widgets.NewImageView(nil, 90)
	p.Threshold = widget.NewSlider(0, 1)
	p.Threshold.Step = 0.001
	p.Threshold.OnChanged = func(float64) { p.redraw() }
	p.Count = widget.NewLabel("")
	p.Count.Wrapping = fyne.TextWrapWord
	p.Info = caption("")
	p.Busy = widget.NewProgressBarInfinite()
	p.Busy.Stop()
	p.Busy.Hide()
	// One column in the tool area's scroll: the sheet is reached by
	// scrolling the whole tool (a scroll of its own under the histogram
	// had a few rows of room).
	p.box = container.NewVBox(p.RankBtn, p.Busy, p.Hist, container.NewBorder(nil, nil, widget.NewLabel("Threshold"), nil, p.Threshold),
		p.Count, p.Info, p.Sheet)
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer lays out the histogram, controls and sheet.
func (p *AnomalyPanel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.box) }

func (p *AnomalyPanel) Panel() fyne.CanvasObject { return p }

// ModelChanged shows the new model's stored held-out errors and forgets
// the previous ranking.
func (p *AnomalyPanel) ModelChanged() {
	p.errs, p.from = nil, ""
	p.Sheet.SetImage(nil)
	if m := p.env.session.Model(); m != nil && m.HeldOut() != nil && len(m.HeldOut().Errors) > 0 {
		p.setErrors(m.HeldOut().Errors, "the model's held-out statistics")
		p.Info.SetText(fmt.Sprintf("The reconstruction errors of the model's %d held-out images; Rank shows the worst of them.", len(m.HeldOut().Errors)))
	} else {
		p.Info.SetText("This model has no held-out statistics: rank a dataset's held-out images.")
		p.redraw()
	}
}

// DropsChanged marks the newest dropped image's error.
func (p *AnomalyPanel) DropsChanged() {
	p.marker = math.NaN()
	if d := p.env.session.Drops(); len(d) > 0 {
		p.marker = float64(d[0].Error)
	}
	p.redraw()
}

func (p *AnomalyPanel) setErrors(errs []float32, from string) {
	p.errs, p.from = errs, from
	p.lo, p.hi = float64(errs[0]), float64(errs[len(errs)-1])
	if p.hi <= p.lo {
		p.hi = p.lo + 1
	}
	p.Threshold.Min, p.Threshold.Max = p.lo, p.hi
	p.Threshold.Step = (p.hi - p.lo) / 500
	// Start at the 95th percentile: what "unusual" usually means.
	p.Threshold.SetValue(float64(errs[len(errs)*95/100]))
	p.redraw()
}

// above counts errors strictly above t.
func above(errs []float32, t float64) int {
	return len(errs) - sort.Search(len(errs), func(i int) bool { return float64(errs[i]) > t })
}

func (p *AnomalyPanel) redraw() {
	if p.Count == nil || p.Hist == nil {
		return
	}
	if len(p.errs) == 0 {
		p.Count.SetText("")
		p.Hist.SetImage(nil)
		return
	}
	t := p.Threshold.Value
	n := above(p.errs, t)
	text := fmt.Sprintf("%d of %d held-out images (%.1f%%) above %.1f nats (errors %.0f to %.0f)", n, len(p.errs), 100*float64(n)/float64(len(p.errs)), t, p.lo, p.hi)
	if !math.IsNaN(p.marker) {
		pct := 100 * float64(len(p.errs)-above(p.errs, p.marker)) / float64(len(p.errs))
		text += fmt.Sprintf("\nnewest image: %.1f nats, above %.0f%% of them (blue line)", p.marker, pct)
	}
	p.Count.SetText(text)
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	p.Hist.SetImage(histogram(p.errs, p.lo, p.hi, t, p.marker, 360, 110,
		th.Color(theme.ColorNameForeground, v), th.Color(theme.ColorNameError, v), th.Color(theme.ColorNamePrimary, v)))
}

// histogram draws errs (ascending) in 60 bins over [lo, hi]: bars above
// the threshold t in hot, a marker line at m (unless NaN) in mark.
func histogram(errs []float32, lo, hi, t, m float64, w, h int, fg, hot, mark color.Color) *image.RGBA {
	const bins = 60
	counts := make([]int, bins)
	for _, e := range errs {
		b := int(float64(bins) * (float64(e) - lo) / (hi - lo))
		counts[min(max(b, 0), bins-1)]++
	}
	top := slices.Max(counts)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bw := float64(w) / bins
	for b, c := range counts {
		col := fg
		if lo+(float64(b)+0.5)*(hi-lo)/bins > t {
			col = hot
		}
		bh := int(math.Round(float64(h-2) * float64(c) / float64(max(top, 1))))
		for x := int(float64(b) * bw); x < int(float64(b+1)*bw)-1; x++ {
			for y := h - bh; y < h; y++ {
				img.Set(x, y, col)
			}
		}
	}
	vline := func(v float64, col color.Color) {
		x := int(float64(w) * (v - lo) / (hi - lo))
		x = min(max(x, 0), w-1)
		for y := 0; y < h; y++ {
			for dx := -1; dx <= 1; dx++ {
				if x+dx >= 0 && x+dx < w {
					img.Set(x+dx, y, col)
				}
			}
		}
	}
	vline(t, hot)
	if !math.IsNaN(m) {
		vline(m, mark)
	}
	return img
}

// Rank loads the dataset chosen in the training panel (if none is loaded),
// computes every held-out image's reconstruction error and shows the worst
// 50 above their reconstructions.
func (p *AnomalyPanel) Rank() {
	m := p.env.session.Model()
	if m == nil || p.busy {
		return
	}
	p.busy = true
	p.RankBtn.Disable()
	p.Busy.Show()
	p.Busy.Start()
	p.Info.SetText("Loading the held-out images…")
	done := func() {
		p.busy = false
		p.RankBtn.Enable()
		p.Busy.Stop()
		p.Busy.Hide()
	}
	p.env.data(func(d *dataset.Data, err error) {
		if err != nil {
			done()
			p.Info.SetText("")
			p.env.onErr(fmt.Errorf("ranking needs the held-out images: %w", err))
			return
		}
		p.Info.SetText(fmt.Sprintf("Reconstructing %d held-out images of %s…", d.Test.N, vae.DataName(d.Name)))
		go func() {
			sheet, errs, worst, means, err := rankWorst(m, d)
			p.env.do(func() {
				done()
				if err != nil {
					p.Info.SetText("") // not "Reconstructing…" for good
					p.env.onErr(fmt.Errorf("ranking: %w", err))
					return
				}
				if p.env.session.Model() != m {
					return
				}
				p.Sheet.SetImage(strip(sheet, m.Image(), 10))
				p.sheetSide = m.Image().Side
				p.worstMeans = means
				p.setErrors(errs, d.Name)
				p.Info.SetText(fmt.Sprintf("The %d worst of %d held-out images of %s, worst first, originals above reconstructions. Worst: #%d (a %d), %.1f nats.",
					len(worst), d.Test.N, vae.DataName(d.Name), worst[0], d.Test.Labels[worst[0]], errs[len(errs)-1]))
				p.env.status(fmt.Sprintf("Ranked the %d held-out images of %s by reconstruction error", d.Test.N, vae.DataName(d.Name)))
			})
		}()
	})
}

// ranker is a model that can order images by reconstruction error.
type ranker interface {
	RankByError(images []float32, top int) (*vae.Ranking, error)
}

// labelRanker is a conditional model that ranks images given their
// labels (*vae.Model).
type labelRanker interface {
	RankByErrorGiven(images []float32, labels []uint8, top int) (*vae.Ranking, error)
}

// errNoEncoder is what tools that encode say of a model without an
// encoder (a generator).
var errNoEncoder = errors.New("this model has no encoder: it cannot reconstruct images")

// rankWorst returns the sheet of the worst images (rows of 10 originals
// over rows of their reconstructions), all errors ascending, and the
// worst images' indices, worst first.
func rankWorst(m Model, d *dataset.Data) (sheet, errs []float32, worst []int, means []float32, err error) {
	if err := vae.CheckImages(d.Test, m.Image(), d.Name); err != nil {
		return nil, nil, nil, nil, err
	}
	rm, ok := m.(ranker)
	if !ok {
		return nil, nil, nil, nil, errNoEncoder
	}
	var r *vae.Ranking
	if gm, ok := m.(labelRanker); ok && m.Config().Conditional() {
		r, err = gm.RankByErrorGiven(d.Test.Floats(), d.Test.Labels, worstShown) // each given its own label
	} else {
		r, err = rm.RankByError(d.Test.Floats(), worstShown)
	}
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return r.Sheet(10), r.Sorted, r.Worst, r.Means, nil
}
