//go:build !openblas

package vae

import "math"

// adamKernel is adam's inner loop over one weight slice (pure Go; the
// openblas build has a vectorised C version).
func adamKernel(w, g, m, v []float32, b1, b2, step, invSqrtBC2, eps float32) {
	for j := range w {
		gj := g[j]
		mj := b1*m[j] + (1-b1)*gj
		vj := b2*v[j] + (1-b2)*gj*gj
		m[j], v[j] = mj, vj
		w[j] -= step * mj / (float32(math.Sqrt(float64(vj)))*invSqrtBC2 + eps)
	}
}

// bceRows is the BCE loss's forward pass over rows of logits: sigmoid
// into sg, per-row reconstruction sums into rec.
func bceRows(l, x, sg, rec []float32, rows, cols int) {
	for r := 0; r < rows; r++ {
		lr, xr, sr := l[r*cols:(r+1)*cols], x[r*cols:(r+1)*cols], sg[r*cols:(r+1)*cols]
		var s float32
		for j, li := range lr {
			sp, sig := softplusSigmoid(li)
			s += sp - xr[j]*li
			sr[j] = sig
		}
		rec[r] = s
	}
}
