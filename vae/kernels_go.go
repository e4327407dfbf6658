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
