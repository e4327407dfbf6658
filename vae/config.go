package vae

import (
	"errors"
	"fmt"
	"math"
)

// Image geometry: every model reads and writes 28x28 grey images, flattened
// row by row into 784 values in [0,1].
const (
	ImageSide = 28
	ImageSize = ImageSide * ImageSide
)

// Architectures.
const (
	ArchMLP = "mlp" // 784 -> H (ReLU) -> (mean, logvar); L -> H (ReLU) -> 784
	// ArchConv is the seed article's convolutional VAE: 28x28x1 -> conv 32
	// (3x3, stride 2) -> conv 64 (stride 2) -> 7x7x64 -> H (ReLU) ->
	// (mean, logvar); L -> 7x7x64 (ReLU) -> transposed conv 32 -> transposed
	// conv 1 -> 28x28 logits. ReLU after every hidden layer.
	ArchConv = "conv"
)

// Channels of the conv architecture's two convolution layers.
const (
	convC1 = 32
	convC2 = 64
)

// convGeoms are the conv architecture's layer geometries: the encoder's two
// convolutions, the 7x7 map between them and the fully connected layers
// (as e2's output), and the decoder's two transposed convolutions.
func convGeoms() (e1, e2 convGeom, mid int, d1, d2 convGeom) {
	e1 = newConvGeom(ImageSide, ImageSide, 1, 3, 2, 1)     // 28x28x1 -> 14x14x32
	e2 = newConvGeom(e1.Ho, e1.Wo, convC1, 3, 2, 1)        // 14x14x32 -> 7x7x64
	d1, _ = newConvTGeom(e2.Ho, e2.Wo, convC1, 3, 2, 1, 1) // 7x7x64 -> 14x14x32
	d2, _ = newConvTGeom(d1.H, d1.W, 1, 3, 2, 1, 1)        // 14x14x32 -> 28x28x1
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
		errs = append(errs, fmt.Errorf("unknown architecture %q (want %q or %q)", c.Arch, ArchMLP, ArchConv))
	}
	if c.Latent < 1 || c.Latent > MaxLatent {
		errs = append(errs, fmt.Errorf("latent size %d out of range 1..%d", c.Latent, MaxLatent))
	}
	if c.Hidden < 1 || c.Hidden > MaxHidden {
		errs = append(errs, fmt.Errorf("hidden size %d out of range 1..%d", c.Hidden, MaxHidden))
	}
	if c.Loss != LossBCE && c.Loss != LossMSE {
		errs = append(errs, fmt.Errorf("unknown loss %q (want %q or %q)", c.Loss, LossBCE, LossMSE))
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
	return errors.Join(errs...)
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
// "conv 32c-64c-128-2" (convolution channels, hidden width, latent size).
func (c Config) Shape() string {
	if c.Arch == ArchConv {
		return fmt.Sprintf("conv %dc-%dc-%d-%d", convC1, convC2, c.Hidden, c.Latent)
	}
	return fmt.Sprintf("%s %d-%d-%d", c.Arch, ImageSize, c.Hidden, c.Latent)
}
