package onnx

import "vaeexplorer/vae"

// A nearest 2x upsampling read by a 3x3 convolution alone (DCGAN-style
// and VAE decoders' resize-convolution) is not written out: resizeOp
// hands the convolution its input (Tensor.up2), and convOp computes from
// it through kernels folded by the output's parity (convUp2).

// doubles reports whether idx maps output o to input o/2 over an input
// of n: a nearest upsampling by exactly 2.
func doubles(idx []int, n int) bool {
	if len(idx) != 2*n {
		return false
	}
	for o, i := range idx {
		if i != o/2 {
			return false
		}
	}
	return true
}

// upsample2 writes out a nearest 2x upsampling of x (NCHW).
func upsample2(x *Tensor) []float32 {
	N, C, H, W := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	y := make([]float32, N*C*4*H*W)
	for r := range N * C {
		s, d := x.F[r*H*W:(r+1)*H*W], y[r*4*H*W:(r+1)*4*H*W]
		for oy := range 2 * H {
			line := s[(oy/2)*W : (oy/2+1)*W]
			out := d[oy*2*W : (oy+1)*2*W]
			for ox := range out {
				out[ox] = line[ox/2]
			}
		}
	}
	return y
}

// convUp2 is a 3x3 convolution (stride 1, padding 1) of a map that is x
// (N x C x H x W) upsampled twice by nearest neighbour, computed from x:
// each output pixel's nine taps fall on two rows and two columns of x,
// so by the output's parity it is a 2x2 convolution of x with the 3x3
// kernel's rows and columns summed accordingly (4 multiply-adds instead
// of 9, and no upsampled map written). g is the convolution's geometry on
// the upsampled map; y gets N x M x 2H x 2W.
func convUp2(g conv2d, x, w, bias, y []float32) {
	H, W := g.h/2, g.w/2
	C, M := g.c, g.m
	P := g.ho * g.wo
	vae.ParallelRows(g.n, M*P*C*4, func(i0, i1 int) {
		pad := make([]float32, (H+2)*(W+2)) // one channel of x, zero-padded
		for i := i0; i < i1; i++ {
			for ch := range M {
				b := float32(0)
				if bias != nil {
					b = bias[ch]
				}
				dst := y[(i*M+ch)*P : (i*M+ch+1)*P]
				for p := range dst {
					dst[p] = b
				}
			}
			for c := range C {
				src := x[(i*C+c)*H*W : (i*C+c+1)*H*W]
				for r := range H {
					copy(pad[(r+1)*(W+2)+1:(r+1)*(W+2)+1+W], src[r*W:(r+1)*W])
				}
				for ch := range M {
					k := parityKernels(w[(ch*C+c)*9 : (ch*C+c+1)*9])
					dst := y[(i*M+ch)*P : (i*M+ch+1)*P]
					for a := range H {
						for py := range 2 {
							// x rows a+py-1 and a+py: padded rows a+py and a+py+1
							p0 := pad[(a+py)*(W+2) : (a+py+1)*(W+2)]
							p1 := pad[(a+py+1)*(W+2) : (a+py+2)*(W+2)]
							e, o := &k[py][0], &k[py][1]
							d := dst[(2*a+py)*2*W : (2*a+py+1)*2*W]
							d = d[:2*W]
							p0, p1 = p0[:W+2], p1[:W+2]
							for bx := range W {
								d[2*bx] += e[0]*p0[bx] + e[1]*p0[bx+1] + e[2]*p1[bx] + e[3]*p1[bx+1]
								d[2*bx+1] += o[0]*p0[bx+1] + o[1]*p0[bx+2] + o[2]*p1[bx+1] + o[3]*p1[bx+2]
							}
						}
					}
				}
			}
		}
	})
}

// parityKernels folds a 3x3 kernel w (row-major) into the 2x2 kernels
// k[py][px] an output pixel of row parity py and column parity px
// applies to x: taps (dy, dx) as k[py][px][2*dy+dx]. Rows: an even
// output row reads x row a-1 with kernel row 0 and row a with rows 1+2;
// an odd one row a with rows 0+1 and row a+1 with row 2; columns alike.
func parityKernels(w []float32) (k [2][2][4]float32) {
	fold := func(parity int, v [3]float32) [2]float32 {
		if parity == 0 {
			return [2]float32{v[0], v[1] + v[2]}
		}
		return [2]float32{v[0] + v[1], v[2]}
	}
	for py := range 2 {
		var rows [2][3]float32 // the kernel's rows folded onto x's two rows
		for kx := range 3 {
			f := fold(py, [3]float32{w[kx], w[3+kx], w[6+kx]})
			rows[0][kx], rows[1][kx] = f[0], f[1]
		}
		for px := range 2 {
			for dy := range 2 {
				f := fold(px, rows[dy])
				k[py][px][2*dy], k[py][px][2*dy+1] = f[0], f[1]
			}
		}
	}
	return k
}
