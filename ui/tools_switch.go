package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"vaeexplorer/ui/widgets"
)

// toolSet is the tools under the point and which one shows: it switches
// them, keeps the updates that wait until their tool shows, tells the
// tools what changed in the session, and gives the plane the shown
// tool's overlay.
type toolSet struct {
	list     []tool                 // in the switcher's, the Tools menu's and Ctrl+1…'s order
	switcher *widgets.ToolSwitcher  // the buttons and the shown tool's panel
	stale    map[tool]pendingUpdate // updates waiting for their tool to show
	overlay  func(Overlay)          // draws the shown tool's overlay on the plane
}

// pendingUpdate is a tool's update waiting for the tool to show.
type pendingUpdate struct {
	run  func()
	full bool
}

func newToolSet(overlay func(Overlay)) *toolSet {
	return &toolSet{stale: map[tool]pendingUpdate{}, overlay: overlay}
}

// set makes list the tools, the first one shown.
func (ts *toolSet) set(list ...tool) {
	ts.list = list
	framed := make([]widgets.ToolItem, len(list))
	for i, t := range list {
		framed[i] = frame(t)
	}
	ts.switcher = widgets.NewToolSwitcher(framed)
	ts.switcher.OnSelected = ts.shown
}

// frame puts a tool in the area under the switcher: a filler as it is
// (it scrolls its own list), any other tool in a vertical scroll of its
// own. So no scroll holds another, the wheel never scrolls sideways, and
// a tool keeps its own scroll position (it never opens at the one the
// previous tool was left at). A scroll gives its content at least the
// area's height, so a sheet with a small minimum grows to fill it.
func frame(t tool) widgets.ToolItem {
	if _, ok := t.(filler); ok {
		return t
	}
	return framedTool{t, container.NewVScroll(t.Panel())}
}

type framedTool struct {
	tool
	scroll *container.Scroll
}

func (f framedTool) Panel() fyne.CanvasObject { return f.scroll }

// tell calls f on every tool that implements W (a session change the
// tools follow).
func tell[W any](ts *toolSet, f func(W)) {
	for _, t := range ts.list {
		if w, ok := t.(W); ok {
			f(w)
		}
	}
}

// Show makes t the shown tool.
func (ts *toolSet) Show(t tool) {
	for i, u := range ts.list {
		if u == t {
			ts.switcher.Select(i)
		}
	}
}

// current is the tool shown.
func (ts *toolSet) current() tool { return ts.list[ts.switcher.Index()] }

// shown runs when the switcher shows tool i: the others stop what they
// do, its waiting update runs, it is told, and its overlay is drawn.
func (ts *toolSet) shown(i int) {
	t := ts.list[i]
	for _, u := range ts.list {
		if h, ok := u.(hider); ok && u != t {
			h.Hidden()
		}
	}
	if p, ok := ts.stale[t]; ok {
		delete(ts.stale, t)
		p.run()
	}
	t.Shown()
	ts.showOverlay()
}

// later runs update now if t is shown, else when it is next shown (see
// toolEnv.later).
func (ts *toolSet) later(t tool, update func(), full bool) {
	if ts.current() == t {
		update()
		return
	}
	if p, ok := ts.stale[t]; ok && p.full && !full {
		return // a partial update does not replace a full one
	}
	ts.stale[t] = pendingUpdate{update, full}
}

// overlayChanged draws t's overlay if t is shown.
func (ts *toolSet) overlayChanged(t tool) {
	if ts.current() == t {
		ts.showOverlay()
	}
}

// showOverlay gives the plane the shown tool's overlay; a tool without
// one clears it.
func (ts *toolSet) showOverlay() {
	var o Overlay
	if ov, ok := ts.current().(overlayer); ok {
		o = ov.Overlay()
	}
	ts.overlay(o)
}

// ShowTool makes t the shown tool.
func (e *Explorer) ShowTool(t tool) { e.tools.Show(t) }
