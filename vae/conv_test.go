package vae

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// convCase is one random layer shape: a convolution of an h x w x cin map
// to cout channels, or a transposed convolution of an h x w x cin map to
// cout channels with output padding op.
type convCase struct {
	n, h, w, cin, cout, k, s, p, op int
}

func (c convCase) String() string {
	return fmt.Sprintf("n%d %dx%dx%d->%d k%d s%d p%d op%d", c.n, c.h, c.w, c.cin, c.cout, c.k, c.s, c.p, c.op)
}

// randomConvCases draws layer shapes covering strides 1 to 3, every legal
// padding (0..k-1) and output padding (0..s-1), 1 to 4 channels, kernels
// 1 to 4 and maps down to 1x1.
func randomConvCases(rng *rand.Rand, count int) []convCase {
	var cs []convCase
	for len(cs) < count {
		c := convCase{n: 1 + rng.Intn(3), h: 1 + rng.Intn(6), w: 1 + rng.Intn(6), cin: 1 + rng.Intn(4),
			cout: 1 + rng.Intn(4), k: 1 + rng.Intn(4), s: 1 + rng.Intn(3)}
		c.p = rng.Intn(c.k)
		c.op = rng.Intn(c.s)
		if _, err := newConvTGeom(c.h, c.w, c.cout, c.k, c.s, c.p, c.op); err != nil {
			continue
		}
		if (c.h+2*c.p-c.k) < 0 || (c.w+2*c.p-c.k) < 0 {
			continue
		}
		cs = append(cs, c)
	}
	// The conv architecture's own layers.
	cs = append(cs, convCase{n: 2, h: 7, w: 7, cin: 64, cout: 32, k: 3, s: 2, p: 1, op: 1},
		convCase{n: 2, h: 14, w: 14, cin: 32, cout: 1, k: 3, s: 2, p: 1, op: 1})
	return cs
}

func tensorOf(data []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// refConv is a direct convolution in float64, straight from the
// definition, channels last: x (n,h,w,cin), filter rows (ky,kx,cin) x cout.
func refConv(c convCase, x, wt, b []float32, relu bool) (out []float64, ho, wo int) {
	ho, wo = (c.h+2*c.p-c.k)/c.s+1, (c.w+2*c.p-c.k)/c.s+1
	out = make([]float64, c.n*ho*wo*c.cout)
	for n := 0; n < c.n; n++ {
		for oy := 0; oy < ho; oy++ {
			for ox := 0; ox < wo; ox++ {
				for co := 0; co < c.cout; co++ {
					s := float64(b[co])
					for ky := 0; ky < c.k; ky++ {
						for kx := 0; kx < c.k; kx++ {
							iy, ix := oy*c.s-c.p+ky, ox*c.s-c.p+kx
							if iy < 0 || iy >= c.h || ix < 0 || ix >= c.w {
								continue
							}
							for ci := 0; ci < c.cin; ci++ {
								s += float64(x[((n*c.h+iy)*c.w+ix)*c.cin+ci]) * float64(wt[((ky*c.k+kx)*c.cin+ci)*c.cout+co])
							}
						}
					}
					if relu && s < 0 {
						s = 0
					}
					out[((n*ho+oy)*wo+ox)*c.cout+co] = s
				}
			}
		}
	}
	return out, ho, wo
}

// refConvT is a transposed convolution by the other textbook route: insert
// s-1 zeros between input pixels, pad by k-1-p (plus the output padding at
// the bottom and right), and run an ordinary stride-1 convolution with the
// kernel flipped and its channel axes swapped. x (n,h,w,cin), filter
// cin x (ky,kx,cout).
func refConvT(c convCase, x, wt, b []float32, relu bool) (out []float64, ho, wo int) {
	pad := c.k - 1 - c.p
	zh, zw := (c.h-1)*c.s+1+2*pad+c.op, (c.w-1)*c.s+1+2*pad+c.op
	z := make([]float64, c.n*zh*zw*c.cin)
	for n := 0; n < c.n; n++ {
		for iy := 0; iy < c.h; iy++ {
			for ix := 0; ix < c.w; ix++ {
				for ci := 0; ci < c.cin; ci++ {
					z[((n*zh+pad+iy*c.s)*zw+pad+ix*c.s)*c.cin+ci] = float64(x[((n*c.h+iy)*c.w+ix)*c.cin+ci])
				}
			}
		}
	}
	ho, wo = zh-c.k+1, zw-c.k+1
	out = make([]float64, c.n*ho*wo*c.cout)
	for n := 0; n < c.n; n++ {
		for oy := 0; oy < ho; oy++ {
			for ox := 0; ox < wo; ox++ {
				for co := 0; co < c.cout; co++ {
					s := float64(b[co])
					for ky := 0; ky < c.k; ky++ {
						for kx := 0; kx < c.k; kx++ {
							fy, fx := c.k-1-ky, c.k-1-kx // flipped
							for ci := 0; ci < c.cin; ci++ {
								s += z[((n*zh+oy+ky)*zw+ox+kx)*c.cin+ci] * float64(wt[ci*c.k*c.k*c.cout+(fy*c.k+fx)*c.cout+co])
							}
						}
					}
					if relu && s < 0 {
						s = 0
					}
					out[((n*ho+oy)*wo+ox)*c.cout+co] = s
				}
			}
		}
	}
	return out, ho, wo
}

// layerOp returns the op under test for c and the sizes of its operands.
func layerOp(t *testing.T, c convCase, transposed, relu bool) (op G.Op, xLen, wRows, wCols int) {
	t.Helper()
	if transposed {
		g, err := newConvTGeom(c.h, c.w, c.cout, c.k, c.s, c.p, c.op)
		if err != nil {
			t.Fatal(err)
		}
		return newConvT(g, c.cin, relu), c.h * c.w * c.cin, c.cin, g.patchSize()
	}
	g := newConvGeom(c.h, c.w, c.cin, c.k, c.s, c.p)
	return newConv(g, c.cout, relu, true), c.h * c.w * c.cin, g.patchSize(), c.cout
}

func TestConvOpsMatchDirectFormulations(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for _, c := range randomConvCases(rng, 40) {
		for _, transposed := range []bool{false, true} {
			for _, relu := range []bool{false, true} {
				op, xLen, wr, wc := layerOp(t, c, transposed, relu)
				x, wt, b := randSlice(rng, c.n*xLen), randSlice(rng, wr*wc), randSlice(rng, c.cout)
				ref := refConv
				if transposed {
					ref = refConvT
				}
				want, ho, wo := ref(c, x, wt, b, relu)
				in := []G.Value{
					tensor.New(tensor.WithShape(c.n, xLen), tensor.WithBacking(x)),
					tensor.New(tensor.WithShape(wr, wc), tensor.WithBacking(wt)),
					tensor.New(tensor.WithShape(c.cout), tensor.WithBacking(b)),
				}
				shape, err := op.InferShape(in[0].Shape(), in[1].Shape(), in[2].Shape())
				if err != nil {
					t.Fatalf("%v: %v", c, err)
				}
				if shape[0] != c.n || shape[1] != ho*wo*c.cout {
					t.Fatalf("%v transposed=%v: shape %v, want %dx%d", c, transposed, shape, c.n, ho*wo*c.cout)
				}
				// Twice: the second run reuses the op's buffers.
				for run := 0; run < 2; run++ {
					out, err := op.Do(in...)
					if err != nil {
						t.Fatal(err)
					}
					for i, v := range f32(out) {
						if math.Abs(float64(v)-want[i]) > 1e-4*(1+math.Abs(want[i])) {
							t.Fatalf("%v transposed=%v relu=%v: out[%d] = %v, want %v", c, transposed, relu, i, v, want[i])
						}
					}
				}
			}
		}
	}
}

// TestConvGradientsMatchFiniteDifferences builds cost = sum(layer(x, w, b)
// * R) for a random R, takes gorgonia's gradient through our SymDiff, and
// checks every entry of dx, dw and db against central differences of the
// float64 direct formulation.
func TestConvGradientsMatchFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	cases := randomConvCases(rng, 12)
	cases = cases[:len(cases)-2] // the big layers: covered by the forward test
	for _, c := range cases {
		for _, transposed := range []bool{false, true} {
			for _, relu := range []bool{false, true} {
				checkConvGrad(t, rng, c, transposed, relu)
			}
		}
	}
}

func checkConvGrad(t *testing.T, rng *rand.Rand, c convCase, transposed, relu bool) {
	t.Helper()
	checkConvGradSampled(t, rng, c, transposed, relu, 0)
}

// checkConvGradSampled is checkConvGrad on sample random entries of each
// gradient (all of them when sample is 0).
func checkConvGradSampled(t *testing.T, rng *rand.Rand, c convCase, transposed, relu bool, sample int) {
	t.Helper()
	op, xLen, wr, wc := layerOp(t, c, transposed, relu)
	x, wt, b := randSlice(rng, c.n*xLen), randSlice(rng, wr*wc), randSlice(rng, c.cout)
	ref := refConv
	if transposed {
		ref = refConvT
	}
	y0, ho, wo := ref(c, x, wt, b, relu)
	r := randSlice(rng, len(y0))

	g := G.NewGraph()
	node := func(name string, data []float32, shape ...int) *G.Node {
		v := tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
		return G.NewTensor(g, G.Float32, len(shape), G.WithShape(shape...), G.WithName(name), G.WithValue(v))
	}
	xn, wn, bn := node("x", x, c.n, xLen), node("w", wt, wr, wc), node("b", b, c.cout)
	rn := node("r", r, c.n, ho*wo*c.cout)
	y, err := G.ApplyOp(op, xn, wn, bn)
	if err != nil {
		t.Fatal(err)
	}
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(y, rn))))
	grads, err := G.Grad(cost, xn, wn, bn)
	if err != nil {
		t.Fatalf("%v: %v", c, err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	costAt := func() float64 {
		y, _, _ := ref(c, x, wt, b, relu)
		var s float64
		for i, v := range y {
			s += v * float64(r[i])
		}
		return s
	}
	for k, p := range []struct {
		name string
		data []float32
	}{{"x", x}, {"w", wt}, {"b", b}} {
		an := f32(grads[k].Value())
		entries := make([]int, len(p.data))
		for i := range entries {
			entries[i] = i
		}
		if sample > 0 && sample < len(entries) {
			rng.Shuffle(len(entries), func(a, b int) { entries[a], entries[b] = entries[b], entries[a] })
			entries = entries[:sample]
		}
		for _, i := range entries {
			old := p.data[i]
			const h = 1e-2
			p.data[i] = old + h
			cp := costAt()
			p.data[i] = old - h
			cm := costAt()
			p.data[i] = old
			fd := (cp - cm) / (2 * h)
			if math.Abs(float64(an[i])-fd) > 1e-3*(1+math.Abs(fd)) {
				// A ReLU kink within h of an output makes the finite
				// difference one-sided; only then is a gap allowed.
				if relu && kinkNear(c, ref, x, wt, b, h) {
					continue
				}
				t.Errorf("%v transposed=%v relu=%v: d cost/d %s[%d] = %v, finite difference %v", c, transposed, relu, p.name, i, an[i], fd)
			}
		}
	}
}

// kinkNear reports whether some pre-activation is within a step's reach of
// zero, where a central difference straddles the ReLU's kink.
func kinkNear(c convCase, ref func(convCase, []float32, []float32, []float32, bool) ([]float64, int, int), x, wt, b []float32, h float64) bool {
	y, _, _ := ref(c, x, wt, b, false)
	for _, v := range y {
		if math.Abs(v) < 20*h {
			return true
		}
	}
	return false
}

func TestConvTGeometry(t *testing.T) {
	g, err := newConvTGeom(7, 7, 32, 3, 2, 1, 1)
	if err != nil || g.H != 14 || g.W != 14 || g.Ho != 7 {
		t.Errorf("7x7 s2 p1 op1 -> %v, %v; want 14x14", g, err)
	}
	for _, bad := range [][7]int{{7, 7, 1, 3, 2, 1, 2}, {7, 7, 1, 3, 0, 1, 0}, {1, 1, 1, 1, 1, 1, 0}, {0, 7, 1, 3, 2, 1, 1}} {
		if _, err := newConvTGeom(bad[0], bad[1], bad[2], bad[3], bad[4], bad[5], bad[6]); err == nil {
			t.Errorf("geometry %v accepted", bad)
		}
	}
}
