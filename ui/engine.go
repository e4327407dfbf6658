package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vaeexplorer/vae"
	"vaeexplorer/vae/atomicfile"
	"vaeexplorer/vae/bundled"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
	"vaeexplorer/vae/torchio"
)

// Decoder turns latent points into images. The plane's decode worker and
// the grid need nothing more.
type Decoder interface {
	Latent() int
	// Image is the shape of the images it decodes (side, 1 or 3 channels).
	Image() vae.Shape
	DecodeInto(dst, z []float32) error
}

// Model is what the explorer needs of a VAE. *vae.Model implements it.
type Model interface {
	Decoder
	Decode(z []float32) ([]float32, error)
	Encode(images []float32) (mean, logvar []float32, err error)
	ReconErrors(images []float32) ([]float32, error)
	// Analyse encodes and reconstructs one image; RankByError orders
	// images by reconstruction error (the CLI does the same).
	Analyse(image []float32) (*vae.Analysis, error)
	RankByError(images []float32, top int) (*vae.Ranking, error)
	// LogLikelihood is the IWAE estimate of -log p(x) with k samples.
	LogLikelihood(ctx context.Context, images []float32, k int, seed int64, progress func(done, total int)) (vae.Likelihood, error)
	// Save writes the model's checkpoint atomically; NewTrainer prepares
	// to train it.
	Save(path string) error
	SaveIfUnchanged(path string, was atomicfile.Version) error
	NewTrainer(cfg vae.Config, train, test *dataset.Set) (*vae.Trainer, error)
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

// Data is a loaded dataset: training and held-out images and a name; for
// an image folder, what reading it found.
type Data struct {
	Name        string
	Train, Test *dataset.Set
	Report      *dataset.FolderReport
}

// Dataset choices in the training panel.
const (
	DataMNIST   = "MNIST (download)"
	DataFashion = "Fashion-MNIST"
	DataFolder  = "Folder…"
	// In the browser: the datasets the server that served the page offers
	// (vae-explorer serve).
	DataServerMNIST   = "MNIST (from the server)"
	DataServerFashion = "Fashion-MNIST (from the server)"
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
	// ExportTorch writes m's weights as a safetensors file under PyTorch's
	// names (see package torchio).
	ExportTorch(m Model, path string) error
	// ModelBytes is m as a file of ext: ".vae" (ours) or ".safetensors"
	// (PyTorch's names), for a browser to download.
	ModelBytes(m Model, ext string) ([]byte, error)
	// LoadData reads the dataset named by choice (DataMNIST, DataFashion,
	// or DataFolder with folder: idx files, or an image folder read with
	// opt), reporting progress in [0, 1].
	LoadData(ctx context.Context, choice, folder string, opt dataset.FolderOptions, progress func(frac float64, what string)) (*Data, error)
	// Train starts training m on d. The trainer runs until ctx ends.
	Train(ctx context.Context, m Model, cfg vae.Config, d *Data) (Trainer, error)
	// Preprocess makes an image file an input of m's shape, the way m's
	// training images were made.
	Preprocess(m Model, path string) (*imaging.Input, error)
	// PreprocessData is Preprocess for an image file's contents (the
	// browser's picked and dropped files), name naming it in errors.
	PreprocessData(m Model, name string, data []byte) (*imaging.Input, error)
	// ModelFromBytes reads a model file's contents (ours, or safetensors
	// when name ends so).
	ModelFromBytes(name string, data []byte) (Model, error)
}

// VAEEngine is the Engine of package vae. Downloads go to the user's cache.
type VAEEngine struct {
	Downloader dataset.Downloader
}

var _ Engine = (*VAEEngine)(nil)

func (e *VAEEngine) NewModel(cfg vae.Config) (Model, error) { return vae.NewModel(cfg) }

func (e *VAEEngine) Bundled(arch string) (Model, error) {
	m, err := bundled.Arch(arch)
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (e *VAEEngine) Load(path string) (Model, error) {
	m, err := bundled.Open(path)
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (e *VAEEngine) Save(m Model, path string) error { return m.Save(path) }

func (e *VAEEngine) ExportTorch(m Model, path string) error {
	vm, ok := m.(*vae.Model)
	if !ok {
		return fmt.Errorf("export: not a model of this engine")
	}
	data, err := torchio.Export(vm)
	if err != nil {
		return err
	}
	return vae.WriteFileAtomic(path, data)
}

func (e *VAEEngine) ModelBytes(m Model, ext string) ([]byte, error) {
	vm, ok := m.(*vae.Model)
	if !ok {
		return nil, fmt.Errorf("download: not a model of this engine")
	}
	switch ext {
	case ".vae":
		return vm.MarshalBinary()
	case ".safetensors":
		return torchio.Export(vm)
	}
	return nil, fmt.Errorf("download: no model format %q (want .vae or .safetensors)", ext)
}

func (e *VAEEngine) LoadData(ctx context.Context, choice, folder string, opt dataset.FolderOptions, progress func(float64, string)) (*Data, error) {
	var name string
	switch choice {
	case DataFolder:
		if folder == "" {
			return nil, errors.New("choose a folder first: one holding the four MNIST-format idx files, or images (in class sub-folders, or train/ and test/ with them)")
		}
	case DataFashion, DataServerFashion:
		name, folder = dataset.NameFashion, ""
	case DataMNIST, DataServerMNIST:
		name, folder = dataset.NameMNIST, ""
	default:
		return nil, fmt.Errorf("unknown dataset %q", choice)
	}
	d := e.Downloader // a copy: its folder options are this call's
	d.Folder = opt
	var report *dataset.FolderReport
	d.OnFolder = func(r *dataset.FolderReport) { report = r }
	train, test, label, err := d.Open(ctx, folder, name, func(done, total int64, file string) {
		if file == "images" {
			progress(float64(done)/float64(total), fmt.Sprintf("Reading images: %d of %d", done, total))
			return
		}
		progress(float64(done)/float64(total), fmt.Sprintf("Downloading %s: %.1f of %.1f MB", file, float64(done)/1e6, float64(total)/1e6))
	})
	if err != nil {
		if report != nil && len(report.Skipped) > 0 {
			return nil, fmt.Errorf("%w\n%s", err, skippedList(report))
		}
		return nil, err
	}
	return &Data{Name: label, Train: train, Test: test, Report: report}, nil
}

// skippedList names up to 10 skipped files with their reasons.
func skippedList(r *dataset.FolderReport) string {
	var b strings.Builder
	for i, s := range r.Skipped {
		if i == 10 {
			fmt.Fprintf(&b, "… and %d more", len(r.Skipped)-10)
			break
		}
		fmt.Fprintf(&b, "%s: %s\n", s.Path, s.Reason)
	}
	return strings.TrimSpace(b.String())
}

func (e *VAEEngine) Train(ctx context.Context, m Model, cfg vae.Config, d *Data) (Trainer, error) {
	t, err := m.NewTrainer(cfg, d.Train, d.Test)
	if err != nil {
		return nil, err
	}
	t.Start(ctx)
	return t, nil
}

func (e *VAEEngine) Preprocess(m Model, path string) (*imaging.Input, error) {
	return imaging.PreprocessFileAs(path, targetOf(m))
}

func (e *VAEEngine) PreprocessData(m Model, name string, data []byte) (*imaging.Input, error) {
	if len(data) > imaging.MaxFileBytes {
		return nil, fmt.Errorf("%s: %w: %d MB file (limit %d MB)", name, imaging.ErrTooLarge, len(data)>>20, imaging.MaxFileBytes>>20)
	}
	in, err := imaging.PreprocessAs(data, targetOf(m))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return in, nil
}

func (e *VAEEngine) ModelFromBytes(name string, data []byte) (Model, error) {
	m, err := bundled.FromBytes(name, data)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// targetOf is how m's inputs are made from image files.
func targetOf(m Model) imaging.Target {
	sh := m.Image()
	return imaging.TargetFor(sh.Side, sh.Channels, m.Config().Preprocess)
}
