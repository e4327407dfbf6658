package ui

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/vae"
)

// TestBrowserMode: in a page (Options.Browser) no control needs files:
// every menu item either does something or says in its label that it
// needs the desktop app; saving is a download of a file that opens again;
// the datasets are the server's.
func TestBrowserMode(t *testing.T) {
	a := newApp(t)
	type got struct {
		name, mime string
		data       []byte
	}
	var downloads []got
	b := &Browser{Download: func(name, mime string, data []byte) error {
		downloads = append(downloads, got{name, mime, data})
		return nil
	}}
	loop := newUILoop()
	e := newExplorer(a, &testEngine{}, Options{Browser: b}, loop.do)
	defer closeExplorer(t, e, loop)
	e.Models.Set(tinyModel(t), "")

	var labels []string
	var walk func(items []*fyne.MenuItem)
	walk = func(items []*fyne.MenuItem) {
		for _, it := range items {
			if it.IsSeparator {
				continue
			}
			labels = append(labels, it.Label)
			if it.ChildMenu != nil {
				walk(it.ChildMenu.Items)
				continue
			}
			if it.Disabled != strings.Contains(it.Label, "desktop app") {
				t.Errorf("menu item %q: disabled %v; a disabled item must say it needs the desktop app, and only those", it.Label, it.Disabled)
			}
			if !it.Disabled && it.Action == nil {
				t.Errorf("menu item %q does nothing", it.Label)
			}
		}
	}
	for _, m := range e.Window.MainMenu().Items {
		walk(m.Items)
	}
	all := strings.Join(labels, "|")
	for _, gone := range []string{"|Open…|", "Save As…", "Open Recent", "Quit", "Export for PyTorch (safetensors)…"} {
		if strings.Contains("|"+all+"|", gone) {
			t.Errorf("the browser's menu has %q: %s", gone, all)
		}
	}
	if got := e.Train.Dataset.Options; len(got) != 2 || got[0] != DataServerMNIST || e.Train.chooseFd.Visible() {
		t.Errorf("datasets %v, folder button shown %v", got, e.Train.chooseFd.Visible())
	}

	for _, btn := range []*widget.Button{e.Vectors.FoldersBtn} {
		if !btn.Disabled() || !strings.Contains(btn.Text, "desktop app") {
			t.Errorf("button %q: disabled %v; in a page it must say it needs the desktop app", btn.Text, btn.Disabled())
		}
	}

	e.Session.MarkDirty()
	e.runMenu("Download model (.vae)")
	e.runMenu("Download for PyTorch (.safetensors)")
	if len(downloads) != 2 {
		t.Fatalf("%d downloads, want 2", len(downloads))
	}
	m, err := vae.UnmarshalModel(downloads[0].data)
	if err != nil || m.Latent() != tinyModel(t).Latent() || !strings.HasSuffix(downloads[0].name, ".vae") {
		t.Errorf("downloaded %s: %v", downloads[0].name, err)
	}
	if e.Session.Dirty() {
		t.Error("still unsaved after downloading the model")
	}
	st := downloads[1].data
	if n := binary.LittleEndian.Uint64(st); !strings.HasSuffix(downloads[1].name, ".safetensors") || n > uint64(len(st)) || st[8] != '{' {
		t.Errorf("downloaded %s: not safetensors", downloads[1].name)
	}

	// Open… and Open images… use the browser's picker: a model file
	// becomes the model (named after the file), an image is analysed, a
	// file the page refused is a message.
	b.PickFiles = func(exts []string, got func([]PickedFile)) error {
		got([]PickedFile{{Name: "mine.vae", Data: downloads[0].data}})
		return nil
	}
	e.runMenu("Open model file…")
	loop.until(t, "the picked model", func() bool { return e.Session.Name() == "mine.vae" }, 10*time.Second)
	var buf bytes.Buffer
	digit := image.NewGray(image.Rect(0, 0, 28, 28))
	for y := 6; y < 22; y++ {
		digit.Pix[y*28+14] = 255 // a "1"
	}
	png.Encode(&buf, digit)
	b.PickFiles = func(exts []string, got func([]PickedFile)) error {
		got([]PickedFile{{Name: "blank.png", Data: buf.Bytes()}, {Name: "huge.png", Err: errors.New("200 MB, more than the limit")}})
		return nil
	}
	e.docs.openImages()
	loop.until(t, "the picked image", func() bool { return len(e.Session.Drops()) == 1 }, 10*time.Second)
	if !strings.Contains(e.Status(), "huge.png: 200 MB") {
		t.Errorf("status %q does not name the refused file", e.Status())
	}

	// A tool's export: the grid as a PNG download.
	loop.until(t, "the grid", func() bool { return e.Grid.View.Image != nil }, 10*time.Second)
	e.Grid.exportPNG()
	if len(downloads) != 3 || !bytes.HasPrefix(downloads[2].data, []byte("\x89PNG")) || downloads[2].mime != "image/png" {
		t.Fatalf("grid export: %d downloads", len(downloads))
	}
	if !strings.HasPrefix(e.Status(), "Downloaded latent-grid-") {
		t.Errorf("status %q", e.Status())
	}
}
