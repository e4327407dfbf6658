package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"vaeexplorer/vae"
	"vaeexplorer/vae/atomicfile"
	"vaeexplorer/vae/dataset"
)

const maxRecent = 8

// Models opens and keeps model files: a new model, a file, a bundled
// model, the first model at start-up; Save, Save As, the export for
// PyTorch; the recent files; held-out statistics for a model that has
// none. It makes the session's model; the documents (desktop, page) ask
// it through their dialogs and pickers.
type Models struct {
	eng      modelStore
	s        *Session
	training *Training
	prefs    fyne.Preferences
	win      fyne.Window
	do       func(func())
	status   func(string)
	onErr    func(error)
	// form reads the training form's settings (a new model's shape).
	form func() (vae.Config, error)
	// OnOpened runs after a model was opened from a file (the form
	// follows its settings); OnRecent when the recent files changed.
	OnOpened func(m Model)
	OnRecent func()
	// load loads the training panel's dataset (held-out statistics).
	load func(ctx context.Context, progress func(frac float64, what string), done func(*dataset.Data, error))
}

// First opens the model named on the command line, else the last one,
// else the bundled one. remembered says the form has remembered settings
// (then a bundled model leaves them).
func (c *Models) First(path string, remembered bool) {
	if path == "" {
		if last := c.prefs.String(prefLastModel); last != "" {
			if _, err := os.Stat(last); err == nil {
				path = last
			}
		}
	}
	if kind, ok := c.eng.BundledKind(path); ok {
		if m, err := c.eng.Bundled(kind); err == nil {
			c.Set(m, "")
			c.opened(m)
			return
		}
	}
	if path != "" {
		m, err := c.eng.Load(path)
		if err == nil {
			c.Set(m, path)
			c.opened(m)
			return
		}
		c.onErr(fmt.Errorf("could not open the last model, so the bundled one is loaded: %w", err))
	}
	m, err := c.eng.Bundled(c.eng.Bundles()[0].Kind)
	if err != nil {
		c.onErr(err)
		if m, err = c.eng.NewModel(vae.DefaultConfig()); err != nil {
			c.onErr(err)
			return
		}
	}
	c.Set(m, "")
	if !remembered {
		c.opened(m)
	}
}

func (c *Models) opened(m Model) {
	if c.OnOpened != nil {
		c.OnOpened(m)
	}
}

// Recent are the recently opened or saved model files, newest first.
func (c *Models) Recent() []string {
	var out []string
	for _, p := range c.prefs.StringList(prefRecent) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (c *Models) addRecent(path string) {
	list := []string{path}
	for _, p := range c.Recent() {
		if p != path && len(list) < maxRecent {
			list = append(list, p)
		}
	}
	c.prefs.SetStringList(prefRecent, list)
	if c.OnRecent != nil {
		c.OnRecent()
	}
}

// confirmDiscard asks before replacing a model with unsaved training.
func (c *Models) confirmDiscard(then func()) {
	if !c.s.Dirty() {
		then()
		return
	}
	dialog.ShowConfirm("Unsaved model", "The current model has training that is not saved. Replace it anyway?",
		func(ok bool) {
			if ok {
				then()
			}
		}, c.win)
}

// replace runs open (which replaces the model) unless training runs,
// after asking when the model has unsaved training.
func (c *Models) replace(open func()) {
	if c.training.State() != trainIdle {
		c.onErr(errors.New("stop training first"))
		return
	}
	c.confirmDiscard(open)
}

// New replaces the model with an untrained one of the form's shape.
func (c *Models) New() {
	cfg, err := c.form()
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		c.onErr(err)
		return
	}
	c.replace(func() {
		m, err := c.eng.NewModel(cfg)
		if err != nil {
			c.onErr(err)
			return
		}
		c.s.SetModel(m, "", "new model")
		c.s.MarkDirty()
		c.status("New untrained model: press Train to teach it")
	})
}

// Open loads a model file. A bad file changes nothing.
func (c *Models) Open(path string) {
	c.replace(func() {
		m, err := c.eng.Load(path)
		if err != nil {
			c.onErr(err)
			return
		}
		c.status("Opened " + path) // then what measuring says, if it must
		c.Set(m, path)
		c.opened(m)
	})
}

// OpenData makes a model file's contents the model (a page's picked or
// dropped file), named after the file.
func (c *Models) OpenData(name string, data []byte) {
	c.replace(func() {
		m, err := c.eng.FromBytes(name, data)
		if err != nil {
			c.onErr(err)
			return
		}
		if strings.EqualFold(filepath.Ext(name), ".safetensors") {
			name += " (PyTorch)"
		}
		c.s.SetModel(m, "", name)
		c.status("Opened " + name) // then what measuring says, if it must (a decoder alone: what needs its encoder)
		c.measureIfNeeded(m)
		c.opened(m)
	})
}

// OpenBundled goes to the bundled model of a kind ("": the default).
func (c *Models) OpenBundled(kind string) {
	if kind == "" {
		kind = c.eng.Bundles()[0].Kind
	}
	c.replace(func() {
		m, err := c.eng.Bundled(kind)
		if err != nil {
			c.onErr(err)
			return
		}
		c.Set(m, "")
		c.prefs.SetString(prefLastModel, "")
		c.opened(m) // the form follows it, as for a file (it kept the last model's shape)
		// Say so: the last model's news (a run's "Training stopped")
		// stayed in the status line.
		c.status("Opened the " + bundledTitle(m))
	})
}

// Set makes m the session's model; path is its file ("" for a bundled
// or an unsaved model). A PyTorch file is remembered but not kept as the
// model's file: Save asks for a .vae file rather than writing our format
// over PyTorch's.
func (c *Models) Set(m Model, path string) {
	name := ""
	switch {
	case path == "":
		name = bundledTitle(m)
	case strings.EqualFold(filepath.Ext(path), ".safetensors"):
		c.prefs.SetString(prefLastModel, path)
		c.addRecent(path)
		name, path = filepath.Base(path)+" (PyTorch)", ""
	case strings.EqualFold(filepath.Ext(path), ".onnx"): // opened, never written
		c.prefs.SetString(prefLastModel, path)
		c.addRecent(path)
		name, path = filepath.Base(path)+" (ONNX)", ""
	default:
		c.prefs.SetString(prefLastModel, path)
		c.addRecent(path)
	}
	c.s.SetModel(m, path, name)
	c.measureIfNeeded(m)
}

// bundledTitle is what the window calls a bundled model.
func bundledTitle(m Model) string {
	if m.Latent() != 2 {
		return fmt.Sprintf("bundled %d-D %s model", m.Latent(), m.Config().Arch)
	}
	return "bundled " + m.Config().Arch + " model"
}

// Save writes the model to its file; without one, ask is called (the
// documents' Save As).
func (c *Models) Save(ask func()) {
	path := c.s.Path()
	if path == "" || vae.CheckSaveName(path) != nil {
		ask() // a PyTorch or ONNX file stays what it is: saved under a .vae name
		return
	}
	if err := c.eng.SaveIfUnchanged(c.s.Model(), path, c.s.FileVersion()); err != nil {
		if errors.Is(err, atomicfile.ErrChanged) {
			err = fmt.Errorf("%s changed on disk since it was opened or saved here (another program wrote it); nothing was written: use Save As… to keep this model under another name, or reopen the file", path)
		}
		c.onErr(err)
		return
	}
	c.saved(path)
}

// SaveAs writes the model to path (atomically) and makes it the model's
// file.
func (c *Models) SaveAs(path string) {
	if err := c.eng.Save(c.s.Model(), path); err != nil {
		c.onErr(err)
		return
	}
	c.saved(path)
}

func (c *Models) saved(path string) {
	c.prefs.SetString(prefLastModel, path)
	c.addRecent(path)
	c.s.Saved(path)
	c.status("Saved " + path)
}

// encoderHolder is a decoder that can take an encoder after it opened
// (an ONNX decoder, vae/onnx).
type encoderHolder interface {
	HasEncoder() bool
	AddEncoder(path string) error
}

// WantsEncoder reports whether the model is a decoder waiting for its
// encoder.
func (c *Models) WantsEncoder() bool {
	eh, ok := c.s.Model().(encoderHolder)
	return ok && !eh.HasEncoder()
}

// AddEncoder gives an ONNX decoder its encoder from path; then the
// held-out statistics are measured as for any imported model.
func (c *Models) AddEncoder(path string) {
	m := c.s.Model()
	eh, ok := m.(encoderHolder)
	if !ok {
		c.onErr(errors.New("only an ONNX decoder takes an encoder"))
		return
	}
	if err := eh.AddEncoder(path); err != nil {
		c.onErr(err)
		return
	}
	c.s.WeightsChanged()
	c.status("Added the encoder " + filepath.Base(path))
	c.measureIfNeeded(m)
}

// ExportTorch writes the model to path as safetensors for PyTorch.
func (c *Models) ExportTorch(path string) {
	if err := c.eng.ExportTorch(c.s.Model(), path); err != nil {
		c.onErr(err)
		return
	}
	c.status("Exported for PyTorch: " + path + " (load it with scripts/torch_vae.py)")
}

// fits says why d cannot give m its held-out statistics: they are
// measured on a dataset of the model's own images (its shape and
// channels, stored as such), not on an image folder made to look like
// them, whose classes would be named as the model's.
func fits(m Model, d *dataset.Data) error {
	want := fmt.Sprintf("choose a dataset of %s images in the Dataset section (MNIST or Fashion-MNIST for 28x28 grey, or a folder of idx files), then open the model again", m.Image())
	if d.Report != nil {
		return fmt.Errorf("the training panel holds an image folder (%s), made %dx%dx%d for this model; %s", d.Name, d.Report.Side, d.Report.Side, d.Report.Channels, want)
	}
	if err := vae.CheckImages(d.Test, m.Image(), d.Name); err != nil {
		return fmt.Errorf("%w; %s", err, want)
	}
	return nil
}

// measureIfNeeded gives a model that has no held-out statistics (one
// imported from PyTorch) those of the training panel's dataset: the
// scatter, the anomaly percentiles and the model card need them. Without
// a dataset it says what is missing and how to get it.
func (c *Models) measureIfNeeded(m Model) {
	hm, ok := m.(vae.HeldOutMeasurer)
	if !ok || m.HeldOut() != nil {
		return
	}
	name := c.s.Name()
	if eh, ok := m.(encoderHolder); ok && !eh.HasEncoder() {
		c.status(name + " is a decoder alone: the plane, map, grid, samples and paths work; the scatter, images and anomalies need its encoder (Model → Add ONNX encoder…)")
		return
	}
	c.load(context.Background(), func(frac float64, what string) {
		c.status(fmt.Sprintf("%s has no held-out statistics yet: %s (%.0f%%)", name, what, 100*frac))
	}, func(d *dataset.Data, err error) {
		if err != nil {
			c.onErr(fmt.Errorf("%s has no held-out statistics (the scatter and anomaly percentiles need them) and the dataset could not be loaded: %w; choose one in the Dataset section, then open the model again", name, err))
			return
		}
		if err := fits(m, d); err != nil {
			c.onErr(fmt.Errorf("%s has no held-out statistics (the scatter and anomaly percentiles need them): %w", name, err))
			return
		}
		c.status(fmt.Sprintf("%s has no held-out statistics yet: measuring them on %d images of %s…", name, d.Test.N, vae.DataName(d.Name)))
		go func() {
			err := hm.MeasureHeldOut(d.Test)
			c.do(func() {
				switch {
				case err != nil:
					c.onErr(fmt.Errorf("%s: held-out statistics: %w", name, err))
				case c.s.Raw() == m:
					c.s.HeldOutMeasured()
					c.status(fmt.Sprintf("%s: held-out statistics measured on %d images of %s", name, d.Test.N, vae.DataName(d.Name)))
				}
			})
		}()
	})
}
