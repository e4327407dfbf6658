package vae

import (
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// Shaped is a model as image files meet it: the shape of its images and
// the configuration that says how its training images were made.
type Shaped interface {
	Image() Shape
	Config() Config
}

// InputTarget is how image files become inputs of m: its shape, and its
// preprocessing (digit, MNIST's way, for models that never chose). The
// CLI and the app make inputs this one way.
func InputTarget(m Shaped) imaging.Target {
	sh := m.Image()
	return imaging.TargetFor(sh.Side, sh.Channels, m.Config().Preprocess)
}

// FolderOptionsFor reads image folders as m reads images (see InputTarget).
func FolderOptionsFor(m Shaped) dataset.FolderOptions {
	t := InputTarget(m)
	return dataset.FolderOptions{Side: t.Side, Channels: t.Channels, Mode: t.Mode}
}
