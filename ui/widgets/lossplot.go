package widgets

import (
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// LossPlot draws training progress: the training loss per step (smoothed
// with an exponential moving average) and, per epoch, the held-out -ELBO
// with its reconstruction and KL terms, against epochs. Linear or log y.
type LossPlot struct {
	widget.BaseWidget

	// LogScale plots y on a log axis (the KL term, some 30 times smaller
	// than the reconstruction, is readable that way).
	LogScale bool

	steps []plotPoint // smoothed training loss, x in epochs
	ema   float64
	elbo  []plotPoint
	rec   []plotPoint
	kl    []plotPoint
	maxEp float64
}

type plotPoint struct{ x, y float64 }

var _ fyne.Widget = (*LossPlot)(nil)

// NewLossPlot returns an empty plot.
func NewLossPlot() *LossPlot {
	p := &LossPlot{}
	p.ExtendBaseWidget(p)
	return p
}

// smoothing is the EMA weight of a new step's loss.
const smoothing = 0.05

// AddStep records a training step's loss at x epochs (fractional).
func (p *LossPlot) AddStep(x, loss float64) {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return
	}
	if len(p.steps) == 0 {
		p.ema = loss
	} else {
		p.ema += smoothing * (loss - p.ema)
	}
	p.steps = append(p.steps, plotPoint{x, p.ema})
	p.maxEp = math.Max(p.maxEp, x)
}

// AddEpoch records the held-out -ELBO and its terms after epoch.
func (p *LossPlot) AddEpoch(epoch int, elbo, rec, kl float64) {
	x := float64(epoch)
	p.elbo = append(p.elbo, plotPoint{x, elbo})
	p.rec = append(p.rec, plotPoint{x, rec})
	p.kl = append(p.kl, plotPoint{x, kl})
	p.maxEp = math.Max(p.maxEp, x)
}

// Clear removes all data.
func (p *LossPlot) Clear() {
	p.steps, p.elbo, p.rec, p.kl, p.maxEp = nil, nil, nil, nil, 0
	p.Refresh()
}

// Len reports how many step and epoch points the plot holds.
func (p *LossPlot) Len() (steps, epochs int) { return len(p.steps), len(p.elbo) }

// SetLogScale switches the y axis.
func (p *LossPlot) SetLogScale(on bool) {
	p.LogScale = on
	p.Refresh()
}

// yRange returns the data's y extent, padded.
func (p *LossPlot) yRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range [][]plotPoint{p.steps, p.elbo, p.rec, p.kl} {
		for _, q := range s {
			if p.LogScale && q.y <= 0 {
				continue
			}
			lo, hi = math.Min(lo, q.y), math.Max(hi, q.y)
		}
	}
	if math.IsInf(lo, 0) {
		if p.LogScale {
			return 1, 1000
		}
		return 0, 600
	}
	if p.LogScale {
		return math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi)))
	}
	pad := math.Max((hi-lo)*0.05, 1)
	return math.Max(0, lo-pad), hi + pad
}

// niceTicks returns about n round tick values covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	span := hi - lo
	if span <= 0 {
		return []float64{lo}
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var t []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		t = append(t, v)
	}
	return t
}

// CreateRenderer returns the plot's renderer.
func (p *LossPlot) CreateRenderer() fyne.WidgetRenderer {
	p.ExtendBaseWidget(p)
	r := &lossPlotRenderer{p: p, bg: canvas.NewRectangle(color.Transparent)}
	r.objs = []fyne.CanvasObject{r.bg}
	r.Refresh()
	return r
}

// lossPlotRenderer draws with pools of lines, texts and dots that grow
// as needed and are reused on every refresh: the plot refreshes several
// times a second while training, and making objects anew each time would
// keep the UI goroutine busy.
type lossPlotRenderer struct {
	p      *LossPlot
	bg     *canvas.Rectangle
	lines  []*canvas.Line
	texts  []*canvas.Text
	dots   []*canvas.Circle
	nLines int
	nTexts int
	nDots  int
	objs   []fyne.CanvasObject
}

func (r *lossPlotRenderer) line(a, b fyne.Position, c color.Color, width float32) {
	if r.nLines == len(r.lines) {
		r.lines = append(r.lines, canvas.NewLine(c))
	}
	l := r.lines[r.nLines]
	r.nLines++
	l.StrokeColor, l.StrokeWidth = c, width
	l.Position1, l.Position2 = a, b
}

func (r *lossPlotRenderer) text(s string, pos fyne.Position, c color.Color, alignRight bool) {
	if r.nTexts == len(r.texts) {
		t := canvas.NewText("", c)
		t.TextSize = theme.CaptionTextSize()
		r.texts = append(r.texts, t)
	}
	t := r.texts[r.nTexts]
	r.nTexts++
	t.Text, t.Color = s, c
	if alignRight {
		pos.X -= fyne.MeasureText(s, t.TextSize, t.TextStyle).Width
	}
	t.Move(pos)
}

func (r *lossPlotRenderer) dot(q fyne.Position, c color.Color) {
	if r.nDots == len(r.dots) {
		r.dots = append(r.dots, canvas.NewCircle(c))
	}
	d := r.dots[r.nDots]
	r.nDots++
	d.FillColor = c
	d.Move(q.SubtractXY(3, 3))
	d.Resize(fyne.NewSquareSize(6))
}

func (r *lossPlotRenderer) Destroy()           {}
func (r *lossPlotRenderer) Layout(fyne.Size)   { r.Refresh() }
func (r *lossPlotRenderer) MinSize() fyne.Size { return fyne.NewSize(160, 150) }
func (r *lossPlotRenderer) Objects() []fyne.CanvasObject {
	return append([]fyne.CanvasObject{r.bg}, r.objs...)
}

const (
	plotLeft  = 48
	plotAxis  = 30 // tick labels and axis names under the plot
	plotTop   = 8
	plotRight = 12
)

func (r *lossPlotRenderer) Refresh() {
	p := r.p
	th := p.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	gridCol := th.Color(theme.ColorNameSeparator, v)
	size := p.Size()
	x0, y0 := float32(plotLeft), float32(plotTop)
	// The legend flows under the axis in as many rows as the width needs:
	// it never covers a line, however narrow the panel.
	type entry struct {
		name string
		c    color.Color
		x    float32
		row  int
	}
	legend := []entry{{name: "train loss (smoothed)", c: colourLoss}, {name: "held-out -ELBO", c: colourELBO},
		{name: "reconstruction", c: colourRec}, {name: "KL", c: colourKL}}
	lx, rows := float32(0), 1
	for i := range legend {
		ew := 18 + fyne.MeasureText(legend[i].name, theme.CaptionTextSize(), fyne.TextStyle{}).Width + 10
		if lx > 0 && lx+ew > size.Width-8 {
			lx, rows = 0, rows+1
		}
		legend[i].x, legend[i].row = lx, rows-1
		lx += ew
	}
	w, h := size.Width-plotLeft-plotRight, size.Height-plotTop-plotAxis-float32(rows)*14-4
	r.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.bg.Move(fyne.NewPos(x0, y0))
	r.bg.Resize(fyne.NewSize(max(w, 0), max(h, 0)))
	r.bg.Refresh()
	r.nLines, r.nTexts, r.nDots = 0, 0, 0
	defer r.collect()
	if w <= 10 || h <= 10 {
		return
	}
	if len(p.steps)+len(p.elbo) == 0 {
		// Nothing to plot: no empty axes and legend (in a browser, drawn
		// before the model arrives, they cost a tenth of a second).
		r.text("no loss recorded yet", fyne.NewPos(x0+8, y0+6), fg, false)
		return
	}
	xMax := math.Max(1, math.Ceil(p.maxEp))
	lo, hi := p.yRange()
	ty := func(y float64) float32 {
		var f float64
		if p.LogScale {
			f = (math.Log10(math.Max(y, 1e-9)) - math.Log10(lo)) / (math.Log10(hi) - math.Log10(lo))
		} else {
			f = (y - lo) / (hi - lo)
		}
		return y0 + h - float32(f)*h
	}
	tx := func(x float64) float32 { return x0 + float32(x/xMax)*w }
	text, line := r.text, r.line

	// y ticks
	var yt []float64
	if p.LogScale {
		for d := lo; d <= hi*1.0001; d *= 10 {
			for _, m := range []float64{1, 2, 5} {
				if v := d * m; v >= lo && v <= hi*1.0001 {
					yt = append(yt, v)
				}
			}
		}
	} else {
		yt = niceTicks(lo, hi, max(2, int(h/40)))
	}
	for _, y := range yt {
		py := ty(y)
		line(fyne.NewPos(x0, py), fyne.NewPos(x0+w, py), gridCol, 1)
		text(fmtTick(y), fyne.NewPos(x0-4, py-8), fg, true)
	}
	for _, x := range niceTicks(0, xMax, max(2, int(w/70))) {
		px := tx(x)
		line(fyne.NewPos(px, y0), fyne.NewPos(px, y0+h), gridCol, 1)
		text(fmtTick(x), fyne.NewPos(px-4, y0+h+2), fg, false)
	}
	text("epoch", fyne.NewPos(x0+w, y0+h+14), fg, true)
	text("nats", fyne.NewPos(2, y0+h+14), fg, false)

	series := func(pts []plotPoint, c color.Color, width float32, markers bool) {
		// At most one segment per two points of width.
		stride := max(1, len(pts)/max(1, int(w/2)))
		var prev *fyne.Position
		for i := 0; i < len(pts); i += stride {
			q := fyne.NewPos(tx(pts[i].x), ty(pts[i].y))
			if prev != nil {
				line(*prev, q, c, width)
			}
			if markers {
				r.dot(q, c)
			}
			prev = &q
		}
	}
	series(p.steps, colourLoss, 1.5, false)
	series(p.elbo, colourELBO, 2, true)
	series(p.rec, colourRec, 2, true)
	series(p.kl, colourKL, 2, true)

	for _, e := range legend {
		ex, ey := 4+e.x, y0+h+plotAxis+float32(e.row)*14
		line(fyne.NewPos(ex, ey+7), fyne.NewPos(ex+14, ey+7), e.c, 3)
		text(e.name, fyne.NewPos(ex+18, ey), fg, false)
	}
}

// collect lists the objects in use and refreshes them.
func (r *lossPlotRenderer) collect() {
	r.objs = append(r.objs[:0], r.bg)
	add := func(o fyne.CanvasObject) {
		r.objs = append(r.objs, o)
		o.Refresh()
	}
	for _, l := range r.lines[:r.nLines] {
		add(l)
	}
	for _, d := range r.dots[:r.nDots] {
		add(d)
	}
	for _, t := range r.texts[:r.nTexts] {
		add(t)
	}
}

// fmtTick formats a tick value without floating-point residue.
func fmtTick(v float64) string {
	if math.Abs(v) < 1e-12 {
		return "0" // not "-0"
	}
	return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'g', 6, 64)
}
