package ui

import (
	"fmt"
	"math"
	"math/rand"
	"slices"

	"vaeexplorer/vae"
	"vaeexplorer/vae/engine"
)

// fakeModel is a model for tests about the window rather than the engine:
// it decodes a code into a 28x28 grey picture by a fixed formula (cheap,
// and different for every code), and has held-out codes, labels and
// errors of its own. It has no encoder and cannot be trained: tests of
// drops, vectors, anomalies and training use a real model (tinyModel).
type fakeModel struct {
	latent  int
	heldOut *vae.HeldOut
	cfg     vae.Config
}

var _ Model = (*fakeModel)(nil)

// newFakeModel is a fake of latent size L with n held-out codes of 10
// classes, on MNIST.
func newFakeModel(L, n int) *fakeModel {
	r := rand.New(rand.NewSource(int64(L*1000 + n)))
	h := &vae.HeldOut{Means: make([]float32, n*L), Labels: make([]uint8, n), Errors: make([]float32, n), DimKL: make([]float64, L)}
	for i := range n {
		h.Labels[i] = uint8(i % 10)
		for j := range L {
			h.Means[i*L+j] = float32(r.NormFloat64() + float64(i%10)/5 - 1)
		}
		h.Errors[i] = float32(80 + 40*r.Float64())
	}
	slices.Sort(h.Errors)
	for j := range L {
		h.DimKL[j] = float64(L - j)
	}
	cfg := vae.DefaultConfig()
	cfg.Latent, cfg.Dataset = L, "mnist"
	return &fakeModel{latent: L, heldOut: h, cfg: cfg}
}

func (f *fakeModel) Latent() int               { return f.latent }
func (f *fakeModel) Image() vae.Shape          { return vae.Shape{Side: 28, Channels: 1} }
func (f *fakeModel) Config() vae.Config        { return f.cfg }
func (f *fakeModel) HeldOut() *vae.HeldOut     { return f.heldOut }
func (f *fakeModel) History() []vae.EpochStats { return nil }

// DecodeInto draws a soft disc whose centre and radius follow the code.
func (f *fakeModel) DecodeInto(dst, z []float32) error {
	if len(z) != f.latent || len(dst) != 784 {
		return fmt.Errorf("fake decode: code of %d, image of %d", len(z), len(dst))
	}
	cx, cy, rad := 14+3*float64(z[0]), 14.0, 6.0
	if f.latent > 1 {
		cy = 14 - 3*float64(z[1])
	}
	for _, v := range z[min(2, len(z)):] {
		rad += float64(v)
	}
	for y := range 28 {
		for x := range 28 {
			d := math.Hypot(float64(x)-cx, float64(y)-cy) - rad
			dst[y*28+x] = float32(1 / (1 + math.Exp(d)))
		}
	}
	return nil
}

func (f *fakeModel) Decode(z []float32) ([]float32, error) {
	n := len(z) / f.latent
	out := make([]float32, n*784)
	for i := range n {
		if err := f.DecodeInto(out[i*784:(i+1)*784], z[i*f.latent:(i+1)*f.latent]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// testEngine is the real engine with a fake in place of the bundled
// models: a window opens on the bundled model first, and decoding that
// (its 10,000 held-out codes, a grid of 400 conv decodes under -race) would
// cost every test half a second before it sets the model it is about.
type testEngine struct {
	engine.Engine
}

func (e *testEngine) Bundled(kind string) (Model, error) { return newFakeModel(2, 500), nil }
