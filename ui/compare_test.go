package ui

import (
	"strings"
	"testing"
	"time"

	"vaeexplorer/vae"
	"vaeexplorer/vae/vaetest"
)

// The compare tool decodes the same point with both models, and refuses
// a second model of another latent size.
func TestCompareDecodesTheSamePointWithBothModels(t *testing.T) {
	a := measuredModel(t, 3, "", 40)
	cfg := a.Config()
	cfg.Seed = 2 // other weights
	b, err := vae.NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e, loop := newTestExplorer(t, a)
	e.ShowTool(e.Compare)
	z := []float32{0.4, -1, 0.7}
	e.Session.SetPoint(z, PointChange{})
	e.Compare.SetOther(b, "b.vae")
	loop.until(t, "both decodes", func() bool { return e.Compare.lastB != nil && !e.Compare.jobs.Busy() }, 10*time.Second)
	wantA, _ := a.Decode(z)
	wantB, _ := b.Decode(z)
	if !vaetest.Near(e.Compare.lastA, wantA, 1e-5) || !vaetest.Near(e.Compare.lastB, wantB, 1e-5) || vaetest.Near(wantA, wantB, 1e-3) {
		t.Fatal("the compare tool's decodes are not each model's decode of the point")
	}
	if e.Compare.RowA.Image == nil || e.Compare.RowB.Image == nil || e.Compare.NameB.Text != "b.vae" || !strings.Contains(e.Compare.Summary.Text, "Right: mlp") {
		t.Fatalf("traversal rows %v %v, name %q", e.Compare.RowA.Image != nil, e.Compare.RowB.Image != nil, e.Compare.NameB.Text)
	}
	e.Compare.SetOther(measuredModel(t, 2, "", 40), "small.vae")
	if e.Compare.other != b || !strings.Contains(e.Status(), "same latent size") {
		t.Fatalf("a 2-D second model: kept %v, status %q", e.Compare.other != b, e.Status())
	}
}
