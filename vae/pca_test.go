package vae

import (
	"math"
	"math/rand"
	"testing"
)

func TestPCAFindsTheSpreadDirections(t *testing.T) {
	// Codes in 5-D spread mostly along a (3, 4, 0, 0, 0)/5 direction, less
	// along (0, 0, 1, 0, 0), barely elsewhere.
	rng := rand.New(rand.NewSource(1))
	const L, n = 5, 4000
	codes := make([]float32, 0, n*L)
	for range n {
		a, b := 3*rng.NormFloat64(), 1.2*rng.NormFloat64()
		z := []float64{a * 0.6, a * 0.8, b, 0.1 * rng.NormFloat64(), 0.1*rng.NormFloat64() + 2}
		for _, v := range z {
			codes = append(codes, float32(v))
		}
	}
	p, err := ComputePCA(codes, L)
	if err != nil {
		t.Fatal(err)
	}
	dot := func(a, b []float64) (s float64) {
		for i := range a {
			s += a[i] * b[i]
		}
		return s
	}
	if math.Abs(dot(p.Axes[0], p.Axes[0])-1) > 1e-9 || math.Abs(dot(p.Axes[1], p.Axes[1])-1) > 1e-9 || math.Abs(dot(p.Axes[0], p.Axes[1])) > 1e-9 {
		t.Fatal("the axes are not orthonormal")
	}
	if c := math.Abs(dot(p.Axes[0], []float64{0.6, 0.8, 0, 0, 0})); c < 0.999 {
		t.Fatalf("the first axis is %v, |cos| %v with the main direction", p.Axes[0], c)
	}
	if c := math.Abs(p.Axes[1][2]); c < 0.999 {
		t.Fatalf("the second axis is %v", p.Axes[1])
	}
	if p.Explained[0] <= p.Explained[1] || p.Explained[0] < 0.8 || p.Explained[0]+p.Explained[1] > 1 {
		t.Fatalf("explained variance %v", p.Explained)
	}
	if math.Abs(p.Mean[4]-2) > 0.01 {
		t.Fatalf("mean %v", p.Mean)
	}
	// Lifting moves a code within the plane only: it lands on (x, y) and
	// keeps its part off the plane.
	z := []float32{1, -2, 0.5, 3, -1}
	moved := p.Lift(z, 1.5, -0.25)
	if x, y := p.Project(moved); math.Abs(x-1.5) > 1e-5 || math.Abs(y+0.25) > 1e-5 {
		t.Fatalf("lifted code projects to (%v, %v)", x, y)
	}
	back := p.Lift(moved, 0, 0)
	orig := p.Lift(z, 0, 0)
	for j := range z {
		if math.Abs(float64(back[j]-orig[j])) > 1e-5 {
			t.Fatalf("the part off the plane changed: %v vs %v", back, orig)
		}
	}
	if _, err := ComputePCA(codes[:L], L); err == nil {
		t.Fatal("one code gave a PCA")
	}
}
