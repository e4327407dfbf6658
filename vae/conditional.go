package vae

import (
	"errors"
	"fmt"

	"vaeexplorer/vae/dataset"
)

// Conditional models (a CVAE: Sohn et al. 2015; Kingma et al. 2014, M2)
// take a class with every image they encode and every code they decode:
// the one-hot label joins the encoder's features (the image for mlp; the
// flattened convolutions for conv) and z. The latent space then holds
// what the class does not say (a digit's style), and the class picks
// what is drawn. Every path that runs a graph fills its class input from
// labels: one per row, or one for all rows.

// ErrNeedsClass is the refusal of a conditional model asked to encode or
// decode without a class.
var ErrNeedsClass = errors.New("the model is conditional: give a class (the --class flag; the class picker in the app)")

// fillClasses writes the one-hot classes of rows off..off+b-1 into the
// net's class input: labels[off+k], or labels[0] for every row when it
// holds one. A net without a class input ignores labels.
func (n *net) fillClasses(labels []uint8, off, b int) error {
	if n.y == nil {
		return nil
	}
	if len(labels) == 0 {
		return ErrNeedsClass
	}
	K := n.classes
	clear(n.yBuf)
	for k := range n.batch {
		l := labels[0]
		if len(labels) > 1 {
			l = labels[off+min(k, b-1)] // padding rows repeat the last
		}
		if int(l) >= K {
			return fmt.Errorf("class %d: the model knows classes 0 to %d", l, K-1)
		}
		n.yBuf[k*K+int(l)] = 1
	}
	return nil
}

// checkLabels says when labels cannot go with n rows: a conditional model
// needs one label per row, or one for all, each below its class count.
func (m *Model) checkLabels(labels []uint8, n int) error {
	K := m.cfg.Condition
	if K == 0 {
		return nil
	}
	if len(labels) == 0 {
		return ErrNeedsClass
	}
	if len(labels) != 1 && len(labels) != n {
		return fmt.Errorf("%d classes for %d rows", len(labels), n)
	}
	for _, l := range labels {
		if int(l) >= K {
			return fmt.Errorf("class %d: the model knows classes 0 to %d", l, K-1)
		}
	}
	return nil
}

// labelsOf is a dataset's labels when the model is conditional (nil
// otherwise: an unconditional model ignores them).
func (m *Model) labelsOf(set *dataset.Set) []uint8 {
	if m.cfg.Condition == 0 {
		return nil
	}
	return set.Labels
}

// ConditionFor is the number of classes a conditional model of train
// takes: its class names' count, else its largest label plus one. Data
// of one class cannot condition anything and is refused.
func ConditionFor(train *dataset.Set) (int, error) {
	if train == nil || train.N == 0 {
		return 0, errors.New("a conditional model needs labelled training images")
	}
	k := len(train.Classes)
	for _, l := range train.Labels {
		k = max(k, int(l)+1)
	}
	seen := map[uint8]bool{}
	for _, l := range train.Labels {
		seen[l] = true
	}
	if len(seen) < 2 {
		return 0, errors.New("the training images are all of one class, so there is nothing to condition on: a conditional model needs labelled data (MNIST, Fashion-MNIST, or an image folder with a sub-folder per class)")
	}
	if k > MaxClasses {
		return 0, fmt.Errorf("%d classes: a conditional model takes at most %d", k, MaxClasses)
	}
	return k, nil
}

// Given is the model with its class fixed to class: what it decodes and
// encodes is of that class. Every other method is the model's (so a path
// that needs a class per image and was not given one says so rather than
// guessing).
func (m *Model) Given(class int) (*Conditioned, error) {
	if !m.cfg.Conditional() {
		return nil, fmt.Errorf("the model is not conditional: it takes no class")
	}
	if class < 0 || class >= m.cfg.Condition {
		return nil, fmt.Errorf("class %d: the model knows classes 0 to %d", class, m.cfg.Condition-1)
	}
	return &Conditioned{Model: m, Class: class}, nil
}

// Conditioned is a conditional model with its class fixed (Model.Given).
type Conditioned struct {
	*Model
	Class int
}

func (c *Conditioned) labels() []uint8 { return []uint8{uint8(c.Class)} }

// Decode decodes z (n x Latent) as the class.
func (c *Conditioned) Decode(z []float32) ([]float32, error) {
	return c.Model.DecodeGiven(z, c.labels())
}

// DecodeInto is Decode into dst.
func (c *Conditioned) DecodeInto(dst, z []float32) error {
	return c.Model.decodeInto(dst, z, c.labels())
}

// Encode encodes images as the class.
func (c *Conditioned) Encode(images []float32) (mean, logvar []float32, err error) {
	return c.Model.EncodeGiven(images, c.labels())
}

// NewDecoderSnapshot is a snapshot decoding as the class.
func (c *Conditioned) NewDecoderSnapshot() *DecoderSnapshot {
	s := c.Model.NewDecoderSnapshot()
	s.labels = c.labels()
	return s
}
