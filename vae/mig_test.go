package vae

import (
	"math"
	"math/rand"
	"testing"

	"vaeexplorer/vae/dataset"
)

func attrsOf(names []string, rows ...[]int8) *dataset.Attributes {
	a := &dataset.Attributes{Names: names}
	for _, r := range rows {
		a.Values = append(a.Values, r...)
	}
	return a
}

// MIG on four images, worked by hand: a dimension that is the attribute
// carries all of its entropy, one independent of it none; a partly
// informative one the mutual information computed from the definition.
func TestMIGByHand(t *testing.T) {
	// Attribute f = 1,1,0,0 and g = 1,0,1,0; z0 follows f, z1 follows g.
	attrs := attrsOf([]string{"f", "g"}, []int8{1, 1}, []int8{1, -1}, []int8{-1, 1}, []int8{-1, -1})
	codes := []float32{0, 0, 0, 1, 1, 0, 1, 1} // rows (z0, z1): z0 = 1-f, z1 = 1-g
	d, err := MIG(codes, 2, attrs)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(d.MIG-1) > 1e-12 || d.Attributes[0].Dim != 0 || d.Attributes[1].Dim != 1 || d.Normalized[1] != 0 {
		t.Fatalf("aligned: MIG %v, %+v, %v", d.MIG, d.Attributes, d.Normalized)
	}
	// Shuffled: each dimension independent of both attributes.
	d, _ = MIG([]float32{0, 0, 1, 1, 1, 1, 0, 0}, 2, attrs) // z0 = z1 = 0,1,1,0
	if math.Abs(d.MIG) > 1e-12 {
		t.Fatalf("independent codes: MIG %v", d.MIG)
	}
	// f = 1,1,1,0 against z0 = 0,0,1,1: I = .5 ln(4/3) + .25 ln(2/3) + .25 ln 2.
	attrs = attrsOf([]string{"f"}, []int8{1}, []int8{1}, []int8{1}, []int8{-1})
	d, _ = MIG([]float32{0, 0, 0, 0, 1, 0, 1, 0}, 2, attrs)
	I := .5*math.Log(4.0/3) + .25*math.Log(2.0/3) + .25*math.Log(2)
	H := -(.75*math.Log(.75) + .25*math.Log(.25))
	if math.Abs(d.Attributes[0].Info-I/H) > 1e-12 || math.Abs(d.MIG-I/H) > 1e-12 {
		t.Fatalf("partial: info %v, MIG %v; by hand %v", d.Attributes[0].Info, d.MIG, I/H)
	}
}

// A code that keeps each attribute in a dimension of its own scores near
// 1; the same codes shuffled across images near 0.
func TestMIGDisentangledAndShuffled(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const n, L = 4000, 4
	attrs := &dataset.Attributes{Names: []string{"a", "b"}, Values: make([]int8, 2*n)}
	codes := make([]float32, n*L)
	for i := range n {
		for k := range 2 {
			v := int8(-1)
			if rng.Intn(2) == 1 {
				v = 1
			}
			attrs.Values[2*i+k] = v
			codes[i*L+k] = float32(v) + float32(rng.NormFloat64()*0.1)
		}
		codes[i*L+2], codes[i*L+3] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	d, err := MIG(codes, L, attrs)
	if err != nil || d.MIG < 0.95 {
		t.Fatalf("disentangled: MIG %v (%v)", d.MIG, err)
	}
	perm := rng.Perm(n)
	shuffled := make([]float32, len(codes))
	for i, p := range perm {
		copy(shuffled[i*L:(i+1)*L], codes[p*L:(p+1)*L])
	}
	d, _ = MIG(shuffled, L, attrs)
	if d.MIG > 0.02 {
		t.Fatalf("shuffled: MIG %v", d.MIG)
	}
	// Both attributes in one dimension (entangled): no gap for either.
	for i := range n {
		codes[i*L] = float32(attrs.Values[2*i]) + 2*float32(attrs.Values[2*i+1])
		codes[i*L+1] = codes[i*L]
	}
	d, _ = MIG(codes, L, attrs)
	if d.MIG > 0.05 {
		t.Fatalf("one attribute in two dimensions: MIG %v", d.MIG)
	}
}
