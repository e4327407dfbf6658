package vae

import (
	"fmt"
	"math"
	"math/rand"
	"vaeexplorer/vae/msg"
)

// Tensor is a named float32 array in row-major order. Model weights are
// Tensors; gorgonia nodes are bound to their Data without copying, so an
// optimiser step on a node updates the Tensor in place.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32

	fanIn int // inputs per output of its layer, for initialisation
}

// Params are a model's weights in a fixed order (the order checkpoints store
// and the optimiser steps them in).
type Params struct {
	List []*Tensor
}

// newParams allocates the weights for cfg, all zero.
func newParams(cfg Config) *Params {
	p := paramsLayout(cfg)
	for _, t := range p.List {
		t.Data = make([]float32, t.Len())
	}
	return p
}

// Len is the number of values the tensor's shape holds.
func (t *Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// paramsLayout returns the names and shapes of cfg's weights, with no data.
func paramsLayout(cfg Config) *Params {
	p := &Params{}
	layer := func(name string, rows, cols, bias, fanIn int) {
		p.List = append(p.List, &Tensor{Name: name + ".w", Shape: []int{rows, cols}, fanIn: fanIn},
			&Tensor{Name: name + ".b", Shape: []int{bias}, fanIn: fanIn})
	}
	add := func(name string, in, out int) { layer(name, in, out, out, in) }
	// A conditional model's one-hot label joins the encoder's features
	// (after the convolutions' flatten) and z: K more inputs each.
	K := cfg.Condition
	switch cfg.Arch {
	case ArchConv:
		// Filters as the ops in conv.go take them; fan-ins as PyTorch
		// counts them (a transposed convolution's is Cout*K*K).
		e1, e2, mid, d1, d2 := convGeoms(cfg.Image())
		add("enc.conv1", e1.patchSize(), convC1)
		add("enc.conv2", e2.patchSize(), convC2)
		add("enc.hidden", mid+K, cfg.Hidden)
		add("enc.mean", cfg.Hidden, cfg.Latent)
		add("enc.logvar", cfg.Hidden, cfg.Latent)
		add("dec.hidden", cfg.Latent+K, mid)
		layer("dec.convt1", convC2, d1.patchSize(), convC1, d1.patchSize())
		layer("dec.convt2", convC1, d2.patchSize(), d2.C, d2.patchSize())
	case ArchMLP:
		add("enc.hidden", cfg.Image().Size()+K, cfg.Hidden)
		add("enc.mean", cfg.Hidden, cfg.Latent)
		add("enc.logvar", cfg.Hidden, cfg.Latent)
		add("dec.hidden", cfg.Latent+K, cfg.Hidden)
		add("dec.out", cfg.Hidden, cfg.Image().Size())
	}
	return p
}

// Get returns the tensor called name, or nil.
func (p *Params) Get(name string) *Tensor {
	for _, t := range p.List {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Count is the number of scalar weights.
func (p *Params) Count() int {
	n := 0
	for _, t := range p.List {
		n += len(t.Data)
	}
	return n
}

// initUniform fills every layer as PyTorch's nn.Linear and nn.Conv2d do by
// default: weight and bias uniform in (-1/sqrt(fanIn), 1/sqrt(fanIn)).
func (p *Params) initUniform(rng *rand.Rand) {
	for _, t := range p.List {
		if t.fanIn < 1 {
			panic(fmt.Sprintf("vae: tensor %s has no fan-in", t.Name))
		}
		bound := 1 / math.Sqrt(float64(t.fanIn))
		for i := range t.Data {
			t.Data[i] = float32((rng.Float64()*2 - 1) * bound)
		}
	}
}

// Clone returns a deep copy.
func (p *Params) Clone() *Params {
	q := &Params{List: make([]*Tensor, len(p.List))}
	for i, t := range p.List {
		q.List[i] = &Tensor{Name: t.Name, Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...), fanIn: t.fanIn}
	}
	return q
}

// CopyFrom copies src's values into p, which must have the same layout.
func (p *Params) CopyFrom(src *Params) {
	for i, t := range p.List {
		copy(t.Data, src.List[i].Data)
	}
}

// sameLayout reports whether q has p's names and shapes, in order.
func (p *Params) sameLayout(q *Params) error {
	if len(p.List) != len(q.List) {
		return fmt.Errorf("%d tensors, want %d", len(q.List), len(p.List))
	}
	for i, t := range p.List {
		u := q.List[i]
		if t.Name != u.Name {
			return fmt.Errorf("tensor %d is %s, want %q", i, msg.Quote(u.Name), t.Name)
		}
		if fmt.Sprint(t.Shape) != fmt.Sprint(u.Shape) {
			return fmt.Errorf("tensor %s has shape %v, want %v", t.Name, u.Shape, t.Shape)
		}
	}
	return nil
}

// allFinite reports the first tensor holding a NaN or infinity.
func (p *Params) allFinite() error {
	for _, t := range p.List {
		for i, v := range t.Data {
			if math.Float32bits(v)&0x7f800000 == 0x7f800000 { // exponent all ones: Inf or NaN
				return fmt.Errorf("weight %s[%d] is %v", t.Name, i, v)
			}
		}
	}
	return nil
}
