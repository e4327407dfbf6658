package ui

import "vaeexplorer/vae"

// The class a conditional model draws: the session owns it. Model() is
// the model given that class (vae.Conditioned), so every view that
// decodes, encodes or samples draws the chosen class without knowing of
// classes; the class picker changes it and class observers redraw.

// conditioner is a conditional model that can fix its class
// (*vae.Model).
type conditioner interface {
	Given(class int) (*vae.Conditioned, error)
}

// Conditional reports whether the model takes a class.
func (s *Session) Conditional() bool {
	return s.raw != nil && s.raw.Config().Conditional()
}

// Class is the class a conditional model draws (0 for other models).
func (s *Session) Class() int { return s.class }

// Classes is how many classes the model takes (0: not conditional).
func (s *Session) Classes() int {
	if s.raw == nil {
		return 0
	}
	return s.raw.Config().Condition
}

// Raw is the model as opened or trained, without a class (what training
// continues and files keep).
func (s *Session) Raw() Model { return s.raw }

// OnClass registers f to run after the class changes.
func (s *Session) OnClass(f func()) { s.classObs = append(s.classObs, f) }

// SetClass makes a conditional model draw class c (out of range: kept as
// it is).
func (s *Session) SetClass(c int) {
	if !s.Conditional() || c == s.class || c < 0 || c >= s.Classes() {
		return
	}
	s.class = c
	s.model = s.given(s.raw)
	for _, f := range s.classObs {
		f()
	}
}

// given is m given the session's class when m is conditional (the class
// kept when the new model has it, else 0), else m.
func (s *Session) given(m Model) Model {
	k := m.Config().Condition
	if k == 0 {
		s.class = 0
		return m
	}
	if s.class >= k {
		s.class = 0
	}
	c, ok := m.(conditioner)
	if !ok {
		return m
	}
	g, err := c.Given(s.class)
	if err != nil {
		return m
	}
	return g
}
