package ui

import (
	"fmt"
	"slices"

	"vaeexplorer/vae"
)

// What the plane links to: its axes (latent dimensions or principal
// components), the map's dependence on the point, and the marks, arrows,
// paths and picks that tie the tools and the held-out codes to the plane.

// offPlaneMoved reports whether the point's part off the plane (which the
// map holds fixed) moved since the map was drawn.
func (e *Explorer) offPlaneMoved() bool {
	s := e.Session
	now := s.Point()
	if len(e.mapBase) != len(now) {
		return len(now) > 2
	}
	return !slices.Equal(s.Lift(e.mapBase, 0, 0), s.Lift(now, 0, 0))
}

// chooseAxes is the user choosing the plane's axes: principal components
// (pca) or the two latent dimensions selected. The view fits the codes
// on the new axes.
func (e *Explorer) chooseAxes(pca bool) {
	e.pcaMode = pca
	e.prefs.SetBool(prefPCA, pca)
	if pca {
		e.updatePCA()
	} else {
		e.Session.SetPCA(nil)
	}
	e.Plane.Fit()
	e.updateMap()
}

// updatePCA computes the principal components of the model's held-out
// codes for the plane, when they are the chosen axes.
func (e *Explorer) updatePCA() {
	s := e.Session
	m := s.Model()
	if !e.pcaMode || m == nil || m.Latent() <= 2 {
		s.SetPCA(nil)
		return
	}
	h := m.HeldOut()
	if h == nil || len(h.Labels) < 2 {
		e.showError(fmt.Errorf("principal components need the model's held-out codes: train it first"))
		s.SetPCA(nil)
		return
	}
	p, err := vae.ComputePCA(h.Means, m.Latent())
	if err != nil {
		e.showError(err)
		s.SetPCA(nil)
		return
	}
	s.SetPCA(p)
}

// pick is a click on a held-out code in the scatter: the point moves to it
// and the status line says which image it is.
func (e *Explorer) pick(i int) {
	m := e.Session.Model()
	h := m.HeldOut()
	L := m.Latent()
	if h == nil || (i+1)*L > len(h.Means) {
		return
	}
	e.picking = true
	e.Session.SetPoint(h.Means[i*L:(i+1)*L], PointChange{Interactive: true})
	e.picking = false
	name := fmt.Sprint(h.Labels[i])
	if names := classNames(m.Config()); int(h.Labels[i]) < len(names) {
		name = names[h.Labels[i]]
	}
	// The image itself, when the model's held-out set is loaded (the
	// model stores only the codes).
	p := e.Point
	if d := e.Training.Data(); d != nil && d.Name == m.Config().Dataset && i < d.Test.N && vae.CheckImages(d.Test, m.Image(), d.Name) == nil {
		p.PickedImage.SetImage(d.Test.Picture(i))
		p.PickedImage.Show()
		p.PickedLabel.SetText(fmt.Sprintf("held-out #%d, a %s; above: its reconstruction", i, name))
	} else {
		p.PickedImage.Hide()
		p.PickedLabel.SetText(fmt.Sprintf("held-out #%d, a %s (its image shows once the dataset is loaded)", i, name))
	}
	p.Picked.Show()
	e.setStatus(fmt.Sprintf("Held-out image #%d, a %s: the point is at its code; the decoded image is its reconstruction", i, name))
}
