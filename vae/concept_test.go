package vae

import (
	"math"
	"path/filepath"
	"testing"

	"vaeexplorer/vae/vaetest"
)

func TestAttributesMeasureWhatTheySay(t *testing.T) {
	line := func(thick int, lean float64) []float32 {
		pix := make([]float32, mnistSize)
		for y := 4; y < 24; y++ {
			cx := 14 + lean*float64(14-y) // lean > 0: the top is to the right
			for x := int(cx) - thick/2; x <= int(cx)+thick/2; x++ {
				pix[y*mnistSide+x] = 1
			}
		}
		return pix
	}
	thin, _ := Attribute(AttrThickness, line(1, 0))
	thick, _ := Attribute(AttrThickness, line(5, 0))
	if !(thick > 3*thin) {
		t.Errorf("thickness: thin %v, thick %v", thin, thick)
	}
	right, _ := Attribute(AttrSlant, line(1, 0.4))
	upright, _ := Attribute(AttrSlant, line(1, 0))
	left, _ := Attribute(AttrSlant, line(1, -0.4))
	if !(right > 0.3 && math.Abs(upright) < 0.05 && left < -0.3) {
		t.Errorf("slant: right %v, upright %v, left %v", right, upright, left)
	}
	narrow, _ := Attribute(AttrWidth, line(1, 0))
	wide, _ := Attribute(AttrWidth, line(7, 0))
	if !(wide > 2*narrow) {
		t.Errorf("width: narrow %v, wide %v", narrow, wide)
	}
	if _, err := Attribute("colour", line(1, 0)); err == nil {
		t.Error("unknown attribute accepted")
	}
}

// The thickness vector, applied to held-out digits, thickens them: their
// decoded ink mass grows with the strength.
func TestThicknessVectorIncreasesInk(t *testing.T) {
	train, test, _ := vaetest.MNIST(t)
	train, test = train.Subset(8000), test.Subset(2000)
	cfg := DefaultConfig()
	cfg.Epochs = 2
	m, _ := trainModel(t, cfg, train, test)
	v, err := m.AttributeVector(AttrThickness, test)
	if err != nil {
		t.Fatal(err)
	}
	probe := test.Subset(100)
	mean, _, err := m.Encode(probe.Floats())
	if err != nil {
		t.Fatal(err)
	}
	ink := func(s float64) float64 {
		var total float64
		for i := 0; i < probe.N; i++ {
			pix, _ := m.Decode(AddScaled(mean[i*2:i*2+2], v.Z, s))
			a, _ := Attribute(AttrThickness, pix)
			total += a
		}
		return total / float64(probe.N)
	}
	minus, zero, plus := ink(-2), ink(0), ink(2)
	t.Logf("mean decoded ink mass at strength -2, 0, +2: %.1f, %.1f, %.1f", minus, zero, plus)
	if !(plus > zero*1.1 && minus < zero*0.9) {
		t.Errorf("thickness vector: ink %.1f, %.1f, %.1f at -2, 0, +2", minus, zero, plus)
	}

	// Class vectors are differences of the held-out class means, and
	// vectors are saved with the model.
	cv, err := m.ClassVector(4, 9)
	if err != nil {
		t.Fatal(err)
	}
	h := m.HeldOut()
	means := ClassMeans(h.Means, h.Labels, 2)
	for i := range cv.Z {
		if cv.Z[i] != means[9][i]-means[4][i] {
			t.Fatalf("4->9 = %v, want mean9 - mean4 = %v - %v", cv.Z, means[9], means[4])
		}
	}
	if err := m.SetVector(v); err != nil {
		t.Fatal(err)
	}
	if err := m.SetVector(cv); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.vae")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := l.Vector("4->9"); !ok || got.Z[0] != cv.Z[0] || len(l.Vectors()) != 2 {
		t.Fatalf("vectors after a round trip: %+v", l.Vectors())
	}
	if err := m.SetVector(Vector{Name: "bad", Z: []float32{1}}); err == nil {
		t.Error("a vector of the wrong size was stored")
	}
}
