package ui

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"

	"vaeexplorer/vae/imaging"
)

// browserDocs are a web page's documents: the browser's file picker and
// drops to open, downloads to keep (see Browser).
type browserDocs struct {
	e *Explorer
	b *Browser
}

func (d *browserDocs) fileItems() (before, after []*fyne.MenuItem) {
	e := d.e
	before = []*fyne.MenuItem{
		item("New", ctrl(fyne.KeyN), e.Models.New),
		item("Open model file…", ctrl(fyne.KeyO), d.openModel),
	}
	after = []*fyne.MenuItem{
		item("Download model (.vae)", ctrl(fyne.KeyS), func() { d.downloadModel(".vae") }),
		item("Download for PyTorch (.safetensors)", nil, func() { d.downloadModel(".safetensors") }),
	}
	return before, after
}

// openModel is the browser's Open…: a model file.
func (d *browserDocs) openModel() { d.pick([]string{".vae", ".safetensors"}) }

// openImages is the browser's Open images…: images or a model file.
func (d *browserDocs) openImages() {
	d.pick(append(append([]string{}, imaging.ImageExts...), ".vae", ".safetensors"))
}

func (d *browserDocs) pick(exts []string) {
	e := d.e
	if err := d.b.PickFiles(exts, func(files []PickedFile) { e.do(func() { d.openPicked(files) }) }); err != nil {
		e.showError(err)
	}
}

// sizeWindow does nothing: the window is the page's size.
func (d *browserDocs) sizeWindow(Options) {}

// start registers the page's drops (they open as picked files do) and
// loads the first model once the page has drawn its first frame: the
// window is the page's size, and loading takes a second of the browser's
// one thread.
func (d *browserDocs) start(opts Options) {
	e := d.e
	if d.b.OnDrop != nil {
		d.b.OnDrop(func(files []PickedFile) { e.do(func() { d.openPicked(files) }) })
	}
	e.setStatus("Loading the bundled model…")
	e.App.Lifecycle().SetOnStarted(func() {
		if opts.OnStarted != nil {
			opts.OnStarted()
		}
		load := func() {
			e.do(func() {
				e.Models.First(opts.ModelPath, e.rememberedForm())
				e.setStatus("")
			})
		}
		if d.b.AfterFrame != nil {
			d.b.AfterFrame(load)
		} else {
			go load()
		}
	})
}

// openPicked opens what the user picked or dropped in the page: a model
// file becomes the model, images are analysed as dropped ones are (a file
// the page could not read gets its message with theirs).
func (d *browserDocs) openPicked(files []PickedFile) {
	e := d.e
	var images []PickedFile
	for _, f := range files {
		switch {
		case f.Err == nil && isModelFile(f.Name):
			e.Models.OpenData(f.Name, f.Data)
		default:
			images = append(images, f)
		}
	}
	if len(images) > 0 {
		e.Images.Data(images)
	}
}

// downloadModel hands the model to the browser as a file of ext (.vae or
// .safetensors), named after the model.
func (d *browserDocs) downloadModel(ext string) {
	e := d.e
	m := e.Session.Model()
	if m == nil {
		return
	}
	data, err := e.engine.Bytes(m, ext)
	if err != nil {
		e.showError(err)
		return
	}
	name := downloadName(e.Session.Name()) + ext
	if err := d.b.Download(name, "application/octet-stream", data); err != nil {
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

func (d *browserDocs) export(name, ext string, write func(io.Writer) error) {
	if err := d.b.download(name, write); err != nil {
		d.e.showError(err)
		return
	}
	d.e.setStatus("Downloaded " + name)
}

func (d *browserDocs) saveHint() string { return "Download the model with Ctrl+S." }
func (d *browserDocs) folders() bool    { return false }
func (d *browserDocs) where() string    { return "page" }

// stopKey: Fyne's web driver never delivers Ctrl+. (seen in Chromium).
func (d *browserDocs) stopKey() fyne.Shortcut { return nil }
func (d *browserDocs) shortcutLines() []string {
	return []string{
		"Ctrl+N  new model        Ctrl+O  open a model file",
		"Ctrl+S  download the model",
		"Ctrl+T  train            Space   pause / resume",
		"Stop button  stop training    Ctrl+I  open images",
	}
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
