package ui

import (
	"fyne.io/fyne/v2"
)

// tool is one of the tools under the point (grid, images, samples, path,
// vectors, anomalies): a name for its switcher button and one for the
// Tools menu, a view, and what it does when it is shown. The explorer's
// list of tools (build) drives the switcher, the Tools menu and the
// Ctrl+digit shortcuts: adding a tool is its file and one line there.
//
// A tool may also implement any of:
//   - overlayer: it draws on the plane while shown (an arrow, a path);
//   - hider: it stops something when another tool is shown;
//   - filler: it has a scroll of its own (the tool area has none);
//   - modelWatcher, pointWatcher, dimsWatcher, dropsWatcher: it follows
//     the session (the explorer tells every tool that asks).
type tool interface {
	Name() string  // the switcher's button
	Title() string // the Tools menu's item
	Panel() fyne.CanvasObject
	// Shown runs when the tool is shown, after any update that waited for
	// it (see toolEnv.later).
	Shown()
}

// Overlay is what a tool draws on the plane, in latent codes: an arrow
// from From to To, and a path through consecutive codes (Path holds
// them one after the other). The explorer projects it onto the plane.
type Overlay struct {
	From, To []float32
	Path     []float32
}

// overlayer is a tool that draws on the plane while it is shown.
type overlayer interface {
	Overlay() Overlay
}

// filler is a tool that lays itself out in the whole tool area and
// scrolls what needs scrolling itself (a list, a sheet); other tools are
// put in a scroll.
type filler interface {
	FillsArea()
}

// hider is a tool that stops something when another tool is shown.
type hider interface {
	Hidden()
}

// Session changes a tool may follow.
type (
	modelWatcher interface{ ModelChanged() } // a new model, or new weights
	pointWatcher interface{ PointMoved() }
	dimsWatcher  interface{ DimsChanged() }
	dropsWatcher interface{ DropsChanged() }
)

// toolNames gives a tool its names and a Shown that does nothing; a tool
// embeds it.
type toolNames struct{ name, title string }

func (n toolNames) Name() string  { return n.name }
func (n toolNames) Title() string { return n.title }
func (toolNames) Shown()          {}
