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

// biasReLUKernel adds b to each run of len(b) values of y, then clamps at
// zero when relu is set.
func biasReLUKernel(y, b []float32, relu bool) {
	c := len(b)
	for r := 0; r+c <= len(y); r += c {
		row := y[r : r+c]
		for j, v := range b {
			s := row[j] + v
			if relu && s < 0 {
				s = 0
			}
			row[j] = s
		}
	}
}

// reluGradKernel: g = dy where y > 0, else 0.
func reluGradKernel(g, y, dy []float32) {
	for i := range g {
		if y[i] > 0 {
			g[i] = dy[i]
		} else {
			g[i] = 0
		}
	}
}

// col2imKernel is col2im over images n0..n1-1.
func col2imKernel(g convGeom, cols, x []float32, n0, n1 int) {
	ps, C, KC := g.patchSize(), g.C, g.K*g.C
	for img := n0; img < n1; img++ {
		dst := x[img*g.inSize() : (img+1)*g.inSize()]
		clear(dst)
		row := img * g.patches()
		for oy := 0; oy < g.Ho; oy++ {
			for ox := 0; ox < g.Wo; ox++ {
				src := cols[row*ps : (row+1)*ps]
				row++
				k0, k1, ix0 := g.kxRange(ox)
				if k0 == k1 {
					continue
				}
				for ky := 0; ky < g.K; ky++ {
					iy := oy*g.S - g.P + ky
					if iy < 0 || iy >= g.H {
						continue
					}
					at := (iy*g.W + ix0 + k0) * C
					d := dst[at : at+(k1-k0)*C]
					for i, v := range src[ky*KC+k0*C : ky*KC+k1*C] {
						d[i] += v
					}
				}
			}
		}
	}
}
