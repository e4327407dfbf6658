package vae

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"vaeexplorer/vae/dataset"
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

// A labelled attribute's vector is the mean code of the images with it
// minus that of the images without it.
func TestLabelledAttributeVectorIsTheDifferenceOfMeans(t *testing.T) {
	set := dataset.Synthetic(40, 7)
	set.Attrs = &dataset.Attributes{Names: []string{"Smiling", "Eyeglasses"}, Values: make([]int8, 80)}
	for i := range set.N {
		set.Attrs.Values[2*i] = -1
		if i%3 == 0 {
			set.Attrs.Values[2*i] = 1
		}
		set.Attrs.Values[2*i+1] = 1
	}
	cfg := DefaultConfig()
	cfg.Hidden, cfg.Latent = 16, 3
	m, err := NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v, err := m.AttributeVector("Smiling", set)
	if err != nil {
		t.Fatal(err)
	}
	mean, _, _ := m.Encode(set.Floats())
	var with, without []float32
	for i := range set.N {
		if i%3 == 0 {
			with = append(with, mean[i*3:(i+1)*3]...)
		} else {
			without = append(without, mean[i*3:(i+1)*3]...)
		}
	}
	want, _ := ConceptVector(with, without, 3)
	for j := range want {
		if d := v.Z[j] - want[j]; d > 1e-5 || d < -1e-5 {
			t.Fatalf("vector %v, difference of means %v", v.Z, want)
		}
	}
	if _, err := m.AttributeVector("Eyeglasses", set); err == nil || !strings.Contains(err.Error(), "40 of the 40") {
		t.Errorf("an attribute every image has: %v", err)
	}
	if _, err := m.AttributeVector("Wearing_Hat", set); err == nil || !strings.Contains(err.Error(), "Smiling, Eyeglasses") {
		t.Errorf("an unknown attribute: %v", err)
	}

	// The held-out faces that do not smile, to add the vector to.
	h := &HeldOut{Means: mean, Labels: set.Labels}
	d := &dataset.Data{Name: "faces", Test: set}
	idx, err := HeldOutWithout(h, cfg, m.Image(), d, "Smiling")
	if err != nil || len(idx) != 26 || idx[0] != 1 || idx[1] != 2 || idx[2] != 4 {
		t.Errorf("held-out images without Smiling: %v %v, want 1, 2, 4 … (26)", idx, err)
	}
	if _, err := HeldOutWithout(h, cfg, m.Image(), d, "Eyeglasses"); err == nil || !strings.Contains(err.Error(), `every held-out image has "Eyeglasses"`) {
		t.Errorf("an attribute every image has: %v", err)
	}
}
