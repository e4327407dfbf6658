package onnx

import (
	"errors"
	"path/filepath"
	"testing"

	"vaeexplorer/vae/dataset"
)

// A decoder and encoder exported by PyTorch open as a model: the latent
// size and image shape read from the graphs, decodes and codes equal to
// PyTorch's, batch 1 equal to batch N.
func TestDecoderAndEncoderOpenAsAModel(t *testing.T) {
	dir := torchModels(t)
	m, err := Open(filepath.Join(dir, "conv_dec_13.onnx"), filepath.Join(dir, "conv_encoder_13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Latent() != 4 || m.Image().Side != 32 || m.Image().Channels != 1 || !m.HasEncoder() {
		t.Fatalf("latent %d, image %v, encoder %v", m.Latent(), m.Image(), m.HasEncoder())
	}
	_, dc := loadCase(t, dir, "conv_dec_13")
	z, want := dc.Inputs[0].Values, dc.Outputs[0].Values
	got, err := m.Decode(z)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(got, want); d > 1e-5 {
		t.Errorf("decodes differ from PyTorch's by %g", d)
	}
	size := m.Image().Size()
	for i := range len(z) / 4 {
		one, err := m.Decode(z[i*4 : (i+1)*4])
		if err != nil {
			t.Fatal(err)
		}
		// The same to float rounding (BLAS blocks a product by its size).
		if d := maxDiff(one, got[i*size:(i+1)*size]); d > 1e-6 {
			t.Errorf("image %d alone differs from the batch by %g", i, d)
		}
	}
	_, ec := loadCase(t, dir, "conv_encoder_13")
	mu, lv, err := m.Encode(ec.Inputs[0].Values) // 1 channel: NCHW is channels last
	if err != nil {
		t.Fatal(err)
	}
	if d := max(maxDiff(mu, ec.Outputs[0].Values), maxDiff(lv, ec.Outputs[1].Values)); d > 1e-5 {
		t.Errorf("codes differ from PyTorch's by %g", d)
	}

	// Dropped images and the anomaly tool: analysed and ranked as with
	// the app's own models.
	a, err := m.Analyse(ec.Inputs[0].Values[:size])
	if err != nil || len(a.Recon) != size || a.Error <= 0 {
		t.Fatalf("analyse: %v, %+v", err, a)
	}
	r, err := m.RankByError(ec.Inputs[0].Values, 1)
	if err != nil || len(r.Errors) != 2 || len(r.Worst) != 1 || r.Errors[r.Worst[0]] < r.Sorted[0] {
		t.Fatalf("rank: %v, %+v", err, r)
	}

	// Held-out statistics, as the app's own models keep them.
	test := dataset.Synthetic(300, 1)
	if err := m.MeasureHeldOut(test); err == nil {
		t.Fatal("measured on 28x28 images with a 32x32 model")
	}
	big := &dataset.Set{Images: &dataset.Images{N: 300, Rows: 32, Cols: 32, Pix: make([]uint8, 300*32*32)}, Labels: make([]uint8, 300)}
	for i := range big.Pix {
		big.Pix[i] = uint8(i * 7919 % 251)
	}
	if err := m.MeasureHeldOut(big); err != nil {
		t.Fatal(err)
	}
	h := m.HeldOut()
	if len(h.Means) != 300*4 || len(h.Errors) != 300 || len(h.DimKL) != 4 || h.Errors[0] <= 0 || h.Errors[0] > h.Errors[299] {
		t.Fatalf("held-out: %d means, %d errors (%v … %v), KL %v", len(h.Means), len(h.Errors), h.Errors[0], h.Errors[len(h.Errors)-1], h.DimKL)
	}
}

// A decoder alone is a generator; what needs an encoder says so.
func TestADecoderAloneDecodes(t *testing.T) {
	dir := torchModels(t)
	m, err := Open(filepath.Join(dir, "mlp_dec_13.onnx"), "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Latent() != 3 || m.Image().Side != 8 || m.HasEncoder() {
		t.Fatalf("latent %d, image %v, encoder %v", m.Latent(), m.Image(), m.HasEncoder())
	}
	if _, _, err := m.Encode(make([]float32, 64)); !errors.Is(err, ErrNoEncoder) {
		t.Fatalf("encode without an encoder: %v", err)
	}
	if EncoderBeside(filepath.Join(dir, "mlp_dec_13.onnx")) != filepath.Join(dir, "conv_encoder_13.onnx") {
		t.Errorf("the encoder beside: %q", EncoderBeside(filepath.Join(dir, "mlp_dec_13.onnx")))
	}
	// The wrong encoder is refused.
	if _, err := Open(filepath.Join(dir, "mlp_dec_13.onnx"), filepath.Join(dir, "conv_encoder_13.onnx")); err == nil {
		t.Fatal("a 32x32 encoder accepted for an 8x8 decoder")
	} else {
		t.Log(err)
	}
}

// A decoder exported without a dynamic batch (its z is [4, L]) decodes
// any number of points: runs are padded to its batch.
func TestAStaticBatchDecoderDecodesAnyNumber(t *testing.T) {
	dir := torchModels(t)
	m, err := Open(filepath.Join(dir, "mlp_dec_static_13.onnx"), "")
	if err != nil {
		t.Fatal(err)
	}
	_, c := loadCase(t, dir, "mlp_dec_static_13")
	z, want := c.Inputs[0].Values, c.Outputs[0].Values
	got, err := m.Decode(z)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(got, want); d > 1e-5 {
		t.Errorf("a batch of 4 differs from PyTorch by %g", d)
	}
	five, err := m.Decode(append(append([]float32(nil), z...), z[:3]...)) // 4 + 1
	if err != nil {
		t.Fatal(err)
	}
	size := m.Image().Size()
	if d := maxDiff(five[4*size:], want[:size]); d > 1e-5 {
		t.Errorf("the fifth point (padded run) differs by %g", d)
	}
}
