package vae

import (
	"errors"
	"fmt"
	"math"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/msg"
)

// Image shapes. A model reads and writes square images of Side x Side
// pixels with Channels values each (1: grey, 3: RGB), flattened row by row
// with the channels of a pixel together (channels last), values in [0,1].
// MNIST's 28x28 grey is the default and what configurations and
// checkpoints without a shape mean.
const (
	DefaultSide     = 28
	DefaultChannels = 1
	MinSide         = 8
	MaxSide         = 128
)

// Shape is an image shape: side and channels.
type Shape struct {
	Side, Channels int
}

// Size is the number of values in one image.
func (s Shape) Size() int { return s.Side * s.Side * s.Channels }

// String is "28x28x1".
func (s Shape) String() string { return fmt.Sprintf("%dx%dx%d", s.Side, s.Side, s.Channels) }

// DefaultShape is MNIST's 28x28 grey.
var DefaultShape = Shape{DefaultSide, DefaultChannels}

// Architectures.
const (
	ArchMLP = "mlp" // 784 -> H (ReLU) -> (mean, logvar); L -> H (ReLU) -> 784
	// ArchConv is the seed article's convolutional VAE, for any side S
	// divisible by 4 and C channels: SxSxC -> conv 32 (3x3, stride 2) ->
	// conv 64 (stride 2) -> S/4xS/4x64 -> H (ReLU) -> (mean, logvar);
	// L -> S/4xS/4x64 (ReLU) -> transposed conv 32 -> transposed conv C ->
	// SxSxC logits. ReLU after every hidden layer.
	ArchConv = "conv"
)

// Channels of the conv architecture's two convolution layers.
const (
	convC1 = 32
	convC2 = 64
)

// convGeoms are the conv architecture's layer geometries for images of
// shape sh (side divisible by 4): the encoder's two convolutions, the
// S/4 x S/4 map between them and the fully connected layers (as e2's
// output), and the decoder's two transposed convolutions.
func convGeoms(sh Shape) (e1, e2 convGeom, mid int, d1, d2 convGeom) {
	e1 = newConvGeom(sh.Side, sh.Side, sh.Channels, 3, 2, 1)  // 28x28x1 -> 14x14x32
	e2 = newConvGeom(e1.Ho, e1.Wo, convC1, 3, 2, 1)           // 14x14x32 -> 7x7x64
	d1, _ = newConvTGeom(e2.Ho, e2.Wo, convC1, 3, 2, 1, 1)    // 7x7x64 -> 14x14x32
	d2, _ = newConvTGeom(d1.H, d1.W, sh.Channels, 3, 2, 1, 1) // 14x14x32 -> 28x28x1
	return e1, e2, e2.patches() * convC2, d1, d2
}

// DefaultHidden is the default width of arch's fully connected hidden
// layer: 512 for mlp, 128 for conv.
func DefaultHidden(arch string) int {
	if arch == ArchConv {
		return 128
	}
	return 512
}

// Reconstruction losses.
const (
	LossBCE = "bce" // binary cross-entropy on logits, summed over pixels
	LossMSE = "mse" // squared error, summed over pixels
)

// Limits on model sizes. They bound what a checkpoint may declare, too.
const (
	MaxLatent = 64
	MaxHidden = 8192
	MaxBatch  = 4096
	// MaxClasses and MaxClassName bound the class names a model keeps
	// (an image folder's, shortened to fit when read).
	MaxClasses   = dataset.MaxClasses
	MaxClassName = dataset.MaxClassName
)

// Config describes a model and how it is trained. The zero value is not
// valid; start from DefaultConfig.
type Config struct {
	Arch   string  `json:"arch"`
	Latent int     `json:"latent"` // L, size of z
	Hidden int     `json:"hidden"` // H, width of the hidden layers
	Loss   string  `json:"loss"`   // LossBCE or LossMSE
	Beta   float64 `json:"beta"`   // weight of the KL term
	Warmup int     `json:"warmup"` // epochs of linear KL warm-up (0: none)
	LR     float64 `json:"lr"`     // Adam learning rate
	// LRDecay decays the learning rate from LR to 0 along a half cosine
	// over each training run's steps.
	LRDecay bool  `json:"lr_decay,omitempty"`
	Batch   int   `json:"batch"`
	Epochs  int   `json:"epochs"`
	Seed    int64 `json:"seed"`
	// Dataset names what the model was trained on ("mnist", a folder, ...);
	// informational.
	Dataset string `json:"dataset,omitempty"`
	// Side and Channels are the image shape (0: DefaultSide,
	// DefaultChannels, as in files written before shapes existed).
	Side     int `json:"side,omitempty"`
	Channels int `json:"channels,omitempty"`
	// Preprocess is how images become inputs (imaging.ModeDigit or
	// ModeResize; "" is digit, MNIST's way): dropped images are made the
	// way the training images were.
	Preprocess string `json:"preprocess,omitempty"`
	// Classes names the labels of the data it was trained on, when the
	// data named them (an image folder's class folders); the legend shows
	// them.
	Classes []string `json:"classes,omitempty"`
	// Condition is the number of classes the model is conditioned on (a
	// conditional VAE: the one-hot label joins the encoder's features
	// and z); 0 for an unconditional model, as in files written before.
	Condition int `json:"condition,omitempty"`
	// Attributes names the binary attributes of the data it was trained
	// on (an attribute file's, CelebA's format), nil when it had none.
	Attributes []string `json:"attributes,omitempty"`
}

// ClassNames are the names of the model's labels: its own (an image
// folder's classes), else those of the dataset it names (Fashion-MNIST's,
// else digits).
func (c Config) ClassNames() []string {
	if c.Classes != nil {
		return c.Classes
	}
	return dataset.ClassNames(c.Dataset)
}

// Conditional reports whether the model takes a class with every image
// and every code.
func (c Config) Conditional() bool { return c.Condition > 0 }

// Image is the image shape the model reads and writes.
func (c Config) Image() Shape {
	s := Shape{c.Side, c.Channels}
	if s.Side == 0 {
		s.Side = DefaultSide
	}
	if s.Channels == 0 {
		s.Channels = DefaultChannels
	}
	return s
}

// WithImage returns c set to read and write images of shape s (the
// default shape is stored as zeros, so configurations that never chose one
// compare equal).
func (c Config) WithImage(s Shape) Config {
	c.Side, c.Channels = s.Side, s.Channels
	if s == DefaultShape {
		c.Side, c.Channels = 0, 0
	}
	return c
}

// DefaultConfig is the default model: mlp 784-512-2, BCE, beta 1, Adam 1e-3,
// batch 128, 10 epochs, seed 1.
func DefaultConfig() Config {
	return Config{Arch: ArchMLP, Latent: 2, Hidden: 512, Loss: LossBCE, Beta: 1,
		LR: 1e-3, Batch: 128, Epochs: 10, Seed: 1}
}

// Validate reports the first thing wrong with c, in words a user can act on.
func (c Config) Validate() error {
	var errs []error
	if c.Arch != ArchMLP && c.Arch != ArchConv {
		errs = append(errs, fmt.Errorf("unknown architecture %s (want %q or %q)", msg.Quote(c.Arch), ArchMLP, ArchConv))
	}
	if c.Latent < 1 || c.Latent > MaxLatent {
		errs = append(errs, fmt.Errorf("latent size %d out of range 1..%d", c.Latent, MaxLatent))
	}
	if c.Hidden < 1 || c.Hidden > MaxHidden {
		errs = append(errs, fmt.Errorf("hidden size %d out of range 1..%d", c.Hidden, MaxHidden))
	}
	if c.Loss != LossBCE && c.Loss != LossMSE {
		errs = append(errs, fmt.Errorf("unknown loss %s (want %q or %q)", msg.Quote(c.Loss), LossBCE, LossMSE))
	}
	if !(c.Beta >= 0 && c.Beta <= 1000) {
		errs = append(errs, fmt.Errorf("beta %g out of range 0..1000", c.Beta))
	}
	if c.Warmup < 0 {
		errs = append(errs, fmt.Errorf("warm-up %d epochs is negative", c.Warmup))
	}
	if !(c.LR > 0 && c.LR < 10) {
		errs = append(errs, fmt.Errorf("learning rate %g must be in (0, 10)", c.LR))
	}
	if c.Batch < 1 || c.Batch > MaxBatch {
		errs = append(errs, fmt.Errorf("batch size %d out of range 1..%d", c.Batch, MaxBatch))
	}
	if c.Epochs < 0 {
		errs = append(errs, fmt.Errorf("epochs %d is negative", c.Epochs))
	}
	if err := c.Image().Check(c.Arch); err != nil {
		errs = append(errs, err)
	}
	if c.Preprocess != "" && c.Preprocess != "digit" && c.Preprocess != "resize" {
		errs = append(errs, fmt.Errorf("preprocessing %s: want digit or resize", msg.Quote(c.Preprocess)))
	}
	if c.Condition != 0 && (c.Condition < 2 || c.Condition > MaxClasses) {
		errs = append(errs, fmt.Errorf("conditioned on %d classes: a conditional model takes 2 to %d", c.Condition, MaxClasses))
	}
	if len(c.Attributes) > dataset.MaxAttributes {
		errs = append(errs, fmt.Errorf("%d attribute names, more than %d", len(c.Attributes), dataset.MaxAttributes))
	}
	for _, n := range c.Attributes {
		if len(n) > MaxClassName {
			errs = append(errs, fmt.Errorf("attribute name %.20q… is longer than %d bytes", n, MaxClassName))
			break
		}
	}
	if len(c.Classes) > MaxClasses {
		errs = append(errs, fmt.Errorf("%d class names, more than %d", len(c.Classes), MaxClasses))
	}
	for _, n := range c.Classes {
		if len(n) > MaxClassName {
			errs = append(errs, fmt.Errorf("class name %.20q… is longer than %d bytes", n, MaxClassName))
			break
		}
	}
	return errors.Join(errs...)
}

// Check says what is wrong with s as the image shape of an architecture.
func (s Shape) Check(arch string) error {
	switch {
	case s.Side < MinSide || s.Side > MaxSide:
		return fmt.Errorf("image side %d out of range %d..%d", s.Side, MinSide, MaxSide)
	case s.Channels != 1 && s.Channels != 3:
		return fmt.Errorf("%d channels: images have 1 (grey) or 3 (colour)", s.Channels)
	case arch == ArchConv && s.Side%4 != 0:
		return fmt.Errorf("image side %d: the conv architecture needs a side divisible by 4 (e.g. %d or %d)", s.Side, s.Side/4*4, s.Side/4*4+4)
	}
	return nil
}

// betaAt is the KL weight during epoch (0-based) with linear warm-up: it
// rises from beta/Warmup in the first epoch to beta at epoch Warmup-1.
func (c Config) betaAt(epoch int) float64 {
	if c.Warmup <= 0 || epoch >= c.Warmup {
		return c.Beta
	}
	return c.Beta * float64(epoch+1) / float64(c.Warmup)
}

// lrAt is the learning rate at step (0-based) of a run of total steps.
func (c Config) lrAt(step, total int) float64 {
	if !c.LRDecay || total <= 0 {
		return c.LR
	}
	return c.LR * 0.5 * (1 + math.Cos(math.Pi*float64(step)/float64(total)))
}

// Shape describes the layers in a few characters: "mlp 784-512-2",
// "conv 32c-64c-128-2" (convolution channels, hidden width, latent size),
// with the image shape after them when it is not 28x28x1
// ("conv 32c-64c-128-2 on 32x32x3").
func (c Config) Shape() string {
	s := fmt.Sprintf("%s %d-%d-%d", c.Arch, c.Image().Size(), c.Hidden, c.Latent)
	if c.Arch == ArchConv {
		s = fmt.Sprintf("conv %dc-%dc-%d-%d", convC1, convC2, c.Hidden, c.Latent)
	}
	if c.Image() != DefaultShape {
		s += " on " + c.Image().String()
	}
	if c.Conditional() {
		s += fmt.Sprintf(", given 1 of %d classes", c.Condition)
	}
	return s
}
