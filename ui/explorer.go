package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"vaeexplorer/vae/msg"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// Title is the main window's title (followed by the model's name).
const Title = "VAE Explorer"

// Options are what the command line may preset.
type Options struct {
	ModelPath  string // open this model (else the last one, else the bundled one)
	DataFolder string // preselect this dataset folder
	// ComparePath, when set, opens this second model in the Compare tool.
	ComparePath string
	// ScreenSize, when set, reports the screen's size in pixels once the
	// window is up, so the window never opens larger than the screen.
	ScreenSize func() (width, height int, ok bool)
	// OnStarted, when set, runs once the window is up.
	OnStarted func()
	// Trace, when set, receives a line for each change of the panels'
	// widths and for each training epoch with the point, so tests of the
	// real window can check that nothing moved.
	Trace io.Writer
	// Browser, when set, is the web page the app runs in (the browser
	// build): saving downloads, datasets come from the server, and what
	// needs files says so in its place.
	Browser *Browser
}

// Explorer is the main window. It builds the controllers (Session,
// Training, Models, Images, PlaneControl, the documents, the tool set) and
// the views, and wires each view to what it observes: the training panel
// on the left, the latent plane in the middle, the point (decoded image,
// sliders) and the tools on the right, the status bar along the bottom
// (window.go lays them out; menu.go, prefs.go, training_view.go hold the
// window's own concerns).
type Explorer struct {
	App     fyne.App
	Window  fyne.Window
	Session *Session
	// Training runs training; it alone changes training's state.
	Training *Training
	// Models opens and keeps model files.
	Models *Models
	// Images analyses image files (dropped, opened).
	Images *Images
	engine Engine
	prefs  fyne.Preferences
	// do runs a function on the UI goroutine: fyne.Do, or in tests a loop
	// the test drives, so tests see the same one-goroutine discipline.
	do func(func())

	Plane     *widgets.LatentPlane
	PlaneCtl  *PlaneControl // the plane's layers, map, projection, hover, picks, overlay
	Point     *PointView
	Class     *ClassView // a conditional model's class
	Grid      *GridPanel
	Drops     *DropPanel
	Plot      *widgets.LossPlot
	Samples   *SamplePanel
	Interp    *InterpPanel
	Vectors   *VectorPanel
	Anomalies *AnomalyPanel
	Traverse  *TraversalPanel
	Select    *SelectPanel
	Compare   *ComparePanel
	Tools     *widgets.ToolSwitcher
	LogScale  *widget.Check
	Train     *TrainPanel
	Bar       *StatusBar
	modelInfo *widget.Label
	// likelihood is the model card's on-demand -log p(x) estimate.
	likelihood *likelihoodCard
	klView     *widgets.ImageView // the model's KL per latent dimension
	migInfo    *widget.Label      // MIG against the data's attributes
	migView    *widgets.ImageView // its attribute x dimension heat map
	migLoad    Model              // the model data was last loaded for, for the heat map
	sections   *widget.Accordion  // the left panel's: model, dataset, hyper-parameters
	shell      *shell
	centre     *fyne.Container // the plane with its controls above and legend below

	tools   *toolSet
	docs    documents
	closing bool
	// trainingDone is closed once training's goroutines are done, after
	// the window closed.
	trainingDone <-chan struct{}
}

// NewExplorer builds the main window for app a and loads the first model.
// It does not show the window.
func NewExplorer(a fyne.App, engine Engine, opts Options) *Explorer {
	return newExplorer(a, engine, opts, fyne.Do)
}

func newExplorer(a fyne.App, engine Engine, opts Options, do func(func())) *Explorer {
	e := &Explorer{App: a, engine: engine, prefs: a.Preferences(), do: do, Session: NewSession()}
	e.Training = newTraining(engine, e.Session, do)
	e.Images = newImages(engine, e.Session, do, e.setStatus, e.showError, func(p string) { e.Models.Open(p) })
	e.Models = &Models{eng: engine, s: e.Session, training: e.Training, prefs: e.prefs, do: do,
		status: e.setStatus, onErr: e.showError, load: e.loadData}
	e.docs = newDocuments(e, opts.Browser)
	e.Window = a.NewWindow(Title)
	e.Images.OnFailures = e.showFailures
	e.Models.win = e.Window
	e.applyTheme(e.prefs.StringWithFallback(prefTheme, "system"))
	e.build()
	e.observe()
	e.restoreForm()
	if opts.DataFolder != "" {
		e.Train.SetFolder(opts.DataFolder)
	}
	e.docs.sizeWindow(opts) // before the content: it is laid out once, at that size
	content := e.layout()
	if opts.Trace != nil {
		e.trace(opts.Trace) // before the content is laid out: that first layout is traced too
	}
	e.Window.SetContent(content)
	e.Window.SetMainMenu(e.menu())
	e.shortcuts()
	e.Window.SetCloseIntercept(e.requestClose)
	e.docs.start(opts)
	return e
}

// build makes the views.
func (e *Explorer) build() {
	s := e.Session
	e.Plane = widgets.NewLatentPlane()
	e.PlaneCtl = newPlaneControl(s, e.Plane, e.prefs, e.do, e.setStatus, e.showError, e.Training.Data)
	e.tools = newToolSet(e.PlaneCtl.SetOverlay)
	e.Point = newPointView(s, e.do, e.PlaneCtl.Hovered, e.PlaneCtl.ChooseAxes)
	e.Class = newClassView(s, e.do)
	e.PlaneCtl.OnHoverChanged = func() { e.Point.Decode(true) }
	e.PlaneCtl.OnPicked = e.Point.ShowPicked
	e.Plot = widgets.NewLossPlot()
	e.LogScale = widget.NewCheck("Log scale", func(on bool) {
		e.Plot.SetLogScale(on)
		e.prefs.SetBool(prefLogScale, on)
	})
	e.LogScale.SetChecked(e.prefs.Bool(prefLogScale))
	e.Train = newTrainPanel(e.Window, e.Training.State, func(dir string) { e.prefs.SetString(prefFolder, dir) }, e.docs.folders())
	e.Models.form = func() (vae.Config, error) {
		cfg, _, err := e.Train.Config()
		return cfg, err
	}
	e.Models.OnOpened = func(m Model) { e.Train.SetConfig(m.Config()) }
	e.Models.OnRecent = e.refreshMenu
	e.Train.TrainBtn.OnTapped = e.StartTraining
	e.Train.PauseBtn.OnTapped = e.PauseTraining
	e.Train.ResumeBtn.OnTapped = e.ResumeTraining
	e.Train.StopBtn.OnTapped = e.StopTraining
	e.Bar = newStatusBar()
	e.modelInfo = widget.NewLabel("")
	e.modelInfo.Wrapping = fyne.TextWrapWord
	e.klView = widgets.NewImageView(nil, 62) // bars and their indices
	e.migInfo = widget.NewLabel("")
	e.migInfo.Wrapping = fyne.TextWrapWord
	e.migInfo.Hide()
	e.migView = widgets.NewImageView(nil, 60)
	e.migView.Hide()
	e.likelihood = newLikelihoodCard(e)

	env := &toolEnv{
		win:     e.Window,
		do:      e.do,
		session: s,
		data: func(done func(*dataset.Data, error)) {
			e.loadData(context.Background(), func(frac float64, what string) {
				e.setStatus(fmt.Sprintf("%s (%.0f%%)", what, 100*frac))
			}, done)
		},
		onErr:          e.showError,
		status:         e.setStatus,
		later:          e.tools.later,
		overlayChanged: e.tools.overlayChanged,
		docs:           e.docs,
		view:           e.Plane.View,
	}
	e.PlaneCtl.load = env.data
	e.PlaneCtl.OnThumbs = e.refreshMenu
	e.Grid = newGridPanel(env)
	planeView := e.Plane.OnViewChanged // the map's
	e.Plane.OnViewChanged = func() { planeView(); e.Grid.ViewChanged() }
	e.Drops = newDropPanel(s, e.docs.openImages, e.Images.Clear, e.docs.where())
	e.Drops.OnGoTo = func(a *Analysis) { s.SetPoint(a.Mean, PointChange{}) }
	e.Drops.OnReclass = e.Images.Reclass
	e.Samples = newSamplePanel(env)
	e.Interp = newInterpPanel(env)
	e.Vectors = newVectorPanel(env)
	e.Anomalies = newAnomalyPanel(env)
	e.Traverse = newTraversalPanel(env)
	e.Compare = newComparePanel(env, e.engine.Load, e.Training.Data)
	e.Select = newSelectPanel(env, e.PlaneCtl.heldOutImages)
	e.Select.OnVector = func(v vae.Vector) {
		e.Vectors.UseVector(v)
		e.ShowTool(e.Vectors)
	}
	e.PlaneCtl.OnLassoed = func() { e.ShowTool(e.Select) }
	// The tools, in the switcher's, the Tools menu's and Ctrl+1…'s order.
	e.tools.set(e.Grid, e.Drops, e.Samples, e.Interp, e.Vectors, e.Anomalies, e.Traverse, e.Select, e.Compare)
	e.Tools = e.tools.switcher
	e.Plane.OnMarkPick = func(int) { e.ShowTool(e.Drops) } // a dropped image: its panel
}

// observe subscribes the views to the session.
func (e *Explorer) observe() {
	s := e.Session
	s.OnPoint(func(ch PointChange) {
		if !ch.Picked {
			e.Point.Picked.Hide()
		}
		e.Point.Decode(ch.Interactive)
		tell(e.tools, pointWatcher.PointMoved)
	})
	s.OnDims(func() { tell(e.tools, dimsWatcher.DimsChanged) })
	s.OnDrops(func() { tell(e.tools, dropsWatcher.DropsChanged) })
	s.OnModel(func() {
		if e.Training.State() == trainIdle {
			e.Bar.Clear()
		}
		e.Plot.Clear()
		for _, h := range s.Model().History() {
			e.Plot.AddEpoch(h.Epoch, h.TestELBO, h.TestRec, h.TestKL)
		}
		e.Plot.Refresh()
		e.refreshModelViews()
		if e.centre != nil {
			e.centre.Refresh() // the axes row shows for models of more than two dimensions: the plane makes room
		}
	})
	s.OnWeights(e.refreshModelViews)
	s.OnClass(func() { // a conditional model draws another class
		e.Point.Decode(false)
		tell(e.tools, modelWatcher.ModelChanged)
		name := e.Class.Picker.Selected
		e.setStatus(fmt.Sprintf("Class %s: the plane holds its styles (the codes are of every class); the map, grid, samples and tools draw it", name))
	})
	s.OnFile(e.updateTitle)
	e.observeTraining()
}

// refreshModelViews redraws what depends on the weights beside the
// plane: decoded image, model summary, tools.
func (e *Explorer) refreshModelViews() {
	m := e.Session.Model()
	e.Point.Decode(false)
	e.modelInfo.SetText(modelSummary(e.Session.Name(), m))
	if h := m.HeldOut(); h != nil && len(h.DimKL) > 0 {
		e.klView.SetImage(klChart(h.DimKL, vae.Activity(h.Means, m.Latent())))
		e.klView.Show()
	} else {
		e.klView.Hide()
	}
	e.refreshDisentanglement()
	tell(e.tools, modelWatcher.ModelChanged)
}

// refreshDisentanglement shows the model's MIG and heat map when the
// loaded data has attributes and holds the model's held-out images.
func (e *Explorer) refreshDisentanglement() {
	m := e.Session.Model()
	if m != nil && len(m.Config().Attributes) > 0 && m.HeldOut() != nil && e.Training.Data() == nil && e.migLoad != e.Session.Raw() {
		// A model of data with attributes: load the training panel's data
		// once for it (its held-out attributes give the heat map).
		e.migLoad = e.Session.Raw()
		e.loadData(context.Background(), func(float64, string) {}, func(*dataset.Data, error) {})
	}
	text, img := disentanglement(m, e.Training.Data())
	if img == nil {
		e.migInfo.Hide()
		e.migView.Hide()
		return
	}
	e.migInfo.SetText(text)
	e.migView.MinSide = float32(img.Bounds().Dy()) // its own size: the names stay readable
	e.migView.SetImage(img)
	e.migInfo.Show()
	e.migView.Show()
}

// Model is the model being explored.
func (e *Explorer) Model() Model { return e.Session.Model() }

func (e *Explorer) updateTitle() {
	t := Title + " — " + e.Session.Name()
	if e.Session.Dirty() {
		t += " *"
	}
	e.Window.SetTitle(t)
	if m := e.Session.Model(); m != nil {
		e.modelInfo.SetText(modelSummary(e.Session.Name(), m))
	}
}

// Status is the status line's text.
func (e *Explorer) Status() string { return e.Bar.Text() }

func (e *Explorer) setStatus(msg string) { e.Bar.SetMessage(msg, false) }

// showFailures lists the files that could not be read, each with why.
func (e *Explorer) showFailures(errs []error) {
	lines := make([]string, 0, min(len(errs), 11))
	for i, err := range errs {
		if i == 10 {
			lines = append(lines, fmt.Sprintf("… and %d more", len(errs)-10))
			break
		}
		lines = append(lines, msg.Line(err.Error()))
	}
	dialog.ShowInformation(fmt.Sprintf("%d files could not be read", len(errs)), strings.Join(lines, "\n"), e.Window)
}

// showError puts err in the status line; the app carries on.
func (e *Explorer) showError(err error) { e.Bar.SetMessage(err.Error(), true) }

// trace writes the layout and, per epoch, the point to w (see
// Options.Trace).
func (e *Explorer) trace(w io.Writer) {
	e.shell.OnLayout = func(l, c, r float32) {
		_, side := widgets.PlotRect(e.Plane.Size())
		fmt.Fprintf(w, "trace: layout left %.0f centre %.0f right %.0f plot %.0f\n", l, c, r, side)
	}
	e.Session.OnWeights(func() {
		fmt.Fprintf(w, "trace: weights %s point %s\n", e.Bar.Training.Text, fmtVec(e.Session.Point()))
	})
	e.Training.OnState(func(st trainState) {
		fmt.Fprintf(w, "trace: training %d point %s\n", st, fmtVec(e.Session.Point()))
	})
	e.Session.OnModel(func() {
		m := e.Session.Model()
		fmt.Fprintf(w, "trace: model %q latent %d image %s\n", e.Session.Name(), m.Latent(), m.Image())
	})
	e.Session.OnDims(func() {
		x, y := e.Session.AxisNames()
		fmt.Fprintf(w, "trace: axes %q %q\n", x, y)
	})
}
