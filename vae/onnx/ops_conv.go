package onnx

import (
	"fmt"

	"vaeexplorer/vae"
)

// Convolutions over NCHW maps, as im2col (or col2im) and one product on
// the engine's BLAS per chunk of images.

// conv2d is one 2-D convolution's geometry.
type conv2d struct {
	n, c, h, w     int // input
	m, kh, kw      int // output channels, kernel
	sh, sw         int // strides
	dh, dw         int // dilations
	pt, pl, pb, pr int // pads: top, left, bottom, right
	group          int
	ho, wo         int // output
}

// readConvAttrs reads strides, dilations, pads (or auto_pad) and group.
func readConvAttrs(n *node, g *conv2d, transposed bool) error {
	g.sh, g.sw, g.dh, g.dw, g.group = 1, 1, 1, 1, int(n.int("group", 1))
	if g.group < 1 {
		return fmt.Errorf("group %d", g.group)
	}
	if s, ok := n.ints("strides"); ok {
		if len(s) != 2 {
			return fmt.Errorf("strides %v: only 2-D convolutions are supported", s)
		}
		g.sh, g.sw = int(s[0]), int(s[1])
	}
	if d, ok := n.ints("dilations"); ok {
		if len(d) != 2 {
			return fmt.Errorf("dilations %v: only 2-D convolutions are supported", d)
		}
		g.dh, g.dw = int(d[0]), int(d[1])
	}
	if p, ok := n.ints("pads"); ok {
		if len(p) != 4 {
			return fmt.Errorf("pads %v: only 2-D convolutions are supported", p)
		}
		g.pt, g.pl, g.pb, g.pr = int(p[0]), int(p[1]), int(p[2]), int(p[3])
	}
	if g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1 || g.pt < 0 || g.pl < 0 || g.pb < 0 || g.pr < 0 {
		return fmt.Errorf("bad strides, dilations or pads")
	}
	switch ap := n.str("auto_pad", "NOTSET"); ap {
	case "NOTSET", "VALID", "":
		if ap == "VALID" {
			g.pt, g.pl, g.pb, g.pr = 0, 0, 0, 0
		}
	case "SAME_UPPER", "SAME_LOWER":
		if transposed {
			return fmt.Errorf("auto_pad %s on a transposed convolution is not supported", ap)
		}
		same := func(in, s, k, d int) (lo, hi int) {
			out := (in + s - 1) / s
			total := max(0, (out-1)*s+(k-1)*d+1-in)
			if ap == "SAME_UPPER" {
				return total / 2, total - total/2
			}
			return total - total/2, total / 2
		}
		g.pt, g.pb = same(g.h, g.sh, g.kh, g.dh)
		g.pl, g.pr = same(g.w, g.sw, g.kw, g.dw)
	default:
		return fmt.Errorf("auto_pad %q is not supported", ap)
	}
	return nil
}

// directMaxChannels: up to this many output channels per group, a
// convolution runs directly rather than through a patch matrix.
const directMaxChannels = 4

// chunkImages is how many images' columns to build at once (about 32 MB
// of float32).
func chunkImages(perImage int) int { return max(1, (8<<20)/max(1, perImage)) }

func convOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 2); err != nil {
		return nil, err
	}
	x, w := in[0], in[1]
	if len(x.Shape) != 4 || len(w.Shape) != 4 {
		return nil, fmt.Errorf("Conv of %s with weights %s: only 2-D convolutions (4-D tensors) are supported", shapeString(x.Shape), shapeString(w.Shape))
	}
	g := conv2d{n: x.Shape[0], c: x.Shape[1], h: x.Shape[2], w: x.Shape[3], m: w.Shape[0], kh: w.Shape[2], kw: w.Shape[3]}
	if err := readConvAttrs(n, &g, false); err != nil {
		return nil, err
	}
	if g.c%g.group != 0 || g.m%g.group != 0 || w.Shape[1] != g.c/g.group {
		return nil, fmt.Errorf("Conv: %d input channels, weights %s, group %d do not fit", g.c, shapeString(w.Shape), g.group)
	}
	g.ho = (g.h+g.pt+g.pb-(g.kh-1)*g.dh-1)/g.sh + 1
	g.wo = (g.w+g.pl+g.pr-(g.kw-1)*g.dw-1)/g.sw + 1
	if g.ho < 1 || g.wo < 1 {
		return nil, fmt.Errorf("Conv: a %dx%d map gives an empty output", g.h, g.w)
	}
	var bias []float32
	if len(in) > 2 && in[2] != nil {
		if bias = in[2].floats(); len(bias) != g.m {
			return nil, fmt.Errorf("Conv: %d biases for %d channels", len(bias), g.m)
		}
	}
	if x.up2 != nil && g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1 &&
		g.pt == 1 && g.pb == 1 && g.pl == 1 && g.pr == 1 && g.group == 1 {
		y := n.alloc(g.n * g.m * g.ho * g.wo)
		convUp2(g, x.up2.F, w.floats(), bias, y)
		return one(floatTensor([]int{g.n, g.m, g.ho, g.wo}, y))
	}
	xf, wf := x.floats(), w.floats()
	cg, mg := g.c/g.group, g.m/g.group
	K, P := cg*g.kh*g.kw, g.ho*g.wo
	y := n.alloc(g.n * g.m * P)
	if mg <= directMaxChannels {
		convDirect(g, xf, wf, bias, y)
		return one(floatTensor([]int{g.n, g.m, g.ho, g.wo}, y))
	}
	chunk := chunkImages(K * P)
	cols := n.alloc(K * min(chunk, g.n) * P)
	res := n.alloc(mg * min(chunk, g.n) * P)
	defer n.release(cols)
	defer n.release(res)
	for n0 := 0; n0 < g.n; n0 += chunk {
		nc := min(chunk, g.n-n0)
		width := nc * P // columns: every image's output pixels side by side
		for gr := range g.group {
			vae.ParallelRows(nc, K*P, func(i0, i1 int) {
				for i := i0; i < i1; i++ {
					im2colNCHW(g, xf[((n0+i)*g.c+gr*cg)*g.h*g.w:], cg, cols, width, i*P)
				}
			})
			vae.Sgemm(false, false, mg, width, K, wf[gr*mg*K:(gr+1)*mg*K], cols[:K*width], 0, res[:mg*width])
			for i := range nc {
				for m := range mg {
					ch := gr*mg + m
					dst := y[((n0+i)*g.m+ch)*P : ((n0+i)*g.m+ch+1)*P]
					copy(dst, res[m*width+i*P:m*width+(i+1)*P])
					if bias != nil {
						for p := range dst {
							dst[p] += bias[ch]
						}
					}
				}
			}
		}
	}
	return one(floatTensor([]int{g.n, g.m, g.ho, g.wo}, y))
}

// im2colNCHW writes one image's patches (cg channels from x) into cols,
// row (c, ky, kx), columns off … off+Ho*Wo of a width-wide matrix.
func im2colNCHW(g conv2d, x []float32, cg int, cols []float32, width, off int) {
	for c := range cg {
		src := x[c*g.h*g.w : (c+1)*g.h*g.w]
		for ky := range g.kh {
			for kx := range g.kw {
				row := cols[((c*g.kh+ky)*g.kw+kx)*width+off:]
				o0, o1 := g.validX(kx)
				for oy := range g.ho {
					dst := row[oy*g.wo : (oy+1)*g.wo]
					iy := oy*g.sh - g.pt + ky*g.dh
					if iy < 0 || iy >= g.h || o0 >= o1 {
						clear(dst)
						continue
					}
					line := src[iy*g.w : (iy+1)*g.w]
					clear(dst[:o0])
					ix := o0*g.sw - g.pl + kx*g.dw
					if g.sw == 1 {
						copy(dst[o0:o1], line[ix:ix+o1-o0])
					} else {
						for ox := o0; ox < o1; ox++ {
							dst[ox] = line[ix]
							ix += g.sw
						}
					}
					clear(dst[o1:])
				}
			}
		}
	}
}

// validX is the range [o0, o1) of output columns whose input column for
// kernel column kx lies inside the map.
func (g conv2d) validX(kx int) (o0, o1 int) {
	// ix = ox*sw - pl + kx*dw must be in [0, w)
	b := kx*g.dw - g.pl
	o0 = 0
	if b < 0 {
		o0 = (-b + g.sw - 1) / g.sw
	}
	o1 = 0
	if g.w-1-b >= 0 {
		o1 = (g.w-1-b)/g.sw + 1
	}
	return min(o0, g.wo), min(max(o1, 0), g.wo)
}

// convDirect is a convolution with few output channels per group: each
// output row gathers the weighted input rows it reads, with no patch
// matrix (for one output channel, im2col wrote K values to read them
// once).
func convDirect(g conv2d, xf, wf, bias, y []float32) {
	cg, mg := g.c/g.group, g.m/g.group
	P := g.ho * g.wo
	vae.ParallelRows(g.n, g.m*P*cg*g.kh*g.kw, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			for ch := range g.m {
				gr := ch / mg
				dst := y[(i*g.m+ch)*P : (i*g.m+ch+1)*P]
				b := float32(0)
				if bias != nil {
					b = bias[ch]
				}
				for p := range dst {
					dst[p] = b
				}
				for c := range cg {
					src := xf[(i*g.c+gr*cg+c)*g.h*g.w:]
					if g.kw == 3 && g.sw == 1 && g.dw == 1 {
						convRows3(g, src, wf[((ch*cg+c)*g.kh)*3:((ch*cg+c)*g.kh+g.kh)*3], dst)
						continue
					}
					for ky := range g.kh {
						for kx := range g.kw {
							wv := wf[((ch*cg+c)*g.kh+ky)*g.kw+kx]
							o0, o1 := g.validX(kx)
							for oy := range g.ho {
								iy := oy*g.sh - g.pt + ky*g.dh
								if iy < 0 || iy >= g.h || o0 >= o1 {
									continue
								}
								line := src[iy*g.w:]
								d := dst[oy*g.wo:]
								ix := o0*g.sw - g.pl + kx*g.dw
								if g.sw == 1 {
									s := line[ix : ix+o1-o0]
									d := d[o0:o1]
									for k := range s {
										d[k] += wv * s[k]
									}
								} else {
									for ox := o0; ox < o1; ox++ {
										d[ox] += wv * line[ix]
										ix += g.sw
									}
								}
							}
						}
					}
				}
			}
		}
	})
}

// convRows3 adds one input channel's contribution to one output channel
// for kernels three wide with stride and dilation 1 along x (the usual
// 3x3 convolution): the three taps of a kernel row in one pass over each
// output row, every tap in range in the interior, checked at the edges.
func convRows3(g conv2d, src, w, dst []float32) {
	lo, hi := min(g.pl, g.wo), max(min(g.wo, g.w-2+g.pl), 0) // ox whose three taps are inside
	lo = min(lo, hi)
	for ky := range g.kh {
		w0, w1, w2 := w[ky*3], w[ky*3+1], w[ky*3+2]
		for oy := range g.ho {
			iy := oy*g.sh - g.pt + ky*g.dh
			if iy < 0 || iy >= g.h {
				continue
			}
			line := src[iy*g.w : (iy+1)*g.w]
			d := dst[oy*g.wo : (oy+1)*g.wo]
			for ox := 0; ox < lo; ox++ {
				d[ox] += edgeTaps(line, ox-g.pl, w0, w1, w2)
			}
			if hi > lo {
				in := d[lo:hi]
				s0 := line[lo-g.pl : lo-g.pl+len(in)]
				s1 := line[lo-g.pl+1 : lo-g.pl+1+len(in)]
				s2 := line[lo-g.pl+2 : lo-g.pl+2+len(in)]
				for k := range in {
					in[k] += w0*s0[k] + w1*s1[k] + w2*s2[k]
				}
			}
			for ox := hi; ox < g.wo; ox++ {
				d[ox] += edgeTaps(line, ox-g.pl, w0, w1, w2)
			}
		}
	}
}

// edgeTaps is w0*line[ix] + w1*line[ix+1] + w2*line[ix+2] over the taps
// inside line.
func edgeTaps(line []float32, ix int, w0, w1, w2 float32) float32 {
	var v float32
	for k, wv := range [3]float32{w0, w1, w2} {
		if j := ix + k; j >= 0 && j < len(line) {
			v += wv * line[j]
		}
	}
	return v
}

// convTransposeOp is the adjoint of a convolution: a product to columns,
// then col2im sums them into the (larger) output.
func convTransposeOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 2); err != nil {
		return nil, err
	}
	x, w := in[0], in[1]
	if len(x.Shape) != 4 || len(w.Shape) != 4 {
		return nil, fmt.Errorf("ConvTranspose of %s with weights %s: only 2-D (4-D tensors) is supported", shapeString(x.Shape), shapeString(w.Shape))
	}
	// The geometry is the convolution's from the output (g.h, g.w; g.c
	// channels) to the input (g.ho, g.wo; g.m channels).
	gr := int(n.int("group", 1))
	if gr < 1 || x.Shape[1] != w.Shape[0] || x.Shape[1]%gr != 0 {
		return nil, fmt.Errorf("ConvTranspose: input %s, weights %s, group %d do not fit", shapeString(x.Shape), shapeString(w.Shape), gr)
	}
	g := conv2d{n: x.Shape[0], m: x.Shape[1], ho: x.Shape[2], wo: x.Shape[3], c: w.Shape[1] * gr, kh: w.Shape[2], kw: w.Shape[3]}
	if err := readConvAttrs(n, &g, true); err != nil {
		return nil, err
	}
	oph, opw := 0, 0
	if op, ok := n.ints("output_padding"); ok && len(op) == 2 {
		oph, opw = int(op[0]), int(op[1])
	}
	g.h = (g.ho-1)*g.sh - g.pt - g.pb + (g.kh-1)*g.dh + 1 + oph
	g.w = (g.wo-1)*g.sw - g.pl - g.pr + (g.kw-1)*g.dw + 1 + opw
	if os, ok := n.ints("output_shape"); ok && len(os) == 2 {
		g.h, g.w = int(os[0]), int(os[1])
	}
	if g.h < 1 || g.w < 1 || g.h > 1<<15 || g.w > 1<<15 {
		return nil, fmt.Errorf("ConvTranspose: output %dx%d", g.h, g.w)
	}
	var bias []float32
	if len(in) > 2 && in[2] != nil {
		if bias = in[2].floats(); len(bias) != g.c {
			return nil, fmt.Errorf("ConvTranspose: %d biases for %d channels", len(bias), g.c)
		}
	}
	xf, wf := x.floats(), w.floats()
	cg, mg := g.c/gr, g.m/gr // output channels, input channels per group
	K, P := cg*g.kh*g.kw, g.ho*g.wo
	y := n.alloc(g.n * g.c * g.h * g.w)
	chunk := chunkImages(K * P)
	xs := n.alloc(mg * min(chunk, g.n) * P)
	cols := n.alloc(K * min(chunk, g.n) * P)
	defer n.release(xs)
	defer n.release(cols)
	for n0 := 0; n0 < g.n; n0 += chunk {
		nc := min(chunk, g.n-n0)
		width := nc * P
		for grp := range gr {
			// The input's channels of this group, every image side by side.
			for i := range nc {
				for m := range mg {
					copy(xs[m*width+i*P:m*width+(i+1)*P], xf[((n0+i)*g.m+grp*mg+m)*P:])
				}
			}
			// cols (K x width) = W' (K x mg) * xs (mg x width); W is
			// (mg x K) for the group.
			vae.Sgemm(true, false, K, width, mg, wf[grp*mg*K:(grp+1)*mg*K], xs[:mg*width], 0, cols[:K*width])
			vae.ParallelRows(nc, K*P, func(i0, i1 int) {
				for i := i0; i < i1; i++ {
					col2imNCHW(g, cols, width, i*P, y[((n0+i)*g.c+grp*cg)*g.h*g.w:], cg)
				}
			})
		}
	}
	if bias != nil {
		hw := g.h * g.w
		for i := range g.n * g.c {
			b := bias[i%g.c]
			for p := range y[i*hw : (i+1)*hw] {
				y[i*hw+p] += b
			}
		}
	}
	return one(floatTensor([]int{g.n, g.c, g.h, g.w}, y))
}

// col2imNCHW sums one image's columns back into its cg output channels.
func col2imNCHW(g conv2d, cols []float32, width, off int, y []float32, cg int) {
	for c := range cg {
		dst := y[c*g.h*g.w : (c+1)*g.h*g.w]
		for ky := range g.kh {
			for kx := range g.kw {
				row := cols[((c*g.kh+ky)*g.kw+kx)*width+off:]
				o0, o1 := g.validX(kx) // output columns whose input column is inside
				p := 0
				for oy := range g.ho {
					iy := oy*g.sh - g.pt + ky*g.dh
					if iy < 0 || iy >= g.h {
						p += g.wo
						continue
					}
					line := dst[iy*g.w : (iy+1)*g.w]
					r := row[p : p+g.wo]
					ix := o0*g.sw - g.pl + kx*g.dw
					for ox := o0; ox < o1; ox++ {
						line[ix] += r[ox]
						ix += g.sw
					}
					p += g.wo
				}
			}
		}
	}
}
