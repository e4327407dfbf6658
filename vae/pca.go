package vae

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// PCA is the plane of the first two principal components of a set of
// latent codes: the view of a latent space of more than two dimensions
// that keeps the most of the codes' spread.
type PCA struct {
	Mean []float64
	// Axes are the first two principal directions, orthonormal.
	Axes [2][]float64
	// Explained is the share (0..1) of the codes' total variance along
	// each axis.
	Explained [2]float64
}

// ComputePCA finds the first two principal components of n codes of L
// values each (codes holds them one after another).
func ComputePCA(codes []float32, L int) (*PCA, error) {
	if L < 2 || len(codes)%L != 0 || len(codes)/L < 2 {
		return nil, fmt.Errorf("pca: need at least two codes of two or more values (%d values, rows of %d)", len(codes), L)
	}
	n := len(codes) / L
	mean := make([]float64, L)
	for i := range n {
		for j := range L {
			mean[j] += float64(codes[i*L+j])
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	cov := mat.NewSymDense(L, nil)
	d := make([]float64, L)
	for i := range n {
		for j := range L {
			d[j] = float64(codes[i*L+j]) - mean[j]
		}
		for a := range L {
			for b := a; b < L; b++ {
				cov.SetSym(a, b, cov.At(a, b)+d[a]*d[b]/float64(n-1))
			}
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return nil, errors.New("pca: the eigendecomposition did not converge")
	}
	vals := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	var total float64
	for _, v := range vals {
		total += max(v, 0)
	}
	p := &PCA{Mean: mean}
	for k := range 2 {
		col := L - 1 - k
		p.Axes[k] = mat.Col(nil, col, &vecs)
		if total > 0 {
			p.Explained[k] = max(vals[col], 0) / total
		}
	}
	return p, nil
}

// Project returns z's coordinates along the two axes, from the mean.
func (p *PCA) Project(z []float32) (x, y float64) {
	for j, m := range p.Mean {
		d := float64(z[j]) - m
		x += d * p.Axes[0][j]
		y += d * p.Axes[1][j]
	}
	return x, y
}

// Lift returns z moved within the plane of the axes so that it projects to
// (x, y): its part orthogonal to the plane is kept.
func (p *PCA) Lift(z []float32, x, y float64) []float32 {
	px, py := p.Project(z)
	out := make([]float32, len(z))
	for j := range z {
		out[j] = float32(float64(z[j]) + (x-px)*p.Axes[0][j] + (y-py)*p.Axes[1][j])
	}
	return out
}

// Projection places latent codes on the explorer's plane and lifts plane
// positions back to codes: the principal components (PCA), or a
// nonlinear layout of the held-out codes (vae/embed). Implementations are
// immutable, so the map's worker may use one while the window moves on.
type Projection interface {
	// Project is z's position on the plane.
	Project(z []float32) (x, y float64)
	// Lift is a code at (x, y) on the plane; z is the point it moves
	// from (a linear projection keeps its part off the plane).
	Lift(z []float32, x, y float64) []float32
	// PlaneSD is the spread on the plane of a Gaussian with these
	// log-variances (0, 0 when the plane has no such scale).
	PlaneSD(logvar []float32) (sx, sy float64)
	// AxisNames name the plane's axes.
	AxisNames() (x, y string)
}

var _ Projection = (*PCA)(nil)

// PlaneSD is the standard deviation along each axis of a Gaussian with
// the given log-variances.
func (p *PCA) PlaneSD(logvar []float32) (sx, sy float64) {
	for j, lv := range logvar {
		v := math.Exp(float64(lv))
		sx += p.Axes[0][j] * p.Axes[0][j] * v
		sy += p.Axes[1][j] * p.Axes[1][j] * v
	}
	return math.Sqrt(sx), math.Sqrt(sy)
}

// AxisNames are "PC1 (41%)" and "PC2 (23%)".
func (p *PCA) AxisNames() (x, y string) {
	return fmt.Sprintf("PC1 (%.0f%%)", 100*p.Explained[0]), fmt.Sprintf("PC2 (%.0f%%)", 100*p.Explained[1])
}
