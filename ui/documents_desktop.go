package ui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"vaeexplorer/vae/imaging"
)

// desktopDocs are the desktop's documents: file dialogs, model files
// kept where the user says, recent files.
type desktopDocs struct{ e *Explorer }

func (d *desktopDocs) start(opts Options) {
	e := d.e
	e.Window.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { e.Images.URIs(uris) })
	e.Models.First(opts.ModelPath, e.rememberedForm())
	if opts.ComparePath != "" {
		e.ShowTool(e.Compare)
		e.Compare.Open(opts.ComparePath)
	}
}

// sizeWindow opens the window at its remembered size, never larger than
// the screen.
func (d *desktopDocs) sizeWindow(opts Options) {
	d.e.restoreWindowSize(opts.ScreenSize, opts.OnStarted)
}

func (d *desktopDocs) fileItems() (before, after []*fyne.MenuItem) {
	e := d.e
	recent := fyne.NewMenuItem("Open Recent", nil)
	recent.ChildMenu = fyne.NewMenu("")
	for _, p := range e.Models.Recent() {
		recent.ChildMenu.Items = append(recent.ChildMenu.Items, fyne.NewMenuItem(p, func() { e.Models.Open(p) }))
	}
	if len(recent.ChildMenu.Items) == 0 {
		recent.ChildMenu.Items = append(recent.ChildMenu.Items, unavailable("(none yet)"))
	}
	before = []*fyne.MenuItem{
		item("New", ctrl(fyne.KeyN), e.Models.New),
		item("Open…", ctrl(fyne.KeyO), d.openModel),
		recent,
		item("Add ONNX encoder…", nil, d.addEncoder),
	}
	after = []*fyne.MenuItem{
		item("Save", ctrl(fyne.KeyS), d.save),
		item("Save As…", ctrlShift(fyne.KeyS), d.saveAs),
		item("Export for PyTorch (safetensors)…", nil, d.exportTorch),
		fyne.NewMenuItemSeparator(),
		item("Quit", ctrl(fyne.KeyQ), e.requestClose),
	}
	return before, after
}

func (d *desktopDocs) openModel() {
	d.openFile([]string{".vae", ".safetensors", ".onnx"}, d.e.Models.Open)
}

// addEncoder picks an ONNX decoder's encoder.
func (d *desktopDocs) addEncoder() {
	if !d.e.Models.WantsEncoder() {
		d.e.showError(errors.New("Add ONNX encoder: the model is not an ONNX decoder without its encoder; open the decoder (.onnx) first"))
		return
	}
	d.openFile([]string{".onnx"}, d.e.Models.AddEncoder)
}

func (d *desktopDocs) openImages() {
	d.openFile(imaging.ImageExts, func(path string) { d.e.Images.Files([]string{path}) })
}

// openFile asks for a file ending in one of exts and hands its path on.
func (d *desktopDocs) openFile(exts []string, open func(path string)) {
	dlg := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		open(r.URI().Path())
	}, d.e.Window)
	dlg.SetFilter(storage.NewExtensionFileFilter(exts))
	dlg.Show()
}

// save writes the model to its file, or asks for one.
func (d *desktopDocs) save() { d.e.Models.Save(d.saveAs) }

// saveAs asks for a .vae file and saves the model there.
func (d *desktopDocs) saveAs() { d.saveFile("model.vae", ".vae", d.e.Models.SaveAs) }

// exportTorch asks where to write the model for PyTorch.
func (d *desktopDocs) exportTorch() {
	name := strings.TrimSuffix(filepath.Base(nameOr(d.e.Session.Path(), "model.vae")), ".vae") + ".safetensors"
	d.saveFile(name, ".safetensors", d.e.Models.ExportTorch)
}

// saveFile asks where to write a model file ending in ext (added when the
// name lacks it) and hands the path on: the engine writes it atomically
// through its own temporary file, so the dialog's file is closed first.
func (d *desktopDocs) saveFile(name, ext string, write func(path string)) {
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if !strings.HasSuffix(strings.ToLower(path), ext) {
			os.Remove(path)
			path += ext
		}
		write(path)
	}, d.e.Window)
	dlg.SetFileName(name)
	dlg.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	dlg.Show()
}

func (d *desktopDocs) export(name, ext string, write func(io.Writer) error) {
	e := d.e
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		werr := write(w)
		if cerr := w.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			e.showError(fmt.Errorf("export %s: %w", w.URI().Path(), werr))
			return
		}
		e.setStatus("Saved " + w.URI().Path())
	}, e.Window)
	dlg.SetFileName(name)
	dlg.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	dlg.Show()
}

func (d *desktopDocs) saveHint() string       { return "Save the model with Ctrl+S." }
func (d *desktopDocs) folders() bool          { return true }
func (d *desktopDocs) where() string          { return "window" }
func (d *desktopDocs) stopKey() fyne.Shortcut { return ctrl(fyne.KeyPeriod) }
func (d *desktopDocs) shortcutLines() []string {
	return []string{
		"Ctrl+N  new model        Ctrl+O  open model",
		"Ctrl+S  save             Ctrl+Shift+S  save as",
		"Ctrl+T  train            Space   pause / resume",
		"Ctrl+.  stop training    Ctrl+I  open images",
		"Ctrl+Q  quit",
	}
}
