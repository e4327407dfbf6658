package ui

import "slices"

// The selection: held-out codes chosen on the plane with a lasso, by
// their index in the model's held-out codes, and a second selection kept
// to compare with (a concept vector from one to the other). The session
// owns both; the plane rings them and the selection tool shows them. A
// new model clears them; new weights keep them (the same images).

// Selection is the selected held-out codes' indices (ascending) and the
// second selection's.
func (s *Session) Selection() (a, b []int) { return slices.Clone(s.sel), slices.Clone(s.selB) }

// OnSelection registers f to run after the selection changes.
func (s *Session) OnSelection(f func()) { s.selObs = append(s.selObs, f) }

// SetSelection replaces both selections (nil: none).
func (s *Session) SetSelection(a, b []int) {
	if slices.Equal(a, s.sel) && slices.Equal(b, s.selB) {
		return
	}
	s.sel, s.selB = slices.Clone(a), slices.Clone(b)
	s.notifySelection()
}

func (s *Session) notifySelection() {
	for _, f := range s.selObs {
		f()
	}
}
