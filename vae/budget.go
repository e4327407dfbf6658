package vae

import "fmt"

// MaxTrainingBytes is the most memory a training run may need, by
// TrainingBytes' estimate; a larger model or batch is refused at the start
// rather than taking the machine's memory (conv with batch 4096 took 2.3
// GB, mlp with H = 8192 and batch 4096 1.6 GB).
const MaxTrainingBytes = 512 << 20

// TrainingBytes estimates the peak resident memory of training with c,
// fitted to measurements of the CLI (`/usr/bin/time -f %M vae-explorer
// train --limit 4096 ...`): a baseline, about thirteen copies of the
// parameters (weights, gradients, Adam's two moments, the published and
// snapshot copies, the saved checkpoint) and each batch image's
// activations and gradients. Measured against estimated (MB): mlp H=512
// b=128 100/103; mlp H=8192 b=128 661/734, b=4096 1610/1785; conv H=128
// b=1024 646/666, b=4096 2253/2418; conv H=8192 b=128 1447/1442.
func (c Config) TrainingBytes() int64 {
	var params int64
	for _, t := range paramsLayout(c).List {
		n := int64(1)
		for _, d := range t.Shape {
			n *= int64(d)
		}
		params += n
	}
	size := int64(c.Image().Size())
	perImage := 4 * (8*int64(c.Hidden) + 5*size)
	const factor = 13
	if c.Arch == ArchConv {
		// Measured at 28x28x1 (784 values); the activations grow with the
		// image.
		perImage = (580<<10)*size/784 + int64(4*8*c.Hidden)
	}
	return 60<<20 + params*4*factor + int64(c.Batch)*perImage
}

// checkTrainingMemory refuses a configuration whose training would need
// more than MaxTrainingBytes.
func (c Config) checkTrainingMemory() error {
	if n := c.TrainingBytes(); n > MaxTrainingBytes {
		// The largest power-of-two batch that fits, if one does.
		fit := c
		for fit.Batch = c.Batch / 2; fit.Batch >= 1 && fit.TrainingBytes() > MaxTrainingBytes; fit.Batch /= 2 {
		}
		hint := "use a smaller hidden size"
		if fit.Batch >= 1 {
			hint = fmt.Sprintf("batch %d fits (Batch under Hyper-parameters; --batch %d)", fit.Batch, fit.Batch)
		}
		return fmt.Errorf("training %s with batch %d would need about %d MB of memory, more than the %d MB allowed; %s",
			c.Shape(), c.Batch, n>>20, MaxTrainingBytes>>20, hint)
	}
	return nil
}
