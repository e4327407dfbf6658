package vae

import (
	"fmt"
	"math"
)

// Layout is one weight tensor of a configuration: its name and shape as
// the engine keeps it (see paramsLayout).
type Layout struct {
	Name  string
	Shape []int
}

// WeightLayout lists the weight tensors cfg's model has, in order.
func WeightLayout(cfg Config) []Layout {
	var out []Layout
	for _, t := range paramsLayout(cfg).List {
		out = append(out, Layout{t.Name, append([]int(nil), t.Shape...)})
	}
	return out
}

// NewModelWithWeights returns a model of cfg holding the given weights,
// one per WeightLayout entry by name, each of its shape's size and finite.
// It has no history and no held-out statistics.
func NewModelWithWeights(cfg Config, weights map[string][]float32) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := paramsLayout(cfg)
	for _, t := range p.List {
		w, ok := weights[t.Name]
		n := 1
		for _, d := range t.Shape {
			n *= d
		}
		switch {
		case !ok:
			return nil, fmt.Errorf("no weights for %s", t.Name)
		case len(w) != n:
			return nil, fmt.Errorf("%s: %d values, want %d (%v)", t.Name, len(w), n, t.Shape)
		}
		for _, v := range w {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%s holds %v", t.Name, v)
			}
		}
		t.Data = append([]float32(nil), w...)
	}
	if len(weights) != len(p.List) {
		return nil, fmt.Errorf("%d weight tensors, the model has %d", len(weights), len(p.List))
	}
	return newModel(cfg, p), nil
}

// ConvMap is the conv architecture's feature map between its convolutions
// and its fully connected layers for images of shape sh: height, width and
// channels, stored channels-last (index (y*W + x)*C + c).
func ConvMap(sh Shape) (h, w, c int) {
	_, e2, _, _, _ := convGeoms(sh)
	return e2.Ho, e2.Wo, convC2
}
