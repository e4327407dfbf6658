//go:build openblas

package vae

/*
#cgo CFLAGS: -O3 -ffast-math
#cgo LDFLAGS: -lmvec -lm
// -ffast-math lets GCC vectorise sqrtf (which otherwise must set errno;
// cgo does not accept -fno-math-errno alone). Nothing here tests for NaN:
// a NaN gradient still gives NaN weights, which the trainer catches.
#include <math.h>
#include <stddef.h>

// adam_step updates n weights in place, PyTorch's rule. GCC vectorises
// the loop; target_clones picks AVX-512, AVX2 or plain SSE2 at load time.
__attribute__((target_clones("avx512f", "avx2", "default")))
static void adam_step(float *restrict w, const float *restrict g, float *restrict m, float *restrict v,
		size_t n, float b1, float b2, float step, float inv_sqrt_bc2, float eps) {
	for (size_t j = 0; j < n; j++) {
		float gj = g[j];
		float mj = b1 * m[j] + (1 - b1) * gj;
		float vj = b2 * v[j] + (1 - b2) * gj * gj;
		m[j] = mj;
		v[j] = vj;
		w[j] -= step * mj / (sqrtf(vj) * inv_sqrt_bc2 + eps);
	}
}

// bce_rows computes, for each row of logits l and targets x, the sigmoid
// of every logit into sg and the row's binary cross-entropy
// sum(softplus(l) - x*l) into rec. With -ffast-math GCC vectorises expf
// and log1pf through glibc's libmvec. A NaN logit gives a NaN row.
__attribute__((target_clones("avx512f", "avx2", "default")))
static void bce_rows(const float *restrict l, const float *restrict x, float *restrict sg, float *restrict rec,
		size_t rows, size_t cols) {
	for (size_t r = 0; r < rows; r++) {
		const float *lr = l + r * cols, *xr = x + r * cols;
		float *sr = sg + r * cols;
		float s = 0;
		for (size_t j = 0; j < cols; j++) {
			float li = lr[j];
			float e = expf(-fabsf(li));          // in (0, 1]
			float inv = 1.0f / (1.0f + e);
			float sp = (li > 0 ? li : 0) + log1pf(e);
			sr[j] = li >= 0 ? inv : e * inv;
			s += sp - xr[j] * li;
		}
		rec[r] = s;
	}
}

// bias_relu adds b (c values) to each of px runs of c values of y and,
// when relu is set, clamps at zero.
__attribute__((target_clones("avx512f", "avx2", "default")))
static void bias_relu(float *restrict y, const float *restrict b, size_t px, size_t c, int relu) {
	for (size_t p = 0; p < px; p++) {
		float *yr = y + p * c;
		if (relu) {
			for (size_t j = 0; j < c; j++) {
				float v = yr[j] + b[j];
				yr[j] = v > 0 ? v : 0;
			}
		} else {
			for (size_t j = 0; j < c; j++) yr[j] += b[j];
		}
	}
}

// relu_grad: g = dy where the ReLU's output y is positive, else 0.
__attribute__((target_clones("avx512f", "avx2", "default")))
static void relu_grad(float *restrict g, const float *restrict y, const float *restrict dy, size_t n) {
	for (size_t i = 0; i < n; i++) g[i] = y[i] > 0 ? dy[i] : 0;
}

// col2im sums patch rows back into images n0..n1-1 (see convGeom.col2im).
__attribute__((target_clones("avx512f", "avx2", "default")))
static void col2im(const float *restrict cols, float *restrict x, long n0, long n1,
		long H, long W, long C, long K, long S, long P, long Ho, long Wo) {
	long ps = K * K * C, in = H * W * C;
	for (long img = n0; img < n1; img++) {
		float *dst = x + img * in;
		for (long i = 0; i < in; i++) dst[i] = 0;
		const float *src = cols + img * Ho * Wo * ps;
		for (long oy = 0; oy < Ho; oy++) {
			for (long ox = 0; ox < Wo; ox++, src += ps) {
				long ix0 = ox * S - P;
				long k0 = ix0 < 0 ? -ix0 : 0, k1 = W - ix0 < K ? W - ix0 : K;
				if (k1 <= k0) continue;
				for (long ky = 0; ky < K; ky++) {
					long iy = oy * S - P + ky;
					if (iy < 0 || iy >= H) continue;
					float *d = dst + (iy * W + ix0 + k0) * C;
					const float *s = src + (ky * K + k0) * C;
					long len = (k1 - k0) * C;
					for (long i = 0; i < len; i++) d[i] += s[i];
				}
			}
		}
	}
}
*/
import "C"

import "unsafe"

// adamKernel is adam's inner loop over one weight slice, in C so that it
// runs vectorised (Go does not vectorise): about ten times faster on the
// 0.8M weights of the default model.
func adamKernel(w, g, m, v []float32, b1, b2, step, invSqrtBC2, eps float32) {
	if len(w) == 0 {
		return
	}
	C.adam_step((*C.float)(unsafe.Pointer(&w[0])), (*C.float)(unsafe.Pointer(&g[0])),
		(*C.float)(unsafe.Pointer(&m[0])), (*C.float)(unsafe.Pointer(&v[0])), C.size_t(len(w)),
		C.float(b1), C.float(b2), C.float(step), C.float(invSqrtBC2), C.float(eps))
}

// bceRows is the BCE loss's forward pass over rows of logits: sigmoid
// into sg, per-row reconstruction sums into rec. Vectorised C.
func bceRows(l, x, sg, rec []float32, rows, cols int) {
	if rows == 0 {
		return
	}
	C.bce_rows((*C.float)(unsafe.Pointer(&l[0])), (*C.float)(unsafe.Pointer(&x[0])),
		(*C.float)(unsafe.Pointer(&sg[0])), (*C.float)(unsafe.Pointer(&rec[0])), C.size_t(rows), C.size_t(cols))
}

// biasReLUKernel adds b to each run of len(b) values of y, then clamps at
// zero when relu is set. Vectorised C.
func biasReLUKernel(y, b []float32, relu bool) {
	if len(y) == 0 {
		return
	}
	r := C.int(0)
	if relu {
		r = 1
	}
	C.bias_relu((*C.float)(unsafe.Pointer(&y[0])), (*C.float)(unsafe.Pointer(&b[0])), C.size_t(len(y)/len(b)), C.size_t(len(b)), r)
}

// reluGradKernel: g = dy where y > 0, else 0. Vectorised C.
func reluGradKernel(g, y, dy []float32) {
	if len(g) == 0 {
		return
	}
	C.relu_grad((*C.float)(unsafe.Pointer(&g[0])), (*C.float)(unsafe.Pointer(&y[0])), (*C.float)(unsafe.Pointer(&dy[0])), C.size_t(len(g)))
}

// col2imKernel is col2im over images n0..n1-1. Vectorised C.
func col2imKernel(g convGeom, cols, x []float32, n0, n1 int) {
	if n1 <= n0 {
		return
	}
	C.col2im((*C.float)(unsafe.Pointer(&cols[0])), (*C.float)(unsafe.Pointer(&x[0])), C.long(n0), C.long(n1),
		C.long(g.H), C.long(g.W), C.long(g.C), C.long(g.K), C.long(g.S), C.long(g.P), C.long(g.Ho), C.long(g.Wo))
}
