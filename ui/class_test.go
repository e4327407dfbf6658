package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
	"vaeexplorer/vae/vaetest"
)

// conditionalModel is an untrained conditional model (mlp, L 2, 10
// classes) with held-out codes.
func conditionalTestModel(t *testing.T) *vae.Model {
	t.Helper()
	cfg := vae.DefaultConfig()
	cfg.Hidden, cfg.Condition = 16, 10
	m, err := vae.NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A conditional model gets a class picker: the point decodes as the class
// chosen, the all-classes row is the point decoded as each class, a click
// on a row tile picks that class, and the map and grid draw it.
func TestClassPickerAndAllClassesRow(t *testing.T) {
	e, loop := newTestExplorer(t, newFakeModel(2, 50))
	if e.Class.Box.Visible() {
		t.Fatal("the class picker shows for an unconditional model")
	}
	m := conditionalTestModel(t)
	e.Models.Set(m, "")
	if !e.Class.Box.Visible() || len(e.Class.Picker.Options) != 10 || e.Session.Class() != 0 {
		t.Fatalf("conditional model: picker shown %v, %d options, class %d", e.Class.Box.Visible(), len(e.Class.Picker.Options), e.Session.Class())
	}
	z := []float32{0.7, -0.4}
	e.Session.SetPoint(z, PointChange{})
	e.Class.Picker.SetSelected(e.Class.Picker.Options[7])
	if e.Session.Class() != 7 {
		t.Fatalf("picked 7, the session's class is %d", e.Session.Class())
	}
	want, _ := m.DecodeGiven(z, []uint8{7})
	wantImg := imaging.Picture(want, 28, 1)
	loop.until(t, "the point decoded as a 7", func() bool {
		return e.Point.Decoded.Image != nil && sameImage(e.Point.Decoded.Image, wantImg)
	}, 5*time.Second)

	// The row: tile k is z decoded as class k.
	loop.until(t, "the all-classes row", func() bool { return e.Class.Row.Image != nil && e.Class.shown == 10 && !e.Class.jobs.Busy() }, 5*time.Second)
	row := e.Class.Row.Image
	for _, k := range []int{2, 7} {
		pix, _ := m.DecodeGiven(z, []uint8{uint8(k)})
		ref := imaging.Picture(pix, 28, 1)
		x0 := k * 30
		for y := 3; y < 25; y++ { // inside the frame
			for x := 3; x < 25; x++ {
				r, _, _, _ := row.At(x0+x, y).RGBA()
				g, _, _, _ := ref.At(x, y).RGBA()
				if d := int(r>>8) - int(g>>8); d > 1 || d < -1 { // a batch's decode may round the other way
					t.Fatalf("row tile %d differs from z decoded as %d at (%d, %d)", k, k, x, y)
				}
			}
		}
	}
	e.Class.tapped((3*30+10)/298.0, 0.5) // tile 3 of the 298-pixel row
	if e.Session.Class() != 3 || !strings.HasPrefix(e.Class.Picker.Selected, "3") {
		t.Fatalf("a click on tile 3: class %d, picker %q", e.Session.Class(), e.Class.Picker.Selected)
	}
	// The session's model draws the class: what the grid and map decode.
	got, err := e.Session.Model().Decode(z)
	three, _ := m.DecodeGiven(z, []uint8{3})
	if err != nil || !slices.Equal(got, three) {
		t.Fatalf("the session's model decodes otherwise than class 3 (%v)", err)
	}
}

// A dropped image of a conditional model is scored against every class,
// encoded given the most likely (or the class the user picks), and its
// style redrawn as every class: the decodes of (its code, class k).
func TestDroppedImageAnalogy(t *testing.T) {
	m := conditionalTestModel(t)
	e, loop := newTestExplorer(t, m)
	dir := t.TempDir()
	path := writeDigitPNG(t, dir, "three.png", dataset.Synthetic(8, 5).Image(3))
	e.Images.Files([]string{path})
	loop.until(t, "the dropped image", func() bool { return len(e.Session.Drops()) == 1 }, 10*time.Second)
	a := e.Session.Drops()[0]
	if len(a.Scores) != 10 || a.Given != -1 {
		t.Fatalf("scores %v, given %d", a.Scores, a.Given)
	}
	if best := vae.MostLikely(a.Scores, 10)[0]; a.Class != best {
		t.Fatalf("encoded as class %d, the most likely is %d", a.Class, best)
	}
	mean, _, _ := m.EncodeGiven(a.Input.Pixels, []uint8{uint8(a.Class)})
	if !slices.Equal(a.Mean, mean) {
		t.Fatal("the code is not the image's given its class")
	}
	for _, k := range []int{0, 6} {
		want, _ := m.DecodeGiven(a.Mean, []uint8{uint8(k)})
		if !vaetest.Near(a.Analogy[k*784:(k+1)*784], want, 1e-5) { // decoded in a batch: the last bits may differ
			t.Errorf("analogy tile %d is not the code decoded as class %d", k, k)
		}
	}
	e.Images.Reclass(a, 5)
	loop.until(t, "the image given class 5", func() bool { d := e.Session.Drops(); return len(d) == 1 && d[0].Given == 5 }, 10*time.Second)
	b := e.Session.Drops()[0]
	mean5, _, _ := m.EncodeGiven(b.Input.Pixels, []uint8{5})
	if b.Class != 5 || !slices.Equal(b.Mean, mean5) {
		t.Fatalf("given class 5: class %d, code %v, want %v", b.Class, b.Mean, mean5)
	}
}
