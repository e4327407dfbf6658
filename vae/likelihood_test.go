package vae

import (
	"context"
	"errors"
	"math"
	"math/rand"
	"testing"
)

func likelihoodModel(t *testing.T) (*Model, []float32) {
	t.Helper()
	train, test := smallSets(512)
	cfg := DefaultConfig()
	cfg.Hidden, cfg.Epochs = 24, 3
	m, _ := trainModel(t, cfg, train, test)
	return m, test.Floats()[:60*mnistSize]
}

// bruteForceNLL is -log (1/k) sum_k w_k for each image, the weights
// computed in float64 from the model's decoded pixels, the sum taken
// directly (no log-sum-exp), eps drawn in LogLikelihood's order.
func bruteForceNLL(t *testing.T, m *Model, images []float32, k int, seed int64) []float64 {
	t.Helper()
	mean, logvar, err := m.Encode(images)
	if err != nil {
		t.Fatal(err)
	}
	L, n := m.Latent(), len(images)/mnistSize
	rng := rand.New(rand.NewSource(seed))
	out := make([]float64, n)
	for i := range n {
		x := images[i*mnistSize : (i+1)*mnistSize]
		var sum float64
		for range k {
			z := make([]float32, L)
			var logPrior float64
			for d := range L {
				eps := rng.NormFloat64()
				lv := float64(logvar[i*L+d])
				zd := float64(mean[i*L+d]) + math.Exp(0.5*lv)*eps
				z[d] = float32(zd)
				// log N(z; 0, 1) - log N(z; mean, exp(lv)): the 2 pi cancels.
				logPrior += -0.5*zd*zd + 0.5*eps*eps + 0.5*lv
			}
			p, err := m.Decode(z)
			if err != nil {
				t.Fatal(err)
			}
			var logLik float64
			for j, pj := range p {
				q := math.Min(math.Max(float64(pj), 1e-30), 1-1e-7)
				logLik += float64(x[j])*math.Log(q) + (1-float64(x[j]))*math.Log(1-q)
			}
			sum += math.Exp(logLik + logPrior)
		}
		out[i] = -math.Log(sum / float64(k))
	}
	return out
}

func TestLogLikelihoodEqualsBruteForce(t *testing.T) {
	m, images := likelihoodModel(t)
	images = images[:12*mnistSize]
	for _, k := range []int{1, 3, 30} {
		got, err := m.LogLikelihood(context.Background(), images, k, 7, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteForceNLL(t, m, images, k, 7)
		for i, w := range want {
			if d := math.Abs(got.PerImage[i] - w); d > 0.02 || math.IsNaN(got.PerImage[i]) {
				t.Fatalf("K=%d image %d: %.4f nats, brute force %.4f", k, i, got.PerImage[i], w)
			}
		}
	}
}

func TestLogLikelihoodTightensWithK(t *testing.T) {
	m, images := likelihoodModel(t)
	ev, err := m.Evaluate(images, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	var prev Likelihood
	for i, k := range []int{1, 10, 100} {
		l, err := m.LogLikelihood(context.Background(), images, k, int64(11+k), nil)
		if err != nil {
			t.Fatal(err)
		}
		if l.N != 60 || l.K != k || l.StdErr <= 0 {
			t.Fatalf("K=%d: %+v", k, l)
		}
		switch {
		case i == 0:
			// One sample is the ELBO: the same expectation as Evaluate's
			// one-sample estimate, so the two agree within their error.
			if d := math.Abs(l.NLL - ev.ELBO); d > 3*l.StdErr {
				t.Fatalf("K=1: %.2f ± %.2f nats, -ELBO %.2f", l.NLL, l.StdErr, ev.ELBO)
			}
		case l.NLL > prev.NLL:
			t.Fatalf("K=%d: %.3f nats, above K=%d's %.3f", k, l.NLL, prev.K, prev.NLL)
		}
		prev = l
	}
	if prev.NLL >= ev.ELBO {
		t.Fatalf("K=100 estimate %.2f is not below the -ELBO %.2f", prev.NLL, ev.ELBO)
	}
}

func TestLogLikelihoodReportsProgressAndCancels(t *testing.T) {
	m, images := likelihoodModel(t)
	var calls, last int
	if _, err := m.LogLikelihood(context.Background(), images, 50, 1, func(done, total int) {
		if total != 60 || done < last {
			t.Errorf("progress %d of %d after %d", done, total, last)
		}
		calls, last = calls+1, done
	}); err != nil {
		t.Fatal(err)
	}
	if last != 60 || calls < 10 {
		t.Fatalf("%d progress calls, last %d", calls, last)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := m.LogLikelihood(ctx, images, 50, 1, func(done, total int) {
		if n++; n == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || n != 2 {
		t.Fatalf("after cancelling: %v, %d progress calls", err, n)
	}
	if _, err := m.LogLikelihood(context.Background(), images, 0, 1, nil); err == nil {
		t.Fatal("K=0 accepted")
	}
}
