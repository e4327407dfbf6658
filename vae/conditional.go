package vae

import (
	"errors"
	"fmt"
	"vaeexplorer/vae/msg"

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

// ReconErrors are the images' reconstruction errors given the class.
func (c *Conditioned) ReconErrors(images []float32) ([]float32, error) {
	return c.Model.ReconErrorsGiven(images, c.labels())
}

// Analyse analyses an image given its most likely class (not the fixed
// one: a dropped image keeps its own label), with its class scores and
// its style as every class.
func (c *Conditioned) Analyse(image []float32) (*Analysis, error) { return Analyse(c, image) }

// NewDecoderSnapshot is a snapshot decoding as the class.
func (c *Conditioned) NewDecoderSnapshot() *DecoderSnapshot {
	s := c.Model.NewDecoderSnapshot()
	s.labels = c.labels()
	return s
}

// classifyBlock is how many images ClassScores takes at a time (each is
// evaluated once per class).
const classifyBlock = 128

// ClassScores is, for a conditional model, each image's -ELBO given each
// class (n x Condition, nats), with z at the posterior's mean (no
// sampling: the same image always scores the same). The lowest is the
// most likely class, p(x | c) being bounded by it and the classes equally
// likely beforehand (classification by ELBO, as in Kingma et al. 2014).
func (m *Model) ClassScores(images []float32) ([]float64, error) {
	K := m.cfg.Condition
	if K == 0 {
		return nil, errors.New("the model is not conditional: it scores no classes")
	}
	if len(images)%m.size != 0 || len(images) == 0 {
		return nil, fmt.Errorf("classify: %w (%d values)", errShape, len(images))
	}
	n := len(images) / m.size
	out := make([]float64, n*K)
	rowsBuf := make([]float32, 0, classifyBlock*K*m.size)
	for i0 := 0; i0 < n; i0 += classifyBlock {
		b := min(classifyBlock, n-i0)
		rows := rowsBuf[:0]
		labels := make([]uint8, 0, b*K)
		for i := i0; i < i0+b; i++ {
			for c := range K {
				rows = append(rows, images[i*m.size:(i+1)*m.size]...)
				labels = append(labels, uint8(c))
			}
		}
		nr, src, err := m.floatRows(rows)
		if err != nil {
			return nil, err
		}
		rec, kl := make([]float32, nr), make([]float32, nr)
		if _, err := m.evaluateRows(nr, src, labels, zero, rec, kl); err != nil {
			return nil, fmt.Errorf("classify: %w", err)
		}
		for r := range nr {
			out[i0*K+r] = float64(rec[r]) + float64(kl[r])
		}
	}
	return out, nil
}

// MostLikely is the class with the lowest score of each row of scores
// (n x K).
func MostLikely(scores []float64, K int) []int {
	out := make([]int, len(scores)/K)
	for i := range out {
		row := scores[i*K : (i+1)*K]
		for c, v := range row {
			if v < row[out[i]] {
				out[i] = c
			}
		}
	}
	return out
}

// ParseClass reads a class as a user gives it (--class, a picker): its
// number, or its name among the model's class names (names, from the
// model's data), for a conditional model of K classes.
func ParseClass(s string, K int, names []string) (int, error) {
	if K == 0 {
		return 0, errors.New("the model is not conditional: a class applies to conditional models only (train one with --conditional)")
	}
	for i, n := range names {
		if i < K && n == s {
			return i, nil
		}
	}
	var c int
	if _, err := fmt.Sscanf(s, "%d", &c); err != nil || fmt.Sprint(c) != s {
		return 0, fmt.Errorf("class %q: give a number 0 to %d or a class name", clip(s), K-1)
	}
	if c < 0 || c >= K {
		return 0, fmt.Errorf("class %d: the model knows classes 0 to %d", c, K-1)
	}
	return c, nil
}

// clip is s cut to 40 characters for a message.
func clip(s string) string { return msg.Clip(s, 40) }

// Classification is an image's class by ELBO (ClassScores) and its code
// given that class.
type Classification struct {
	Scores       []float64 // -ELBO given each class, nats
	Class        int       // the most likely: the lowest score
	Mean, Logvar []float32 // its code given Class
}

// Classify scores one image (a conditional model's input) against every
// class and encodes it given the most likely one: how a dropped image, or
// an interpolation's end, gets its label when nobody gives one.
func (m *Model) Classify(image []float32) (*Classification, error) {
	scores, err := m.ClassScores(image)
	if err != nil {
		return nil, err
	}
	c := MostLikely(scores, m.cfg.Condition)[0]
	mean, logvar, err := m.EncodeGiven(image, []uint8{uint8(c)})
	if err != nil {
		return nil, err
	}
	return &Classification{Scores: scores, Class: c, Mean: mean, Logvar: logvar}, nil
}
