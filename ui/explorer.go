package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/assets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// Title is the main window's title (followed by the model's name).
const Title = "VAE Explorer"

// Preference keys.
const (
	prefWidth     = "window.width"
	prefHeight    = "window.height"
	prefLastModel = "model.last"
	prefRecent    = "model.recent"
	prefFolder    = "data.folder"
	prefDataset   = "data.choice"
	prefTheme     = "view.theme"
	prefLogScale  = "view.logscale"
	prefForm      = "train.form" // epochs|latent|hidden|batch|lr|beta|warmup|loss|limit
)

const maxRecent = 8

// Options are what the command line may preset.
type Options struct {
	ModelPath  string // open this model (else the last one, else the bundled one)
	DataFolder string // preselect this dataset folder
}

// Explorer is the main window: training panel on the left, the latent
// plane with the decoded image and sliders in the middle, the grid and
// dropped images on the right, the loss plot along the bottom.
type Explorer struct {
	App    fyne.App
	Window fyne.Window
	engine Engine
	prefs  fyne.Preferences
	// do runs a function on the UI goroutine: fyne.Do, or in tests a loop
	// the test drives, so tests see the same one-goroutine discipline.
	do func(func())

	model     Model
	modelPath string // "" for the bundled or an unsaved model
	modelName string
	dirty     bool
	z         []float32
	dimX      int
	dimY      int

	Plane        *LatentPlane
	Decoded      *ImageView
	decodedLabel *widget.Label
	sliders      []*widget.Slider
	sliderVals   []*widget.Label
	sliderBox    *fyne.Container
	settingSl    bool
	dimXSel      *widget.Select
	dimYSel      *widget.Select
	dimsRow      *fyne.Container
	legend       *fyne.Container
	Grid         *GridPanel
	Drops        *DropPanel
	Plot         *LossPlot
	Samples      *SamplePanel
	Interp       *InterpPanel
	Vectors      *VectorPanel
	Anomalies    *AnomalyPanel
	tabs         *container.AppTabs
	LogScale     *widget.Check
	Train        *TrainPanel
	status       *widget.Label
	statusIcon   *widget.Icon
	modelInfo    *widget.Label

	worker *decodeWorker

	trainer     Trainer
	cancelTrain context.CancelFunc
	data        *Data
	dataKey     string
	pumpDone    chan struct{} // closed when the training event pump exits
	closing     bool
}

// NewExplorer builds the main window for app a and loads the first model.
// It does not show the window.
func NewExplorer(a fyne.App, engine Engine, opts Options) *Explorer {
	return newExplorer(a, engine, opts, fyne.Do)
}

func newExplorer(a fyne.App, engine Engine, opts Options, do func(func())) *Explorer {
	e := &Explorer{App: a, engine: engine, prefs: a.Preferences(), do: do}
	e.Window = a.NewWindow(Title)
	e.applyTheme(e.prefs.StringWithFallback(prefTheme, "system"))
	e.worker = newDecodeWorker(do, e.showDecoded)
	e.build()
	e.restoreForm()
	if opts.DataFolder != "" {
		e.Train.SetFolder(opts.DataFolder)
	}
	e.Window.SetContent(e.layout())
	e.Window.SetMainMenu(e.menu())
	e.shortcuts()
	e.Window.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { e.AnalyseURIs(uris) })
	e.Window.SetCloseIntercept(e.requestClose)
	e.Window.Resize(fyne.NewSize(
		float32(e.prefs.FloatWithFallback(prefWidth, 1280)),
		float32(e.prefs.FloatWithFallback(prefHeight, 800))))
	e.loadFirstModel(opts.ModelPath)
	return e
}

func (e *Explorer) build() {
	e.Plane = NewLatentPlane()
	e.Plane.OnChanged = func(x, y float64) {
		e.z[e.dimX] = float32(x)
		if e.dimY != e.dimX {
			e.z[e.dimY] = float32(y)
		}
		e.syncSliders()
		e.requestDecodeNow()
	}
	e.Decoded = NewImageView(nil, 200)
	e.decodedLabel = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	e.decodedLabel.Wrapping = fyne.TextWrapWord
	e.sliderBox = container.NewVBox()
	e.dimXSel = widget.NewSelect(nil, func(s string) { e.setDims(dimIndex(s), e.dimY) })
	e.dimYSel = widget.NewSelect(nil, func(s string) { e.setDims(e.dimX, dimIndex(s)) })
	e.dimsRow = container.NewHBox(widget.NewLabel("x:"), e.dimXSel, widget.NewLabel("y:"), e.dimYSel)
	e.legend = container.NewHBox()
	e.Grid = newGridPanel(e.Window, e.do, func() Model { return e.model }, e.gridSpec, e.showError)
	e.Drops = newDropPanel(e.openImages, func() {
		e.Drops.Clear()
		e.Plane.SetMarks(nil)
		e.dropsChanged()
	})
	e.Drops.OnGoTo = func(a *Analysis) {
		if len(a.Mean) == len(e.z) {
			e.SetPoint(a.Mean)
		}
	}
	e.Plot = NewLossPlot()
	e.LogScale = widget.NewCheck("Log scale", func(on bool) {
		e.Plot.SetLogScale(on)
		e.prefs.SetBool(prefLogScale, on)
	})
	e.LogScale.SetChecked(e.prefs.Bool(prefLogScale))
	e.Train = newTrainPanel(e.Window, func(dir string) { e.prefs.SetString(prefFolder, dir) })
	e.Train.TrainBtn.OnTapped = e.StartTraining
	e.Train.PauseBtn.OnTapped = e.PauseTraining
	e.Train.ResumeBtn.OnTapped = e.ResumeTraining
	e.Train.StopBtn.OnTapped = e.StopTraining
	e.status = widget.NewLabel("")
	e.status.Truncation = fyne.TextTruncateEllipsis
	e.statusIcon = widget.NewIcon(theme.InfoIcon())
	e.modelInfo = widget.NewLabel("")
	e.modelInfo.Wrapping = fyne.TextWrapWord

	env := &toolEnv{
		win:   e.Window,
		do:    e.do,
		model: func() Model { return e.model },
		point: e.Point,
		drops: func() []*Analysis { return e.Drops.Items() },
		data: func(done func(*Data, error)) {
			e.loadTrainData(context.Background(), func(frac float64, what string) {
				e.setStatus(fmt.Sprintf("%s (%.0f%%)", what, 100*frac))
			}, done)
		},
		onErr:  e.showError,
		status: e.setStatus,
		setArrow: func(from, to []float32) {
			if from == nil || len(from) != len(e.z) || e.tabs == nil || e.tabs.Selected() == nil || e.tabs.Selected().Content != e.Vectors {
				e.Plane.SetArrow(nil)
				return
			}
			e.Plane.SetArrow(&Arrow{X0: float64(from[e.dimX]), Y0: float64(from[e.dimY]), X1: float64(to[e.dimX]), Y1: float64(to[e.dimY])})
		},
		changed: func() {
			e.dirty = true
			e.updateTitle()
		},
	}
	e.Samples = newSamplePanel(env)
	e.Interp = newInterpPanel(env)
	e.Vectors = newVectorPanel(env)
	e.Anomalies = newAnomalyPanel(env)
}

// dropsChanged tells the panels that list dropped images.
func (e *Explorer) dropsChanged() {
	e.Interp.RefreshSources()
	e.Vectors.RefreshSources()
	e.Anomalies.DropsChanged()
}

func (e *Explorer) layout() fyne.CanvasObject {
	left := container.NewVScroll(container.NewVBox(
		widget.NewCard("Training", "", e.Train),
		widget.NewCard("Model", "", e.modelInfo),
	))
	left.SetMinSize(fyne.NewSize(300, 0))

	planeCol := container.NewBorder(e.dimsRow, e.legend, nil, nil, e.Plane)
	origin := widget.NewButtonWithIcon("Origin", theme.MediaReplayIcon(), e.ResetPoint)
	random := widget.NewButtonWithIcon("Random", theme.ViewRefreshIcon(), e.RandomPoint)
	decodedCol := container.NewBorder(
		container.NewVBox(e.Decoded, e.decodedLabel, container.NewGridWithColumns(2, origin, random)),
		nil, nil, nil,
		container.NewVScroll(e.sliderBox))
	explore := container.NewHSplit(planeCol, decodedCol)
	explore.Offset = 0.66
	e.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Grid", theme.GridIcon(), e.Grid),
		container.NewTabItemWithIcon("Images", theme.FileImageIcon(), e.Drops),
		container.NewTabItemWithIcon("Sample", theme.ViewRefreshIcon(), e.Samples),
		container.NewTabItemWithIcon("Interpolate", theme.MoreHorizontalIcon(), e.Interp),
		container.NewTabItemWithIcon("Vectors", theme.NavigateNextIcon(), e.Vectors),
		container.NewTabItemWithIcon("Anomalies", theme.WarningIcon(), e.Anomalies),
	)
	e.tabs.OnSelected = func(t *container.TabItem) {
		if t.Content == e.Vectors {
			e.Vectors.Update() // draws its arrow
		} else {
			e.Plane.SetArrow(nil)
			e.Interp.StopAnimation()
		}
	}
	top := container.NewHSplit(explore, e.tabs)
	top.Offset = 0.64
	plotHead := container.NewHBox(widget.NewLabelWithStyle("Loss", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), layout.NewSpacer(), e.LogScale)
	plot := container.NewBorder(plotHead, nil, nil, nil, e.Plot)
	main := container.NewVSplit(top, plot)
	main.Offset = 0.72
	statusBar := container.NewBorder(nil, nil, e.statusIcon, nil, e.status)
	return container.NewBorder(nil, statusBar, left, nil, main)
}

// ---- the model ---------------------------------------------------------------

func (e *Explorer) loadFirstModel(path string) {
	if path == "" {
		if last := e.prefs.String(prefLastModel); last != "" {
			if _, err := os.Stat(last); err == nil {
				path = last
			}
		}
	}
	if arch, ok := assets.BundledName(path); ok {
		if m, err := e.engine.Bundled(arch); err == nil {
			e.SetModel(m, "")
			return
		}
	}
	if path != "" {
		m, err := e.engine.Load(path)
		if err == nil {
			e.SetModel(m, path)
			return
		}
		e.showError(fmt.Errorf("could not open the last model, so the bundled one is loaded: %w", err))
	}
	m, err := e.engine.Bundled(vae.ArchMLP)
	if err != nil {
		e.showError(err)
		if m, err = e.engine.NewModel(vae.DefaultConfig()); err != nil {
			e.showError(err)
			return
		}
	}
	e.SetModel(m, "")
}

// Model is the model being explored.
func (e *Explorer) Model() Model { return e.model }

// SetModel makes m the model being explored; path is its file ("" for the
// bundled or an unsaved model).
func (e *Explorer) SetModel(m Model, path string) {
	e.model, e.modelPath, e.dirty = m, path, false
	e.modelName = "bundled " + m.Config().Arch + " model"
	if path != "" {
		e.modelName = filepath.Base(path)
		e.prefs.SetString(prefLastModel, path)
		e.addRecent(path)
	}
	L := m.Latent()
	e.z = make([]float32, L)
	e.dimX, e.dimY = 0, min(1, L-1)
	names := make([]string, L)
	for i := range names {
		names[i] = fmt.Sprintf("z%d", i)
	}
	e.dimXSel.Options, e.dimYSel.Options = names, names
	e.dimXSel.SetSelected(names[e.dimX])
	e.dimYSel.SetSelected(names[e.dimY])
	if L > 2 {
		e.dimsRow.Show()
	} else {
		e.dimsRow.Hide()
	}
	e.buildSliders(L)
	e.Plane.XLabel, e.Plane.YLabel = names[e.dimX], names[e.dimY]
	e.Plane.SetPoint(0, 0)
	e.Plane.SetMarks(nil)
	e.reanalyse() // dropped images, seen by the new model
	e.Plot.Clear()
	for _, h := range m.History() {
		e.Plot.AddEpoch(h.Epoch, h.TestELBO, h.TestRec, h.TestKL)
	}
	e.Plot.Refresh()
	e.refreshModelViews()
	e.updateTitle()
}

// refreshModelViews redraws what depends on the weights: scatter, legend,
// grid, decoded image, model summary.
func (e *Explorer) refreshModelViews() {
	e.refreshScatter()
	e.Grid.Update()
	e.requestDecode()
	cfg := e.model.Config()
	info := fmt.Sprintf("%s\n%s, %s loss, beta %g", e.modelName, cfg.Shape(), cfg.Loss, cfg.Beta)
	if h := e.model.History(); len(h) > 0 {
		last := h[len(h)-1]
		info += fmt.Sprintf("\n%d epochs on %s\nheld-out -ELBO %.1f nats (rec %.1f + KL %.1f)", len(h), nameOr(cfg.Dataset, "?"), last.TestELBO, last.TestRec, last.TestKL)
	} else {
		info += "\nuntrained"
	}
	e.modelInfo.SetText(info)
	e.Samples.Update()
	e.Anomalies.ModelChanged() // new weights: new errors, a stale ranking
	e.Interp.RefreshSources()
	e.Interp.Update()
	e.Vectors.RefreshSources()
}

func nameOr(s, def string) string {
	if s == "" {
		return def
	}
	return filepath.Base(s)
}

func (e *Explorer) refreshScatter() {
	h := e.model.HeldOut()
	if h == nil || len(h.Labels) == 0 {
		e.Plane.SetScatter(nil, nil)
		e.legend.Objects = nil
		e.legend.Refresh()
		return
	}
	L := e.model.Latent()
	xy := make([]float32, 2*len(h.Labels))
	for i := range h.Labels {
		xy[2*i] = h.Means[i*L+e.dimX]
		if L > 1 {
			xy[2*i+1] = h.Means[i*L+e.dimY]
		}
	}
	e.Plane.SetScatter(xy, h.Labels)
	names := dataset.ClassNames(e.model.Config().Dataset)
	seen := map[uint8]bool{}
	for _, l := range h.Labels {
		seen[l] = true
	}
	var objs []fyne.CanvasObject
	for l := 0; l < 256; l++ {
		if !seen[uint8(l)] {
			continue
		}
		c := canvas.NewCircle(ClassColour(uint8(l)))
		name := fmt.Sprint(l)
		if l < len(names) {
			name = names[l]
		}
		t := canvas.NewText(name, theme.Color(theme.ColorNameForeground))
		t.TextSize = theme.CaptionTextSize()
		objs = append(objs, container.NewHBox(container.NewGridWrap(fyne.NewSquareSize(10), c), t))
	}
	e.legend.Objects = objs
	e.legend.Refresh()
}

func (e *Explorer) updateTitle() {
	t := Title + " — " + e.modelName
	if e.dirty {
		t += " *"
	}
	e.Window.SetTitle(t)
}

// ---- latent point, sliders, decoding ------------------------------------------

func dimIndex(s string) int {
	var i int
	fmt.Sscanf(s, "z%d", &i)
	return i
}

func (e *Explorer) setDims(x, y int) {
	if e.model == nil || x < 0 || y < 0 || x >= e.model.Latent() || y >= e.model.Latent() {
		return
	}
	if x == y && e.model.Latent() > 1 {
		return // keep the previous pair; the select shows it again
	}
	e.dimX, e.dimY = x, y
	e.Plane.XLabel, e.Plane.YLabel = fmt.Sprintf("z%d", x), fmt.Sprintf("z%d", y)
	e.Plane.SetPoint(float64(e.z[x]), float64(e.z[y]))
	e.refreshScatter()
	e.refreshMarks()
	e.Grid.Update()
}

func (e *Explorer) buildSliders(L int) {
	e.sliders = make([]*widget.Slider, L)
	e.sliderVals = make([]*widget.Label, L)
	rows := make([]fyne.CanvasObject, 0, L)
	for i := 0; i < L; i++ {
		i := i
		s := widget.NewSlider(-4, 4)
		s.Step = 0.01
		val := widget.NewLabelWithStyle(" 0.00", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
		s.OnChanged = func(v float64) {
			val.SetText(fmt.Sprintf("%5.2f", v))
			if e.settingSl {
				return
			}
			e.z[i] = float32(v)
			if i == e.dimX || i == e.dimY {
				e.Plane.SetPoint(float64(e.z[e.dimX]), float64(e.z[e.dimY]))
			}
			e.requestDecodeNow()
		}
		s.OnChangeEnded = func(float64) {
			if i != e.dimX && i != e.dimY {
				e.Grid.Update() // the grid's other dimensions follow the sliders
			}
		}
		e.sliders[i], e.sliderVals[i] = s, val
		rows = append(rows, container.NewBorder(nil, nil, widget.NewLabel(fmt.Sprintf("z%d", i)), val, s))
	}
	e.sliderBox.Objects = rows
	e.sliderBox.Refresh()
}

// syncSliders shows z on the sliders without feeding back.
func (e *Explorer) syncSliders() {
	e.settingSl = true
	defer func() { e.settingSl = false }()
	for i, s := range e.sliders {
		s.SetValue(float64(e.z[i]))
	}
}

// SetPoint moves the latent point (all L values) and decodes it.
func (e *Explorer) SetPoint(z []float32) {
	copy(e.z, z)
	e.Plane.SetPoint(float64(e.z[e.dimX]), float64(e.z[e.dimY]))
	e.syncSliders()
	e.requestDecode()
	if len(e.z) > 2 { // the grid's other dimensions come from the point
		e.Grid.Update()
	}
}

// Point returns a copy of the latent point.
func (e *Explorer) Point() []float32 { return append([]float32(nil), e.z...) }

// ResetPoint moves the point to the origin.
func (e *Explorer) ResetPoint() { e.SetPoint(make([]float32, len(e.z))) }

// RandomPoint moves the point to a sample from N(0, I).
func (e *Explorer) RandomPoint() {
	e.SetPoint(vae.Sample(rand.New(rand.NewSource(time.Now().UnixNano())), 1, len(e.z), 1))
}

func (e *Explorer) requestDecode() {
	if e.model != nil {
		e.worker.Request(e.model, e.z)
	}
}

// dragBudget is how long a drag callback waits for its decode so the image
// is drawn in the same frame as the mouse event. One decode of the default
// model takes under 0.1 ms; while training runs it may first wait for the
// training step in flight (about 5 ms).
const dragBudget = 8 * time.Millisecond

// requestDecodeNow decodes the point for the frame being drawn: used by
// the mouse and the sliders.
func (e *Explorer) requestDecodeNow() {
	if e.model != nil {
		e.worker.RequestWait(e.model, e.z, dragBudget)
	}
}

// showDecoded runs on the UI goroutine with the worker's image.
func (e *Explorer) showDecoded(img *image.Gray, z []float32) {
	e.Decoded.SetImage(img)
	e.decodedLabel.SetText("z = " + fmtVec(z))
}

// DecodeLatencies returns recent request-to-screen decode latencies.
func (e *Explorer) DecodeLatencies() []time.Duration { return e.worker.stats.snapshot() }

func (e *Explorer) gridSpec() vae.GridSpec {
	return vae.GridSpec{DimX: e.dimX, DimY: e.dimY, Base: append([]float32(nil), e.z...)}
}

// ---- messages ----------------------------------------------------------------

// Status is the status line's text.
func (e *Explorer) Status() string { return e.status.Text }

func (e *Explorer) setStatus(msg string) {
	e.statusIcon.SetResource(theme.InfoIcon())
	e.status.SetText(msg)
}

// showError puts err in the status line; the app carries on.
func (e *Explorer) showError(err error) {
	e.statusIcon.SetResource(theme.ErrorIcon())
	e.status.SetText(strings.ReplaceAll(err.Error(), "\n", "; "))
}

// ---- files and menus -------------------------------------------------------------

func (e *Explorer) menu() *fyne.MainMenu {
	recent := fyne.NewMenuItem("Open Recent", nil)
	recent.ChildMenu = fyne.NewMenu("")
	for _, p := range e.recent() {
		p := p
		recent.ChildMenu.Items = append(recent.ChildMenu.Items, fyne.NewMenuItem(p, func() { e.OpenModel(p) }))
	}
	if len(recent.ChildMenu.Items) == 0 {
		none := fyne.NewMenuItem("(none yet)", nil)
		none.Disabled = true
		recent.ChildMenu.Items = append(recent.ChildMenu.Items, none)
	}
	item := func(label string, s fyne.Shortcut, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Shortcut = s
		return it
	}
	model := fyne.NewMenu("Model",
		item("New", ctrl(fyne.KeyN), e.NewModel),
		item("Open…", ctrl(fyne.KeyO), e.openDialog),
		recent,
		item("Bundled model (mlp)", nil, e.OpenBundled),
		item("Bundled model (conv)", nil, func() { e.OpenBundledArch(vae.ArchConv) }),
		fyne.NewMenuItemSeparator(),
		item("Save", ctrl(fyne.KeyS), e.Save),
		item("Save As…", ctrlShift(fyne.KeyS), e.saveAsDialog),
	)
	themeItem := func(name string) *fyne.MenuItem {
		it := fyne.NewMenuItem(strings.ToUpper(name[:1])+name[1:]+" theme", func() { e.applyTheme(name) })
		it.Checked = e.prefs.StringWithFallback(prefTheme, "system") == name
		return it
	}
	view := fyne.NewMenu("View", themeItem("system"), themeItem("light"), themeItem("dark"))
	train := fyne.NewMenu("Training",
		item("Train", ctrl(fyne.KeyT), e.StartTraining),
		item("Pause / Resume   (Space)", nil, e.TogglePause),
		item("Stop", ctrl(fyne.KeyPeriod), e.StopTraining),
	)
	images := fyne.NewMenu("Images", item("Open images…", ctrl(fyne.KeyI), e.openImages))
	tools := fyne.NewMenu("Tools")
	for i, name := range toolNames {
		i := i
		tools.Items = append(tools.Items, item(name, toolShortcut(i), func() { e.ShowTool(i) }))
	}
	tools.Items = append(tools.Items, fyne.NewMenuItemSeparator(), item("Resample", ctrl(fyne.KeyR), e.resample),
		item("Export augmented images…", nil, e.showAugment))
	help := fyne.NewMenu("Help", fyne.NewMenuItem("Keyboard shortcuts", e.showShortcuts))
	return fyne.NewMainMenu(model, train, images, tools, view, help)
}

// toolNames are the right-hand tabs, in order, as the Tools menu names them.
var toolNames = []string{"Latent grid", "Images", "Sample sheet", "Interpolation", "Concept vectors", "Anomalies"}

// toolShortcut is Ctrl+(i+1), which shows the i-th tool.
func toolShortcut(i int) fyne.Shortcut { return ctrl(fyne.KeyName(fmt.Sprint(i + 1))) }

// ShowTool selects the i-th right-hand tab (see toolNames).
func (e *Explorer) ShowTool(i int) {
	if i >= 0 && i < len(e.tabs.Items) {
		e.tabs.SelectIndex(i)
	}
}

// resample shows the sample sheet with a new seed.
func (e *Explorer) resample() {
	e.ShowTool(2)
	e.Samples.NewSeed()
}

func ctrl(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

func ctrlShift(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
}

func (e *Explorer) shortcuts() {
	c := e.Window.Canvas()
	for _, s := range []struct {
		sc fyne.Shortcut
		f  func()
	}{
		{ctrl(fyne.KeyN), e.NewModel}, {ctrl(fyne.KeyO), e.openDialog}, {ctrl(fyne.KeyS), e.Save},
		{ctrlShift(fyne.KeyS), e.saveAsDialog}, {ctrl(fyne.KeyT), e.StartTraining},
		{ctrl(fyne.KeyPeriod), e.StopTraining}, {ctrl(fyne.KeyI), e.openImages},
		{ctrl(fyne.KeyQ), e.requestClose}, {ctrl(fyne.KeyR), e.resample},
	} {
		f := s.f
		c.AddShortcut(s.sc, func(fyne.Shortcut) { f() })
	}
	for i := range toolNames { // Ctrl+1 … Ctrl+6
		c.AddShortcut(toolShortcut(i), func(fyne.Shortcut) { e.ShowTool(i) })
	}
	// Space pauses and resumes when no text field has the focus.
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeySpace {
			e.TogglePause()
		}
	})
}

func (e *Explorer) showShortcuts() {
	dialog.ShowInformation("Keyboard shortcuts", strings.Join([]string{
		"Ctrl+N  new model        Ctrl+O  open model",
		"Ctrl+S  save             Ctrl+Shift+S  save as",
		"Ctrl+T  train            Space   pause / resume",
		"Ctrl+.  stop training    Ctrl+I  open images",
		"Ctrl+1 … Ctrl+6  grid, images, samples, interpolation, vectors, anomalies",
		"Ctrl+R  resample the sample sheet    Ctrl+Q  quit",
		"",
		"Drag the point on the latent plane, or click to jump.",
		"Drop image files on the window to place them on the plane.",
	}, "\n"), e.Window)
}

func (e *Explorer) recent() []string {
	var out []string
	for _, p := range e.prefs.StringList(prefRecent) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (e *Explorer) addRecent(path string) {
	list := []string{path}
	for _, p := range e.recent() {
		if p != path && len(list) < maxRecent {
			list = append(list, p)
		}
	}
	e.prefs.SetStringList(prefRecent, list)
	if e.Window.MainMenu() != nil {
		e.Window.SetMainMenu(e.menu())
	}
}

// confirmDiscard asks before replacing a model with unsaved training.
func (e *Explorer) confirmDiscard(then func()) {
	if !e.dirty {
		then()
		return
	}
	dialog.ShowConfirm("Unsaved model", "The current model has training that is not saved. Replace it anyway?",
		func(ok bool) {
			if ok {
				then()
			}
		}, e.Window)
}

func (e *Explorer) busyTraining() bool {
	if e.Train.State() != trainIdle {
		e.showError(errors.New("stop training first"))
		return true
	}
	return false
}

// NewModel replaces the model with an untrained one of the form's shape.
func (e *Explorer) NewModel() {
	if e.busyTraining() {
		return
	}
	cfg, _, err := e.Train.Config()
	if err != nil {
		e.showError(err)
		return
	}
	e.confirmDiscard(func() {
		m, err := e.engine.NewModel(cfg)
		if err != nil {
			e.showError(err)
			return
		}
		e.SetModel(m, "")
		e.modelName = "new model"
		e.dirty = true
		e.refreshModelViews()
		e.updateTitle()
		e.setStatus("New untrained model: press Train to teach it")
	})
}

// OpenModel loads a checkpoint file. A bad file changes nothing.
func (e *Explorer) OpenModel(path string) {
	if e.busyTraining() {
		return
	}
	e.confirmDiscard(func() {
		m, err := e.engine.Load(path)
		if err != nil {
			e.showError(err)
			return
		}
		e.SetModel(m, path)
		e.Train.SetConfig(m.Config())
		e.setStatus("Opened " + path)
	})
}

// OpenBundled goes back to the bundled model.
func (e *Explorer) OpenBundled() { e.OpenBundledArch(vae.ArchMLP) }

// OpenBundledArch goes to the bundled model of an architecture.
func (e *Explorer) OpenBundledArch(arch string) {
	if e.busyTraining() {
		return
	}
	e.confirmDiscard(func() {
		m, err := e.engine.Bundled(arch)
		if err != nil {
			e.showError(err)
			return
		}
		e.SetModel(m, "")
		e.prefs.SetString(prefLastModel, "")
	})
}

func (e *Explorer) openDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		e.OpenModel(r.URI().Path())
	}, e.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".vae"}))
	d.Show()
}

// Save writes the model to its file, or asks for one.
func (e *Explorer) Save() {
	if e.modelPath == "" {
		e.saveAsDialog()
		return
	}
	e.SaveAs(e.modelPath)
}

// SaveAs writes the model to path (atomically) and makes it the model's
// file.
func (e *Explorer) SaveAs(path string) {
	if err := e.engine.Save(e.model, path); err != nil {
		e.showError(err)
		return
	}
	e.modelPath, e.modelName, e.dirty = path, filepath.Base(path), false
	e.prefs.SetString(prefLastModel, path)
	e.addRecent(path)
	e.updateTitle()
	e.refreshModelViews()
	e.setStatus("Saved " + path)
}

func (e *Explorer) saveAsDialog() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close() // the engine writes atomically through its own temp file
		if !strings.HasSuffix(path, ".vae") {
			os.Remove(path)
			path += ".vae"
		}
		e.SaveAs(path)
	}, e.Window)
	d.SetFileName("model.vae")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".vae"}))
	d.Show()
}

// ---- theme and closing ------------------------------------------------------

// variantTheme forces the light or dark variant of the default theme.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

func (e *Explorer) applyTheme(name string) {
	switch name {
	case "light":
		e.App.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantLight})
	case "dark":
		e.App.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantDark})
	default:
		name = "system"
		e.App.Settings().SetTheme(theme.DefaultTheme())
	}
	e.prefs.SetString(prefTheme, name)
	if e.Window.MainMenu() != nil {
		e.Window.SetMainMenu(e.menu())
	}
}

// requestClose is the user closing the window (or Ctrl+Q): it asks first
// when training would be lost.
func (e *Explorer) requestClose() {
	if !e.dirty || e.closing {
		e.close()
		return
	}
	msg := "The model has training that is not saved. Quit anyway?"
	if e.Train.State() != trainIdle {
		msg = "Training is running and the model is not saved. Stop and quit anyway?"
	}
	dialog.ShowConfirm("Quit VAE Explorer", msg, func(ok bool) {
		if ok {
			e.close()
		}
	}, e.Window)
}

// close stops training, remembers the window and quits.
func (e *Explorer) close() {
	if e.closing {
		return
	}
	e.closing = true
	s := e.Window.Canvas().Size()
	e.prefs.SetFloat(prefWidth, float64(s.Width))
	e.prefs.SetFloat(prefHeight, float64(s.Height))
	e.saveForm()
	if e.cancelTrain != nil {
		e.cancelTrain()
	}
	e.worker.Close()
	e.Interp.StopAnimation()
	e.Window.Close()
}

// Close shuts the explorer down as closing its window does, and waits for
// the training goroutines to finish.
func (e *Explorer) Close() {
	e.close()
	if e.pumpDone != nil {
		<-e.pumpDone
	}
}

func (e *Explorer) saveForm() {
	p := e.Train
	e.prefs.SetStringList(prefForm, []string{p.Epochs.Text, p.Latent.Text, p.Hidden.Text, p.Batch.Text,
		p.LR.Text, p.Beta.Text, p.Warmup.Text, p.Loss.Selected, p.Limit.Text, p.Arch.Selected})
	e.prefs.SetString(prefDataset, p.Dataset.Selected)
	e.prefs.SetString(prefFolder, p.Folder)
}

func (e *Explorer) restoreForm() {
	p := e.Train
	if f := e.prefs.StringList(prefForm); len(f) >= 9 {
		if len(f) > 9 { // saved since the conv architecture
			p.Arch.SetSelected(f[9])
		}
		for i, en := range []*widget.Entry{p.Epochs, p.Latent, p.Hidden, p.Batch, p.LR, p.Beta, p.Warmup} {
			en.SetText(f[i])
		}
		p.Loss.SetSelected(f[7])
		p.Limit.SetText(f[8])
	}
	if dir := e.prefs.String(prefFolder); dir != "" {
		p.Folder = dir
	}
	if c := e.prefs.String(prefDataset); c != "" {
		p.Dataset.SetSelected(c)
	}
	p.updateFolderRow()
}

// refreshMarks places the dropped images' marks on the plane.
func (e *Explorer) refreshMarks() {
	var marks []Mark
	for _, a := range e.Drops.Items() {
		if len(a.Mean) != len(e.z) {
			continue
		}
		sd := func(i int) float64 { return math.Exp(0.5 * float64(a.Logvar[i])) }
		marks = append(marks, Mark{X: float64(a.Mean[e.dimX]), Y: float64(a.Mean[e.dimY]), SX: sd(e.dimX), SY: sd(e.dimY),
			Label: strings.TrimSuffix(filepath.Base(a.Path), filepath.Ext(a.Path))})
	}
	e.Plane.SetMarks(marks)
}
