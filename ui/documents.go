package ui

import (
	"io"

	"fyne.io/fyne/v2"
)

// documents is how the window opens and keeps files: the desktop's file
// dialogs and file system (desktopDocs), or a web page's file picker and
// downloads (browserDocs). The explorer chooses one at start-up; nothing
// else asks where it runs.
type documents interface {
	// start takes drops and opens the first model: on the desktop at
	// once, in the window's remembered size; in a page after its first
	// frame.
	start(opts Options)
	// sizeWindow gives the window its first size, before its content.
	sizeWindow(opts Options)
	// fileItems are the Model menu's items that open and keep model files,
	// around the bundled models' items: before, after.
	fileItems() (before, after []*fyne.MenuItem)
	// openModel and openImages are Ctrl+O and Ctrl+I.
	openModel()
	openImages()
	// export asks where to keep a tool's picture or animation (name with
	// ext) and writes it with write.
	export(name, ext string, write func(io.Writer) error)
	// saveHint says how to keep a trained model.
	saveHint() string
	// folders reports whether folders can be chosen (training on an image
	// folder, vectors from two folders, augmented exports).
	folders() bool
	// where names what files are dropped on ("window", "page").
	where() string
	// stopKey is Stop's shortcut, nil when there is none.
	stopKey() fyne.Shortcut
	// shortcutLines are the first lines of Help > Keyboard shortcuts.
	shortcutLines() []string
}

// newDocuments is the documents of where the explorer runs: a page when
// b is set, else the desktop.
func newDocuments(e *Explorer, b *Browser) documents {
	if b != nil {
		return &browserDocs{e: e, b: b}
	}
	return &desktopDocs{e: e}
}
