package vae

import (
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// lossState is what the fused loss op and its gradient ops share: settings
// the trainer changes between steps (beta during warm-up, how many rows of
// the batch are real rather than padding) and what the last forward pass
// measured.
type lossState struct {
	bce  bool
	beta float32
	n    int // rows 0..n-1 of the batch count; later rows are padding

	// Results of the last forward pass: sums over the n real images.
	rec, kl float64
	recRow  []float32 // per-image reconstruction term
	klRow   []float32 // per-image KL term
	// out holds sigmoid(logits) (BCE) or the logits (MSE) of the last
	// forward pass, reused by the gradient.
	out []float32
}

// lossOp is the whole VAE loss as one node:
//
//	(1/n) * sum over real images of [ rec(logits, x) + beta * KL(mean, logvar) ]
//
// rec is BCE from logits, softplus(l) - x*l summed over pixels, or squared
// error; KL = -0.5 * sum(1 + logvar - mean^2 - exp(logvar)).
type lossOp struct {
	opBase
	st *lossState
}

func (o lossOp) Arity() int { return 4 }
func (o lossOp) Type() hm.Type {
	return hm.NewFnType(matType, matType, matType, matType, G.Float32)
}
func (o lossOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return tensor.ScalarShape(), nil }
func (o lossOp) Do(in ...G.Value) (G.Value, error)              { return o.UsePreallocDo(nil, in...) }
func (o lossOp) UsePreallocDo(pre G.Value, in ...G.Value) (G.Value, error) {
	st := o.st
	rows, cols := shapeOf(in[0])
	n := st.n
	if n <= 0 || n > rows {
		n = rows
	}
	logits, x, mu, lv := f32(in[0]), f32(in[1]), f32(in[2]), f32(in[3])
	if cap(st.out) < rows*cols {
		st.out = make([]float32, rows*cols)
		st.recRow = make([]float32, rows)
		st.klRow = make([]float32, rows)
	}
	st.out, st.recRow, st.klRow = st.out[:rows*cols], st.recRow[:rows], st.klRow[:rows]
	out := st.out
	parallelRows(n, cols, func(r0, r1 int) {
		if st.bce {
			lo, hi := r0*cols, r1*cols
			bceRows(logits[lo:hi], x[lo:hi], out[lo:hi], st.recRow[r0:r1], r1-r0, cols)
			return
		}
		for r := r0; r < r1; r++ {
			lr := logits[r*cols : (r+1)*cols]
			xr := x[r*cols : (r+1)*cols]
			or := out[r*cols : (r+1)*cols]
			var s float32
			for j, l := range lr {
				d := l - xr[j]
				s += d * d
				or[j] = l
			}
			st.recRow[r] = s
		}
	})
	var rec, kl float64
	for r := 0; r < n; r++ {
		rec += float64(st.recRow[r])
	}
	_, lat := shapeOf(in[2])
	for r := 0; r < n; r++ {
		var k float64
		for i := r * lat; i < (r+1)*lat; i++ {
			k += -0.5 * (1 + float64(lv[i]) - float64(mu[i])*float64(mu[i]) - math.Exp(float64(lv[i])))
		}
		st.klRow[r] = float32(k)
		kl += k
	}
	st.rec, st.kl = rec, kl
	loss := float32((rec + float64(st.beta)*kl) / float64(n))
	return G.NewF32(loss), nil
}

func (o lossOp) DiffWRT(int) []bool { return []bool{true, false, true, true} }
func (o lossOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	gl, err := G.ApplyOp(lossGradOp{newBase("vae.lossGradLogits"), o.st, gradLogits}, in[1], grad)
	if err != nil {
		return nil, err
	}
	gm, err := G.ApplyOp(lossGradOp{newBase("vae.lossGradMean"), o.st, gradMean}, in[2], grad)
	if err != nil {
		return nil, err
	}
	gv, err := G.ApplyOp(lossGradOp{newBase("vae.lossGradLogvar"), o.st, gradLogvar}, in[3], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{gl, nil, gm, gv}, nil
}

const (
	gradLogits = iota
	gradMean
	gradLogvar
)

// lossGradOp is the gradient of lossOp with respect to one input, from an
// input and the scalar upstream gradient: for the logits, from the target x
// and the sigmoid the forward pass saved; for mean and logvar, from
// themselves. Padding rows get zero.
type lossGradOp struct {
	opBase
	st  *lossState
	wrt int
}

func (o lossGradOp) Arity() int    { return 2 }
func (o lossGradOp) Type() hm.Type { return hm.NewFnType(matType, G.Float32, matType) }
func (o lossGradOp) InferShape(ns ...G.DimSizer) (tensor.Shape, error) {
	return ns[0].(tensor.Shape).Clone(), nil
}
func (o lossGradOp) Do(in ...G.Value) (G.Value, error) {
	st := o.st
	rows, cols := shapeOf(in[0])
	res := o.out.get(rows, cols)
	g, v := f32(res), f32(in[0])
	n := st.n
	if n <= 0 || n > rows {
		n = rows
	}
	dy := float32(in[1].Data().(float32)) / float32(n)
	switch o.wrt {
	case gradLogits:
		// BCE: d/dl [softplus(l) - x l] = sigmoid(l) - x; MSE: 2(l - x).
		// st.out holds sigmoid(l) or l.
		k := dy
		if !st.bce {
			k = 2 * dy
		}
		parallelRows(n, cols, func(r0, r1 int) {
			for i := r0 * cols; i < r1*cols; i++ {
				g[i] = (st.out[i] - v[i]) * k
			}
		})
	case gradMean:
		b := st.beta * dy
		for i := 0; i < n*cols; i++ {
			g[i] = b * v[i]
		}
	case gradLogvar:
		b := st.beta * dy * 0.5
		for i := 0; i < n*cols; i++ {
			g[i] = b * (exp32(v[i]) - 1)
		}
	}
	clear(g[n*cols:])
	return res, nil
}
