package vae

import (
	"context"
	"fmt"
	"math"
	"math/rand"
)

// Likelihood is an importance-weighted estimate of held-out negative
// log-likelihood (the IWAE bound, Burda et al. 2016), in nats per image.
// With K samples z_k from the encoder's q(z|x) per image,
//
//	log p(x) >= log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x)
//
// K = 1 is the ELBO (one sample); the bound tightens as K grows. NLL is
// minus the mean over images of that bound, so it falls with K towards
// -log p(x) and is never above the -ELBO on average. StdErr is the standard
// error of that mean over the images. For models trained with squared
// error, p(x|z) is the same unnormalised exp(-squared error) the -ELBO uses.
type Likelihood struct {
	K, N   int
	NLL    float64
	StdErr float64
	// PerImage is each image's -log p(x) estimate.
	PerImage []float64
}

// likelihoodRows is how many (image, sample) pairs one decoder run takes.
const likelihoodRows = 256

// LogLikelihood estimates -log p(x) on images (n x 784) with k
// importance samples per image, eps drawn in order (image by image, sample
// by sample, dimension by dimension) from a generator seeded with seed.
// Progress, when not nil, is called with the number of images finished
// after each decoder run; ctx cancels between runs. Each run holds the
// model for one chunk, so decoding and training go on meanwhile.
func (m *Model) LogLikelihood(ctx context.Context, images []float32, k int, seed int64, progress func(done, total int)) (Likelihood, error) {
	return m.LogLikelihoodGiven(ctx, images, nil, k, seed, progress)
}

// LogLikelihoodGiven is LogLikelihood for a conditional model, given each
// image's class (or one for all): -log p(x | class).
func (m *Model) LogLikelihoodGiven(ctx context.Context, images []float32, labels []uint8, k int, seed int64, progress func(done, total int)) (Likelihood, error) {
	if k < 1 {
		return Likelihood{}, fmt.Errorf("log-likelihood: %d samples per image; it takes at least 1", k)
	}
	if len(images)%m.size != 0 || len(images) == 0 {
		return Likelihood{}, fmt.Errorf("log-likelihood: %w (%d values)", errShape, len(images))
	}
	mean, logvar, err := m.EncodeGiven(images, labels)
	if err != nil {
		return Likelihood{}, err
	}
	n, L := len(images)/m.size, m.cfg.Latent
	var rowLabels []uint8 // each decoder row's class
	if m.cfg.Conditional() {
		rowLabels = make([]uint8, likelihoodRows)
	}
	est := iwEstimator{k: k, per: make([]float64, n)}
	rng := rand.New(rand.NewSource(seed))
	x := make([]float32, likelihoodRows*m.size)
	scratch := make([]float32, likelihoodRows*m.size)
	rec := make([]float32, likelihoodRows)
	z := make([]float32, likelihoodRows*L)
	prior := make([]float64, likelihoodRows) // log p(z) - log q(z|x) per row
	total := n * k
	for row := 0; row < total; {
		if err := ctx.Err(); err != nil {
			return Likelihood{}, err
		}
		b := min(likelihoodRows, total-row)
		for r := 0; r < b; r++ {
			img := (row + r) / k
			copy(x[r*m.size:(r+1)*m.size], images[img*m.size:(img+1)*m.size])
			if rowLabels != nil {
				rowLabels[r] = labels[min(img, len(labels)-1)]
			}
			var lw float64
			for d := 0; d < L; d++ {
				eps := rng.NormFloat64()
				lv := float64(logvar[img*L+d])
				zd := float64(mean[img*L+d]) + math.Exp(0.5*lv)*eps
				z[r*L+d] = float32(zd)
				lw += 0.5 * (eps*eps - zd*zd + lv)
			}
			prior[r] = lw
		}
		if err := m.decodeRec(z, x, rowLabels, scratch, rec, b); err != nil {
			return Likelihood{}, err
		}
		for r := 0; r < b; r++ {
			est.add(-float64(rec[r]) + prior[r])
		}
		row += b
		if progress != nil {
			progress(row/k, n)
		}
	}
	return est.result(n), nil
}

// decodeRec decodes the first b rows of z and writes each row's
// reconstruction term against the matching row of x into rec.
func (m *Model) decodeRec(z, x []float32, labels []uint8, scratch, rec []float32, b int) error {
	m.compute.Lock()
	defer m.compute.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	nt, err := m.netFor(netDecode, likelihoodRows)
	if err != nil {
		return err
	}
	if err := nt.fillClasses(labels, 0, b); err != nil {
		return fmt.Errorf("log-likelihood: %w", err)
	}
	copy(nt.zBuf, z)
	if err := nt.run(); err != nil {
		return fmt.Errorf("log-likelihood: %w", err)
	}
	logits := nodeData(nt.logits)
	if m.cfg.Loss == LossBCE {
		bceRows(logits, x, scratch, rec, b, m.size)
		return nil
	}
	for r := 0; r < b; r++ {
		var s float32
		for j, l := range logits[r*m.size : (r+1)*m.size] {
			d := l - x[r*m.size+j]
			s += d * d
		}
		rec[r] = s
	}
	return nil
}

// iwEstimator takes the log-weights of consecutive images, k at a time,
// and keeps each image's log-mean-exp (a running maximum keeps exp in
// range).
type iwEstimator struct {
	k, i, seen int
	max, sum   float64
	per        []float64
}

func (e *iwEstimator) add(logw float64) {
	switch {
	case e.seen == 0:
		e.max, e.sum = logw, 1
	case logw > e.max:
		e.sum = e.sum*math.Exp(e.max-logw) + 1
		e.max = logw
	default:
		e.sum += math.Exp(logw - e.max)
	}
	e.seen++
	if e.seen == e.k {
		e.per[e.i] = -(e.max + math.Log(e.sum/float64(e.k)))
		e.i++
		e.seen = 0
	}
}

func (e *iwEstimator) result(n int) Likelihood {
	var s, s2 float64
	for _, v := range e.per {
		s += v
	}
	mean := s / float64(n)
	for _, v := range e.per {
		s2 += (v - mean) * (v - mean)
	}
	se := 0.0
	if n > 1 {
		se = math.Sqrt(s2 / float64(n-1) / float64(n))
	}
	return Likelihood{K: e.k, N: n, NLL: mean, StdErr: se, PerImage: e.per}
}
