package vae

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"vaeexplorer/vae/msg"

	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// Vector is a named direction in latent space (a "concept vector"): adding
// it to an image's code moves the image towards the concept.
type Vector struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Z           []float32 `json:"z"`
}

// Vectors returns the model's stored concept vectors.
func (m *Model) Vectors() []Vector {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Vector(nil), m.vectors...)
}

// Vector returns the stored vector called name.
func (m *Model) Vector(name string) (Vector, bool) {
	for _, v := range m.Vectors() {
		if v.Name == name {
			return v, true
		}
	}
	return Vector{}, false
}

// SetVector stores v (replacing one of the same name). Its size must be
// the model's latent size.
func (m *Model) SetVector(v Vector) error {
	if len(v.Z) != m.cfg.Latent {
		return fmt.Errorf("vector %s has %d dimensions, the model %d", msg.Quote(v.Name), len(v.Z), m.cfg.Latent)
	}
	if v.Name == "" || len(v.Name) > 64 {
		return errors.New("a vector needs a name of 1 to 64 characters")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.vectors {
		if m.vectors[i].Name == v.Name {
			m.vectors[i] = v
			return nil
		}
	}
	m.vectors = append(m.vectors, v)
	return nil
}

// ClassVector is the difference of two classes' mean latent codes in the
// model's held-out statistics: "4 -> 9" moves a 4 towards a 9.
func (m *Model) ClassVector(from, to uint8) (Vector, error) {
	h := m.HeldOut()
	if h == nil {
		return Vector{}, errors.New("the model has no held-out statistics to take class means from")
	}
	means := ClassMeans(h.Means, h.Labels, m.Latent())
	a, okA := means[to]
	b, okB := means[from]
	if !okA || !okB {
		return Vector{}, fmt.Errorf("class %d or %d is missing from the model's held-out data", from, to)
	}
	z := make([]float32, len(a))
	for i := range z {
		z[i] = a[i] - b[i]
	}
	return Vector{Name: fmt.Sprintf("%d->%d", from, to), Description: fmt.Sprintf("mean of class %d minus mean of class %d", to, from), Z: z}, nil
}

// Attributes measured from the pixels themselves, where a dataset has no
// attribute labels.
const (
	AttrThickness = "thickness" // ink mass: the sum of the pixels
	AttrSlant     = "slant"     // shear of the ink, from its second moments
	AttrWidth     = "width"     // horizontal spread of the ink
)

// Attribute measures attr on a 28x28 grey image.
func Attribute(attr string, pix []float32) (float64, error) {
	return AttributeOf(attr, pix, DefaultShape)
}

// AttributeOf measures attr on an image of shape sh; in a colour image a
// pixel's "ink" is the mean of its channels.
func AttributeOf(attr string, pix []float32, sh Shape) (float64, error) {
	S, C := sh.Side, sh.Channels
	ink := func(p int) float64 {
		v := 0.0
		for _, c := range pix[p*C : (p+1)*C] {
			v += float64(c)
		}
		return v / float64(C)
	}
	var m, mx, my float64
	for p := range S * S {
		v, x, y := ink(p), float64(p%S), float64(p/S)
		m += v
		mx += v * x
		my += v * y
	}
	if attr == AttrThickness {
		return m, nil
	}
	if m == 0 {
		return 0, nil
	}
	mx, my = mx/m, my/m
	var mu20, mu11, mu02 float64
	for p := range S * S {
		v, dx, dy := ink(p), float64(p%S)-mx, float64(p/S)-my
		mu20 += v * dx * dx
		mu11 += v * dx * dy
		mu02 += v * dy * dy
	}
	switch attr {
	case AttrSlant:
		// x shifts by -slant per row going down: positive leans right.
		if mu02 == 0 {
			return 0, nil
		}
		return -mu11 / mu02, nil
	case AttrWidth:
		return math.Sqrt(mu20 / m), nil
	}
	return 0, fmt.Errorf("unknown attribute %s (want %s, %s or %s)", msg.Quote(attr), AttrThickness, AttrSlant, AttrWidth)
}

// AttributeVector is the vector of attr on set's images: for an
// attribute the data labels (an attribute file's, such as Smiling), the
// mean latent code of the images that have it minus that of those that
// do not; for a pixel attribute (thickness, slant, width), measured on
// every image, the mean code of the top quarter minus that of the bottom
// quarter.
func (m *Model) AttributeVector(attr string, set *dataset.Set) (Vector, error) {
	if err := CheckImages(set, m.shape, "the dataset"); err != nil {
		return Vector{}, err
	}
	if set.Attrs != nil {
		if a := set.Attrs.Index(attr); a >= 0 {
			return m.labelledVector(attr, a, set)
		}
	}
	if attr != AttrThickness && attr != AttrSlant && attr != AttrWidth {
		known := []string{AttrThickness, AttrSlant, AttrWidth}
		if set.Attrs != nil {
			known = append(known, set.Attrs.Names...)
		}
		return Vector{}, fmt.Errorf("unknown attribute %s: want one of %s", msg.Quote(attr), strings.Join(known, ", "))
	}
	if set.N < 8 {
		return Vector{}, errors.New("an attribute vector needs at least 8 images")
	}
	type scored struct {
		i int
		v float64
	}
	s := make([]scored, set.N)
	pix := make([]float32, m.size)
	for i := range s {
		set.ImageInto(i, pix)
		v, err := AttributeOf(attr, pix, m.shape)
		if err != nil {
			return Vector{}, err
		}
		s[i] = scored{i, v}
	}
	sort.Slice(s, func(a, b int) bool { return s[a].v < s[b].v })
	q := set.N / 4
	codes := func(part []scored) ([]float32, error) {
		imgs := make([]float32, 0, len(part)*m.size)
		for _, p := range part {
			imgs = append(imgs, set.Image(p.i)...)
		}
		mean, _, err := m.Encode(imgs)
		return mean, err
	}
	lo, err := codes(s[:q])
	if err != nil {
		return Vector{}, err
	}
	hi, err := codes(s[set.N-q:])
	if err != nil {
		return Vector{}, err
	}
	z, err := ConceptVector(hi, lo, m.Latent())
	if err != nil {
		return Vector{}, err
	}
	return Vector{Name: attr, Description: fmt.Sprintf("mean code of the %d images with the most %s minus the %d with the least", q, attr, q), Z: z}, nil
}

// labelledVector is the mean code of set's images with attribute a (its
// column in set.Attrs) minus that of the images without it.
func (m *Model) labelledVector(attr string, a int, set *dataset.Set) (Vector, error) {
	var with, without []int
	for i := range set.N {
		if set.Attrs.Has(i, a) {
			with = append(with, i)
		} else {
			without = append(without, i)
		}
	}
	if len(with) == 0 || len(without) == 0 {
		return Vector{}, fmt.Errorf("%s: %d of the %d images have it; a vector needs images with it and without it", attr, len(with), set.N)
	}
	mw, err := m.meanCode(set, with)
	if err != nil {
		return Vector{}, err
	}
	mo, err := m.meanCode(set, without)
	if err != nil {
		return Vector{}, err
	}
	for i := range mw {
		mw[i] -= mo[i]
	}
	return Vector{Name: attr, Description: fmt.Sprintf("mean code of the %d images with %s minus the %d without", len(with), attr, len(without)), Z: mw}, nil
}

// meanCode is the mean latent mean of set's images idx (given their
// labels, for a conditional model), encoded a block at a time.
func (m *Model) meanCode(set *dataset.Set, idx []int) ([]float32, error) {
	const block = 512
	L := m.Latent()
	sum := make([]float64, L)
	buf := make([]float32, 0, block*m.size)
	labels := make([]uint8, 0, block)
	for lo := 0; lo < len(idx); lo += block {
		buf, labels = buf[:0], labels[:0]
		for _, i := range idx[lo:min(lo+block, len(idx))] {
			buf = append(buf, set.Image(i)...)
			labels = append(labels, set.Labels[i])
		}
		var lab []uint8
		if m.cfg.Conditional() {
			lab = labels
		}
		mean, _, err := m.EncodeGiven(buf, lab)
		if err != nil {
			return nil, err
		}
		for r := range len(mean) / L {
			for j := range L {
				sum[j] += float64(mean[r*L+j])
			}
		}
	}
	out := make([]float32, L)
	for j := range out {
		out[j] = float32(sum[j] / float64(len(idx)))
	}
	return out, nil
}

// FolderVector is the difference of the mean codes of two sets of images
// (each the model's ImageSize values per image): from the "from" images towards the "to"
// images, named name.
func (m *Model) FolderVector(name string, from, to []float32) (Vector, error) {
	a, _, err := m.Encode(to)
	if err != nil {
		return Vector{}, err
	}
	b, _, err := m.Encode(from)
	if err != nil {
		return Vector{}, err
	}
	z, err := ConceptVector(a, b, m.Latent())
	if err != nil {
		return Vector{}, err
	}
	return Vector{Name: name, Description: fmt.Sprintf("mean code of %d images minus that of %d", len(to)/m.size, len(from)/m.size), Z: z}, nil
}

// FolderVectorFrom is the vector from the images in folder fromDir towards
// those in toDir, each read as m reads images (see InputTarget), named
// name ("" names it FROM->TO after the folders); it also says how many
// images each folder gave. The CLI's vector compute --from --to and the
// app's vector from two folders both run it.
func (m *Model) FolderVectorFrom(name, fromDir, toDir string) (v Vector, nFrom, nTo int, err error) {
	if name == "" {
		name = filepath.Base(fromDir) + "->" + filepath.Base(toDir)
	}
	a, err := imaging.PreprocessFolderAs(fromDir, InputTarget(m))
	if err != nil {
		return Vector{}, 0, 0, err
	}
	b, err := imaging.PreprocessFolderAs(toDir, InputTarget(m))
	if err != nil {
		return Vector{}, 0, 0, err
	}
	v, err = m.FolderVector(name, a, b)
	return v, len(a) / m.size, len(b) / m.size, err
}

// HeldOutWithout lists the held-out codes (indices into h) of the images
// that lack the labelled attribute attr: the faces that do not smile, to
// add the Smiling vector to, as in the seed article. d must be the data
// the codes were measured on (HeldOutImages checks it).
func HeldOutWithout(h *HeldOut, cfg Config, sh Shape, d *dataset.Data, attr string) ([]int, error) {
	set, err := HeldOutImages(h, cfg, sh, d)
	if err != nil {
		return nil, err
	}
	a := -1
	if set.Attrs != nil {
		a = set.Attrs.Index(attr)
	}
	if a < 0 {
		return nil, fmt.Errorf("the held-out images carry no %s attribute", msg.Quote(attr))
	}
	var idx []int
	for i := range set.N {
		if !set.Attrs.Has(i, a) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("every held-out image has %s", msg.Quote(attr))
	}
	return idx, nil
}
