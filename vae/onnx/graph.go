// Package onnx opens models exported to ONNX (torch.onnx.export, Keras,
// JAX) and runs them on the engine's kernels: a reader of the protobuf
// wire format of its own (no protobuf module) and an interpreter of the
// operators VAEs and DCGAN-style generators use.
package onnx

import (
	"fmt"
	"sort"
	"strings"

	"vaeexplorer/vae"
)

// Opsets read: torch exports 9 to 17; the operators here follow the specs
// from 7 on, both forms where an opset changed one (Squeeze, Unsqueeze,
// Split and Slice take attributes before 13 (10 for Slice), inputs after).
const minOpset, maxOpset = 7, 21

// Graph is an ONNX model ready to run.
type Graph struct {
	Inputs  []Value // the inputs a caller gives (not the weights)
	Outputs []Value
	Opset   int64
	// Producer is the program that wrote the file ("pytorch", …).
	Producer string

	consts map[string]*Tensor // initializers and Constant nodes' values
	steps  []step
	// last[name] is the index of the last step reading name: its value is
	// dropped after it, so a run holds only what is still needed.
	last map[string]int
	// root[name] is the value whose buffer name's value shares (itself,
	// or the value an aliasing operator's chain starts from; "" for a
	// weight's, a Constant's or an input's buffer).
	root map[string]string
	pool bufPool
}

// Value is a graph input's or output's name and shape; a dimension of -1
// is left open by the file (usually the batch).
type Value struct {
	Name string
	Dims []int
}

type step struct {
	n  *protoNode
	fn opFunc
	// reuse[k]: input k's buffer is read by nothing after this step, so
	// the operator may write its output into it.
	reuse []bool
	// frees are the roots whose buffers nothing reads after this step:
	// they go back to the pool unless the step's output holds them.
	frees []string
	// toConv: the step's output is read by one Conv alone, as its data.
	toConv bool
}

// opFunc runs one node on its inputs (nil for an omitted optional one).
type opFunc func(n *node, in []*Tensor) ([]*Tensor, error)

// node is what an operator reads of its node: attributes, the opset and
// which inputs' buffers it may overwrite.
type node struct {
	*protoNode
	opset  int64
	reuse  []bool
	pool   *bufPool
	toConv bool
}

// canReuse reports whether input k's buffer may hold the output.
func (n *node) canReuse(k int) bool { return k < len(n.reuse) && n.reuse[k] }

// aliasing operators return a value sharing their first input's buffer.
var aliasing = map[string]bool{"Reshape": true, "Flatten": true, "Squeeze": true, "Unsqueeze": true, "Identity": true, "Dropout": true}

// Read parses an ONNX model file's bytes and checks that it can run:
// every operator supported, every value produced before it is read, no
// cycle. Errors say what is wrong in one line.
func Read(b []byte) (*Graph, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("the file is empty")
	}
	m, err := parseModel(b)
	if err != nil {
		return nil, fmt.Errorf("not a readable ONNX model: %w", err)
	}
	opset, ok := m.opsets[""]
	if !ok {
		opset = minOpset
	}
	if opset < minOpset || opset > maxOpset {
		return nil, fmt.Errorf("it uses ONNX opset %d; opsets %d to %d are supported (torch.onnx.export(…, opset_version=17))", opset, minOpset, maxOpset)
	}
	g := &Graph{Opset: opset, Producer: clip(m.producer), consts: map[string]*Tensor{}, last: map[string]int{}}
	pg := m.graph
	for i, t := range pg.inits {
		g.consts[pg.initNames[i]] = t
	}
	for _, v := range pg.inputs {
		if _, isWeight := g.consts[v.name]; !isWeight {
			g.Inputs = append(g.Inputs, Value{v.name, v.dims})
		}
	}
	for _, v := range pg.outputs {
		g.Outputs = append(g.Outputs, Value{v.name, v.dims})
	}
	if len(g.Inputs) == 0 || len(g.Outputs) == 0 {
		return nil, fmt.Errorf("the graph has %d inputs and %d outputs; a model needs at least one of each", len(g.Inputs), len(g.Outputs))
	}
	for _, n := range pg.nodes {
		fn := ops[n.op]
		if fn == nil || n.domain != "" {
			what := n.op
			if n.domain != "" {
				what = n.domain + "." + n.op
			}
			return nil, fmt.Errorf("operator %s (node %q) is not supported; supported: %s", clip(what), clip(n.name), strings.Join(Supported(), ", "))
		}
	}
	order, err := topoSort(pg.nodes, g)
	if err != nil {
		return nil, err
	}
	for i, n := range order {
		g.steps = append(g.steps, step{n: n, fn: ops[n.op]})
		for _, in := range n.in {
			g.last[in] = i
		}
	}
	for _, o := range g.Outputs {
		g.last[o.Name] = len(order) // outputs are kept
	}
	g.planReuse()
	return g, nil
}

// planReuse marks the inputs whose buffers a step may overwrite: values
// computed by the graph (not weights, not the caller's inputs), read by
// nothing later, directly or through a value sharing their buffer (a
// Reshape's output), and read once by the step.
func (g *Graph) planReuse() {
	root := map[string]string{}
	for _, s := range g.steps {
		for _, o := range s.n.out {
			root[o] = o
			if s.n.op == "Constant" {
				root[o] = "" // its value is the node's attribute, shared by every run
				continue
			}
			if aliasing[s.n.op] && len(s.n.in) > 0 {
				if r, ok := root[s.n.in[0]]; ok {
					root[o] = r
				} else {
					root[o] = "" // a weight's or an input's buffer: never reused
				}
			}
		}
	}
	lastUse := map[string]int{}
	for v, r := range root {
		if l, ok := g.last[v]; ok {
			lastUse[r] = max(lastUse[r], l)
		}
	}
	g.root = root
	g.markConvReaders()
	for r, l := range lastUse {
		if r != "" && l < len(g.steps) { // outputs' last use is past the steps: kept
			g.steps[l].frees = append(g.steps[l].frees, r)
		}
	}
	for i := range g.steps {
		s := &g.steps[i]
		s.reuse = make([]bool, len(s.n.in))
		for k, in := range s.n.in {
			r, computed := root[in]
			if !computed || r == "" || lastUse[r] > i {
				continue
			}
			once := true
			for j, other := range s.n.in {
				if j != k && other == in {
					once = false
				}
			}
			s.reuse[k] = once
		}
	}
}

// Supported lists the operators the interpreter runs.
func Supported() []string {
	names := make([]string, 0, len(ops))
	for k := range ops {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// topoSort orders nodes so each runs after what it reads (Kahn's
// algorithm); a value nothing produces, or a cycle, is an error.
func topoSort(nodes []*protoNode, g *Graph) ([]*protoNode, error) {
	producer := map[string]int{}
	for i, n := range nodes {
		for _, o := range n.out {
			if o == "" {
				continue
			}
			if _, dup := producer[o]; dup {
				return nil, fmt.Errorf("value %q is produced twice", clip(o))
			}
			producer[o] = i
		}
	}
	known := map[string]bool{"": true}
	for name := range g.consts {
		known[name] = true
	}
	for _, v := range g.Inputs {
		known[v.Name] = true
	}
	waiting := make([]int, len(nodes))
	readers := map[int][]int{}
	for i, n := range nodes {
		for _, in := range n.in {
			if known[in] {
				continue
			}
			p, ok := producer[in]
			if !ok {
				return nil, fmt.Errorf("node %q (%s) reads %q, which no node, input or weight provides", clip(n.name), n.op, clip(in))
			}
			waiting[i]++
			readers[p] = append(readers[p], i)
		}
	}
	var ready, order []int
	for i := range nodes {
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(ready) > 0 {
		i := ready[0]
		ready = ready[1:]
		order = append(order, i)
		for _, r := range readers[i] {
			if waiting[r]--; waiting[r] == 0 {
				ready = append(ready, r)
			}
		}
	}
	if len(order) != len(nodes) {
		return nil, fmt.Errorf("the graph has a cycle (%d of its %d nodes depend on each other)", len(nodes)-len(order), len(nodes))
	}
	for _, o := range g.Outputs {
		if _, ok := producer[o.Name]; !ok && !known[o.Name] {
			return nil, fmt.Errorf("output %q is not produced by any node", clip(o.Name))
		}
	}
	out := make([]*protoNode, len(order))
	for k, i := range order {
		out[k] = nodes[i]
	}
	return out, nil
}

// Run computes the graph's outputs from inputs (by name). It keeps no
// state between runs: a Graph may run on several goroutines at once.
func (g *Graph) Run(inputs map[string]*Tensor) (map[string]*Tensor, error) {
	vals := make(map[string]*Tensor, len(g.consts)+len(inputs))
	for k, v := range g.consts {
		vals[k] = v
	}
	for _, v := range g.Inputs {
		t, ok := inputs[v.Name]
		if !ok {
			return nil, fmt.Errorf("input %q not given", v.Name)
		}
		if numel(t.Shape) != t.Len() || (len(v.Dims) > 0 && len(t.Shape) != len(v.Dims)) { // no declared shape: any
			return nil, fmt.Errorf("input %q: shape %s for a %d-D input", v.Name, shapeString(t.Shape), len(v.Dims))
		}
		for i, d := range v.Dims {
			if d >= 0 && t.Shape[i] != d {
				return nil, fmt.Errorf("input %q: shape %s, the model wants %s", v.Name, shapeString(t.Shape), shapeString(v.Dims))
			}
		}
		vals[v.Name] = t
	}
	defer vae.OneBLASThread()()
	in := make([]*Tensor, 0, 8)
	owned := map[string][]float32{} // each computed root's buffer
	for i, s := range g.steps {
		in = in[:0]
		for _, name := range s.n.in {
			if name == "" {
				in = append(in, nil)
				continue
			}
			in = append(in, vals[name])
		}
		out, err := s.fn(&node{s.n, g.Opset, s.reuse, &g.pool, s.toConv}, in)
		if err != nil {
			return nil, fmt.Errorf("node %q (%s): %w", clip(s.n.name), s.n.op, err)
		}
		for k, name := range s.n.out {
			if k < len(out) && name != "" {
				vals[name] = out[k]
				if g.root[name] == name && out[k] != nil {
					owned[name] = out[k].F
				}
			}
		}
		for _, name := range s.n.in {
			if g.last[name] == i {
				if _, isConst := g.consts[name]; !isConst {
					delete(vals, name)
				}
			}
		}
		g.recycle(s.frees, owned, vals)
	}
	res := make(map[string]*Tensor, len(g.Outputs))
	for _, o := range g.Outputs {
		res[o.Name] = vals[o.Name]
	}
	return res, nil
}

// recycle gives the pool the buffers of roots nothing reads any more,
// unless a live value still holds one (an operator's output written into
// its input, or a view the aliasing table does not know of).
func (g *Graph) recycle(roots []string, owned map[string][]float32, vals map[string]*Tensor) {
	for _, r := range roots {
		b := owned[r]
		delete(owned, r)
		if len(b) == 0 {
			continue
		}
		live := false
		for _, v := range vals {
			if v != nil && (sameBuffer(v.F, b) || v.up2 != nil && sameBuffer(v.up2.F, b)) {
				live = true
				break
			}
		}
		if !live {
			g.pool.put(b)
		}
	}
}

// markConvReaders marks the steps whose one output is read by a single
// Conv step alone, as its data (not a graph output): a nearest 2x
// upsampling there need not be written out (resizeOp, convUp2).
func (g *Graph) markConvReaders() {
	outputs := map[string]bool{}
	for _, o := range g.Outputs {
		outputs[o.Name] = true
	}
	reads, asData := map[string]int{}, map[string]bool{}
	for _, s := range g.steps {
		for k, name := range s.n.in {
			reads[name]++
			asData[name] = s.n.op == "Conv" && k == 0
		}
	}
	for i := range g.steps {
		s := &g.steps[i]
		if len(s.n.out) == 1 && !outputs[s.n.out[0]] {
			o := s.n.out[0]
			s.toConv = reads[o] == 1 && asData[o]
		}
	}
}
