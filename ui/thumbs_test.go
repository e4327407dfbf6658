package ui

import (
	"slices"
	"strings"
	"testing"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// modelOn returns an untrained model (L 4) whose held-out codes are of
// test, named as dataset name.
func modelOn(t *testing.T, name string, test *dataset.Set) *vae.Model {
	t.Helper()
	cfg := vae.DefaultConfig()
	cfg.Latent, cfg.Hidden, cfg.Dataset = 4, 16, name
	m, err := vae.NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.MeasureHeldOut(test); err != nil {
		t.Fatal(err)
	}
	return m
}

// Thumbnails show the held-out images the model's codes were measured
// on, loading the training panel's dataset when asked; images of other
// data are refused with the reason on the status line, and dots stay.
func TestThumbnailsShowTheModelsHeldOutImages(t *testing.T) {
	e, loop := newTestExplorer(t, measuredModel(t, 2, "", 50))
	d := loadFolderData(t, e, loop, 400)

	e.Models.Set(modelOn(t, d.Name, d.Test), "")
	e.PlaneCtl.SetThumbnails(true)
	th := e.Plane.Thumbnails()
	n := len(e.Session.Model().HeldOut().Labels)
	if th == nil || th.Side != 28 || th.Channels != 1 || !slices.Equal(th.Pix, d.Test.Pix[:n*28*28]) {
		t.Fatalf("thumbnails %v: want the %d held-out images of %s", th != nil, n, d.Name)
	}

	// A model of the same name whose codes came from other images (their
	// labels differ).
	other := dataset.Synthetic(d.Test.N, 99)
	for i := range other.Labels {
		other.Labels[i] = d.Test.Labels[(i+1)%d.Test.N]
	}
	e.Models.Set(modelOn(t, d.Name, other), "")
	if e.Plane.Thumbnails() != nil || !strings.Contains(e.Status(), "is not what the model") {
		t.Fatalf("thumbnails of other images: %v, status %q", e.Plane.Thumbnails() != nil, e.Status())
	}
	e.PlaneCtl.SetThumbnails(false)
	if e.PlaneCtl.Thumbs.Checked || e.prefs.Bool(prefThumbs) {
		t.Fatal("thumbnails still on")
	}
}

// The model card shows the MIG and its heat map when the loaded data has
// attributes and holds the model's held-out images; otherwise neither.
func TestCardShowsDisentanglementWithAttributes(t *testing.T) {
	test := dataset.Synthetic(60, 4)
	test.Attrs = &dataset.Attributes{Names: []string{"Smiling", "Eyeglasses"}, Values: make([]int8, 120)}
	for i := range test.Attrs.Values {
		test.Attrs.Values[i] = int8(1 - 2*(i/2%2)) // Smiling alternates; Eyeglasses with it
	}
	m := modelOn(t, "faces", test)
	e, _ := newTestExplorer(t, m)
	e.refreshDisentanglement()
	if e.migView.Visible() {
		t.Fatal("a heat map without data")
	}
	e.Training.data = &dataset.Data{Name: "faces", Test: test}
	e.refreshDisentanglement()
	if !e.migView.Visible() || !strings.HasPrefix(e.migInfo.Text, "MIG ") || e.migView.Image.Bounds().Dy() != 2*11+12 {
		t.Fatalf("with attributes: shown %v, %q", e.migView.Visible(), e.migInfo.Text)
	}
	e.Training.data = &dataset.Data{Name: "faces", Test: dataset.Synthetic(60, 4)}
	e.refreshDisentanglement()
	if e.migView.Visible() || e.migInfo.Visible() {
		t.Fatal("the heat map stayed for data without attributes")
	}
}
