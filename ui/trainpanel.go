package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// TrainPanel is the training form: dataset, hyper-parameters and the
// Train/Pause/Resume/Stop buttons (which the window places above the form,
// always in view). It holds no training logic and no training state: the
// explorer wires its buttons to the Training controller, and it shows
// where that stands (state reads it).
type TrainPanel struct {
	widget.BaseWidget

	Dataset  *widget.Select
	Folder   string // chosen with Choose folder…
	folderLb *widgets.TipLabel
	chooseFd *widget.Button
	// How an image folder becomes a dataset: the side ("" or "auto":
	// from the data), grey or colour, and the preprocessing.
	Side         *widget.Entry
	Colour, Prep *widget.Select
	imageRows    *fyne.Container

	Epochs, Latent, Hidden, Batch, LR, Beta, Warmup, Limit *widget.Entry
	Arch, Loss                                             *widget.Select
	Continue                                               *widget.Check
	// Decay decays the learning rate to 0 along a half cosine.
	Decay *widget.Check
	// Conditional trains a conditional VAE: the class goes in with every
	// image and code.
	Conditional *widget.Check

	TrainBtn, PauseBtn, ResumeBtn, StopBtn *widget.Button

	// DatasetPart is the dataset's choice and folder options;
	// ParamsPart the hyper-parameters.
	DatasetPart, ParamsPart fyne.CanvasObject

	state func() trainState // the Training controller's state
	faces string            // the face folder DataFaces picks, or ""
	// folders: image folders can be chosen (not in a page, whose
	// datasets are the server's).
	folders bool
}

// datasetChoices are the datasets the training panel offers: in a page
// the server's; on the desktop MNIST, Fashion-MNIST, the faces `make
// faces` drew when they are there, and any folder (faces: that folder,
// or "").
func datasetChoices(folders bool) (choices []string, faces string) {
	if !folders {
		return []string{DataServerMNIST, DataServerFashion}, ""
	}
	// The faces are offered by name: their folder is hidden in the
	// user's cache, where the folder dialog does not look.
	if faces = dataset.FacesImages(); faces != "" {
		return []string{DataMNIST, DataFashion, DataFaces, DataFolder}, faces
	}
	return []string{DataMNIST, DataFashion, DataFolder}, ""
}

func newTrainPanel(win fyne.Window, state func() trainState, onFolder func(string), folders bool) *TrainPanel {
	p := &TrainPanel{folders: folders, state: state}
	var choices []string
	choices, p.faces = datasetChoices(folders)
	p.Dataset = widget.NewSelect(choices, nil)
	p.folderLb = widgets.NewTipLabel("") // a long path is elided, whole in its tooltip
	p.chooseFd = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
			if err != nil || u == nil {
				return
			}
			p.SetFolder(u.Path())
			if onFolder != nil {
				onFolder(u.Path())
			}
		}, win)
	})
	p.Dataset.OnChanged = func(s string) {
		if s == DataFaces {
			// A shortcut to the folder: the row shows where it is, and
			// the folder is remembered as any chosen folder is.
			p.Folder = p.faces
			p.updateFolderRow()
			if onFolder != nil {
				onFolder(p.faces)
			}
			return
		}
		p.updateFolderRow()
	}
	// Fields set directly, not through SetText or SetSelected, while the
	// panel is built: those build and lay out each widget's renderer at
	// once, and again when the window lays it out (in a browser, a tenth
	// of a second of start-up).
	p.Side = newEntry("", "auto")
	p.Colour = widget.NewSelect([]string{colourAuto, colourGrey, colourRGB}, nil)
	p.Colour.Selected = colourAuto
	p.Prep = widget.NewSelect([]string{imaging.ModeResize, imaging.ModeDigit}, nil)
	p.Prep.Selected = imaging.ModeResize
	p.imageRows = container.NewVBox(widget.NewForm(
		widget.NewFormItem("Image side", p.Side),
		widget.NewFormItem("Colour", p.Colour),
		widget.NewFormItem("Preprocess", p.Prep),
	))

	def := vae.DefaultConfig()
	entry := func(v string) *widget.Entry { return newEntry(v, "") }
	p.Epochs = entry("10")
	p.Latent = entry(strconv.Itoa(def.Latent))
	p.Hidden = entry(strconv.Itoa(def.Hidden))
	p.Batch = entry(strconv.Itoa(def.Batch))
	p.LR = entry("0.001")
	p.Beta = entry("1")
	p.Warmup = entry("0")
	p.Limit = newEntry("0", "0: all")
	p.Arch = widget.NewSelect([]string{vae.ArchMLP, vae.ArchConv}, nil)
	p.Arch.Selected = def.Arch
	p.Arch.OnChanged = func(arch string) {
		// Follow the architecture's default width unless the user chose
		// another.
		for _, a := range []string{vae.ArchMLP, vae.ArchConv} {
			if a != arch && strings.TrimSpace(p.Hidden.Text) == strconv.Itoa(vae.DefaultHidden(a)) {
				p.Hidden.SetText(strconv.Itoa(vae.DefaultHidden(arch)))
			}
		}
	}
	p.Loss = widget.NewSelect([]string{vae.LossBCE, vae.LossMSE}, nil)
	p.Loss.Selected = def.Loss
	p.Continue = widget.NewCheck("Continue this model", nil)
	p.Decay = widget.NewCheck("cosine, to 0", nil)
	p.Conditional = widget.NewCheck("Conditional (pick the class)", nil)

	p.TrainBtn = widget.NewButton("Train", nil)
	p.TrainBtn.Importance = widget.HighImportance
	p.PauseBtn = widget.NewButton("Pause", nil)
	p.ResumeBtn = widget.NewButton("Resume", nil)
	p.StopBtn = widget.NewButton("Stop", nil)

	form := widget.NewForm(
		widget.NewFormItem("Architecture", p.Arch),
		widget.NewFormItem("Epochs", p.Epochs),
		widget.NewFormItem("Latent size", p.Latent),
		widget.NewFormItem("Hidden size", p.Hidden),
		widget.NewFormItem("Batch", p.Batch),
		widget.NewFormItem("Learning rate", p.LR),
		widget.NewFormItem("LR decay", p.Decay),
		widget.NewFormItem("Beta (KL)", p.Beta),
		widget.NewFormItem("KL warm-up", p.Warmup),
		widget.NewFormItem("Loss", p.Loss),
		widget.NewFormItem("Images", p.Limit),
	)
	p.DatasetPart = container.NewVBox(p.Dataset, container.NewBorder(nil, nil, nil, p.chooseFd, p.folderLb), p.imageRows)
	p.ParamsPart = container.NewVBox(form, p.Conditional, p.Continue)
	p.Dataset.Selected = p.Dataset.Options[0] // SetState below shows its folder row
	if !folders {
		p.chooseFd.Hide()
		p.imageRows.Hide()
	}
	p.ShowState(trainIdle)
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer lays the panel out as a column under headings (the
// window shows its two parts in sections of its own instead).
func (p *TrainPanel) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewVBox(
		widget.NewLabelWithStyle("Dataset", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		p.DatasetPart,
		widget.NewSeparator(),
		widget.NewLabelWithStyle("Hyper-parameters", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		p.ParamsPart))
}

// SetFolder sets the dataset folder and selects the Folder choice.
func (p *TrainPanel) SetFolder(dir string) {
	p.Folder = dir
	if dir != "" && dir == p.faces {
		p.Dataset.SetSelected(DataFaces)
	} else {
		p.Dataset.SetSelected(DataFolder)
	}
	p.updateFolderRow()
}

func (p *TrainPanel) updateFolderRow() {
	if !p.folders {
		p.folderLb.SetText(desktopOnly("Image folders:"))
		return
	}
	if p.folderChosen() {
		if p.state() == trainIdle {
			p.chooseFd.Enable()
		} else {
			p.chooseFd.Disable()
		}
		if p.Folder == "" {
			p.folderLb.SetText("(no folder chosen)")
		} else {
			p.folderLb.SetText(p.Folder)
		}
	} else {
		p.chooseFd.Disable()
		p.folderLb.SetText("")
	}
	// The image rows matter for image folders only; they stay in place
	// (no jump in the layout) but are disabled otherwise.
	images := p.folderChosen() && p.state() == trainIdle
	for _, w := range []fyne.Disableable{p.Side, p.Colour, p.Prep} {
		if images {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// folderChosen says whether the dataset is an image folder.
func (p *TrainPanel) folderChosen() bool {
	return p.Dataset.Selected == DataFolder || p.Dataset.Selected == DataFaces
}

// Dataset choices in the training panel.
const (
	DataMNIST   = "MNIST (download)"
	DataFashion = "Fashion-MNIST"
	DataFolder  = "Folder…"
	// DataFaces picks the folder `make faces` wrote (dataset.FacesImages).
	DataFaces = "Faces (make faces)"
	// In the browser: the datasets the server that served the page offers
	// (vae-explorer serve).
	DataServerMNIST   = "MNIST (from the server)"
	DataServerFashion = "Fashion-MNIST (from the server)"
)

// Colour choices for image folders.
const (
	colourAuto = "from the data"
	colourGrey = "grey"
	colourRGB  = "colour (RGB)"
)

// FolderOptions reads how an image folder becomes a dataset, or says
// which field is not a number (vae.CheckFolderOptions judges the values).
func (p *TrainPanel) FolderOptions() (dataset.FolderOptions, error) {
	opt := dataset.FolderOptions{Mode: p.Prep.Selected}
	if s := strings.TrimSpace(p.Side.Text); s != "" && s != "auto" {
		v, err := strconv.Atoi(s)
		if err != nil {
			return opt, fmt.Errorf("Image side: %q is not a whole number (leave it empty for the data's own)", s)
		}
		opt.Side = v
	}
	switch p.Colour.Selected {
	case colourGrey:
		opt.Channels = 1
	case colourRGB:
		opt.Channels = 3
	}
	return opt, nil
}

// ShowState enables the buttons and fields that make sense in state s.
func (p *TrainPanel) ShowState(s trainState) {
	set := func(b *widget.Button, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	set(p.TrainBtn, s == trainIdle)
	set(p.PauseBtn, s == trainRunning)
	set(p.ResumeBtn, s == trainPaused)
	set(p.StopBtn, s != trainIdle)
	for _, e := range []*widget.Entry{p.Epochs, p.Latent, p.Hidden, p.Batch, p.LR, p.Beta, p.Warmup, p.Limit} {
		if s == trainIdle {
			e.Enable()
		} else {
			e.Disable()
		}
	}
	p.updateFolderRow()
	if s == trainIdle {
		p.Dataset.Enable()
		p.Arch.Enable()
		p.Loss.Enable()
		p.Continue.Enable()
		p.Decay.Enable()
		p.Conditional.Enable()
	} else {
		p.Dataset.Disable()
		p.Arch.Disable()
		p.Loss.Disable()
		p.Continue.Disable()
		p.Decay.Disable()
		p.Conditional.Disable()
	}
}

// Request reads the form into what to train, or says which field is not
// a number; the Training controller judges the values (vae.CheckRun, as
// the CLI does).
func (p *TrainPanel) Request() (TrainRequest, error) {
	cfg, limit, err := p.Config()
	if err != nil {
		return TrainRequest{}, err
	}
	read, err := p.FolderOptions()
	if err != nil {
		return TrainRequest{}, err
	}
	r := TrainRequest{Config: cfg, Limit: limit, Read: read, Continue: p.Continue.Checked, Conditional: p.Conditional.Checked}
	r.Name, r.Folder = p.Source()
	return r, nil
}

// Source is the dataset chosen: a dataset's name, or "" and a folder.
func (p *TrainPanel) Source() (name, folder string) {
	switch p.Dataset.Selected {
	case DataMNIST, DataServerMNIST:
		return dataset.NameMNIST, ""
	case DataFashion, DataServerFashion:
		return dataset.NameFashion, ""
	}
	return "", p.Folder
}

// Config reads the form into a training configuration and the image
// limit, or says which field is not a number.
func (p *TrainPanel) Config() (vae.Config, int, error) {
	cfg := vae.DefaultConfig()
	var errs []error
	num := func(name string, e *widget.Entry, dst *int) {
		v, err := strconv.Atoi(strings.TrimSpace(e.Text))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a whole number", name, e.Text))
			return
		}
		*dst = v
	}
	flt := func(name string, e *widget.Entry, dst *float64) {
		v, err := strconv.ParseFloat(strings.TrimSpace(e.Text), 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a number", name, e.Text))
			return
		}
		*dst = v
	}
	var limit int
	num("Epochs", p.Epochs, &cfg.Epochs)
	num("Latent size", p.Latent, &cfg.Latent)
	num("Hidden size", p.Hidden, &cfg.Hidden)
	num("Batch", p.Batch, &cfg.Batch)
	flt("Learning rate", p.LR, &cfg.LR)
	flt("Beta", p.Beta, &cfg.Beta)
	num("KL warm-up", p.Warmup, &cfg.Warmup)
	num("Images", p.Limit, &limit)
	cfg.Arch, cfg.Loss, cfg.LRDecay = p.Arch.Selected, p.Loss.Selected, p.Decay.Checked
	return cfg, limit, errors.Join(errs...)
}

// SetConfig fills the form from cfg.
func (p *TrainPanel) SetConfig(cfg vae.Config) {
	p.Arch.SetSelected(cfg.Arch)
	p.Latent.SetText(strconv.Itoa(cfg.Latent))
	p.Hidden.SetText(strconv.Itoa(cfg.Hidden))
	p.Batch.SetText(strconv.Itoa(cfg.Batch))
	p.LR.SetText(strconv.FormatFloat(cfg.LR, 'g', -1, 64))
	p.Beta.SetText(strconv.FormatFloat(cfg.Beta, 'g', -1, 64))
	p.Warmup.SetText(strconv.Itoa(cfg.Warmup))
	p.Loss.SetSelected(cfg.Loss)
	p.Decay.SetChecked(cfg.LRDecay)
	p.Conditional.SetChecked(cfg.Conditional())
}
