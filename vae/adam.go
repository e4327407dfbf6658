package vae

import "math"

// adam is Adam (Kingma and Ba) updating weights in place, with PyTorch's
// defaults and its exact update rule, so runs compare step for step.
// Gorgonia's own AdamSolver clones tensors every step; this allocates its
// moment buffers once.
type adam struct {
	lr, beta1, beta2, eps float64
	t                     int
	m, v                  [][]float32
}

func newAdam(p *Params, lr float64) *adam {
	a := &adam{lr: lr, beta1: 0.9, beta2: 0.999, eps: 1e-8}
	for _, t := range p.List {
		a.m = append(a.m, make([]float32, len(t.Data)))
		a.v = append(a.v, make([]float32, len(t.Data)))
	}
	return a
}

// step applies one update to each weight slice from its gradient; weights
// and grads are in the order the optimiser was built with.
func (a *adam) step(weights, grads [][]float32) {
	a.t++
	bc1 := 1 - math.Pow(a.beta1, float64(a.t))
	bc2 := 1 - math.Pow(a.beta2, float64(a.t))
	stepSize := float32(a.lr / bc1)
	invSqrtBC2 := float32(1 / math.Sqrt(bc2))
	b1, b2 := float32(a.beta1), float32(a.beta2)
	eps := float32(a.eps)
	for i, w := range weights {
		g, m, v := grads[i], a.m[i], a.v[i]
		parallelRows(len(w)/256+1, 256, func(r0, r1 int) {
			for j := r0 * 256; j < min(r1*256, len(w)); j++ {
				gj := g[j]
				mj := b1*m[j] + (1-b1)*gj
				vj := b2*v[j] + (1-b2)*gj*gj
				m[j], v[j] = mj, vj
				w[j] -= stepSize * mj / (float32(math.Sqrt(float64(vj)))*invSqrtBC2 + eps)
			}
		})
	}
}
