package ui

import (
	"cmp"
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"vaeexplorer/vae"
	"vaeexplorer/vae/atomicfile"
)

// Session owns the state that several views show: the model and its file,
// the latent point, the two displayed dimensions or the projection, the
// unsaved flag and the analysed (dropped or opened) images. Training's
// state is the Training controller's. Every change goes through one of its methods, which
// notifies each observer once, synchronously; views never keep copies in
// step with each other. It lives on the UI goroutine: call it only from
// there (Fyne callbacks, or functions handed to fyne.Do).
type Session struct {
	model Model  // what the views decode: raw, or raw given the class (class.go)
	raw   Model  // the model as opened or trained
	class int    // the class a conditional model draws
	path  string // the model's file; "" for a bundled or unsaved model
	// version is path's file as it was when opened or last saved here, so
	// Save does not undo what another program wrote since.
	version atomicfile.Version
	name    string // what the title bar calls the model
	dirty   bool

	z          []float32
	dimX, dimY int
	// autoDims: the axes are the ones picked when the model opened, not
	// the user's (they follow statistics measured later).
	autoDims bool
	// pickDims: the model had no statistics when it came (a new model in
	// training); axes nobody chose move to the two most informative
	// dimensions after its first epoch, once (EpochEnded).
	pickDims bool
	proj     vae.Projection // when set, the plane shows this projection (PCA, UMAP) instead of dimX, dimY
	// projInterim: proj is a layout still converging.
	projInterim bool
	drops       []*Analysis // analysed images, newest first
	// sel and selB are held-out codes selected on the plane (indices
	// into the model's held-out codes) and a second selection kept to
	// compare with (see selection.go).
	sel, selB []int

	pointObs   []func(PointChange)
	modelObs   []func()
	weightsObs []func()
	dimsObs    []func()
	fileObs    []func()
	dropsObs   []func()
	selObs     []func()
	classObs   []func()
}

// PointChange tells point observers what moved the point.
type PointChange struct {
	// Interactive is set when the mouse or a slider moved the point: the
	// decoded image should land in the same frame.
	Interactive bool
	// Picked is set when a click on a held-out code moved the point there
	// (the point view shows which image it is).
	Picked bool
}

// NewSession returns a session without a model.
func NewSession() *Session { return &Session{} }

// ---- observing -------------------------------------------------------------

// OnPoint registers f to run after every change of the latent point.
func (s *Session) OnPoint(f func(PointChange)) { s.pointObs = append(s.pointObs, f) }

// OnModel registers f to run after the model is replaced.
func (s *Session) OnModel(f func()) { s.modelObs = append(s.modelObs, f) }

// OnWeights registers f to run when the same model has new weights and
// statistics (after a training epoch, or when training ends).
func (s *Session) OnWeights(f func()) { s.weightsObs = append(s.weightsObs, f) }

// OnDims registers f to run after the displayed dimensions change.
func (s *Session) OnDims(f func()) { s.dimsObs = append(s.dimsObs, f) }

// OnFile registers f to run when the model's file, name or unsaved flag
// changes.
func (s *Session) OnFile(f func()) { s.fileObs = append(s.fileObs, f) }

// OnDrops registers f to run when the analysed images change.
func (s *Session) OnDrops(f func()) { s.dropsObs = append(s.dropsObs, f) }

// ---- reading -----------------------------------------------------------------

// Model is the model being explored (nil before the first is set).
func (s *Session) Model() Model { return s.model }

// Path is the model's file, "" for a bundled or unsaved model.
func (s *Session) Path() string { return s.path }

// Name is the model's display name.
func (s *Session) Name() string { return s.name }

// Dirty reports whether the model has changes that are not saved.
func (s *Session) Dirty() bool { return s.dirty }

// Point returns a copy of the latent point.
func (s *Session) Point() []float32 { return slices.Clone(s.z) }

// Coord is one coordinate of the point.
func (s *Session) Coord(i int) float32 { return s.z[i] }

// Dims are the latent dimensions the plane shows on its x and y axes.
func (s *Session) Dims() (x, y int) { return s.dimX, s.dimY }

// Latent is the model's latent size (0 without a model).
func (s *Session) Latent() int { return len(s.z) }

// ---- changing ------------------------------------------------------------------

// SetModel makes m the model being explored. path is its file ("" for a
// bundled or unsaved model) and name what to call it ("" names it after
// the file). The point is kept when the latent size is the same, so
// training a new model of the same shape leaves the user's point alone.
func (s *Session) SetModel(m Model, path, name string) {
	L := m.Latent()
	if name == "" {
		name = filepath.Base(path)
	}
	s.raw, s.path, s.name, s.dirty = m, path, name, false
	s.model = s.given(m)
	s.version = fileVersion(path)
	s.proj, s.projInterim = nil, false // another model's projection: the explorer computes it anew
	hadSel := s.sel != nil || s.selB != nil
	s.sel, s.selB = nil, nil // another model's codes
	if len(s.z) != L {
		s.z = make([]float32, L)
		s.dimX, s.dimY = mostInformative(m)
		s.autoDims = true
	}
	s.pickDims = s.autoDims && !hasDimKL(m)
	for _, f := range s.modelObs {
		f()
	}
	if hadSel {
		s.notifySelection()
	}
	s.notifyFile()
}

// mostInformative are the two latent dimensions with the most KL to the
// prior on the held-out images (the plane shows them first), in order of
// index; z0 and z1 when the model has not measured it.
func mostInformative(m Model) (x, y int) {
	L := m.Latent()
	x, y = 0, min(1, L-1)
	h := m.HeldOut()
	if L <= 2 || h == nil || len(h.DimKL) != L {
		return x, y
	}
	order := make([]int, L)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(h.DimKL[b], h.DimKL[a]) })
	return min(order[0], order[1]), max(order[0], order[1])
}

// WeightsChanged tells the views that the model learnt (an epoch ended,
// or a new model's first codes inside its first epoch).
func (s *Session) WeightsChanged() {
	for _, f := range s.weightsObs {
		f()
	}
}

// EpochEnded is WeightsChanged at the end of a training epoch; after a
// new model's first, axes nobody chose move to its two most informative
// dimensions, once (the codes inside the first epoch come from a barely
// trained model, whose KL says little).
func (s *Session) EpochEnded() {
	s.WeightsChanged()
	if s.pickDims && s.autoDims && s.model != nil && hasDimKL(s.model) {
		s.pickDims = false
		s.SetDims(mostInformative(s.model))
	}
}

// hasDimKL says whether m measured each dimension's KL on held-out images.
func hasDimKL(m Model) bool {
	h := m.HeldOut()
	return h != nil && len(h.DimKL) == m.Latent()
}

// HeldOutMeasured tells the views that the model's held-out statistics
// were measured after it opened (an imported model): they show them as
// for a model that came with them, and axes nobody chose become the two
// most informative dimensions.
func (s *Session) HeldOutMeasured() {
	for _, f := range s.modelObs {
		f()
	}
	s.WeightsChanged()
	if s.autoDims {
		s.SetDims(mostInformative(s.model))
	}
}

// SetPoint moves the point to z (all Latent values).
func (s *Session) SetPoint(z []float32, ch PointChange) {
	if len(z) != len(s.z) || slices.Equal(z, s.z) {
		return
	}
	copy(s.z, z)
	s.notifyPoint(ch)
}

// SetCoord moves one coordinate of the point (a slider).
func (s *Session) SetCoord(i int, v float32, ch PointChange) {
	if i < 0 || i >= len(s.z) || s.z[i] == v {
		return
	}
	s.z[i] = v
	s.notifyPoint(ch)
}

// SetXY moves the point to plane coordinates (x, y), keeping its part off
// the plane (the plane's projection, see ToPlane).
func (s *Session) SetXY(x, y float32, ch PointChange) {
	if len(s.z) == 0 {
		return
	}
	s.SetPoint(s.Lift(s.z, float64(x), float64(y)), ch)
}

// ToPlane returns z's coordinates on the plane: its two displayed latent
// dimensions, or its place in the projection shown (PCA, UMAP).
func (s *Session) ToPlane(z []float32) (x, y float64) {
	if s.proj != nil {
		return s.proj.Project(z)
	}
	return float64(z[s.dimX]), float64(z[s.dimY])
}

// PlanePoint is the point's position on the plane (ToPlane of the point,
// without copying it).
func (s *Session) PlanePoint() (x, y float64) { return s.ToPlane(s.z) }

// Lift returns a copy of z moved so that it lies at (x, y) on the plane,
// its part off the plane unchanged: in PCA view z = c + x*u1 + y*u2; a
// nonlinear layout gives the whole code (see embed.Layout).
func (s *Session) Lift(z []float32, x, y float64) []float32 {
	if s.proj != nil {
		return s.proj.Lift(z, x, y)
	}
	return liftAxes(z, s.dimX, s.dimY, x, y)
}

// liftAxes is z with dimensions dx and dy set to x and y (a latent space
// of one dimension shows it on x).
func liftAxes(z []float32, dx, dy int, x, y float64) []float32 {
	out := slices.Clone(z)
	out[dy] = float32(y)
	out[dx] = float32(x)
	return out
}

// Lifter returns Lift for the current point and projection, safe to use
// from another goroutine (the map's worker).
func (s *Session) Lifter() func(x, y float64) []float32 {
	z, proj, dx, dy := s.Point(), s.proj, s.dimX, s.dimY
	return func(x, y float64) []float32 {
		if proj != nil {
			return proj.Lift(z, x, y)
		}
		return liftAxes(z, dx, dy, x, y)
	}
}

// PlaneSD returns the standard deviations along the plane's axes of a
// Gaussian with the given log-variances (a dropped image's ellipse).
func (s *Session) PlaneSD(logvar []float32) (sx, sy float64) {
	if s.proj != nil {
		return s.proj.PlaneSD(logvar)
	}
	return math.Exp(0.5 * float64(logvar[s.dimX])), math.Exp(0.5 * float64(logvar[s.dimY]))
}

// AxisNames names the plane's axes: "z3", "PC1 (41%)" in PCA view,
// "UMAP 1 (unitless)" on a UMAP layout.
func (s *Session) AxisNames() (x, y string) {
	if s.proj != nil {
		return s.proj.AxisNames()
	}
	return fmt.Sprintf("z%d", s.dimX), fmt.Sprintf("z%d", s.dimY)
}

// Projection is the projection shown, or nil for latent axes.
func (s *Session) Projection() vae.Projection { return s.proj }

// ProjectionInterim reports whether the projection shown is a layout
// still converging: views that are costly to redo (the grid) wait for the
// settled one.
func (s *Session) ProjectionInterim() bool { return s.projInterim }

// SetProjection shows p on the plane (nil: back to the two chosen latent
// dimensions); interim says p is a layout still converging. Dims
// observers are told.
func (s *Session) SetProjection(p vae.Projection, interim bool) {
	if p == s.proj && interim == s.projInterim {
		return
	}
	s.proj, s.projInterim = p, interim
	for _, f := range s.dimsObs {
		f()
	}
}

func (s *Session) notifyPoint(ch PointChange) {
	for _, f := range s.pointObs {
		f(ch)
	}
}

// SetDims chooses the latent dimensions the plane shows. Invalid or equal
// dimensions (in a latent space of more than one) change nothing.
func (s *Session) SetDims(x, y int) {
	L := len(s.z)
	if x < 0 || y < 0 || x >= L || y >= L || (x == y && L > 1) || (x == s.dimX && y == s.dimY && s.proj == nil) {
		return
	}
	s.dimX, s.dimY, s.proj, s.autoDims = x, y, nil, false
	for _, f := range s.dimsObs {
		f()
	}
}

// MarkDirty records unsaved changes to the model (training, a stored
// vector).
func (s *Session) MarkDirty() {
	if !s.dirty {
		s.dirty = true
		s.notifyFile()
	}
}

// Saved records that the model was written to path.
func (s *Session) Saved(path string) {
	s.path, s.name, s.dirty = path, filepath.Base(path), false
	s.version = fileVersion(path)
	s.notifyFile()
}

// Downloaded records that the browser has the model as it is now (the
// browser build saves by downloading): nothing is unsaved, and the model
// keeps its name.
func (s *Session) Downloaded() {
	s.dirty = false
	s.notifyFile()
}

// Drops are the analysed images, newest first.
func (s *Session) Drops() []*Analysis { return slices.Clone(s.drops) }

// AddDrops puts analysed images at the top of the list, in order (the
// last given ends first).
func (s *Session) AddDrops(as ...*Analysis) {
	if len(as) == 0 {
		return
	}
	for _, a := range as {
		s.drops = append([]*Analysis{a}, s.drops...)
	}
	s.notifyDrops()
}

// SetDrops replaces the analysed images (newest first): the same images
// seen by new weights, or none.
func (s *Session) SetDrops(as []*Analysis) {
	if len(as) == 0 && len(s.drops) == 0 {
		return
	}
	s.drops = slices.Clone(as)
	s.notifyDrops()
}

func (s *Session) notifyDrops() {
	for _, f := range s.dropsObs {
		f()
	}
}

// FileVersion is the model file as it was when opened or last saved here.
func (s *Session) FileVersion() atomicfile.Version { return s.version }

func fileVersion(path string) atomicfile.Version {
	if path == "" {
		return atomicfile.Version{}
	}
	v, _ := atomicfile.Stat(path) // unreadable: the zero version, so Save refuses to guess
	return v
}

func (s *Session) notifyFile() {
	for _, f := range s.fileObs {
		f()
	}
}
