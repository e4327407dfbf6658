package vae

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Custom gorgonia Ops. Gorgonia's tape machine drops every intermediate
// value after a run (Reset), so its built-in nodes allocate their outputs
// afresh each step, and its MatMul gradient computes the input's gradient
// even for the data. These ops fuse what a VAE layer does (matmul + bias +
// ReLU, the reparameterisation, the whole loss) into single passes with
// hand-written gradients, each writing into a buffer it owns, so a training
// step allocates nothing large. Matrix products go through gorgonia's BLAS
// (gorgonia.Use), so a faster BLAS speeds them up. The tests check every
// gradient against finite differences.

var (
	matType = G.TensorType{Dims: 2, Of: G.Float32}
	vecType = G.TensorType{Dims: 1, Of: G.Float32}
)

// opBase carries the boilerplate every Op needs and the op's own output
// buffer. Each op value is built with its own buffer, and the buffer's
// address is part of the hash, so gorgonia never merges two nodes.
type opBase struct {
	name string
	out  *outBuf
	bl   blas.Float32 // nil: gorgonia's current BLAS (see blas)
}

// blas is the BLAS the op's matrix products use: its own when it was built
// with one (a decoder snapshot's pure-Go BLAS), else gorgonia's.
func (o opBase) blas() blas.Float32 {
	if o.bl != nil {
		return o.bl
	}
	return G.WhichBLAS()
}

func newBase(name string) opBase { return opBase{name: name, out: &outBuf{}} }

func (o opBase) ReturnsPtr() bool      { return true }
func (o opBase) CallsExtern() bool     { return false }
func (o opBase) OverwritesInput() int  { return -1 }
func (o opBase) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s@%p", o.name, o.out) }
func (o opBase) String() string        { return o.name }
func (o opBase) Hashcode() uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

// outBuf is an op's output tensor, reused from run to run. Values read from
// a node are therefore only valid until the next run.
type outBuf struct{ t *tensor.Dense }

func (b *outBuf) get(shape ...int) *tensor.Dense {
	if b.t == nil || !b.t.Shape().Eq(tensor.Shape(shape)) {
		b.t = tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(shape...))
	}
	return b.t
}

// f32 returns the float32 backing of a dense tensor value.
func f32(v G.Value) []float32 { return v.Data().([]float32) }

func shapeOf(v G.Value) (rows, cols int) {
	s := v.Shape()
	if len(s) == 1 {
		return 1, s[0]
	}
	return s[0], s[1]
}

func sameShape(ns ...G.DimSizer) (tensor.Shape, error) { return ns[0].(tensor.Shape).Clone(), nil }

// sgemm computes C = op(A)*op(B) + beta*C for row-major matrices with
// bl. op(A) is m x k, op(B) is k x n.
func sgemm(bl blas.Float32, tA, tB bool, m, n, k int, a, b []float32, beta float32, c []float32) {
	ta, tb := blas.NoTrans, blas.NoTrans
	lda, ldb := k, n
	if tA {
		ta, lda = blas.Trans, m
	}
	if tB {
		tb, ldb = blas.Trans, k
	}
	bl.Sgemm(ta, tb, m, n, k, 1, a, lda, b, ldb, beta, c, n)
}

// ---- dense layer -----------------------------------------------------------

// denseOp is a fully connected layer: act(X*W + b) for X (rows x in), W
// (in x out), b (out); act is ReLU or the identity. The gradient with
// respect to X is only built when needX is set: the first layer's X is the
// data, whose gradient nobody needs.
type denseOp struct {
	opBase
	relu, needX bool
}

func newDense(relu, needX bool) denseOp {
	name := "vae.dense"
	if relu {
		name += "ReLU"
	}
	return denseOp{newBase(name), relu, needX}
}

func (o denseOp) Arity() int    { return 3 }
func (o denseOp) Type() hm.Type { return hm.NewFnType(matType, matType, vecType, matType) }
func (o denseOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	x, w := ns[0].(tensor.Shape), ns[1].(tensor.Shape)
	if len(x) != 2 || len(w) != 2 || x[1] != w[0] {
		return nil, fmt.Errorf("dense: input %v does not fit weight %v", x, w)
	}
	return tensor.Shape{x[0], w[1]}, nil
}
func (o denseOp) Do(in ...G.Value) (G.Value, error) {
	rows, k := shapeOf(in[0])
	_, cols := shapeOf(in[1])
	out := o.out.get(rows, cols)
	y, x, w, b := f32(out), f32(in[0]), f32(in[1]), f32(in[2])
	for r := 0; r < rows; r++ {
		copy(y[r*cols:(r+1)*cols], b)
	}
	if rows == 1 {
		// One row (decoding the dragged point): a matrix-vector product,
		// which BLAS does without gemm's set-up and thread wake-ups.
		o.blas().Sgemv(blas.Trans, k, cols, 1, w, cols, x, 1, 1, y, 1)
	} else {
		sgemm(o.blas(), false, false, rows, cols, k, x, w, 1, y)
	}
	if o.relu {
		reluInPlace(y)
	}
	return out, nil
}
func (o denseOp) DiffWRT(int) []bool { return []bool{o.needX, true, true} }
func (o denseOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	dz := grad
	var err error
	if o.relu {
		if dz, err = G.ApplyOp(reluGradOp{newBase("vae.reluGrad")}, out, grad); err != nil {
			return nil, err
		}
	}
	dw, err := G.ApplyOp(matMulOp{newBase("vae.matMulTA"), true, false}, in[0], dz)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(colSumOp{newBase("vae.colSum")}, dz)
	if err != nil {
		return nil, err
	}
	var dx *G.Node
	if o.needX {
		if dx, err = G.ApplyOp(matMulOp{newBase("vae.matMulTB"), false, true}, dz, in[1]); err != nil {
			return nil, err
		}
	}
	return G.Nodes{dx, dw, db}, nil
}

func reluInPlace(y []float32) {
	parallelRows(len(y)/1024+1, 1024, func(r0, r1 int) {
		for i := r0 * 1024; i < min(r1*1024, len(y)); i++ {
			if y[i] < 0 {
				y[i] = 0
			}
		}
	})
}

// matMulOp is op(A)*op(B), with A or B transposed as set. It appears only
// in gradients, so it has no gradient of its own.
type matMulOp struct {
	opBase
	tA, tB bool
}

func (o matMulOp) Arity() int    { return 2 }
func (o matMulOp) Type() hm.Type { return hm.NewFnType(matType, matType, matType) }
func (o matMulOp) dims(a, b tensor.Shape) (m, n, k int) {
	m, k = a[0], a[1]
	if o.tA {
		m, k = k, m
	}
	n = b[1]
	if o.tB {
		n = b[0]
	}
	return m, n, k
}
func (o matMulOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	m, n, _ := o.dims(ns[0].(tensor.Shape), ns[1].(tensor.Shape))
	return tensor.Shape{m, n}, nil
}
func (o matMulOp) Do(in ...G.Value) (G.Value, error) {
	m, n, k := o.dims(in[0].Shape(), in[1].Shape())
	out := o.out.get(m, n)
	sgemm(o.blas(), o.tA, o.tB, m, n, k, f32(in[0]), f32(in[1]), 0, f32(out))
	return out, nil
}

// reluGradOp computes dY * (Y > 0) from the ReLU's output Y.
type reluGradOp struct{ opBase }

func (o reluGradOp) Arity() int                                        { return 2 }
func (o reluGradOp) Type() hm.Type                                     { return hm.NewFnType(matType, matType, matType) }
func (o reluGradOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) { return sameShape(ns...) }
func (o reluGradOp) Do(in ...G.Value) (G.Value, error) {
	r, c := shapeOf(in[0])
	out := o.out.get(r, c)
	g, y, dy := f32(out), f32(in[0]), f32(in[1])
	parallelRows(r, c, func(r0, r1 int) { reluGradKernel(g[r0*c:r1*c], y[r0*c:r1*c], dy[r0*c:r1*c]) })
	return out, nil
}

// colSumOp sums a matrix over its rows: (rows x n) -> (n).
type colSumOp struct{ opBase }

func (o colSumOp) Arity() int    { return 1 }
func (o colSumOp) Type() hm.Type { return hm.NewFnType(matType, vecType) }
func (o colSumOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{ns[0].(tensor.Shape)[1]}, nil
}
func (o colSumOp) Do(in ...G.Value) (G.Value, error) {
	r, c := shapeOf(in[0])
	out := o.out.get(c)
	s, x := f32(out), f32(in[0])
	clear(s)
	for i := 0; i < r; i++ {
		for j, v := range x[i*c : (i+1)*c] {
			s[j] += v
		}
	}
	return out, nil
}

// ---- reparameterisation ----------------------------------------------------

// reparamOp computes z = mean + exp(0.5*logvar) * eps. eps is an input the
// trainer fills from its seeded generator, so runs are reproducible.
type reparamOp struct{ opBase }

func (o reparamOp) Arity() int                                        { return 3 }
func (o reparamOp) Type() hm.Type                                     { return hm.NewFnType(matType, matType, matType, matType) }
func (o reparamOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) { return sameShape(ns...) }
func (o reparamOp) Do(in ...G.Value) (G.Value, error) {
	r, c := shapeOf(in[0])
	out := o.out.get(r, c)
	z, mu, lv, eps := f32(out), f32(in[0]), f32(in[1]), f32(in[2])
	for i := range z {
		z[i] = mu[i] + exp32(0.5*lv[i])*eps[i]
	}
	return out, nil
}
func (o reparamOp) DiffWRT(int) []bool { return []bool{true, true, false} }
func (o reparamOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	glv, err := G.ApplyOp(reparamGradOp{newBase("vae.reparamGrad")}, in[1], in[2], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{grad, glv, nil}, nil
}

// reparamGradOp: d loss / d logvar = dz * eps * 0.5 * exp(0.5*logvar).
type reparamGradOp struct{ opBase }

func (o reparamGradOp) Arity() int { return 3 }
func (o reparamGradOp) Type() hm.Type {
	return hm.NewFnType(matType, matType, matType, matType)
}
func (o reparamGradOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) { return sameShape(ns...) }
func (o reparamGradOp) Do(in ...G.Value) (G.Value, error) {
	r, c := shapeOf(in[0])
	out := o.out.get(r, c)
	g, lv, eps, dz := f32(out), f32(in[0]), f32(in[1]), f32(in[2])
	for i := range g {
		g[i] = dz[i] * eps[i] * 0.5 * exp32(0.5*lv[i])
	}
	return out, nil
}

// ---- output ----------------------------------------------------------------

// imageOp turns decoder logits into pixels: sigmoid for BCE models, the
// identity clamped to [0,1] for MSE models. Inference only.
type imageOp struct {
	opBase
	bce bool
}

func (o imageOp) Arity() int                                        { return 1 }
func (o imageOp) Type() hm.Type                                     { return hm.NewFnType(matType, matType) }
func (o imageOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) { return sameShape(ns...) }
func (o imageOp) Do(in ...G.Value) (G.Value, error) {
	r, c := shapeOf(in[0])
	out := o.out.get(r, c)
	y, l := f32(out), f32(in[0])
	parallelRows(r, c, func(r0, r1 int) {
		for i := r0 * c; i < r1*c; i++ {
			if o.bce {
				y[i] = sigmoid32(l[i])
			} else {
				y[i] = min(max(l[i], 0), 1)
			}
		}
	})
	return out, nil
}

// Sgemm computes C = op(A)*op(B) + beta*C for row-major matrices with the
// engine's BLAS (OpenBLAS in release builds): the ONNX interpreter's
// layers run on the same kernel as the engine's own.
func Sgemm(tA, tB bool, m, n, k int, a, b []float32, beta float32, c []float32) {
	sgemm(G.WhichBLAS(), tA, tB, m, n, k, a, b, beta, c)
}

// ParallelRows runs f over [0, rows) in chunks on the engine's workers
// when rows*cols is large enough to be worth it.
func ParallelRows(rows, cols int, f func(r0, r1 int)) { parallelRows(rows, cols, f) }
