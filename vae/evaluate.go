package vae

import (
	"fmt"
	"math"
	"math/rand"
	"vaeexplorer/vae/dataset"
)

// Held-out evaluation: -ELBO and per-image reconstruction errors, of
// images in floats or of a dataset converted a batch at a time.

// Eval is a held-out measurement in nats per image: ELBO is the negative
// evidence lower bound, Rec + KL (beta is not applied).
type Eval struct {
	ELBO, Rec, KL float64
	N             int
}

// Evaluate measures -ELBO on images with one sample of z per image, eps
// drawn from a generator seeded with seed. Errors, when not nil, receives
// each image's reconstruction term.
func (m *Model) Evaluate(images []float32, seed int64, errors []float32) (Eval, error) {
	return m.EvaluateGiven(images, nil, seed, errors)
}

// EvaluateGiven is Evaluate for a conditional model: labels gives each
// image's class (or one class for all). A conditional model's -ELBO is
// given the label.
func (m *Model) EvaluateGiven(images []float32, labels []uint8, seed int64, errors []float32) (Eval, error) {
	n, src, err := m.floatRows(images)
	if err != nil {
		return Eval{}, err
	}
	return m.evaluate(n, src, labels, sampler(seed), errors)
}

// EvaluateSet is Evaluate of a dataset's images, converted to floats a
// batch at a time (a dataset is kept as bytes).
func (m *Model) EvaluateSet(set *dataset.Set, seed int64, errors []float32) (Eval, error) {
	if err := CheckImages(set, m.shape, "the held-out set"); err != nil {
		return Eval{}, err
	}
	return m.evaluate(set.N, m.setRows(set), m.labelsOf(set), sampler(seed), errors)
}

// sampler fills eps with standard normal draws from a seeded source.
func sampler(seed int64) func([]float32) {
	rng := rand.New(rand.NewSource(seed))
	return func(eps []float32) {
		for i := range eps {
			eps[i] = float32(rng.NormFloat64())
		}
	}
}

// ReconErrors returns each image's reconstruction error (BCE or squared
// error summed over pixels) decoding its latent mean, without sampling.
func (m *Model) ReconErrors(images []float32) ([]float32, error) {
	return m.ReconErrorsGiven(images, nil)
}

// ReconErrorsGiven is ReconErrors for a conditional model, given each
// image's class (or one for all).
func (m *Model) ReconErrorsGiven(images []float32, labels []uint8) ([]float32, error) {
	n, src, err := m.floatRows(images)
	if err != nil {
		return nil, err
	}
	errs := make([]float32, n)
	_, err = m.evaluate(n, src, labels, zero, errs)
	return errs, err
}

// ReconErrorsSet is ReconErrors of a dataset's images.
func (m *Model) ReconErrorsSet(set *dataset.Set) ([]float32, error) {
	if err := CheckImages(set, m.shape, "the images"); err != nil {
		return nil, err
	}
	errs := make([]float32, set.N)
	_, err := m.evaluate(set.N, m.setRows(set), m.labelsOf(set), zero, errs)
	return errs, err
}

// rows writes images off..off+b-1 into dst.
type rows func(off, b int, dst []float32)

// floatRows serves rows of images already in floats.
func (m *Model) floatRows(images []float32) (int, rows, error) {
	if len(images)%m.size != 0 || len(images) == 0 {
		return 0, nil, fmt.Errorf("evaluate: %w (%d values)", errShape, len(images))
	}
	return len(images) / m.size, func(off, b int, dst []float32) {
		copy(dst, images[off*m.size:(off+b)*m.size])
	}, nil
}

// setRows serves rows of a dataset's images, converting them from bytes.
func (m *Model) setRows(set *dataset.Set) rows {
	return func(off, b int, dst []float32) {
		for k := range b {
			set.ImageInto(off+k, dst[k*m.size:(k+1)*m.size])
		}
	}
}

func (m *Model) evaluate(n int, src rows, labels []uint8, fillEps func([]float32), errs []float32) (Eval, error) {
	return m.evaluateRows(n, src, labels, fillEps, errs, nil)
}

// evaluateRows is evaluate also writing each row's KL term into kls
// (when not nil).
func (m *Model) evaluateRows(n int, src rows, labels []uint8, fillEps func([]float32), errs, kls []float32) (Eval, error) {
	var ev Eval
	if err := m.checkLabels(labels, n); err != nil {
		return Eval{}, fmt.Errorf("evaluate: %w", err)
	}
	err := forChunks(n, func(off, b int) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		nt, err := m.netFor(netEval, b)
		if err != nil {
			return err
		}
		if err := nt.fillClasses(labels, off, b); err != nil {
			return err
		}
		src(off, b, nt.xBuf)
		fillEps(nt.epsBuf)
		nt.st.n = b
		if err := nt.run(); err != nil {
			return fmt.Errorf("evaluate: %w", err)
		}
		ev.Rec += nt.st.rec
		ev.KL += nt.st.kl
		if errs != nil {
			copy(errs[off:], nt.st.recRow[:b])
		}
		if kls != nil {
			copy(kls[off:], nt.st.klRow[:b])
		}
		return nil
	})
	if err != nil {
		return Eval{}, err
	}
	ev.N = n
	ev.Rec /= float64(n)
	ev.KL /= float64(n)
	ev.ELBO = ev.Rec + ev.KL
	if math.IsNaN(ev.ELBO) || math.IsInf(ev.ELBO, 0) {
		return ev, fmt.Errorf("evaluate: -ELBO is %v; the weights are not usable", ev.ELBO)
	}
	return ev, nil
}

// zero fills eps with zeros: decode the latent means.
func zero(eps []float32) { clear(eps) }
