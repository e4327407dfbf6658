package vae

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

func TestGridPoints(t *testing.T) {
	g := GridSpec{N: 3, Range: 2, DimX: 0, DimY: 1}
	pts, err := g.Points(2)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{-2, 2, 0, 2, 2, 2, -2, 0, 0, 0, 2, 0, -2, -2, 0, -2, 2, -2}
	if fmt.Sprint(pts) != fmt.Sprint(want) {
		t.Fatalf("grid %v, want %v (rows from the top)", pts, want)
	}
	q := GridSpec{N: 4, Spacing: Quantile}.Axis()
	// Quantiles of 1/8, 3/8, 5/8, 7/8.
	if math.Abs(q[0]+1.1503) > 1e-3 || math.Abs(q[1]+0.3186) > 1e-3 || math.Abs(q[3]-1.1503) > 1e-3 {
		t.Fatalf("quantile axis %v", q)
	}
	base := []float32{9, 9, 9, 9}
	pts, _ = GridSpec{N: 2, DimX: 3, DimY: 1, Base: base}.Points(4)
	if pts[0] != 9 || pts[2] != 9 || pts[3] != -3 || pts[1] != 3 {
		t.Fatalf("grid over dims 3,1 with base: %v", pts[:4])
	}
	for _, bad := range []GridSpec{{N: 0}, {N: 3, DimX: 2, DimY: 0}, {N: 3, DimX: 0, DimY: 0}, {N: 2, Base: []float32{1}}} {
		if _, err := bad.Points(2); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestSlerp(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	a, b := Sample(rng, 1, 8, 1), Sample(rng, 1, 8, 1)
	if got := Slerp(a, b, 0); fmt.Sprint(round(got)) != fmt.Sprint(round(a)) {
		t.Errorf("slerp(0) = %v, want %v", got, a)
	}
	if got := Slerp(a, b, 1); fmt.Sprint(round(got)) != fmt.Sprint(round(b)) {
		t.Errorf("slerp(1) = %v, want %v", got, b)
	}
	// With equal norms the path stays on the sphere; with unit vectors it
	// is the unit-norm great circle.
	ua, ub := unit(a), unit(b)
	path, _ := Path(ua, ub, 11, true)
	for i := 0; i < 11; i++ {
		if n := Norm(path[i*8 : (i+1)*8]); math.Abs(n-1) > 1e-5 {
			t.Errorf("slerp step %d has norm %v, want 1", i, n)
		}
	}
	// Lerp cuts through the middle: its midpoint is shorter.
	lp, _ := Path(ua, ub, 3, false)
	if Norm(lp[8:16]) >= 1 {
		t.Error("lerp midpoint is not inside the sphere")
	}
	// Angles between successive slerp points are equal.
	d0 := Norm(sub(path[0:8], path[8:16]))
	d5 := Norm(sub(path[40:48], path[48:56]))
	if math.Abs(d0-d5) > 1e-5 {
		t.Errorf("slerp steps not uniform: %v vs %v", d0, d5)
	}
	if _, err := Path(a, b[:3], 5, true); err == nil {
		t.Error("mismatched endpoints accepted")
	}
}

func TestConceptVectorIsDifferenceOfMeans(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6} // means (3, 4)
	b := []float32{0, 0, 2, -2}      // means (1, -1)
	v, err := ConceptVector(a, b, 2)
	if err != nil || v[0] != 2 || v[1] != 5 {
		t.Fatalf("concept vector %v, %v; want [2 5]", v, err)
	}
	cm := ClassMeans([]float32{1, 1, 3, 3, 10, 10}, []uint8{4, 4, 9}, 2)
	if fmt.Sprint(cm[4]) != "[2 2]" || fmt.Sprint(cm[9]) != "[10 10]" {
		t.Fatalf("class means %v", cm)
	}
	if _, err := ConceptVector(nil, b, 2); err == nil {
		t.Error("empty set accepted")
	}
}

func TestSampleTemperature(t *testing.T) {
	z := Sample(rand.New(rand.NewSource(1)), 20000, 2, 0.5)
	var s float64
	for _, v := range z {
		s += float64(v) * float64(v)
	}
	if sd := math.Sqrt(s / float64(len(z))); math.Abs(sd-0.5) > 0.01 {
		t.Errorf("temperature 0.5 gave standard deviation %v", sd)
	}
}

func round(v []float32) []float32 {
	o := make([]float32, len(v))
	for i, x := range v {
		o[i] = float32(math.Round(float64(x)*1e4) / 1e4)
	}
	return o
}

func unit(v []float32) []float32 {
	n := Norm(v)
	o := make([]float32, len(v))
	for i := range v {
		o[i] = float32(float64(v[i]) / n)
	}
	return o
}

func sub(a, b []float32) []float32 {
	o := make([]float32, len(a))
	for i := range a {
		o[i] = a[i] - b[i]
	}
	return o
}

func TestDecodeBatchMatchesOneByOne(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Hidden = 64
	m, _ := NewModel(cfg)
	z := Sample(rand.New(rand.NewSource(2)), 75, 2, 1) // chunks of 64, 8, 1, 1, 1
	all, err := m.Decode(z)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 75; i++ {
		one, _ := m.Decode(z[2*i : 2*i+2])
		for j, v := range one {
			if d := math.Abs(float64(v - all[i*mnistSize+j])); d > 1e-5 {
				t.Fatalf("point %d pixel %d: alone %v, in a batch %v", i, j, v, all[i*mnistSize+j])
			}
		}
	}
}
