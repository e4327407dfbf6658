package vae

import (
	"context"
	"math"
	"testing"

	"vaeexplorer/vae/dataset"
)

// maxDiff is the largest absolute difference between a and b.
func maxDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

func TestDecoderSnapshotFollowsPublishedWeights(t *testing.T) {
	for _, arch := range []string{ArchMLP, ArchConv} {
		t.Run(arch, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Arch, cfg.Hidden, cfg.Epochs = arch, 16, 1
			m, err := NewModel(cfg)
			if err != nil {
				t.Fatal(err)
			}
			s := m.NewDecoderSnapshot()
			defer s.Close()
			z := []float32{0.5, -1, 2, 0.25, -0.75, 0, 1.5, -2, 0.1, 0.3} // 5 points
			got := make([]float32, 5*mnistSize)
			decode := func() []float32 {
				if err := s.DecodeInto(got, z); err != nil {
					t.Fatal(err)
				}
				return append([]float32(nil), got...)
			}
			want, _ := m.Decode(z)
			before := decode()
			// Pure-Go BLAS against the model's BLAS: the same numbers to
			// float32 rounding.
			if d := maxDiff(before, want); d > 1e-5 {
				t.Fatalf("snapshot decode differs from the model's by %g", d)
			}

			// Training publishes new weights: the next decode uses them.
			tr, err := NewTrainer(m, cfg, dataset.Synthetic(256, 1), dataset.Synthetic(64, 2))
			if err != nil {
				t.Fatal(err)
			}
			tr.Start(context.Background())
			if err := tr.Wait(); err != nil {
				t.Fatal(err)
			}
			want, _ = m.Decode(z)
			after := decode()
			if maxDiff(after, before) < 1e-3 {
				t.Fatal("the snapshot kept the old weights after training")
			}
			if d := maxDiff(after, want); d > 1e-5 {
				t.Fatalf("after training the snapshot differs from the model by %g", d)
			}

			// While the model is locked (a publication or an evaluation in
			// flight) the snapshot decodes with what it has, without waiting.
			m.mu.Lock()
			m.params.List[len(m.params.List)-1].Data[0] += 5 // as a publication would
			m.gen.Add(1)
			held := decode()
			m.mu.Unlock()
			if maxDiff(held, after) != 0 {
				t.Fatal("a decode while the model was locked did not use the snapshot's copy")
			}
			if maxDiff(decode(), after) == 0 {
				t.Fatal("the snapshot did not pick up the weights published while it was busy")
			}
		})
	}
}
