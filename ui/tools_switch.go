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
func (e *Explorer) currentTool() tool { return e.tools[e.Tools.current] }

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

// showOverlay draws the shown tool's overlay on the plane, projected on
// the plane's axes; a tool without one clears it.
func (e *Explorer) showOverlay() {
	var o Overlay
	if ov, ok := e.currentTool().(overlayer); ok {
		o = ov.Overlay()
	}
	s := e.Session
	L := s.Latent()
	if o.From != nil && len(o.From) == L && len(o.To) == L {
		x0, y0 := s.ToPlane(o.From)
		x1, y1 := s.ToPlane(o.To)
		e.Plane.SetArrow(&Arrow{X0: x0, Y0: y0, X1: x1, Y1: y1})
	} else {
		e.Plane.SetArrow(nil)
	}
	if o.Path == nil || L == 0 {
		e.Plane.SetPath(nil)
		return
	}
	xy := make([]float64, 0, 2*len(o.Path)/L)
	for i := 0; (i+1)*L <= len(o.Path); i++ {
		x, y := s.ToPlane(o.Path[i*L : (i+1)*L])
		xy = append(xy, x, y)
	}
	e.Plane.SetPath(xy)
}
