package vae

import "testing"

// Each row sweeps its dimension from -Range to +Range and keeps the
// point's other coordinates.
func TestTraversalSweepsOneDimensionPerRow(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Latent, cfg.Hidden = 4, 8
	m, err := NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	z := []float32{0.5, -1, 2, 0.25}
	tr, err := NewTraversal(m, z, nil, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Dims) != 4 || len(tr.Codes) != 4*5*4 || tr.KL != nil {
		t.Fatalf("dims %v, %d values, KL %v", tr.Dims, len(tr.Codes), tr.KL)
	}
	for r, d := range tr.Dims {
		for c := range 5 {
			code := tr.Code(r, c)
			for j, v := range code {
				want := z[j]
				if j == d {
					want = float32(-3 + 1.5*float64(c))
				}
				if v != want {
					t.Fatalf("row %d (z%d), column %d: z%d = %v, want %v", r, d, c, j, v, want)
				}
			}
		}
	}
	if _, err := NewTraversal(m, z, []int{4}, 5, 3); err == nil {
		t.Error("dimension 4 of 4 accepted")
	}
	if _, err := NewTraversal(m, z, nil, 1, 3); err == nil {
		t.Error("one step accepted")
	}
}
