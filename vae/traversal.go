package vae

import (
	"fmt"
	"sort"
)

// Traversal is the standard figure of disentanglement work: for a point
// z, one row per latent dimension, each row z with that dimension swept
// from -Range to +Range in Steps columns (the others kept). The CLI's
// traverse and the app's traversal tool build it here.
type Traversal struct {
	Dims  []int // the rows' dimensions, in order
	Steps int
	Range float64
	// Codes holds the rows' codes one after another (len(Dims)*Steps
	// codes of Latent values).
	Codes []float32
	// KL is each row's dimension's KL to the prior (nats), when the model
	// measured it; nil otherwise.
	KL []float64
}

// Value is the value column c sweeps to.
func (t *Traversal) Value(c int) float64 {
	if t.Steps == 1 {
		return 0
	}
	return -t.Range + 2*t.Range*float64(c)/float64(t.Steps-1)
}

// DimsByKL are the model's latent dimensions, most informative first
// (by KL on the held-out images; in index order when not measured).
func DimsByKL(m Explorable) []int {
	L := m.Latent()
	dims := make([]int, L)
	for i := range dims {
		dims[i] = i
	}
	if h := m.HeldOut(); h != nil && len(h.DimKL) == L {
		sort.SliceStable(dims, func(a, b int) bool { return h.DimKL[dims[a]] > h.DimKL[dims[b]] })
	}
	return dims
}

// NewTraversal sweeps dims (nil: all, by KL) of m around z over ±rng in
// steps columns.
func NewTraversal(m Explorable, z []float32, dims []int, steps int, rng float64) (*Traversal, error) {
	L := m.Latent()
	if len(z) != L {
		return nil, fmt.Errorf("traversal: a point of %d values for a latent size of %d", len(z), L)
	}
	if steps < 2 || steps > 41 {
		return nil, fmt.Errorf("traversal: %d steps (2 to 41)", steps)
	}
	if !(rng > 0 && rng <= 100) {
		return nil, fmt.Errorf("traversal: range %g (above 0, at most 100)", rng)
	}
	if dims == nil {
		dims = DimsByKL(m)
	}
	t := &Traversal{Dims: dims, Steps: steps, Range: rng}
	var kl []float64
	if h := m.HeldOut(); h != nil && len(h.DimKL) == L {
		kl = h.DimKL
	}
	for _, d := range dims {
		if d < 0 || d >= L {
			return nil, fmt.Errorf("traversal: dimension %d of a latent size of %d", d, L)
		}
		if kl != nil {
			t.KL = append(t.KL, kl[d])
		}
		for c := range steps {
			row := append([]float32(nil), z...)
			row[d] = float32(t.Value(c))
			t.Codes = append(t.Codes, row...)
		}
	}
	return t, nil
}

// Code is the code of row r, column c.
func (t *Traversal) Code(r, c int) []float32 {
	L := len(t.Codes) / (len(t.Dims) * t.Steps)
	i := r*t.Steps + c
	return t.Codes[i*L : (i+1)*L]
}

// Label names row r: "z3  2.31" (its KL in nats, when known).
func (t *Traversal) Label(r int) string {
	if t.KL != nil {
		return fmt.Sprintf("z%d %5.2f", t.Dims[r], t.KL[r])
	}
	return fmt.Sprintf("z%d", t.Dims[r])
}
