package vae

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// net is one gorgonia graph of the model at a fixed batch size, with the
// tape machine that runs it. Weight nodes are bound to a Params' Data
// without copying; inputs are bound once to buffers the caller fills in
// place before each run.
type net struct {
	g     *G.ExprGraph
	vm    G.VM
	batch int

	x, eps, z *G.Node // inputs (nil when the graph has no such input)
	y         *G.Node // the one-hot class of each row (conditional models)
	mean      *G.Node
	logvar    *G.Node
	logits    *G.Node
	image     *G.Node // decoded pixels (decode nets)
	loss      *G.Node
	st        *lossState

	xBuf, epsBuf, zBuf []float32 // backing of the input nodes
	yBuf               []float32 // backing of y (batch x Condition)
	classes            int       // Condition: the width of y

	weights G.Nodes // in Params order
	grads   G.Nodes // gradient nodes, in Params order (training nets only)
}

// netKind says which part of the model a net computes.
type netKind int

const (
	netTrain  netKind = iota // x, eps -> loss, with gradients
	netEval                  // x, eps -> loss, forward only
	netEncode                // x -> mean, logvar
	netDecode                // z -> logits
)

func (k netKind) String() string {
	return [...]string{"train", "eval", "encode", "decode"}[k]
}

// buildNet builds the graph of kind for cfg at batch size batch, bound to p.
func buildNet(kind netKind, cfg Config, p *Params, batch int) (*net, error) {
	return buildNetBLAS(kind, cfg, p, batch, nil)
}

// buildNetBLAS is buildNet with the layers' matrix products on bl (nil:
// gorgonia's current BLAS).
func buildNetBLAS(kind netKind, cfg Config, p *Params, batch int, bl blas.Float32) (*net, error) {
	n := &net{g: G.NewGraph(), batch: batch}
	n.weights = make(G.Nodes, len(p.List))
	for i, t := range p.List {
		val := tensor.New(tensor.WithShape(t.Shape...), tensor.WithBacking(t.Data))
		n.weights[i] = G.NewTensor(n.g, G.Float32, len(t.Shape), G.WithShape(t.Shape...), G.WithName(t.Name), G.WithValue(val))
	}
	w := func(name string) (W, B *G.Node) {
		for i, t := range p.List {
			if t.Name == name+".w" {
				return n.weights[i], n.weights[i+1]
			}
		}
		panic("vae: no layer " + name)
	}
	input := func(name string, buf *[]float32, cols int) *G.Node {
		*buf = make([]float32, batch*cols)
		val := tensor.New(tensor.WithShape(batch, cols), tensor.WithBacking(*buf))
		return G.NewMatrix(n.g, G.Float32, G.WithShape(batch, cols), G.WithName(name), G.WithValue(val))
	}
	apply := func(name string, op G.Op, x *G.Node) (*G.Node, error) {
		W, B := w(name)
		y, err := G.ApplyOp(op, x, W, B)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", name, err)
		}
		return y, nil
	}
	var inputJoin *G.Node // the mlp's image joined with its class: an input, no gradient
	dense := func(x *G.Node, name string, relu bool) (*G.Node, error) {
		op := newDense(relu, x != n.x && x != inputJoin)
		op.bl = bl
		return apply(name, op, x)
	}
	// withClass joins the one-hot class to h (a conditional model's
	// encoder features and z).
	withClass := func(h *G.Node) (*G.Node, error) {
		if n.y == nil {
			return h, nil
		}
		j, err := G.Concat(1, h, n.y)
		if err != nil {
			return nil, fmt.Errorf("join the class: %w", err)
		}
		if h == n.x {
			inputJoin = j
		}
		return j, nil
	}
	conv := func(x *G.Node, name string, g convGeom, cout int, needX bool) (*G.Node, error) {
		op := newConv(g, cout, true, needX)
		op.bl = bl
		return apply(name, op, x)
	}
	convT := func(x *G.Node, name string, g convGeom, cin int, relu bool) (*G.Node, error) {
		op := newConvT(g, cin, relu)
		op.bl = bl
		return apply(name, op, x)
	}
	sh := cfg.Image()
	e1, e2, _, d1, d2 := convGeoms(sh)
	encode := func(x *G.Node) (err error) {
		h := x
		if cfg.Arch == ArchConv {
			if h, err = conv(h, "enc.conv1", e1, convC1, false); err != nil {
				return err
			}
			if h, err = conv(h, "enc.conv2", e2, convC2, true); err != nil {
				return err
			}
		}
		if h, err = withClass(h); err != nil {
			return err
		}
		if h, err = dense(h, "enc.hidden", true); err != nil {
			return err
		}
		if n.mean, err = dense(h, "enc.mean", false); err != nil {
			return err
		}
		n.logvar, err = dense(h, "enc.logvar", false)
		return err
	}
	decode := func(z *G.Node) (err error) {
		if z, err = withClass(z); err != nil {
			return err
		}
		h, err := dense(z, "dec.hidden", true)
		if err != nil {
			return err
		}
		if cfg.Arch == ArchConv {
			if h, err = convT(h, "dec.convt1", d1, convC2, true); err != nil {
				return err
			}
			n.logits, err = convT(h, "dec.convt2", d2, convC1, false)
			return err
		}
		n.logits, err = dense(h, "dec.out", false)
		return err
	}

	var err error
	if n.classes = cfg.Condition; n.classes > 0 {
		n.y = input("y", &n.yBuf, n.classes)
	}
	switch kind {
	case netEncode:
		n.x = input("x", &n.xBuf, sh.Size())
		err = encode(n.x)
	case netDecode:
		n.z = input("z", &n.zBuf, cfg.Latent)
		if err = decode(n.z); err == nil {
			n.image, err = G.ApplyOp(imageOp{newBase("vae.image"), cfg.Loss == LossBCE}, n.logits)
		}
	case netTrain, netEval:
		n.x = input("x", &n.xBuf, sh.Size())
		n.eps = input("eps", &n.epsBuf, cfg.Latent)
		if err = encode(n.x); err != nil {
			break
		}
		var z *G.Node
		if z, err = G.ApplyOp(reparamOp{newBase("vae.reparam")}, n.mean, n.logvar, n.eps); err != nil {
			break
		}
		if err = decode(z); err != nil {
			break
		}
		n.st = &lossState{bce: cfg.Loss == LossBCE, beta: float32(cfg.Beta), n: batch}
		if n.loss, err = G.ApplyOp(lossOp{newBase("vae.loss"), n.st}, n.logits, n.x, n.mean, n.logvar); err != nil {
			break
		}
		if kind == netTrain {
			n.grads, err = G.Grad(n.loss, n.weights...)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("build %v graph: %w", kind, err)
	}
	n.vm = G.NewTapeMachine(n.g)
	return n, nil
}

// run executes the graph once. Values read from nodes afterwards are only
// valid until the next run.
func (n *net) run() error {
	err := n.vm.RunAll()
	n.vm.Reset()
	return err
}

// close releases the tape machine.
func (n *net) close() {
	if n.vm != nil {
		n.vm.Close()
	}
}

func nodeData(nd *G.Node) []float32 { return nd.Value().Data().([]float32) }
