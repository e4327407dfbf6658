package onnx

import (
	"fmt"
	"math"
	"slices"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// What an ONNX model with its encoder measures on images, as the app's
// own models do: held-out statistics, the -ELBO with z at the means,
// reconstruction errors, one image's analysis and the anomaly ranking.

// heldOutPoints is how many held-out codes the scatter keeps, as for the
// app's own models.
const heldOutPoints = 5000

// MeasureHeldOut encodes a held-out set (of the model's shape) and keeps
// what the scatter and the anomaly score need, as the app's own models
// do: the codes' means and labels, each image's reconstruction error
// (binary cross-entropy of its decoded mean, in nats) and the KL per
// dimension.
func (m *Model) MeasureHeldOut(test *dataset.Set) error {
	L := m.latent
	var means, logvars []float32
	errs := make([]float32, 0, test.N)
	err := m.pass(test, func(x, mu, lv, rec []float32, n int) {
		size := m.shape.Size()
		for k := range n {
			errs = append(errs, bce(x[k*size:(k+1)*size], rec[k*size:(k+1)*size]))
		}
		if len(means) < heldOutPoints*L {
			keep := min(n, heldOutPoints-len(means)/L)
			means = append(means, mu[:keep*L]...)
			logvars = append(logvars, lv[:keep*L]...)
		}
	})
	if err != nil {
		return err
	}
	slices.Sort(errs)
	k := len(means) / L
	h := &vae.HeldOut{Means: means, Errors: errs, DimKL: vae.DimKL(means, logvars, L)}
	if len(test.Labels) >= k {
		h.Labels = append([]uint8(nil), test.Labels[:k]...)
	}
	m.mu.Lock()
	m.heldOut = h
	m.mu.Unlock()
	return nil
}

// EvaluateAtMean is the held-out -ELBO with z at each code's mean: the
// mean reconstruction error (binary cross-entropy, nats) and the mean KL
// of the codes to the prior, over every image of test.
func (m *Model) EvaluateAtMean(test *dataset.Set) (rec, kl float64, err error) {
	size, L := m.shape.Size(), m.latent
	err = m.pass(test, func(x, mu, lv, r []float32, n int) {
		for k := range n {
			rec += float64(bce(x[k*size:(k+1)*size], r[k*size:(k+1)*size]))
			for j := k * L; j < (k+1)*L; j++ {
				m, v := float64(mu[j]), float64(lv[j])
				kl += -0.5 * (1 + v - m*m - math.Exp(v))
			}
		}
	})
	if err != nil {
		return 0, 0, err
	}
	return rec / float64(test.N), kl / float64(test.N), nil
}

// pass encodes test a block at a time and decodes the codes' means,
// handing each block (images, means, log-variances, reconstructions) to
// fn.
func (m *Model) pass(test *dataset.Set, fn func(x, mu, lv, rec []float32, n int)) error {
	if err := vae.CheckImages(test, m.shape, "the held-out set"); err != nil {
		return err
	}
	if m.enc == nil {
		return ErrNoEncoder
	}
	size := m.shape.Size()
	const block = 1024
	buf := make([]float32, min(block, test.N)*size)
	for i := 0; i < test.N; i += block {
		n := min(block, test.N-i)
		x := buf[:n*size]
		for k := range n {
			test.ImageInto(i+k, x[k*size:(k+1)*size])
		}
		mu, lv, err := m.Encode(x)
		if err != nil {
			return err
		}
		rec, err := m.Decode(mu)
		if err != nil {
			return err
		}
		fn(x, mu, lv, rec, n)
	}
	return nil
}

// ReconErrors is each image's reconstruction error: the binary
// cross-entropy (nats) of its decoded latent mean.
func (m *Model) ReconErrors(images []float32) ([]float32, error) {
	size := m.shape.Size()
	if len(images)%size != 0 {
		return nil, fmt.Errorf("%d values for images of %s", len(images), m.shape)
	}
	errs := make([]float32, 0, len(images)/size)
	for i := 0; i < len(images); i += decodeChunk * size {
		x := images[i:min(len(images), i+decodeChunk*size)]
		mu, _, err := m.Encode(x)
		if err != nil {
			return nil, err
		}
		rec, err := m.Decode(mu)
		if err != nil {
			return nil, err
		}
		for k := 0; k < len(x)/size; k++ {
			errs = append(errs, bce(x[k*size:(k+1)*size], rec[k*size:(k+1)*size]))
		}
	}
	return errs, nil
}

// Analyse encodes and reconstructs one image (a dropped image).
func (m *Model) Analyse(image []float32) (*vae.Analysis, error) { return vae.Analyse(m, image) }

// RankByError orders images by reconstruction error (the anomaly tool).
func (m *Model) RankByError(images []float32, top int) (*vae.Ranking, error) {
	return vae.RankByError(m, images, top)
}

// bce is the binary cross-entropy of image x under pixel probabilities p,
// in nats (p clamped away from 0 and 1).
func bce(x, p []float32) float32 {
	const eps = 1e-7
	s := 0.0
	for i, v := range x {
		q := min(max(float64(p[i]), eps), 1-eps)
		s -= float64(v)*math.Log(q) + (1-float64(v))*math.Log(1-q)
	}
	return float32(s)
}
