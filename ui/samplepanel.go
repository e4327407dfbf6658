package ui

import (
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
)

// SamplePanel shows a sheet of images decoded from z ~ N(0, T^2 I): the
// seed makes a sheet reproducible, the temperature T scales the prior's
// standard deviation (below 1: typical digits; above 1: the fringes).
type SamplePanel struct {
	widget.BaseWidget
	toolNames

	View      *widgets.ImageView
	Seed      *widget.Entry
	Temp      *widget.Slider
	Count     *widget.Select
	Resample  *widget.Button
	ExportBtn *widget.Button

	env       *toolEnv
	tempLb    *widget.Label
	jobs      *latest
	lastPix   []float32
	lastZ     []float32 // the sheet's codes
	lastCols  int
	lastShape vae.Shape
	box       fyne.CanvasObject
}

func newSamplePanel(env *toolEnv) *SamplePanel {
	p := &SamplePanel{env: env, jobs: newLatest(env.do), toolNames: toolNames{"Samples", "Sample sheet"}}
	p.View = widgets.NewImageView(nil, 120) // grows to fill the tool area
	p.View.OnTapped = p.tapped
	// Initial values set directly (no renderer built for a hidden panel).
	p.Seed = newEntry("1", "")
	p.Seed.OnSubmitted = func(string) { p.Update() }
	p.Temp = widget.NewSlider(0.1, 2)
	p.Temp.Step = 0.05
	p.Temp.Value = 1
	p.tempLb = widget.NewLabel("1.00")
	p.Temp.OnChanged = func(v float64) { p.tempLb.SetText(fmt.Sprintf("%.2f", v)) }
	p.Temp.OnChangeEnded = func(float64) { p.Update() }
	p.Count = widget.NewSelect([]string{"16", "36", "64", "100"}, func(string) { p.Update() })
	p.Count.Selected = "36"
	p.Resample = widget.NewButtonWithIcon("Resample", theme.ViewRefreshIcon(), p.NewSeed)
	p.ExportBtn = widget.NewButtonWithIcon("Export PNG…", theme.DocumentSaveIcon(), p.export)
	form := widget.NewForm(
		widget.NewFormItem("Seed", p.Seed),
		widget.NewFormItem("Temperature", container.NewBorder(nil, nil, nil, p.tempLb, p.Temp)),
		widget.NewFormItem("Images", p.Count),
	)
	hint := caption("z drawn from N(0, T²I) and decoded; Ctrl+R resamples")
	p.box = container.NewBorder(form, container.NewVBox(hint, container.NewGridWithColumns(2, p.Resample, p.ExportBtn)), nil, nil, p.View)
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer lays out the controls around the sheet.
func (p *SamplePanel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.box) }

func (p *SamplePanel) Panel() fyne.CanvasObject { return p }

// ModelChanged decodes the sheet again (when shown).
func (p *SamplePanel) ModelChanged() { p.env.later(p, p.Update, true) }

// Busy reports whether a sheet is being decoded.
func (p *SamplePanel) Busy() bool { return p.jobs.Busy() }

// NewSeed draws a new seed and decodes its sheet.
func (p *SamplePanel) NewSeed() {
	p.Seed.SetText(strconv.Itoa(rand.New(rand.NewSource(time.Now().UnixNano())).Intn(1_000_000)))
	p.Update()
}

// settings reads the controls.
func (p *SamplePanel) settings() (seed int64, temp float64, n int, err error) {
	seed, err = strconv.ParseInt(strings.TrimSpace(p.Seed.Text), 10, 64)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("seed %q is not a whole number", p.Seed.Text)
	}
	n, _ = strconv.Atoi(p.Count.Selected)
	return seed, p.Temp.Value, max(n, 1), nil
}

// Update decodes the sheet off the UI goroutine; calls while one runs
// coalesce into one more.
func (p *SamplePanel) Update() {
	m := p.env.session.Model()
	seed, temp, n, err := p.settings()
	if m == nil {
		return
	}
	if err != nil {
		p.env.onErr(err)
		return
	}
	p.jobs.Run(func() func() {
		z := vae.Sample(rand.New(rand.NewSource(seed)), n, m.Latent(), temp)
		pix, err := m.Decode(z)
		cols := int(math.Ceil(math.Sqrt(float64(n))))
		return func() {
			if err != nil {
				p.env.onErr(fmt.Errorf("samples: %w", err))
			} else {
				p.lastPix, p.lastZ, p.lastCols, p.lastShape = pix, z, cols, m.Image()
				p.View.SetImage(strip(pix, p.lastShape, cols))
			}
		}
	})
}

// tapped moves the point to the code of the sample the user clicked.
func (p *SamplePanel) tapped(fx, fy float64) {
	L := p.env.session.Latent()
	i := widgets.CellAt(p.View.Image, fx, fy, p.lastShape.Side, 2, p.lastCols)
	if L == 0 || i < 0 || (i+1)*L > len(p.lastZ) {
		return
	}
	z := p.lastZ[i*L : (i+1)*L]
	p.env.session.SetPoint(z, PointChange{Interactive: true})
	p.env.status(fmt.Sprintf("Sample %d of %d: the point is at its code %s", i+1, len(p.lastZ)/L, fmtVec(z)))
}

func (p *SamplePanel) export() {
	if p.lastPix == nil {
		return
	}
	seed, temp, _, _ := p.settings()
	savePNGDialog(p.env, fmt.Sprintf("samples-seed%d-T%.2f.png", seed, temp), strip(p.lastPix, p.lastShape, p.lastCols))
}
