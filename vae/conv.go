package vae

import (
	"fmt"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Convolutions for the conv architecture. Gorgonia has no transposed
// convolution, and its Conv2d allocates on every run, so both directions are
// Ops of our own built from the same two memory moves, im2col and col2im,
// and one gemm each.
//
// Layout. Activations stay (batch x features) matrices like everywhere
// else in the engine; a convolutional feature map is stored channels-last
// (NHWC): image n, row y, column x, channel c is element
// ((n*H + y)*W + x)*C + c. With channels last a patch row of im2col is K*K
// runs of C contiguous values, and a layer's output (N*Ho*Wo x Cout) is
// already the next layer's NHWC input, so no transposes are needed. A
// 1-channel 28x28 map is exactly the 784 pixels in row order.
//
// Weights. A convolution's filter is a (K*K*Cin x Cout) matrix, rows ordered
// (ky, kx, cin); a transposed convolution's is (Cin x K*K*Cout), columns
// ordered (ky, kx, cout). PyTorch orders them (Cout, Cin, K, K) and
// (Cin, Cout, K, K): the same numbers, permuted.

// convGeom is the geometry of one convolution from an H x W x C map to an
// Ho x Wo map of patches, K x K, stride S, zero padding P. A transposed
// convolution uses the geometry of the convolution it is the adjoint of:
// from its (larger) output to its input.
type convGeom struct {
	H, W, C int // input map (of the convolution)
	K, S, P int
	Ho, Wo  int // output map
}

// newConvGeom is the geometry of a convolution of an h x w x c map with
// k x k patches, stride s, padding p.
func newConvGeom(h, w, c, k, s, p int) convGeom {
	return convGeom{H: h, W: w, C: c, K: k, S: s, P: p, Ho: (h+2*p-k)/s + 1, Wo: (w+2*p-k)/s + 1}
}

// newConvTGeom is the geometry behind a transposed convolution of an
// h x w x c map (c: the transposed convolution's output channels) with
// stride s, padding p and output padding op, as PyTorch's ConvTranspose2d
// defines them: the output is (h-1)*s - 2p + k + op high.
func newConvTGeom(h, w, c, k, s, p, op int) (convGeom, error) {
	if s < 1 || p < 0 || op < 0 || op >= s || k < 1 || h < 1 || w < 1 || c < 1 {
		return convGeom{}, fmt.Errorf("transposed convolution: bad geometry %dx%dx%d k%d s%d p%d op%d (need op < s)", h, w, c, k, s, p, op)
	}
	g := convGeom{H: (h-1)*s - 2*p + k + op, W: (w-1)*s - 2*p + k + op, C: c, K: k, S: s, P: p, Ho: h, Wo: w}
	if g.H < 1 || g.W < 1 {
		return convGeom{}, fmt.Errorf("transposed convolution: %dx%d input gives an empty output", h, w)
	}
	return g, nil
}

func (g convGeom) inSize() int    { return g.H * g.W * g.C } // one image's input map
func (g convGeom) patches() int   { return g.Ho * g.Wo }     // patches per image
func (g convGeom) patchSize() int { return g.K * g.K * g.C } // values per patch
func (g convGeom) String() string {
	return fmt.Sprintf("%dx%dx%d k%d s%d p%d -> %dx%d", g.H, g.W, g.C, g.K, g.S, g.P, g.Ho, g.Wo)
}

// kxRange is the run of kernel columns kx in [k0, k1) whose input column
// ox*S - P + kx lies inside the map: consecutive kx read consecutive input
// pixels, so with channels last the whole run is one contiguous segment.
func (g convGeom) kxRange(ox int) (k0, k1, ix0 int) {
	ix0 = ox*g.S - g.P
	k0, k1 = max(0, -ix0), min(g.K, g.W-ix0)
	return k0, max(k0, k1), ix0
}

// im2col writes the patches of n input maps x as rows of cols
// (n*Ho*Wo x K*K*C); positions in the padding are zero.
func (g convGeom) im2col(x, cols []float32, n int) {
	ps, C, KC := g.patchSize(), g.C, g.K*g.C
	parallelRows(n, g.patches()*ps, func(n0, n1 int) {
		for img := n0; img < n1; img++ {
			src := x[img*g.inSize() : (img+1)*g.inSize()]
			row := img * g.patches()
			for oy := 0; oy < g.Ho; oy++ {
				for ox := 0; ox < g.Wo; ox++ {
					dst := cols[row*ps : (row+1)*ps]
					row++
					k0, k1, ix0 := g.kxRange(ox)
					for ky := 0; ky < g.K; ky++ {
						iy := oy*g.S - g.P + ky
						d := dst[ky*KC : (ky+1)*KC]
						if iy < 0 || iy >= g.H || k0 == k1 {
							clear(d)
							continue
						}
						clear(d[:k0*C])
						at := (iy*g.W + ix0 + k0) * C
						copy(d[k0*C:k1*C], src[at:at+(k1-k0)*C])
						clear(d[k1*C:])
					}
				}
			}
		}
	})
}

// col2im is im2col's adjoint: it sums the rows of cols back into n input
// maps x, each value into the position it was copied from.
func (g convGeom) col2im(cols, x []float32, n int) {
	parallelRows(n, g.patches()*g.patchSize(), func(n0, n1 int) { col2imKernel(g, cols, x, n0, n1) })
}

// addBiasReLU adds b to every run of len(b) values of y (one pixel's
// channels) and, when relu is set, clamps at zero.
func addBiasReLU(y, b []float32, relu bool) {
	c := len(b)
	parallelRows(len(y)/c, c, func(r0, r1 int) { biasReLUKernel(y[r0*c:r1*c], b, relu) })
}

// ---- convolution -----------------------------------------------------------

// convOp is a 2-D convolution with bias and optional ReLU:
//
//	x (N x H*W*Cin), w (K*K*Cin x Cout), b (Cout) -> (N x Ho*Wo*Cout)
//
// Forward: im2col into a buffer the op owns, then one gemm. The gradient
// ops read that buffer (the filter's gradient is cols' * dY), so the
// backward pass does not rebuild it. The input's gradient, dY * w' summed
// back by col2im, is only built when needX is set.
type convOp struct {
	opBase
	g           convGeom
	cout        int
	relu, needX bool
	st          *convState
}

// convState is the forward pass's im2col buffer, shared with the gradient.
type convState struct{ cols []float32 }

func newConv(g convGeom, cout int, relu, needX bool) convOp {
	return convOp{newBase("vae.conv"), g, cout, relu, needX, &convState{}}
}

func (o convOp) Arity() int    { return 3 }
func (o convOp) Type() hm.Type { return hm.NewFnType(matType, matType, vecType, matType) }
func (o convOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	x, w, b := ns[0].(tensor.Shape), ns[1].(tensor.Shape), ns[2].(tensor.Shape)
	if len(x) != 2 || x[1] != o.g.inSize() {
		return nil, fmt.Errorf("conv %v: input %v is not N x %d", o.g, x, o.g.inSize())
	}
	if len(w) != 2 || w[0] != o.g.patchSize() || w[1] != o.cout || len(b) != 1 || b[0] != o.cout {
		return nil, fmt.Errorf("conv %v: filter %v / bias %v, want %dx%d / %d", o.g, w, b, o.g.patchSize(), o.cout, o.cout)
	}
	return tensor.Shape{x[0], o.g.patches() * o.cout}, nil
}
func (o convOp) Do(in ...G.Value) (G.Value, error) {
	n, _ := shapeOf(in[0])
	rows, ps := n*o.g.patches(), o.g.patchSize()
	if cap(o.st.cols) < rows*ps {
		o.st.cols = make([]float32, rows*ps)
	}
	cols := o.st.cols[:rows*ps]
	o.g.im2col(f32(in[0]), cols, n)
	out := o.out.get(n, o.g.patches()*o.cout)
	y := f32(out)
	sgemm(o.blas(), false, false, rows, o.cout, ps, cols, f32(in[1]), 0, y)
	addBiasReLU(y, f32(in[2]), o.relu)
	return out, nil
}
func (o convOp) DiffWRT(int) []bool { return []bool{o.needX, true, true} }
func (o convOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	dy, err := reluGrad(o.relu, out, grad)
	if err != nil {
		return nil, err
	}
	n := in[0].Shape()[0]
	rows, ps := n*o.g.patches(), o.g.patchSize()
	// dW = cols' * dY, from the forward pass's cols.
	dw, err := G.ApplyOp(colsGemmOp{newBase("vae.convGradW"), o.st, ps, o.cout, rows}, in[0], dy)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(chanSumOp{newBase("vae.chanSum"), o.cout, &onesBuf{}}, dy)
	if err != nil {
		return nil, err
	}
	var dx *G.Node
	if o.needX {
		if dx, err = G.ApplyOp(convGradXOp{newBase("vae.convGradX"), o.g, o.cout, &convState{}}, dy, in[1]); err != nil {
			return nil, err
		}
	}
	return G.Nodes{dx, dw, db}, nil
}

// colsGemmOp is a convolution's filter gradient cols' * dY (m x n, summed
// over k rows), cols being the forward pass's im2col buffer. x, its first
// input, is there only to order it after the forward pass.
type colsGemmOp struct {
	opBase
	st      *convState
	m, n, k int
}

func (o colsGemmOp) Arity() int    { return 2 }
func (o colsGemmOp) Type() hm.Type { return hm.NewFnType(matType, matType, matType) }
func (o colsGemmOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{o.m, o.n}, nil
}
func (o colsGemmOp) Do(in ...G.Value) (G.Value, error) {
	out := o.out.get(o.m, o.n)
	sgemm(o.blas(), true, false, o.m, o.n, o.k, o.st.cols[:o.k*o.m], f32(in[1]), 0, f32(out))
	return out, nil
}

// convGradXOp is a convolution's input gradient: col2im(dY * w').
type convGradXOp struct {
	opBase
	g    convGeom
	cout int
	st   *convState // dY * w', before col2im
}

func (o convGradXOp) Arity() int    { return 2 }
func (o convGradXOp) Type() hm.Type { return hm.NewFnType(matType, matType, matType) }
func (o convGradXOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{ns[0].(tensor.Shape)[0], o.g.inSize()}, nil
}
func (o convGradXOp) Do(in ...G.Value) (G.Value, error) {
	n, _ := shapeOf(in[0])
	rows, ps := n*o.g.patches(), o.g.patchSize()
	if cap(o.st.cols) < rows*ps {
		o.st.cols = make([]float32, rows*ps)
	}
	cols := o.st.cols[:rows*ps]
	sgemm(o.blas(), false, true, rows, ps, o.cout, f32(in[0]), f32(in[1]), 0, cols)
	out := o.out.get(n, o.g.inSize())
	o.g.col2im(cols, f32(out), n)
	return out, nil
}

// ---- transposed convolution ------------------------------------------------

// convTOp is a 2-D transposed convolution (PyTorch's ConvTranspose2d) with
// bias and optional ReLU:
//
//	x (N x Hi*Wi*Cin), w (Cin x K*K*Cout), b (Cout) -> (N x Ho*Wo*Cout)
//
// where g is the geometry of the convolution from the Ho x Wo x Cout output
// to the Hi x Wi input. Forward: one gemm, x * w, gives every input pixel's
// K x K x Cout contribution; col2im sums them into the output. Backward:
// im2col of the output's gradient, dC; then dW = x' * dC and dX = dC * w'.
type convTOp struct {
	opBase
	g    convGeom
	cin  int
	relu bool
	st   *convState // x * w, before col2im
}

func newConvT(g convGeom, cin int, relu bool) convTOp {
	return convTOp{newBase("vae.convT"), g, cin, relu, &convState{}}
}

func (o convTOp) Arity() int    { return 3 }
func (o convTOp) Type() hm.Type { return hm.NewFnType(matType, matType, vecType, matType) }
func (o convTOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	x, w, b := ns[0].(tensor.Shape), ns[1].(tensor.Shape), ns[2].(tensor.Shape)
	if len(x) != 2 || x[1] != o.g.patches()*o.cin {
		return nil, fmt.Errorf("convT %v: input %v is not N x %d", o.g, x, o.g.patches()*o.cin)
	}
	if len(w) != 2 || w[0] != o.cin || w[1] != o.g.patchSize() || len(b) != 1 || b[0] != o.g.C {
		return nil, fmt.Errorf("convT %v: filter %v / bias %v, want %dx%d / %d", o.g, w, b, o.cin, o.g.patchSize(), o.g.C)
	}
	return tensor.Shape{x[0], o.g.inSize()}, nil
}
func (o convTOp) Do(in ...G.Value) (G.Value, error) {
	n, _ := shapeOf(in[0])
	rows, ps := n*o.g.patches(), o.g.patchSize()
	if cap(o.st.cols) < rows*ps {
		o.st.cols = make([]float32, rows*ps)
	}
	cols := o.st.cols[:rows*ps]
	sgemm(o.blas(), false, false, rows, ps, o.cin, f32(in[0]), f32(in[1]), 0, cols)
	out := o.out.get(n, o.g.inSize())
	y := f32(out)
	o.g.col2im(cols, y, n)
	addBiasReLU(y, f32(in[2]), o.relu)
	return out, nil
}
func (o convTOp) DiffWRT(int) []bool { return []bool{true, true, true} }
func (o convTOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	dy, err := reluGrad(o.relu, out, grad)
	if err != nil {
		return nil, err
	}
	n := in[0].Shape()[0]
	rows, ps := n*o.g.patches(), o.g.patchSize()
	dc, err := G.ApplyOp(im2colOp{newBase("vae.im2col"), o.g}, dy)
	if err != nil {
		return nil, err
	}
	dw, err := G.ApplyOp(gemmOp{newBase("vae.convTGradW"), true, false, o.cin, ps, rows, tensor.Shape{o.cin, ps}}, in[0], dc)
	if err != nil {
		return nil, err
	}
	db, err := G.ApplyOp(chanSumOp{newBase("vae.chanSum"), o.g.C, &onesBuf{}}, dy)
	if err != nil {
		return nil, err
	}
	dx, err := G.ApplyOp(gemmOp{newBase("vae.convTGradX"), false, true, rows, o.cin, ps, in[0].Shape().Clone()}, dc, in[1])
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// im2colOp is im2col as a node: (N x H*W*C) -> (N*Ho*Wo x K*K*C).
type im2colOp struct {
	opBase
	g convGeom
}

func (o im2colOp) Arity() int    { return 1 }
func (o im2colOp) Type() hm.Type { return hm.NewFnType(matType, matType) }
func (o im2colOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{ns[0].(tensor.Shape)[0] * o.g.patches(), o.g.patchSize()}, nil
}
func (o im2colOp) Do(in ...G.Value) (G.Value, error) {
	n, _ := shapeOf(in[0])
	out := o.out.get(n*o.g.patches(), o.g.patchSize())
	o.g.im2col(f32(in[0]), f32(out), n)
	return out, nil
}

// gemmOp is op(A) * op(B) with its dimensions (m x n, summed over k) fixed
// when the graph is built, read from A's and B's backing arrays whatever
// their node shapes, and given the output shape asked for. It appears only
// in gradients.
type gemmOp struct {
	opBase
	tA, tB  bool
	m, n, k int
	shape   tensor.Shape
}

func (o gemmOp) Arity() int                                     { return 2 }
func (o gemmOp) Type() hm.Type                                  { return hm.NewFnType(matType, matType, matType) }
func (o gemmOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return o.shape.Clone(), nil }
func (o gemmOp) Do(in ...G.Value) (G.Value, error) {
	out := o.out.get(o.shape...)
	sgemm(o.blas(), o.tA, o.tB, o.m, o.n, o.k, f32(in[0]), f32(in[1]), 0, f32(out))
	return out, nil
}

// chanSumOp sums a channels-last map over everything but its channels:
// (N x P*C) -> (C). It is a bias's gradient.
type chanSumOp struct {
	opBase
	c    int
	ones *onesBuf
}

type onesBuf struct{ v []float32 }

func (o chanSumOp) Arity() int    { return 1 }
func (o chanSumOp) Type() hm.Type { return hm.NewFnType(matType, vecType) }
func (o chanSumOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{o.c}, nil
}
func (o chanSumOp) Do(in ...G.Value) (G.Value, error) {
	out := o.out.get(o.c)
	x := f32(in[0])
	px := len(x) / o.c
	// ones' * X, X as (pixels x C): a matrix-vector product.
	if len(o.ones.v) != px {
		o.ones.v = make([]float32, px)
		for i := range o.ones.v {
			o.ones.v[i] = 1
		}
	}
	o.blas().Sgemv(blas.Trans, px, o.c, 1, x, o.c, o.ones.v, 1, 0, f32(out), 1)
	return out, nil
}

// reluGrad is grad masked by a ReLU's output (or grad itself, no ReLU).
func reluGrad(relu bool, out, grad *G.Node) (*G.Node, error) {
	if !relu {
		return grad, nil
	}
	return G.ApplyOp(reluGradOp{newBase("vae.reluGrad")}, out, grad)
}
