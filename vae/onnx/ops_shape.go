package onnx

import (
	"fmt"
)

// Operators that move values without arithmetic: shapes, axes, slices.

// axis normalises a possibly negative axis for a rank-r tensor.
func axis(a int64, r int) (int, error) {
	if a < 0 {
		a += int64(r)
	}
	if a < 0 || a >= int64(r) {
		return 0, fmt.Errorf("axis %d out of range for rank %d", a, r)
	}
	return int(a), nil
}

// like is a tensor of t's kind (float or integer) with shape and values
// taken from t by index.
func gatherValues(t *Tensor, shape []int, idx []int) *Tensor {
	if t.IsInt() {
		v := make([]int64, len(idx))
		for i, k := range idx {
			v[i] = t.I[k]
		}
		return intTensor(shape, v)
	}
	v := make([]float32, len(idx))
	for i, k := range idx {
		v[i] = t.F[k]
	}
	return floatTensor(shape, v)
}

func reshaped(t *Tensor, shape []int) *Tensor {
	if t.IsInt() {
		return intTensor(shape, t.I)
	}
	return floatTensor(shape, t.F)
}

func reshapeOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 2); err != nil {
		return nil, err
	}
	x, spec := in[0], in[1].ints()
	allowZero := n.int("allowzero", 0) != 0
	shape := make([]int, len(spec))
	infer, known := -1, 1
	for i, d := range spec {
		switch {
		case d == -1 && infer < 0:
			infer = i
			continue
		case d == 0 && !allowZero:
			if i >= len(x.Shape) {
				return nil, fmt.Errorf("Reshape to %v: a 0 beyond the input's rank", spec)
			}
			shape[i] = x.Shape[i]
		case d < 0:
			return nil, fmt.Errorf("Reshape to %v", spec)
		default:
			shape[i] = int(d)
		}
		known *= shape[i]
	}
	total := x.Len()
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return nil, fmt.Errorf("Reshape of %s to %v", shapeString(x.Shape), spec)
		}
		shape[infer] = total / known
	}
	if numel(shape) != total {
		return nil, fmt.Errorf("Reshape of %s (%d values) to %v", shapeString(x.Shape), total, spec)
	}
	return one(reshaped(x, shape))
}

func flattenOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	a := n.int("axis", 1)
	if a < 0 {
		a += int64(len(x.Shape))
	}
	if a < 0 || a > int64(len(x.Shape)) {
		return nil, fmt.Errorf("Flatten axis %d of %s", a, shapeString(x.Shape))
	}
	return one(reshaped(x, []int{numel(x.Shape[:a]), numel(x.Shape[a:])}))
}

func transposeOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	r := len(x.Shape)
	perm := make([]int, r)
	if p, ok := n.ints("perm"); ok {
		if len(p) != r {
			return nil, fmt.Errorf("Transpose perm %v for rank %d", p, r)
		}
		seen := make([]bool, r)
		for i, v := range p {
			if v < 0 || int(v) >= r || seen[v] {
				return nil, fmt.Errorf("Transpose perm %v", p)
			}
			perm[i], seen[v] = int(v), true
		}
	} else {
		for i := range perm {
			perm[i] = r - 1 - i
		}
	}
	out := make([]int, r)
	st := strides(x.Shape)
	ps := make([]int, r) // the input stride along each output dimension
	for i, p := range perm {
		out[i], ps[i] = x.Shape[p], st[p]
	}
	idx := make([]int, numel(out))
	forBroadcast(out, ps, make([]int, r), func(i, ia, _ int) { idx[i] = ia })
	return one(gatherValues(x, out, idx))
}

func concatOp(n *node, in []*Tensor) ([]*Tensor, error) {
	var parts []*Tensor
	for _, t := range in {
		if t != nil {
			parts = append(parts, t)
		}
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("Concat of nothing")
	}
	r := len(parts[0].Shape)
	ax, err := axis(n.int("axis", 0), r)
	if err != nil {
		return nil, err
	}
	out := append([]int(nil), parts[0].Shape...)
	out[ax] = 0
	isInt := parts[0].IsInt()
	for _, p := range parts {
		if len(p.Shape) != r {
			return nil, fmt.Errorf("Concat of ranks %d and %d", r, len(p.Shape))
		}
		for d := range r {
			if d != ax && p.Shape[d] != parts[0].Shape[d] {
				return nil, fmt.Errorf("Concat of %s and %s on axis %d", shapeString(parts[0].Shape), shapeString(p.Shape), ax)
			}
		}
		out[ax] += p.Shape[ax]
		isInt = isInt && p.IsInt()
	}
	outer, inner := numel(out[:ax]), numel(out[ax+1:])
	if isInt {
		v := make([]int64, 0, numel(out))
		for o := range outer {
			for _, p := range parts {
				k := p.Shape[ax] * inner
				v = append(v, p.I[o*k:(o+1)*k]...)
			}
		}
		return one(intTensor(out, v))
	}
	v := make([]float32, 0, numel(out))
	for o := range outer {
		for _, p := range parts {
			k := p.Shape[ax] * inner
			v = append(v, p.floats()[o*k:(o+1)*k]...)
		}
	}
	return one(floatTensor(out, v))
}

func sliceOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	r := len(x.Shape)
	var starts, ends, axes, steps []int64
	if n.opset < 10 {
		starts, _ = n.ints("starts")
		ends, _ = n.ints("ends")
		axes, _ = n.ints("axes")
	} else {
		if err := need(in, 3); err != nil {
			return nil, err
		}
		starts, ends = in[1].ints(), in[2].ints()
		if len(in) > 3 && in[3] != nil {
			axes = in[3].ints()
		}
		if len(in) > 4 && in[4] != nil {
			steps = in[4].ints()
		}
	}
	if len(ends) != len(starts) || (axes != nil && len(axes) != len(starts)) || (steps != nil && len(steps) != len(starts)) {
		return nil, fmt.Errorf("Slice: starts, ends, axes and steps of different lengths")
	}
	lo, step, count := make([]int, r), make([]int, r), append([]int(nil), x.Shape...)
	for d := range r {
		step[d] = 1
	}
	for i := range starts {
		a := int64(i)
		if axes != nil {
			a = axes[i]
		}
		d, err := axis(a, r)
		if err != nil {
			return nil, err
		}
		s := int64(1)
		if steps != nil {
			s = steps[i]
		}
		if s == 0 {
			return nil, fmt.Errorf("Slice with step 0")
		}
		dim := int64(x.Shape[d])
		clamp := func(v int64, lo, hi int64) int64 {
			if v < 0 {
				v += dim
			}
			return min(max(v, lo), hi)
		}
		var b, e int64
		if s > 0 {
			b, e = clamp(starts[i], 0, dim), clamp(ends[i], 0, dim)
		} else {
			b, e = clamp(starts[i], -1, dim-1), clamp(ends[i], -1, dim-1)
		}
		c := int64(0)
		if s > 0 && e > b {
			c = (e - b + s - 1) / s
		} else if s < 0 && b > e {
			c = (b - e - s - 1) / -s
		}
		lo[d], step[d], count[d] = int(b), int(s), int(c)
	}
	st := strides(x.Shape)
	base := 0
	ps := make([]int, r)
	for d := range r {
		base += lo[d] * st[d]
		ps[d] = step[d] * st[d]
	}
	idx := make([]int, numel(count))
	if len(idx) > 0 {
		forBroadcast(count, ps, make([]int, r), func(i, ia, _ int) { idx[i] = base + ia })
	}
	return one(gatherValues(x, count, idx))
}

func splitOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	ax, err := axis(n.int("axis", 0), len(x.Shape))
	if err != nil {
		return nil, err
	}
	var sizes []int64
	if n.opset < 13 {
		sizes, _ = n.ints("split")
	} else if len(in) > 1 && in[1] != nil {
		sizes = in[1].ints()
	}
	parts := len(n.out)
	if k := n.int("num_outputs", 0); k > 0 {
		parts = int(k)
	}
	dim := x.Shape[ax]
	if sizes == nil {
		if parts < 1 {
			return nil, fmt.Errorf("Split into %d parts", parts)
		}
		each := (dim + parts - 1) / parts
		for left := dim; left > 0; left -= each {
			sizes = append(sizes, int64(min(each, left)))
		}
	}
	total := int64(0)
	for _, s := range sizes {
		if s < 0 {
			return nil, fmt.Errorf("Split sizes %v", sizes)
		}
		total += s
	}
	if total != int64(dim) {
		return nil, fmt.Errorf("Split sizes %v of a dimension of %d", sizes, dim)
	}
	var out []*Tensor
	at := int64(0)
	for _, s := range sizes {
		sl, err := sliceOp(&node{protoNode: &protoNode{}, opset: 13}, []*Tensor{x, intTensor([]int{1}, []int64{at}), intTensor([]int{1}, []int64{at + s}), intTensor([]int{1}, []int64{int64(ax)})})
		if err != nil {
			return nil, err
		}
		out = append(out, sl[0])
		at += s
	}
	return out, nil
}

// axesOf reads Squeeze's and Unsqueeze's axes: an attribute before opset
// 13, an input from 13.
func axesOf(n *node, in []*Tensor) []int64 {
	if n.opset < 13 {
		a, _ := n.ints("axes")
		return a
	}
	if len(in) > 1 && in[1] != nil {
		return in[1].ints()
	}
	return nil
}

func squeezeOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	drop := make([]bool, len(x.Shape))
	axes := axesOf(n, in)
	for _, a := range axes {
		d, err := axis(a, len(x.Shape))
		if err != nil {
			return nil, err
		}
		if x.Shape[d] != 1 {
			return nil, fmt.Errorf("Squeeze of dimension %d of %s", d, shapeString(x.Shape))
		}
		drop[d] = true
	}
	var out []int
	for d, s := range x.Shape {
		if !(drop[d] || axes == nil && s == 1) {
			out = append(out, s)
		}
	}
	return one(reshaped(x, out))
}

func unsqueezeOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	axes := axesOf(n, in)
	r := len(x.Shape) + len(axes)
	ins := make([]bool, r)
	for _, a := range axes {
		d, err := axis(a, r)
		if err != nil {
			return nil, err
		}
		if ins[d] {
			return nil, fmt.Errorf("Unsqueeze axes %v repeat", axes)
		}
		ins[d] = true
	}
	out := make([]int, 0, r)
	k := 0
	for d := range r {
		if ins[d] {
			out = append(out, 1)
		} else {
			out = append(out, x.Shape[k])
			k++
		}
	}
	return one(reshaped(x, out))
}

func shapeOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	r := int64(len(in[0].Shape))
	start, end := n.int("start", 0), n.int("end", r)
	if start < 0 {
		start += r
	}
	if end < 0 {
		end += r
	}
	start, end = min(max(start, 0), r), min(max(end, 0), r)
	var v []int64
	for _, d := range in[0].Shape[start:max(start, end)] {
		v = append(v, int64(d))
	}
	return one(intTensor([]int{len(v)}, v))
}

func gatherOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 2); err != nil {
		return nil, err
	}
	x, ind := in[0], in[1].ints()
	if len(x.Shape) == 0 {
		return nil, fmt.Errorf("Gather from a scalar")
	}
	ax, err := axis(n.int("axis", 0), len(x.Shape))
	if err != nil {
		return nil, err
	}
	dim := x.Shape[ax]
	outer, inner := numel(x.Shape[:ax]), numel(x.Shape[ax+1:])
	out := append(append(append([]int(nil), x.Shape[:ax]...), in[1].Shape...), x.Shape[ax+1:]...)
	idx := make([]int, 0, numel(out))
	for o := range outer {
		for _, k := range ind {
			if k < 0 {
				k += int64(dim)
			}
			if k < 0 || k >= int64(dim) {
				return nil, fmt.Errorf("Gather index %d of a dimension of %d", k, dim)
			}
			for i := range inner {
				idx = append(idx, (o*dim+int(k))*inner+i)
			}
		}
	}
	return one(gatherValues(x, out, idx))
}

func constantOp(n *node, _ []*Tensor) ([]*Tensor, error) {
	if a, ok := n.attrs["value"]; ok && a.t != nil {
		return one(a.t)
	}
	if a, ok := n.attrs["value_float"]; ok {
		return one(floatTensor(nil, []float32{a.f}))
	}
	if a, ok := n.attrs["value_floats"]; ok {
		return one(floatTensor([]int{len(a.floats)}, a.floats))
	}
	if a, ok := n.attrs["value_int"]; ok {
		return one(intTensor(nil, []int64{a.i}))
	}
	if a, ok := n.attrs["value_ints"]; ok {
		return one(intTensor([]int{len(a.ints)}, a.ints))
	}
	return nil, fmt.Errorf("Constant without a value")
}

func constantOfShapeOp(n *node, in []*Tensor) ([]*Tensor, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	spec := in[0].ints()
	shape := make([]int, len(spec))
	total := 1
	for i, d := range spec {
		if d < 0 || d > maxElements {
			return nil, fmt.Errorf("ConstantOfShape %v", spec)
		}
		shape[i] = int(d)
		if total *= int(d); total > maxElements {
			return nil, fmt.Errorf("ConstantOfShape %v: too large", spec)
		}
	}
	if a, ok := n.attrs["value"]; ok && a.t != nil && a.t.Len() == 1 {
		if a.t.IsInt() {
			v := make([]int64, total)
			for i := range v {
				v[i] = a.t.I[0]
			}
			return one(intTensor(shape, v))
		}
		v := make([]float32, total)
		for i := range v {
			v[i] = a.t.F[0]
		}
		return one(floatTensor(shape, v))
	}
	return one(floatTensor(shape, make([]float32, total)))
}
