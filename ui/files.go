package ui

import (
	"errors"
	"fmt"
	"os"

	"fyne.io/fyne/v2/dialog"

	"vaeexplorer/vae"
	"vaeexplorer/vae/atomicfile"
)

const maxRecent = 8

// loadFirstModel opens the model named on the command line, else the last
// one, else the bundled one.
func (e *Explorer) loadFirstModel(path string) {
	if path == "" {
		if last := e.prefs.String(prefLastModel); last != "" {
			if _, err := os.Stat(last); err == nil {
				path = last
			}
		}
	}
	if arch, ok := e.engine.BundledKind(path); ok {
		if m, err := e.engine.Bundled(arch); err == nil {
			e.SetModel(m, "")
			e.Train.SetConfig(m.Config())
			return
		}
	}
	if path != "" {
		m, err := e.engine.Load(path)
		if err == nil {
			e.SetModel(m, path)
			e.Train.SetConfig(m.Config())
			return
		}
		e.showError(fmt.Errorf("could not open the last model, so the bundled one is loaded: %w", err))
	}
	m, err := e.engine.Bundled(e.engine.Bundles()[0].Kind)
	if err != nil {
		e.showError(err)
		if m, err = e.engine.NewModel(vae.DefaultConfig()); err != nil {
			e.showError(err)
			return
		}
	}
	e.SetModel(m, "")
	if len(e.prefs.StringList(prefForm)) == 0 { // else the remembered form
		e.Train.SetConfig(m.Config())
	}
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
	e.refreshMenu()
}

// confirmDiscard asks before replacing a model with unsaved training.
func (e *Explorer) confirmDiscard(then func()) {
	if !e.Session.Dirty() {
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
	if e.Training.State() != trainIdle {
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
	if err == nil {
		err = cfg.Validate()
	}
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
		e.Session.SetModel(m, "", "new model")
		e.Session.MarkDirty()
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

// OpenBundled goes back to the default bundled model.
func (e *Explorer) OpenBundled() { e.OpenBundledArch(e.engine.Bundles()[0].Kind) }

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

// Save writes the model to its file, or asks for one.
func (e *Explorer) Save() {
	path := e.Session.Path()
	if path == "" {
		e.docs.saveAs()
		return
	}
	if err := e.engine.SaveIfUnchanged(e.Session.Model(), path, e.Session.FileVersion()); err != nil {
		if errors.Is(err, atomicfile.ErrChanged) {
			err = fmt.Errorf("%s changed on disk since it was opened or saved here (another program wrote it); nothing was written: use Save As… to keep this model under another name, or reopen the file", path)
		}
		e.showError(err)
		return
	}
	e.savedAs(path)
}

// SaveAs writes the model to path (atomically) and makes it the model's
// file.
func (e *Explorer) SaveAs(path string) {
	if err := e.engine.Save(e.Session.Model(), path); err != nil {
		e.showError(err)
		return
	}
	e.savedAs(path)
}

func (e *Explorer) savedAs(path string) {
	e.prefs.SetString(prefLastModel, path)
	e.addRecent(path)
	e.Session.Saved(path)
	e.setStatus("Saved " + path)
}

// ExportTorch writes the model to path as safetensors for PyTorch.
func (e *Explorer) ExportTorch(path string) {
	if err := e.engine.ExportTorch(e.Session.Model(), path); err != nil {
		e.showError(err)
		return
	}
	e.setStatus("Exported for PyTorch: " + path + " (load it with scripts/torch_vae.py)")
}
