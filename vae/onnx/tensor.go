package onnx

import (
	"fmt"
	"strings"
)

// Tensor is a value in the graph: float32 values in F, or integers (shapes,
// indices, axes) in I, laid out row-major (NCHW for images) under Shape.
type Tensor struct {
	Shape []int
	F     []float32
	I     []int64
	// up2, when set, is the value's source: the value is up2 upsampled
	// twice along both axes by nearest neighbour, left unwritten for the
	// convolution that alone reads it (see convUp2); F is written when
	// anything else asks.
	up2 *Tensor
}

// Len is the number of values.
func (t *Tensor) Len() int {
	if t.up2 != nil {
		return numel(t.Shape)
	}
	if t.F != nil {
		return len(t.F)
	}
	return len(t.I)
}

// IsInt reports whether t holds integers.
func (t *Tensor) IsInt() bool { return t.F == nil && t.I != nil }

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func shapeString(s []int) string {
	p := make([]string, len(s))
	for i, d := range s {
		p[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(p, " ") + "]"
}

// floats is t's values as float32 (integers converted).
func (t *Tensor) floats() []float32 {
	if t.up2 != nil && t.F == nil {
		t.F = upsample2(t.up2)
	}
	if t.F != nil || t.I == nil {
		return t.F
	}
	f := make([]float32, len(t.I))
	for i, v := range t.I {
		f[i] = float32(v)
	}
	return f
}

// ints is t's values as integers (floats truncated).
func (t *Tensor) ints() []int64 {
	if t.I != nil || t.F == nil {
		return t.I
	}
	v := make([]int64, len(t.F))
	for i, f := range t.F {
		v[i] = int64(f)
	}
	return v
}

func floatTensor(shape []int, f []float32) *Tensor {
	if f == nil {
		f = []float32{}
	}
	return &Tensor{Shape: shape, F: f}
}

func intTensor(shape []int, v []int64) *Tensor {
	if v == nil {
		v = []int64{}
	}
	return &Tensor{Shape: shape, I: v}
}

// strides of a row-major shape.
func strides(shape []int) []int {
	s := make([]int, len(shape))
	k := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = k
		k *= shape[i]
	}
	return s
}
