package vae

import (
	"math"
	"math/rand"
	"testing"
)

// tinyNet builds a training graph of a tiny model on random data.
func tinyNet(t *testing.T, loss string, batch, valid int) (*net, *Params, Config) {
	return tinyNetK(t, loss, batch, valid, 0)
}

// tinyNetK is tinyNet of a model conditioned on K classes (0: none), each
// row of a random class.
func tinyNetK(t *testing.T, loss string, batch, valid, K int) (*net, *Params, Config) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Hidden, cfg.Latent, cfg.Loss, cfg.Beta, cfg.Condition = 6, 3, loss, 0.7, K
	p := newParams(cfg)
	rng := rand.New(rand.NewSource(3))
	p.initUniform(rng)
	// Larger weights than the default init, so ReLUs switch and the
	// gradient check covers both sides of them.
	for _, tn := range p.List {
		for i := range tn.Data {
			tn.Data[i] *= 3
		}
	}
	n, err := buildNet(netTrain, cfg, p, batch)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.close)
	for i := range n.xBuf {
		n.xBuf[i] = rng.Float32()
	}
	for i := range n.epsBuf {
		n.epsBuf[i] = float32(rng.NormFloat64())
	}
	if K > 0 {
		labels := make([]uint8, batch)
		for i := range labels {
			labels[i] = uint8(rng.Intn(K))
		}
		if err := n.fillClasses(labels, 0, batch); err != nil {
			t.Fatal(err)
		}
	}
	n.st.n = valid
	return n, p, cfg
}

// withOneHot is rows of width w with each row's one-hot class (from the
// net's class input, K wide) after it; rows unchanged when K is 0.
func withOneHot(v []float64, w int, n *net, rows int) []float64 {
	K := n.classes
	if K == 0 {
		return v
	}
	out := make([]float64, 0, rows*(w+K))
	for r := range rows {
		out = append(out, v[r*w:(r+1)*w]...)
		for k := range K {
			out = append(out, float64(n.yBuf[r*K+k]))
		}
	}
	return out
}

// refLoss is the VAE loss computed independently in float64, straight from
// the definitions, for the first valid rows of the batch.
func refLoss(n *net, p *Params, cfg Config, valid int) (loss, rec, kl float64) {
	lay := func(name string, x []float64, rows int, relu bool) []float64 {
		l := struct{ W, B *Tensor }{p.Get(name + ".w"), p.Get(name + ".b")}
		in, out := l.W.Shape[0], l.W.Shape[1]
		y := make([]float64, rows*out)
		for r := 0; r < rows; r++ {
			for j := 0; j < out; j++ {
				s := float64(l.B.Data[j])
				for k := 0; k < in; k++ {
					s += x[r*in+k] * float64(l.W.Data[k*out+j])
				}
				if relu && s < 0 {
					s = 0
				}
				y[r*out+j] = s
			}
		}
		return y
	}
	x := make([]float64, valid*mnistSize)
	for i := range x {
		x[i] = float64(n.xBuf[i])
	}
	h := lay("enc.hidden", withOneHot(x, mnistSize, n, valid), valid, true)
	mu := lay("enc.mean", h, valid, false)
	lv := lay("enc.logvar", h, valid, false)
	z := make([]float64, len(mu))
	for i := range z {
		z[i] = mu[i] + math.Exp(0.5*lv[i])*float64(n.epsBuf[i])
		kl += -0.5 * (1 + lv[i] - mu[i]*mu[i] - math.Exp(lv[i]))
	}
	out := lay("dec.out", lay("dec.hidden", withOneHot(z, cfg.Latent, n, valid), valid, true), valid, false)
	for i, l := range out {
		if cfg.Loss == LossBCE {
			p := 1 / (1 + math.Exp(-l))
			rec -= x[i]*math.Log(p) + (1-x[i])*math.Log(1-p)
		} else {
			rec += (l - x[i]) * (l - x[i])
		}
	}
	return (rec + cfg.Beta*kl) / float64(valid), rec, kl
}

func TestLossMatchesReference(t *testing.T) {
	for _, c := range []struct {
		loss string
		K    int
	}{{LossBCE, 0}, {LossMSE, 0}, {LossBCE, 4}} {
		loss := c.loss
		n, p, cfg := tinyNetK(t, loss, 4, 4, c.K)
		if err := n.run(); err != nil {
			t.Fatal(err)
		}
		want, rec, kl := refLoss(n, p, cfg, 4)
		got := float64(n.loss.Value().Data().(float32))
		if math.Abs(got-want) > 1e-4*math.Abs(want) {
			t.Errorf("%s: loss %v, reference %v", loss, got, want)
		}
		if math.Abs(n.st.rec-rec) > 1e-4*rec || math.Abs(n.st.kl-kl) > 1e-3*math.Abs(kl)+1e-4 {
			t.Errorf("%s: rec, kl = %v, %v; reference %v, %v", loss, n.st.rec, n.st.kl, rec, kl)
		}
	}
}

// TestGradientsMatchFiniteDifferences checks every weight's analytic
// gradient against central differences of the float64 reference loss,
// with a partial batch so the padding mask is covered too.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	for _, c := range []struct {
		loss string
		K    int // a conditional model's classes: the join's gradient too
	}{{LossBCE, 0}, {LossMSE, 0}, {LossBCE, 3}} {
		loss := c.loss
		const batch, valid = 5, 3
		n, p, cfg := tinyNetK(t, loss, batch, valid, c.K)
		// Garbage in the padding rows must not change anything.
		for i := valid * mnistSize; i < len(n.xBuf); i++ {
			n.xBuf[i] = 1 - n.xBuf[i]
		}
		if err := n.run(); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewSource(9))
		for wi, tn := range p.List {
			g := nodeData(n.grads[wi])
			// Check a sample of entries of each tensor.
			for k := 0; k < 12; k++ {
				i := rng.Intn(len(tn.Data))
				old := tn.Data[i]
				const h = 1e-3
				tn.Data[i] = old + h
				lp, _, _ := refLoss(n, p, cfg, valid)
				step := float64(tn.Data[i])
				tn.Data[i] = old - h
				lm, _, _ := refLoss(n, p, cfg, valid)
				step -= float64(tn.Data[i])
				tn.Data[i] = old
				fd := (lp - lm) / step
				if d := math.Abs(float64(g[i]) - fd); d > 2e-3+2e-3*math.Abs(fd) {
					t.Errorf("%s: d loss/d %s[%d] = %v, finite difference %v", loss, tn.Name, i, g[i], fd)
				}
			}
		}
	}
}

func TestKLClosedFormMatchesMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, c := range []struct{ mu, lv float64 }{{0, 0}, {1.5, -1}, {-0.7, 0.8}, {2, -3}} {
		closed := -0.5 * (1 + c.lv - c.mu*c.mu - math.Exp(c.lv))
		// KL(q||p) = E_q[log q(z) - log p(z)], z ~ q = N(mu, exp(lv)).
		sd := math.Exp(0.5 * c.lv)
		const N = 400000
		var s float64
		for i := 0; i < N; i++ {
			e := rng.NormFloat64()
			z := c.mu + sd*e
			s += (-0.5*e*e - math.Log(sd)) - (-0.5 * z * z)
		}
		mc := s / N
		if math.Abs(mc-closed) > 0.02+0.01*closed {
			t.Errorf("mu=%v lv=%v: closed form %v, Monte Carlo %v", c.mu, c.lv, closed, mc)
		}
	}
}

func TestFastMathAccuracy(t *testing.T) {
	for x := float32(-87); x <= 88; x += 0.0137 {
		got, want := float64(exp32(x)), math.Exp(float64(x))
		if math.Abs(got-want) > 4e-7*want {
			t.Fatalf("exp32(%v) = %v, want %v", x, got, want)
		}
	}
	for x := float32(0); x <= 1; x += 1.0 / 5003 {
		if d := math.Abs(float64(log1pFast(x)) - math.Log1p(float64(x))); d > 1e-7 {
			t.Fatalf("log1pFast(%v) off by %v", x, d)
		}
	}
	for _, l := range []float32{-100, -20, -1, 0, 0.5, 3, 20, 100} {
		sp, sg := softplusSigmoid(l)
		wsp := math.Log1p(math.Exp(float64(l)))
		if l > 30 {
			wsp = float64(l)
		}
		wsg := 1 / (1 + math.Exp(-float64(l)))
		if math.Abs(float64(sp)-wsp) > 1e-6*math.Max(1, wsp) || math.Abs(float64(sg)-wsg) > 1e-7 {
			t.Errorf("softplusSigmoid(%v) = %v, %v; want %v, %v", l, sp, sg, wsp, wsg)
		}
	}
	if nan := float32(math.NaN()); !math.IsNaN(float64(log1pFast(nan))) || !math.IsNaN(float64(exp32(nan))) {
		t.Error("NaN does not pass through")
	}
	if exp32(200) != float32(math.Inf(1)) || exp32(-200) != 0 {
		t.Error("exp32 does not saturate")
	}
}
