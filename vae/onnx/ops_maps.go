package onnx

import (
	"fmt"
	"math"
	"strings"

	"vaeexplorer/vae"
)

// Per-channel and spatial operators on feature maps: batch
// normalisation (inference) and resizing.

// batchNormOp is inference: (x - mean) / sqrt(var + eps) * scale + bias
// per channel (dimension 1).
func batchNormOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 5); err != nil {
		return nil, err
	}
	if n.int("training_mode", 0) != 0 {
		return nil, fmt.Errorf("BatchNormalization in training mode: export the model in eval mode (model.eval())")
	}
	x := in[0]
	if len(x.Shape) < 2 {
		return nil, fmt.Errorf("BatchNormalization of %s", shapeString(x.Shape))
	}
	c := x.Shape[1]
	scale, bias, mean, vr := in[1].floats(), in[2].floats(), in[3].floats(), in[4].floats()
	if len(scale) != c || len(bias) != c || len(mean) != c || len(vr) != c {
		return nil, fmt.Errorf("BatchNormalization: %d channels, parameters of %d, %d, %d, %d", c, len(scale), len(bias), len(mean), len(vr))
	}
	eps := n.float("epsilon", 1e-5)
	a, b := make([]float32, c), make([]float32, c)
	for i := range c {
		a[i] = scale[i] / float32(math.Sqrt(float64(vr[i]+eps)))
		b[i] = bias[i] - mean[i]*a[i]
	}
	inner := numel(x.Shape[2:])
	xf := x.floats()
	y := outBuffer(n, in, 0, len(xf))
	vae.ParallelRows(len(xf)/inner, inner, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			ch := r % c
			for i := r * inner; i < (r+1)*inner; i++ {
				y[i] = xf[i]*a[ch] + b[ch]
			}
		}
	})
	return one(floatTensor(x.Shape, y))
}

// resizeOp is Resize (opset 10+) and Upsample (7-9) on the last two
// dimensions: nearest or (bi)linear, with ONNX's coordinate modes.
func resizeOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	if len(x.Shape) != 4 {
		return nil, fmt.Errorf("%s of %s: only 4-D (NCHW) maps are supported", n.op, shapeString(x.Shape))
	}
	var scales []float32
	var sizes []int64
	switch {
	case n.op == "Upsample" && len(in) < 2:
		if a, ok := n.attrs["scales"]; ok {
			scales = a.floats
		}
	case n.op == "Upsample" || n.opset < 11:
		if len(in) > 1 && in[1] != nil {
			scales = in[1].floats()
		}
	default: // X, roi, scales, sizes
		if len(in) > 2 && in[2] != nil && in[2].Len() > 0 {
			scales = in[2].floats()
		}
		if len(in) > 3 && in[3] != nil && in[3].Len() > 0 {
			sizes = in[3].ints()
		}
	}
	N, C, H, W := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	var oh, ow int
	var sh, sw float64
	switch {
	case len(sizes) == 4:
		if sizes[0] != int64(N) || sizes[1] != int64(C) {
			return nil, fmt.Errorf("%s: sizes %v resize the batch or channels", n.op, sizes)
		}
		oh, ow = int(sizes[2]), int(sizes[3])
		sh, sw = float64(oh)/float64(H), float64(ow)/float64(W)
	case len(scales) == 4:
		if scales[0] != 1 || scales[1] != 1 {
			return nil, fmt.Errorf("%s: scales %v resize the batch or channels", n.op, scales)
		}
		sh, sw = float64(scales[2]), float64(scales[3])
		oh, ow = int(math.Floor(float64(H)*sh)), int(math.Floor(float64(W)*sw))
	default:
		return nil, fmt.Errorf("%s: needs 4 scales or 4 sizes", n.op)
	}
	if oh < 1 || ow < 1 || oh > 1<<15 || ow > 1<<15 || N*C*oh*ow > maxElements {
		return nil, fmt.Errorf("%s: output %dx%d", n.op, oh, ow)
	}
	mode := strings.ToLower(n.str("mode", "nearest"))
	ctm := n.str("coordinate_transformation_mode", "half_pixel")
	if n.op == "Upsample" || n.opset < 11 {
		ctm = "asymmetric"
	}
	// src maps an output coordinate to the input's.
	src := func(o int, scale float64, in, out int) float64 {
		switch ctm {
		case "asymmetric":
			return float64(o) / scale
		case "align_corners":
			if out == 1 {
				return 0
			}
			return float64(o) * float64(in-1) / float64(out-1)
		case "pytorch_half_pixel":
			if out == 1 {
				return 0
			}
			return (float64(o)+0.5)/scale - 0.5
		case "tf_half_pixel_for_nn":
			return (float64(o) + 0.5) / scale
		default: // half_pixel
			return (float64(o)+0.5)/scale - 0.5
		}
	}
	xf := x.floats()
	var y []float32
	switch mode {
	case "nearest":
		nm := n.str("nearest_mode", "round_prefer_floor")
		if n.op == "Upsample" || n.opset < 11 {
			nm = "floor"
		}
		pick := func(v float64, in int) int {
			var i float64
			switch nm {
			case "floor":
				i = math.Floor(v)
			case "ceil":
				i = math.Ceil(v)
			case "round_prefer_ceil":
				i = math.Floor(v + 0.5)
			default: // round_prefer_floor
				i = math.Ceil(v - 0.5)
			}
			return min(max(int(i), 0), in-1)
		}
		iy, ix := make([]int, oh), make([]int, ow)
		for o := range oh {
			iy[o] = pick(src(o, sh, H, oh), H)
		}
		for o := range ow {
			ix[o] = pick(src(o, sw, W, ow), W)
		}
		if n.toConv && doubles(iy, H) && doubles(ix, W) { // the convolution reads x itself
			return one(&Tensor{Shape: []int{N, C, oh, ow}, up2: &Tensor{Shape: x.Shape, F: xf}})
		}
		y = n.alloc(N * C * oh * ow)
		vae.ParallelRows(N*C, oh*ow, func(r0, r1 int) {
			for r := r0; r < r1; r++ {
				s, d := xf[r*H*W:(r+1)*H*W], y[r*oh*ow:(r+1)*oh*ow]
				for oy := range oh {
					line := s[iy[oy]*W:]
					for ox := range ow {
						d[oy*ow+ox] = line[ix[ox]]
					}
				}
			}
		})
	case "linear", "bilinear":
		type tap struct {
			i0, i1 int
			f      float32
		}
		taps := func(out int, scale float64, in int) []tap {
			t := make([]tap, out)
			for o := range out {
				v := min(max(src(o, scale, in, out), 0), float64(in-1))
				i0 := int(math.Floor(v))
				t[o] = tap{i0, min(i0+1, in-1), float32(v - float64(i0))}
			}
			return t
		}
		ty, tx := taps(oh, sh, H), taps(ow, sw, W)
		y = n.alloc(N * C * oh * ow)
		vae.ParallelRows(N*C, oh*ow, func(r0, r1 int) {
			for r := r0; r < r1; r++ {
				s, d := xf[r*H*W:(r+1)*H*W], y[r*oh*ow:(r+1)*oh*ow]
				for oy, a := range ty {
					l0, l1 := s[a.i0*W:], s[a.i1*W:]
					for ox, b := range tx {
						top := l0[b.i0] + (l0[b.i1]-l0[b.i0])*b.f
						bot := l1[b.i0] + (l1[b.i1]-l1[b.i0])*b.f
						d[oy*ow+ox] = top + (bot-top)*a.f
					}
				}
			}
		})
	default:
		return nil, fmt.Errorf("%s mode %q is not supported (nearest and linear are)", n.op, mode)
	}
	return one(floatTensor([]int{N, C, oh, ow}, y))
}
