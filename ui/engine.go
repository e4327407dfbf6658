package ui

import (
	"context"
	"errors"
	"fmt"

	"vaeexplorer/assets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// Decoder turns latent points into images. The plane's decode worker and
// the grid need nothing more.
type Decoder interface {
	Latent() int
	DecodeInto(dst, z []float32) error
}

// Model is what the explorer needs of a VAE. *vae.Model implements it.
type Model interface {
	Decoder
	Decode(z []float32) ([]float32, error)
	Encode(images []float32) (mean, logvar []float32, err error)
	ReconErrors(images []float32) ([]float32, error)
	HeldOut() *vae.HeldOut
	Config() vae.Config
	History() []vae.EpochStats
	// Concept vectors: stored ones, and those computed from class means
	// (held-out statistics) or from pixel attributes of a dataset.
	Vectors() []vae.Vector
	SetVector(v vae.Vector) error
	ClassVector(from, to uint8) (vae.Vector, error)
	AttributeVector(attr string, set *dataset.Set) (vae.Vector, error)
	FolderVector(name string, from, to []float32) (vae.Vector, error)
	// Augment decodes new labelled images around set's class codes.
	Augment(ctx context.Context, set *dataset.Set, opt vae.AugmentOptions, progress func(done, total int)) (*dataset.Set, error)
}

// Trainer is a running training job. *vae.Trainer implements it.
type Trainer interface {
	Events() <-chan vae.Event
	Pause()
	Resume()
	Paused() bool
	Done() <-chan struct{}
}

// Data is a loaded dataset: training and held-out images and a name.
type Data struct {
	Name        string
	Train, Test *dataset.Set
}

// Dataset choices in the training panel.
const (
	DataMNIST   = "MNIST (download)"
	DataFashion = "Fashion-MNIST"
	DataFolder  = "Folder…"
)

// Engine is everything the explorer does that is not drawing: models,
// data, training, image files. VAEEngine implements it with package vae;
// the explorer's windows depend only on this interface.
type Engine interface {
	NewModel(cfg vae.Config) (Model, error)
	// Bundled loads the bundled model of an architecture (vae.ArchMLP or
	// vae.ArchConv).
	Bundled(arch string) (Model, error)
	Load(path string) (Model, error)
	Save(m Model, path string) error
	// LoadData reads the dataset named by choice (DataMNIST, DataFashion,
	// or DataFolder with folder), reporting progress in [0, 1].
	LoadData(ctx context.Context, choice, folder string, progress func(frac float64, what string)) (*Data, error)
	// Train starts training m on d. The trainer runs until ctx ends.
	Train(ctx context.Context, m Model, cfg vae.Config, d *Data) (Trainer, error)
	// Preprocess reads an image file as a model input.
	Preprocess(path string) (*imaging.Input, error)
}

// VAEEngine is the Engine of package vae. Downloads go to the user's cache.
type VAEEngine struct {
	Downloader dataset.Downloader
}

var _ Engine = (*VAEEngine)(nil)

func (e *VAEEngine) NewModel(cfg vae.Config) (Model, error) { return vae.NewModel(cfg) }

func (e *VAEEngine) Bundled(arch string) (Model, error) {
	b := assets.Model(arch)
	if b == nil {
		return nil, fmt.Errorf("no bundled %s model", arch)
	}
	m, err := vae.UnmarshalModel(b)
	if err != nil {
		return nil, fmt.Errorf("the bundled %s model: %w", arch, err)
	}
	return m, nil
}

func (e *VAEEngine) Load(path string) (Model, error) { return vae.Load(path) }

func (e *VAEEngine) Save(m Model, path string) error {
	vm, ok := m.(*vae.Model)
	if !ok {
		return errors.New("this model cannot be saved")
	}
	return vm.Save(path)
}

func (e *VAEEngine) LoadData(ctx context.Context, choice, folder string, progress func(float64, string)) (*Data, error) {
	var src dataset.Source
	switch choice {
	case DataFolder:
		if folder == "" {
			return nil, errors.New("choose a folder holding the four MNIST-format idx files first")
		}
		train, test, err := dataset.LoadDir(folder)
		if err != nil {
			return nil, err
		}
		return &Data{Name: folder, Train: train, Test: test}, nil
	case DataFashion:
		if dir := dataset.FindFashion(); dir != "" {
			train, test, err := dataset.LoadDir(dir)
			if err != nil {
				return nil, err
			}
			return &Data{Name: "fashion", Train: train, Test: test}, nil
		}
		src = dataset.Fashion
	case DataMNIST:
		src = dataset.MNIST
	default:
		return nil, fmt.Errorf("unknown dataset %q", choice)
	}
	dir, err := e.Downloader.Fetch(ctx, src, func(done, total int64, file string) {
		progress(float64(done)/float64(total), fmt.Sprintf("Downloading %s: %.1f of %.1f MB", file, float64(done)/1e6, float64(total)/1e6))
	})
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", src.Name, err)
	}
	train, test, err := dataset.LoadDir(dir)
	if err != nil {
		return nil, err
	}
	return &Data{Name: src.Name, Train: train, Test: test}, nil
}

func (e *VAEEngine) Train(ctx context.Context, m Model, cfg vae.Config, d *Data) (Trainer, error) {
	vm, ok := m.(*vae.Model)
	if !ok {
		return nil, errors.New("this model cannot be trained")
	}
	t, err := vae.NewTrainer(vm, cfg, d.Train, d.Test)
	if err != nil {
		return nil, err
	}
	t.Start(ctx)
	return t, nil
}

func (e *VAEEngine) Preprocess(path string) (*imaging.Input, error) {
	return imaging.PreprocessFile(path)
}
