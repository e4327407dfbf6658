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
		const chunk = 4096
		parallelRows((len(w)+chunk-1)/chunk, chunk, func(r0, r1 int) {
			lo, hi := r0*chunk, min(r1*chunk, len(w))
			adamKernel(w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], b1, b2, stepSize, invSqrtBC2, eps)
		})
	}
}
