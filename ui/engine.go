package ui

import (
	"context"

	"vaeexplorer/vae"
	"vaeexplorer/vae/atomicfile"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// The window reaches the engine through the interfaces below, each
// declared by the part of the window that uses it; package app hands it
// one engine (vae/engine's) that has them all. What only some models can
// do (encode, store vectors, augment) is asserted where it is needed, by
// the small interfaces declared there.

// Model is the model being explored: a decoder that says what it is.
type Model = vae.Explorable

// Decoder turns latent points into images. The plane's decode worker and
// the grid need nothing more.
type Decoder interface {
	Latent() int
	// Image is the shape of the images it decodes (side, 1 or 3 channels).
	Image() vae.Shape
	DecodeInto(dst, z []float32) error
}

// modelStore makes, opens and writes models (the Model menu, the first
// model, the browser's picked files).
type modelStore interface {
	NewModel(cfg vae.Config) (Model, error)
	// Bundles are the bundled models, the default first; Bundled loads
	// one by kind, BundledKind tells a bundled model's name.
	Bundles() []vae.Bundle
	Bundled(kind string) (Model, error)
	BundledKind(name string) (kind string, ok bool)
	Load(path string) (Model, error)
	// FromBytes reads a model file's contents (ours, or safetensors when
	// name ends so).
	FromBytes(name string, data []byte) (Model, error)
	Save(m Model, path string) error
	SaveIfUnchanged(m Model, path string, was atomicfile.Version) error
	// Bytes is m as a file of ext (.vae, .safetensors) for a download;
	// ExportTorch writes it under PyTorch's names.
	Bytes(m Model, ext string) ([]byte, error)
	ExportTorch(m Model, path string) error
}

// dataTrainer loads datasets, makes new models and starts training runs
// (the Training controller).
type dataTrainer interface {
	NewModel(cfg vae.Config) (Model, error)
	// LoadData reads the dataset named (dataset.NameMNIST …), else folder
	// (idx files, or an image folder read with opt), reporting progress
	// in [0, 1].
	LoadData(ctx context.Context, name, folder string, opt dataset.FolderOptions, progress func(frac float64, what string)) (*dataset.Data, error)
	// Train starts training m on d; it runs until ctx ends.
	Train(ctx context.Context, m Model, cfg vae.Config, d *dataset.Data) (vae.TrainingRun, error)
}

// imageReader makes image files inputs of a model, the way its training
// images were made (opened and dropped images).
type imageReader interface {
	Preprocess(m Model, path string) (*imaging.Input, error)
	// PreprocessData is Preprocess for a file's contents, name naming it
	// in errors (the browser's picked and dropped files).
	PreprocessData(m Model, name string, data []byte) (*imaging.Input, error)
}

// Engine is everything the window does that is not drawing; app hands it
// vae/engine's.
type Engine interface {
	modelStore
	dataTrainer
	imageReader
}
