package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vaeexplorer/vae"
)

// A lasso on the plane selects the held-out codes inside it; the
// selection tool shows them with their count per class, moves the point
// to their mean, makes the concept vector from the rest (or a second
// selection) to them for the vectors tool, and exports them.
func TestLassoSelectionTool(t *testing.T) {
	e, loop := newTestExplorer(t, measuredModel(t, 2, "", 50))
	d := loadFolderData(t, e, loop, 400)
	m := modelOn(t, d.Name, d.Test)
	e.Models.Set(m, "")
	h, L := m.HeldOut(), m.Latent()
	e.Session.SetDims(0, 1)

	// A lasso: the square around the codes' median on z0, z1.
	xs := make([]float64, len(h.Labels))
	for i := range xs {
		xs[i] = float64(h.Means[i*L])
	}
	slices.Sort(xs)
	mid := (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2 // between two codes: none on the edge
	poly := []float64{mid, -10, 10, -10, 10, 10, mid, 10}
	e.PlaneCtl.lasso(poly)
	var want []int
	for i := range h.Labels {
		if float64(h.Means[i*L]) > mid {
			want = append(want, i)
		}
	}
	a, _ := e.Session.Selection()
	if !slices.Equal(a, want) || len(a) == 0 {
		t.Fatalf("the lasso selected %d codes, %d lie inside", len(a), len(want))
	}
	if e.tools.current() != tool(e.Select) {
		t.Fatal("the selection tool is not shown after a lasso")
	}
	loop.until(t, "the selection's sheet", func() bool { return len(e.Select.shown) == min(len(a), sheetMax) }, 10*time.Second)
	counts := vae.ClassCounts(h.Labels, a)
	l0 := h.Labels[a[0]]
	if !strings.Contains(e.Select.Info.Text, fmt.Sprintf("%d selected (", len(a))) || !strings.Contains(e.Select.Info.Text, fmt.Sprintf("%d: %d", l0, counts[l0])) {
		t.Errorf("summary %q, counts %v", e.Select.Info.Text, counts)
	}

	e.Select.meanToPoint()
	if mean := vae.MeanOf(vae.Gather(h.Means, L, a), L); !slices.Equal(e.Session.Point(), mean) {
		t.Errorf("mean to point: %v, want %v", e.Session.Point(), mean)
	}
	e.Select.vector()
	wantZ, _ := vae.ConceptVector(vae.Gather(h.Means, L, a), vae.Gather(h.Means, L, vae.Rest(len(h.Labels), a)), L)
	if e.tools.current() != tool(e.Vectors) || e.Vectors.Kind.Selected != vecSelection || e.Vectors.vec == nil || !slices.Equal(e.Vectors.vec.Z, wantZ) {
		t.Fatalf("the vector tool shows kind %q, vector %v; want the selection's %v", e.Vectors.Kind.Selected, e.Vectors.vec, wantZ)
	}

	// Kept as the second selection, then another lasso: the vector goes
	// from the second to the new one.
	e.ShowTool(e.Select)
	e.Select.keepSecond()
	e.PlaneCtl.lasso([]float64{-10, -10, mid, -10, mid, 10, -10, 10})
	a2, b := e.Session.Selection()
	if !slices.Equal(b, a) || len(a2) == 0 || slices.ContainsFunc(a2, func(i int) bool { return slices.Contains(a, i) }) {
		t.Fatalf("after keep and a new lasso: selection %d, second %d", len(a2), len(b))
	}
	e.Select.vector()
	wantZ, _ = vae.ConceptVector(vae.Gather(h.Means, L, a2), vae.Gather(h.Means, L, a), L)
	if !slices.Equal(e.Vectors.vec.Z, wantZ) {
		t.Fatalf("vector from the second selection: %v, want %v", e.Vectors.vec.Z, wantZ)
	}

	dir := filepath.Join(t.TempDir(), "out")
	var done bool
	e.Select.exportInto(dir, func(err error) {
		if err != nil {
			t.Fatal(err)
		}
		done = true
	})
	loop.until(t, "the export", func() bool { return done }, 20*time.Second)
	pngs, _ := filepath.Glob(filepath.Join(dir, "*", "*.png"))
	csv, err := os.ReadFile(filepath.Join(dir, "codes.csv"))
	if err != nil || len(pngs) != len(a2) || strings.Count(string(csv), "\n") != len(a2)+1 {
		t.Fatalf("export: %d PNGs, csv %d lines (%v); want %d", len(pngs), strings.Count(string(csv), "\n"), err, len(a2))
	}

	e.Select.ClearBtn.OnTapped()
	if a, b := e.Session.Selection(); a != nil || b != nil || e.Plane.PointsIn(nil) != nil {
		t.Fatal("Clear left a selection")
	}
}
