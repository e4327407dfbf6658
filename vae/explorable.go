package vae

import "vaeexplorer/vae/dataset"

// Explorable is what every model the explorer opens can do: decode latent
// codes into images of one shape, and say what it is (its configuration,
// held-out statistics and training history, any of them empty). *Model
// implements it. What only some models can do (encode, train, store
// vectors, save) is asserted by the code that needs it, through the small
// interfaces it declares, so a model that cannot gets a message rather
// than a crash.
type Explorable interface {
	Latent() int
	Image() Shape
	DecodeInto(dst, z []float32) error
	Decode(z []float32) ([]float32, error)
	Config() Config
	HeldOut() *HeldOut
	History() []EpochStats
}

// TrainingRun is a training job as its watchers see it: its events, and
// pausing. *Trainer implements it.
type TrainingRun interface {
	Events() <-chan Event
	Pause()
	Resume()
}

// Optional capabilities, with their contracts here.

// Snapshotter is a model that can hand a decoder a private copy of its
// weights (see DecoderSnapshot), so decoding never waits for training.
type Snapshotter interface {
	NewDecoderSnapshot() *DecoderSnapshot
}

// InteractionNoter is a model whose training makes room for the user
// while they interact (see Model.NoteInteraction).
type InteractionNoter interface {
	NoteInteraction()
}

// HeldOutMeasurer is a model that can measure its held-out statistics on
// a dataset of its shape (one imported without them).
type HeldOutMeasurer interface {
	MeasureHeldOut(test *dataset.Set) error
}

// Describer is a model that says in a line what it is, where the model
// card would otherwise describe this app's architectures (an ONNX
// model's graphs).
type Describer interface {
	Describe() string
}

var (
	_ Explorable       = (*Model)(nil)
	_ TrainingRun      = (*Trainer)(nil)
	_ Snapshotter      = (*Model)(nil)
	_ InteractionNoter = (*Model)(nil)
	_ HeldOutMeasurer  = (*Model)(nil)
)

// Bundle is a model that ships with the app: its kind, and how a menu
// names it.
type Bundle struct {
	Kind, Label string
}
