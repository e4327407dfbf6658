package ui

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
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
