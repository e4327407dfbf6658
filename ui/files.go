package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"vaeexplorer/assets"
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
	if arch, ok := assets.BundledName(path); ok {
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
	m, err := e.engine.Bundled(assets.KindDefault)
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
	if e.Session.Training() != trainIdle {
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
func (e *Explorer) OpenBundled() { e.OpenBundledArch(assets.KindDefault) }

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
	if e.browser != nil {
		e.pickModel()
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		e.OpenModel(r.URI().Path())
	}, e.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".vae", ".safetensors"}))
	d.Show()
}

// Save writes the model to its file, or asks for one.
func (e *Explorer) Save() {
	path := e.Session.Path()
	if path == "" {
		e.saveAsDialog()
		return
	}
	if err := e.Session.Model().SaveIfUnchanged(path, e.Session.FileVersion()); err != nil {
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

// exportTorchDialog asks where to write the model for PyTorch.
func (e *Explorer) exportTorchDialog() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close() // written atomically through its own temporary file
		if !strings.HasSuffix(strings.ToLower(path), ".safetensors") {
			os.Remove(path)
			path += ".safetensors"
		}
		e.ExportTorch(path)
	}, e.Window)
	d.SetFileName(strings.TrimSuffix(filepath.Base(nameOr(e.Session.Path(), "model.vae")), ".vae") + ".safetensors")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".safetensors"}))
	d.Show()
}

// downloadModel hands the model to the browser as a file of ext (.vae or
// .safetensors), named after the model.
func (e *Explorer) downloadModel(ext string) {
	m := e.Session.Model()
	if m == nil || e.browser == nil {
		return
	}
	data, err := e.engine.ModelBytes(m, ext)
	if err != nil {
		e.showError(err)
		return
	}
	name := downloadName(e.Session.Name()) + ext
	if err := e.browser.Download(name, "application/octet-stream", data); err != nil {
		e.showError(fmt.Errorf("download %s: %w", name, err))
		return
	}
	if ext == ".vae" {
		e.Session.Downloaded()
	}
	msg := fmt.Sprintf("Downloaded %s (%.1f MB)", name, float64(len(data))/1e6)
	if ext == ".safetensors" {
		msg += ": load it in PyTorch with scripts/torch_vae.py"
	}
	e.setStatus(msg)
}

// downloadName makes a model's display name a file name.
func downloadName(name string) string {
	var b strings.Builder
	for _, r := range strings.TrimSuffix(strings.TrimSpace(name), ".vae") {
		switch {
		case r == ' ' || r == '-' || r == '_' || r == '.':
			b.WriteByte('-')
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "model"
	}
	return b.String()
}

// ExportTorch writes the model to path as safetensors for PyTorch.
func (e *Explorer) ExportTorch(path string) {
	if err := e.engine.ExportTorch(e.Session.Model(), path); err != nil {
		e.showError(err)
		return
	}
	e.setStatus("Exported for PyTorch: " + path + " (load it with scripts/torch_vae.py)")
}
