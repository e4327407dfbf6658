package vae

import (
	"context"
	"testing"
	"time"

	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
	"vaeexplorer/vae/memstat"
	"vaeexplorer/vae/vaetest"
)

// Benchmarks for the speed targets; each reports its figure with
// ReportMetric. `make bench` runs them and `vae-explorer bench`.

func BenchmarkTrainEpoch(b *testing.B) {
	for _, arch := range []string{ArchMLP, ArchConv} {
		b.Run(arch, func(b *testing.B) { benchTrainEpoch(b, arch) })
	}
}

func benchTrainEpoch(b *testing.B, arch string) {
	train, test, _ := vaetest.MNIST(b)
	cfg := DefaultConfig()
	cfg.Arch, cfg.Hidden, cfg.Epochs = arch, DefaultHidden(arch), 1
	var imgs int
	var secs float64
	peak := memstat.TrackPeakHeap()
	for i := 0; i < b.N; i++ {
		m, _ := NewModel(cfg)
		tr, err := NewTrainer(m, cfg, train, test)
		if err != nil {
			b.Fatal(err)
		}
		tr.Start(context.Background())
		if err := tr.Wait(); err != nil {
			b.Fatal(err)
		}
		h := m.History()
		secs += h[0].Seconds
		imgs += train.N
		m.Close() // its graphs' buffers go before the next round's
	}
	b.ReportMetric(float64(imgs)/secs, "img/s")
	b.ReportMetric(peak(), "MB-heap-peak")
}

// benchModel trains a model of an architecture (the bundled models'
// widths) for one epoch on generated digits: decoding costs the same
// whatever the weights.
func benchModel(b *testing.B, arch string) *Model {
	train, test := dataset.Synthetic(1000, 1), dataset.Synthetic(200, 2)
	cfg := DefaultConfig()
	cfg.Arch, cfg.Hidden, cfg.Epochs = arch, DefaultHidden(arch), 1
	m, _ := NewModel(cfg)
	tr, _ := NewTrainer(m, cfg, train, test)
	tr.Start(context.Background())
	if err := tr.Wait(); err != nil {
		b.Fatal(err)
	}
	return m
}

func BenchmarkDecodeOne(b *testing.B) {
	for _, arch := range []string{ArchConv, ArchMLP} {
		b.Run(arch, func(b *testing.B) { benchDecodeOne(b, arch) })
	}
}

func benchDecodeOne(b *testing.B, arch string) {
	m := benchModel(b, arch)
	dst := make([]float32, mnistSize)
	z := []float32{0.5, -0.25}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		z[0] = float32(i%100) / 50
		if err := m.DecodeInto(dst, z); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/1e6, "ms/decode")
}

func BenchmarkGrid30(b *testing.B) {
	for _, arch := range []string{ArchConv, ArchMLP} {
		b.Run(arch, func(b *testing.B) { benchGrid30(b, arch) })
	}
}

func benchGrid30(b *testing.B, arch string) {
	m := benchModel(b, arch)
	pts, err := GridSpec{N: 30, DimX: 0, DimY: 1}.Points(2)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pix, err := m.Decode(pts)
		if err != nil {
			b.Fatal(err)
		}
		imaging.Tile(pix, mnistSide, 30, 0)
	}
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/1e6, "ms/grid")
}

func BenchmarkEncode10k(b *testing.B) {
	for _, arch := range []string{ArchConv, ArchMLP} {
		b.Run(arch, func(b *testing.B) { benchEncode10k(b, arch) })
	}
}

func benchEncode10k(b *testing.B, arch string) {
	m := benchModel(b, arch)
	imgs := dataset.Synthetic(10000, 3).Floats()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, _, err := m.Encode(imgs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start))/float64(b.N)/1e6, "ms/10k")
}
