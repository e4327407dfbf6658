package onnx

import (
	"fmt"
	"math"

	"vaeexplorer/vae"
)

// ops is every operator the interpreter runs, by ONNX name.
var ops map[string]opFunc

func init() {
	ops = map[string]opFunc{
		"Add": binaryOp(func(a, b float32) float32 { return a + b }, func(a, b int64) int64 { return a + b }),
		"Sub": binaryOp(func(a, b float32) float32 { return a - b }, func(a, b int64) int64 { return a - b }),
		"Mul": binaryOp(func(a, b float32) float32 { return a * b }, func(a, b int64) int64 { return a * b }),
		"Div": binaryOp(func(a, b float32) float32 { return a / b }, func(a, b int64) int64 {
			if b == 0 {
				return 0
			}
			return a / b
		}),
		"Pow": binaryOp(func(a, b float32) float32 { return float32(math.Pow(float64(a), float64(b))) }, nil),

		"Relu":     unaryOp(func(x float32) float32 { return max(x, 0) }),
		"Sigmoid":  unaryOp(sigmoid),
		"Tanh":     unaryOp(func(x float32) float32 { return float32(math.Tanh(float64(x))) }),
		"Exp":      unaryOp(func(x float32) float32 { return float32(math.Exp(float64(x))) }),
		"Log":      unaryOp(func(x float32) float32 { return float32(math.Log(float64(x))) }),
		"Sqrt":     unaryOp(func(x float32) float32 { return float32(math.Sqrt(float64(x))) }),
		"Neg":      unaryOp(func(x float32) float32 { return -x }),
		"Softplus": unaryOp(softplus),
		"LeakyRelu": func(n *node, in []*Tensor) ([]*Tensor, error) {
			a := n.float("alpha", 0.01)
			return unaryOp(func(x float32) float32 {
				if x < 0 {
					return a * x
				}
				return x
			})(n, in)
		},
		"Elu": func(n *node, in []*Tensor) ([]*Tensor, error) {
			a := n.float("alpha", 1)
			return unaryOp(func(x float32) float32 {
				if x < 0 {
					return a * float32(math.Expm1(float64(x)))
				}
				return x
			})(n, in)
		},
		"Clip":     clipOp,
		"Identity": identityOp,
		"Dropout":  dropoutOp,
		"Cast":     castOp,

		"Gemm":   gemmOp,
		"MatMul": matMulOp,

		"Conv":               convOp,
		"ConvTranspose":      convTransposeOp,
		"BatchNormalization": batchNormOp,
		"Resize":             resizeOp,
		"Upsample":           resizeOp,

		"Reshape":         reshapeOp,
		"Flatten":         flattenOp,
		"Transpose":       transposeOp,
		"Concat":          concatOp,
		"Slice":           sliceOp,
		"Split":           splitOp,
		"Squeeze":         squeezeOp,
		"Unsqueeze":       unsqueezeOp,
		"Shape":           shapeOp,
		"Gather":          gatherOp,
		"Constant":        constantOp,
		"ConstantOfShape": constantOfShapeOp,
	}
}

func sigmoid(x float32) float32 {
	if x >= 0 {
		return float32(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return float32(e / (1 + e))
}

func softplus(x float32) float32 {
	if x > 20 {
		return x
	}
	return float32(math.Log1p(math.Exp(float64(x))))
}

// ---- attributes -------------------------------------------------------------

func (n *node) int(name string, def int64) int64 {
	if a, ok := n.attrs[name]; ok {
		return a.i
	}
	return def
}

func (n *node) float(name string, def float32) float32 {
	if a, ok := n.attrs[name]; ok {
		return a.f
	}
	return def
}

func (n *node) str(name, def string) string {
	if a, ok := n.attrs[name]; ok {
		return a.s
	}
	return def
}

func (n *node) ints(name string) ([]int64, bool) {
	a, ok := n.attrs[name]
	if !ok {
		return nil, false
	}
	return a.ints, true
}

// need checks that the node has at least k inputs, the first k given.
func need(in []*Tensor, k int) error {
	if len(in) < k {
		return fmt.Errorf("%d inputs, needs %d", len(in), k)
	}
	for i := range k {
		if in[i] == nil {
			return fmt.Errorf("input %d is missing", i)
		}
	}
	return nil
}

func one(t *Tensor) ([]*Tensor, error) { return []*Tensor{t}, nil }

// ---- element-wise -----------------------------------------------------------

func unaryOp(f func(float32) float32) opFunc {
	return func(n *node, in []*Tensor) ([]*Tensor, error) {
		if err := need(in, 1); err != nil {
			return nil, err
		}
		x := in[0].floats()
		y := outBuffer(n, in, 0, len(x))
		vae.ParallelRows(len(x), 1, func(r0, r1 int) {
			for i := r0; i < r1; i++ {
				y[i] = f(x[i])
			}
		})
		return one(floatTensor(in[0].Shape, y))
	}
}

// outBuffer is where an operator writes n values: input k's float buffer
// when nothing reads it later (see Graph.planReuse), else a new one.
func outBuffer(n *node, in []*Tensor, k, size int) []float32 {
	if n != nil && n.canReuse(k) && in[k].F != nil && len(in[k].F) == size {
		return in[k].F
	}
	if n == nil {
		return make([]float32, size)
	}
	return n.alloc(size)
}

// broadcastShape is the shape two shapes broadcast to (numpy's rules).
func broadcastShape(a, b []int) ([]int, error) {
	r := max(len(a), len(b))
	out := make([]int, r)
	for i := range r {
		da, db := 1, 1
		if k := i - (r - len(a)); k >= 0 {
			da = a[k]
		}
		if k := i - (r - len(b)); k >= 0 {
			db = b[k]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %s and %s do not broadcast", shapeString(a), shapeString(b))
		}
	}
	return out, nil
}

// broadcastStrides are the strides of shape seen as out (0 along the
// dimensions it broadcasts).
func broadcastStrides(shape, out []int) []int {
	s := make([]int, len(out))
	st := strides(shape)
	off := len(out) - len(shape)
	for i := range shape {
		if shape[i] != 1 {
			s[i+off] = st[i]
		}
	}
	return s
}

// forBroadcast calls f(i, ia, ib) for every output index i with the
// indices into a and b it reads.
func forBroadcast(out, sa, sb []int, f func(i, ia, ib int)) {
	n := numel(out)
	r := len(out)
	if r == 0 {
		f(0, 0, 0)
		return
	}
	idx := make([]int, r)
	ia, ib := 0, 0
	inner := out[r-1]
	for i := 0; i < n; i += inner {
		for k := range inner {
			f(i+k, ia+k*sa[r-1], ib+k*sb[r-1])
		}
		// advance the outer index
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			ia += sa[d]
			ib += sb[d]
			if idx[d] < out[d] {
				break
			}
			ia -= sa[d] * out[d]
			ib -= sb[d] * out[d]
			idx[d] = 0
		}
	}
}

func binaryOp(f func(a, b float32) float32, fi func(a, b int64) int64) opFunc {
	return func(n *node, in []*Tensor) ([]*Tensor, error) {
		if err := need(in, 2); err != nil {
			return nil, err
		}
		a, b := in[0], in[1]
		out, err := broadcastShape(a.Shape, b.Shape)
		if err != nil {
			return nil, err
		}
		sa, sb := broadcastStrides(a.Shape, out), broadcastStrides(b.Shape, out)
		if a.IsInt() && b.IsInt() && fi != nil {
			x, y, z := a.I, b.I, make([]int64, numel(out))
			forBroadcast(out, sa, sb, func(i, ia, ib int) { z[i] = fi(x[ia], y[ib]) })
			return one(intTensor(out, z))
		}
		x, y := a.floats(), b.floats()
		var z []float32
		switch {
		case len(x) == numel(out) && a.F != nil:
			z = outBuffer(n, in, 0, len(x))
		case len(y) == numel(out) && b.F != nil:
			z = outBuffer(n, in, 1, len(y))
		default:
			z = n.alloc(numel(out))
		}
		if len(x) == len(z) && len(y) == len(z) {
			vae.ParallelRows(len(z), 1, func(r0, r1 int) {
				for i := r0; i < r1; i++ {
					z[i] = f(x[i], y[i])
				}
			})
			return one(floatTensor(out, z))
		}
		forBroadcast(out, sa, sb, func(i, ia, ib int) { z[i] = f(x[ia], y[ib]) })
		return one(floatTensor(out, z))
	}
}

func clipOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
	if n.opset < 11 {
		lo, hi = n.float("min", lo), n.float("max", hi)
	} else {
		if len(in) > 1 && in[1] != nil && in[1].Len() > 0 {
			lo = in[1].floats()[0]
		}
		if len(in) > 2 && in[2] != nil && in[2].Len() > 0 {
			hi = in[2].floats()[0]
		}
	}
	return unaryOp(func(x float32) float32 { return min(max(x, lo), hi) })(n, in[:1])
}

func identityOp(_ *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	return one(in[0])
}

// dropoutOp is inference: the data unchanged, and a mask of ones.
func dropoutOp(_ *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	mask := make([]int64, in[0].Len())
	for i := range mask {
		mask[i] = 1
	}
	return []*Tensor{in[0], intTensor(in[0].Shape, mask)}, nil
}

func castOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	switch n.int("to", typeFloat) {
	case typeFloat, typeDouble:
		return one(floatTensor(in[0].Shape, in[0].floats()))
	case typeInt64, typeInt32, typeInt8, typeUint8, typeBool:
		return one(intTensor(in[0].Shape, in[0].ints()))
	}
	return nil, fmt.Errorf("cast to element type %d is not supported", n.int("to", 0))
}

// ---- products ---------------------------------------------------------------

// gemmOp is alpha*A'*B' + beta*C (A' = A or its transpose).
func gemmOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 2); err != nil {
		return nil, err
	}
	a, b := in[0], in[1]
	if len(a.Shape) != 2 || len(b.Shape) != 2 {
		return nil, fmt.Errorf("Gemm of %s and %s: both must be matrices", shapeString(a.Shape), shapeString(b.Shape))
	}
	tA, tB := n.int("transA", 0) != 0, n.int("transB", 0) != 0
	m, k := a.Shape[0], a.Shape[1]
	if tA {
		m, k = k, m
	}
	kb, nn := b.Shape[0], b.Shape[1]
	if tB {
		kb, nn = nn, kb
	}
	if k != kb {
		return nil, fmt.Errorf("Gemm of %s and %s: inner sizes %d and %d differ", shapeString(a.Shape), shapeString(b.Shape), k, kb)
	}
	y := n.alloc(m * nn)
	vae.Sgemm(tA, tB, m, nn, k, a.floats(), b.floats(), 0, y)
	alpha, beta := n.float("alpha", 1), n.float("beta", 1)
	if alpha != 1 {
		for i := range y {
			y[i] *= alpha
		}
	}
	if len(in) > 2 && in[2] != nil && beta != 0 {
		c := in[2]
		out, err := broadcastShape(c.Shape, []int{m, nn})
		if err != nil || len(out) != 2 || out[0] != m || out[1] != nn {
			return nil, fmt.Errorf("Gemm: C of shape %s does not broadcast to [%d %d]", shapeString(c.Shape), m, nn)
		}
		cf := c.floats()
		if len(cf) == nn && len(c.Shape) > 0 && c.Shape[len(c.Shape)-1] == nn { // a bias row, the common case
			vae.ParallelRows(m, nn, func(r0, r1 int) {
				for r := r0; r < r1; r++ {
					row := y[r*nn : (r+1)*nn]
					for j := range row {
						row[j] += beta * cf[j]
					}
				}
			})
		} else {
			forBroadcast(out, broadcastStrides(c.Shape, out), broadcastStrides([]int{m, nn}, out), func(i, ic, _ int) { y[i] += beta * cf[ic] })
		}
	}
	return one(floatTensor([]int{m, nn}, y))
}

// matMulOp is numpy's matmul: batched over leading dimensions, a 1-D
// operand promoted to a matrix.
func matMulOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 2); err != nil {
		return nil, err
	}
	as, bs := append([]int(nil), in[0].Shape...), append([]int(nil), in[1].Shape...)
	if len(as) == 0 || len(bs) == 0 {
		return nil, fmt.Errorf("MatMul of a scalar")
	}
	va, vb := len(as) == 1, len(bs) == 1
	if va {
		as = []int{1, as[0]}
	}
	if vb {
		bs = []int{bs[0], 1}
	}
	m, k := as[len(as)-2], as[len(as)-1]
	kb, nn := bs[len(bs)-2], bs[len(bs)-1]
	if k != kb {
		return nil, fmt.Errorf("MatMul of %s and %s: inner sizes differ", shapeString(in[0].Shape), shapeString(in[1].Shape))
	}
	batch, err := broadcastShape(as[:len(as)-2], bs[:len(bs)-2])
	if err != nil {
		return nil, err
	}
	a, b := in[0].floats(), in[1].floats()
	nb := numel(batch)
	y := n.alloc(nb * m * nn)
	if len(bs) == 2 { // one matrix for every batch: one product
		vae.Sgemm(false, false, nb*m, nn, k, a, b, 0, y)
	} else {
		sa := broadcastStrides(as[:len(as)-2], batch)
		sb := broadcastStrides(bs[:len(bs)-2], batch)
		forBroadcast(batch, sa, sb, func(i, ia, ib int) {
			vae.Sgemm(false, false, m, nn, k, a[ia*m*k:(ia+1)*m*k], b[ib*k*nn:(ib+1)*k*nn], 0, y[i*m*nn:(i+1)*m*nn])
		})
	}
	out := append(batch, m, nn)
	if va {
		out = append(batch, nn)
	}
	if vb {
		out = out[:len(out)-1]
	}
	return one(floatTensor(out, y))
}
