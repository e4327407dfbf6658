package ui

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"vaeexplorer/vae/imaging"
)

// Browser is what a web page offers in place of the desktop's files. The
// browser build sets Options.Browser (see app/web.go); it has no file
// system, no file dialogs and no drops, so:
//   - saving (models, PNGs, GIFs) becomes a download through Download;
//   - opening images and models uses the browser's file picker
//     (PickFiles), and files dropped on the page arrive through OnDrop;
//   - controls that need folders say so in their place (the desktop app,
//     or the CLI, does that);
//   - datasets to train on come from the server that served the page.
type Browser struct {
	// Download hands data to the browser as a file download named name.
	Download func(name, mimeType string, data []byte) error
	// AfterFrame runs f (on some goroutine) once the page has shown a frame
	// drawn after the call: work that would hold the page's one thread
	// waits until the user sees the window.
	AfterFrame func(f func())
	// PickFiles shows the browser's file picker for files whose names end
	// in one of exts; got receives what the user chose (nothing when
	// cancelled), on some goroutine. It fails when the browser would not
	// show the picker (only right after a click or key press).
	PickFiles func(exts []string, got func([]PickedFile)) error
	// OnDrop registers got to receive files dropped on the page.
	OnDrop func(got func([]PickedFile))
}

// PickedFile is a file from the browser's picker or a drop: its name and
// contents, or why it was not read (too large).
type PickedFile struct {
	Name string
	Data []byte
	Err  error
}

// desktopOnly names a control the browser lacks, in its place.
func desktopOnly(label string) string { return label + " (desktop app only)" }

// download writes data with write and hands it to the browser as name.
func (b *Browser) download(name string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	typ := mime.TypeByExtension(strings.ToLower(path.Ext(name)))
	if typ == "" {
		typ = "application/octet-stream"
	}
	if err := b.Download(name, typ, buf.Bytes()); err != nil {
		return fmt.Errorf("download %s: %w", name, err)
	}
	return nil
}

// openPicked opens what the user picked or dropped in the page: a model
// file becomes the model, images are analysed as dropped ones are (a file
// the page could not read gets its message with theirs).
func (e *Explorer) openPicked(files []PickedFile) {
	var images []PickedFile
	for _, f := range files {
		switch {
		case f.Err == nil && isModelFile(f.Name):
			e.openModelData(f.Name, f.Data)
		default:
			images = append(images, f)
		}
	}
	if len(images) == 0 {
		return
	}
	m := e.Session.Model()
	e.analyseEach(m, len(images), func(i int) (string, *imaging.Input, error) {
		if err := images[i].Err; err != nil {
			return images[i].Name, nil, fmt.Errorf("%s: %w", images[i].Name, err)
		}
		in, err := e.engine.PreprocessData(m, images[i].Name, images[i].Data)
		return images[i].Name, in, err
	})
}

// openModelData makes a model file's contents the model (the browser's
// Open…), named after the file.
func (e *Explorer) openModelData(name string, data []byte) {
	if e.busyTraining() {
		return
	}
	e.confirmDiscard(func() {
		m, err := e.engine.ModelFromBytes(name, data)
		if err != nil {
			e.showError(err)
			return
		}
		if strings.EqualFold(path.Ext(name), ".safetensors") {
			name += " (PyTorch)"
		}
		e.Session.SetModel(m, "", name)
		if m.HeldOut() == nil {
			e.measureHeldOut(m)
		}
		e.Train.SetConfig(m.Config())
		e.setStatus("Opened " + name)
	})
}

// pickImages is the browser's Open images…: images or a model file.
func (e *Explorer) pickImages() {
	exts := append(append([]string{}, imaging.ImageExts...), ".vae", ".safetensors")
	e.pickWith(exts)
}

// pickModel is the browser's Open…: a model file.
func (e *Explorer) pickModel() {
	e.pickWith([]string{".vae", ".safetensors"})
}

func (e *Explorer) pickWith(exts []string) {
	if err := e.browser.PickFiles(exts, func(files []PickedFile) { e.do(func() { e.openPicked(files) }) }); err != nil {
		e.showError(err)
	}
}
