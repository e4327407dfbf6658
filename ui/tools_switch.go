package ui

// The explorer's side of the tools: showing one, updates that wait until
// their tool shows, the shown tool's overlay on the plane.

// pendingUpdate is a tool's update waiting for the tool to show.
type pendingUpdate struct {
	run  func()
	full bool
}

// tell calls f on every tool that implements W (a session change the
// tools follow).
func tell[W any](e *Explorer, f func(W)) {
	for _, t := range e.tools {
		if w, ok := t.(W); ok {
			f(w)
		}
	}
}

// ShowTool makes t the shown tool.
func (e *Explorer) ShowTool(t tool) {
	for i, u := range e.tools {
		if u == t {
			e.Tools.Select(i)
		}
	}
}

// currentTool is the tool shown.
func (e *Explorer) currentTool() tool { return e.tools[e.Tools.Index()] }

// toolShown runs when the switcher shows tool i: the others stop what
// they do, its waiting update runs, it is told, and its overlay is drawn.
func (e *Explorer) toolShown(i int) {
	t := e.tools[i]
	for _, u := range e.tools {
		if h, ok := u.(hider); ok && u != t {
			h.Hidden()
		}
	}
	if p, ok := e.stale[t]; ok {
		delete(e.stale, t)
		p.run()
	}
	t.Shown()
	e.showOverlay()
}

// later runs update now if t is shown, else when it is next shown (see
// toolEnv.later).
func (e *Explorer) later(t tool, update func(), full bool) {
	if e.currentTool() == t {
		update()
		return
	}
	if e.stale == nil {
		e.stale = map[tool]pendingUpdate{}
	}
	if p, ok := e.stale[t]; ok && p.full && !full {
		return // a partial update does not replace a full one
	}
	e.stale[t] = pendingUpdate{update, full}
}

// overlayChanged draws t's overlay if t is shown.
func (e *Explorer) overlayChanged(t tool) {
	if e.currentTool() == t {
		e.showOverlay()
	}
}

// showOverlay gives the plane the shown tool's overlay; a tool without
// one clears it.
func (e *Explorer) showOverlay() {
	var o Overlay
	if ov, ok := e.currentTool().(overlayer); ok {
		o = ov.Overlay()
	}
	e.PlaneCtl.SetOverlay(o)
}
