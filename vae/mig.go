package vae

import (
	"errors"
	"fmt"
	"math"

	"vaeexplorer/vae/dataset"
)

// How disentangled a latent space is, measured against known binary
// factors (an attribute file's): the mutual information gap (MIG, Chen et
// al. 2018). Each latent dimension's codes (the posterior means) are cut
// into MIGBins equal-width bins over their range, as disentanglement_lib
// does; for each attribute, the mutual information with every dimension
// is divided by the attribute's entropy; the gap between the two most
// informative dimensions, averaged over the attributes, is the MIG: 1
// when each attribute lives in one dimension alone, 0 when it is spread
// over several or absent.

// MIGBins is how many bins a dimension's codes are cut into.
const MIGBins = 20

// Disentanglement is a model's MIG over a set of attributes.
type Disentanglement struct {
	MIG float64 `json:"mig"`
	// Attributes, in the data's order: each one's best dimension and the
	// share of its entropy that dimension carries, and its gap.
	Attributes []AttributeInfo `json:"attributes"`
	// Normalized is the attribute x dimension matrix of mutual
	// information over the attribute's entropy (rows of Latent values):
	// the card's heat map.
	Normalized []float64 `json:"normalized"`
	Latent     int       `json:"latent"`
}

// AttributeInfo is one attribute's place in the latent space.
type AttributeInfo struct {
	Name string  `json:"name"`
	Dim  int     `json:"best_dim"`
	Info float64 `json:"info"` // I(z_dim; attribute) / H(attribute)
	Gap  float64 `json:"gap"`  // Info less the second best dimension's
}

// MIG measures codes (n x L posterior means) against attrs (the same n
// images' attributes). Attributes every image has, or none has, carry no
// information and are left out.
func MIG(codes []float32, L int, attrs *dataset.Attributes) (*Disentanglement, error) {
	if attrs == nil || len(attrs.Names) == 0 {
		return nil, errors.New("MIG needs the images' attributes (an attribute file)")
	}
	A := len(attrs.Names)
	if L < 1 || len(codes)%L != 0 || len(codes)/L != len(attrs.Values)/A {
		return nil, fmt.Errorf("MIG: %d code values of %d dimensions for %d images' attributes", len(codes), L, len(attrs.Values)/A)
	}
	n := len(codes) / L
	if n < 2 || L < 2 {
		return nil, errors.New("MIG needs two images and two latent dimensions at least")
	}
	bins := make([][]int, L) // each dimension's bin per image
	for j := range L {
		bins[j] = binned(codes, L, j, n)
	}
	d := &Disentanglement{Latent: L, Normalized: make([]float64, A*L)}
	used := 0
	for a := range A {
		factor := make([]int, n)
		for i := range n {
			if attrs.Values[i*A+a] > 0 {
				factor[i] = 1
			}
		}
		h := entropy(factor, 2)
		info := AttributeInfo{Name: attrs.Names[a], Dim: -1}
		if h > 0 {
			best, second := -1.0, 0.0
			for j := range L {
				v := mutualInfo(bins[j], MIGBins, factor, 2) / h
				d.Normalized[a*L+j] = v
				switch {
				case v > best:
					best, second = v, max(best, 0)
					info.Dim = j
				case v > second:
					second = v
				}
			}
			info.Info, info.Gap = best, best-second
			d.MIG += info.Gap
			used++
		}
		d.Attributes = append(d.Attributes, info)
	}
	if used == 0 {
		return nil, errors.New("MIG: every attribute is the same for all the images")
	}
	d.MIG /= float64(used)
	return d, nil
}

// binned cuts dimension j of the codes into MIGBins equal-width bins over
// its range.
func binned(codes []float32, L, j, n int) []int {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range n {
		v := float64(codes[i*L+j])
		lo, hi = min(lo, v), max(hi, v)
	}
	out := make([]int, n)
	if hi <= lo {
		return out // one value: one bin
	}
	w := (hi - lo) / MIGBins
	for i := range n {
		out[i] = min(MIGBins-1, int((float64(codes[i*L+j])-lo)/w))
	}
	return out
}

// entropy is H(x) in nats of values 0..k-1.
func entropy(x []int, k int) float64 {
	c := make([]float64, k)
	for _, v := range x {
		c[v]++
	}
	h := 0.0
	for _, n := range c {
		if n > 0 {
			p := n / float64(len(x))
			h -= p * math.Log(p)
		}
	}
	return h
}

// mutualInfo is I(x; y) in nats of x in 0..kx-1 and y in 0..ky-1.
func mutualInfo(x []int, kx int, y []int, ky int) float64 {
	joint := make([]float64, kx*ky)
	px, py := make([]float64, kx), make([]float64, ky)
	for i := range x {
		joint[x[i]*ky+y[i]]++
		px[x[i]]++
		py[y[i]]++
	}
	n := float64(len(x))
	mi := 0.0
	for a := range kx {
		for b := range ky {
			if j := joint[a*ky+b]; j > 0 {
				mi += j / n * math.Log(j*n/(px[a]*py[b]))
			}
		}
	}
	return mi
}
