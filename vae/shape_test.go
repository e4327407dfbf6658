package vae

// The tests' models read MNIST's shape unless they say otherwise.
const (
	mnistSide = DefaultSide
	mnistSize = DefaultSide * DefaultSide
)
