// Package engine builds what the explorer works on, without any of its
// windows: the bundled models, models read from each kind of file (ours,
// PyTorch's safetensors) and written back, datasets by the names the
// training panel offers, training runs and images made model inputs. The
// desktop app and the browser build each make one Engine and hand it to
// the window (package ui), which knows it only through the interfaces it
// declares; ui's tests use the same Engine.
package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"vaeexplorer/vae/msg"

	"vaeexplorer/assets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/atomicfile"
	"vaeexplorer/vae/bundled"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
	"vaeexplorer/vae/onnx"
	"vaeexplorer/vae/torchio"
)

// Engine is the explorer's engine on package vae. The zero value works;
// downloads go to the user's cache unless Downloader says otherwise.
type Engine struct {
	Downloader dataset.Downloader
}

// NewModel is an untrained model of cfg.
func (e *Engine) NewModel(cfg vae.Config) (vae.Explorable, error) { return orNil(vae.NewModel(cfg)) }

// Bundled loads a fresh copy of the bundled model of a kind (see Bundles).
func (e *Engine) Bundled(kind string) (vae.Explorable, error) { return orNil(bundled.Arch(kind)) }

// Load reads a model file: a checkpoint, a safetensors file under
// PyTorch's names, or an ONNX decoder (with the *encoder*.onnx beside it,
// when there is one); a bundled model's name ("bundled-mlp") loads that.
func (e *Engine) Load(path string) (vae.Explorable, error) { return Open(path, "") }

// Open is Load with an ONNX decoder's encoder named ("": the one beside
// it, if any). The CLI and the app open models through it.
func Open(path, encoder string) (vae.Explorable, error) {
	if onnx.IsONNX(path) {
		if encoder != "" {
			return orNone(onnx.Open(path, encoder))
		}
		// An encoder found beside the decoder that does not fit it (another
		// model's) leaves the decoder alone, as if it were not there.
		if found := onnx.EncoderBeside(path); found != "" {
			if m, err := onnx.Open(path, found); err == nil {
				return m, nil
			}
		}
		return orNone(onnx.Open(path, ""))
	}
	if encoder != "" {
		return nil, fmt.Errorf("--encoder %s: only an ONNX decoder takes an encoder of its own", encoder)
	}
	return orNil(bundled.Open(path))
}

// FromBytes reads a model file's contents (the browser's picked and
// dropped files), name naming it in errors and saying its kind.
func (e *Engine) FromBytes(name string, data []byte) (vae.Explorable, error) {
	if onnx.IsONNX(name) {
		if len(data) > onnx.MaxFileBytes {
			return nil, fmt.Errorf("%s: %d MB, more than the limit of %d MB for a model file", name, len(data)>>20, onnx.MaxFileBytes>>20)
		}
		m, err := onnx.FromBytes(name, data, "", nil)
		if err != nil {
			return nil, err
		}
		return m, nil
	}
	return orNil(bundled.FromBytes(name, data))
}

// orNil keeps a failed load's nil model a nil interface.
func orNil(m *vae.Model, err error) (vae.Explorable, error) {
	if err != nil {
		return nil, err
	}
	return m, nil
}

// orNone keeps a failed ONNX load's nil model a nil interface.
func orNone(m *onnx.Model, err error) (vae.Explorable, error) {
	if err != nil {
		return nil, err
	}
	return m, nil
}

// own is m as this engine's model, or an error naming what was asked.
func own(m vae.Explorable, what string) (*vae.Model, error) {
	vm, ok := asModel(m)
	if !ok {
		return nil, fmt.Errorf("%s: this model cannot be written as a file of this app (it was not made by it)", what)
	}
	return vm, nil
}

// asModel is m as this app's model: itself, or the model under a
// conditional model's fixed class.
func asModel(m vae.Explorable) (*vae.Model, bool) {
	switch v := m.(type) {
	case *vae.Model:
		return v, true
	case *vae.Conditioned:
		return v.Model, true
	}
	return nil, false
}

// Save writes m's checkpoint to path atomically.
func (e *Engine) Save(m vae.Explorable, path string) error {
	vm, err := own(m, "save")
	if err != nil {
		return err
	}
	return vm.Save(path)
}

// SaveIfUnchanged is Save when path is still as it was (was), so another
// program's write meanwhile is not undone.
func (e *Engine) SaveIfUnchanged(m vae.Explorable, path string, was atomicfile.Version) error {
	vm, err := own(m, "save")
	if err != nil {
		return err
	}
	return vm.SaveIfUnchanged(path, was)
}

// Bytes is m as a file of ext: ".vae" (ours) or ".safetensors" (PyTorch's
// names), for a browser to download.
func (e *Engine) Bytes(m vae.Explorable, ext string) ([]byte, error) {
	vm, err := own(m, "download")
	if err != nil {
		return nil, err
	}
	switch ext {
	case ".vae":
		return vm.MarshalBinary()
	case ".safetensors":
		return torchio.Export(vm)
	}
	return nil, fmt.Errorf("download: no model format %s (want .vae or .safetensors)", msg.Quote(ext))
}

// ExportTorch writes m's weights as a safetensors file under PyTorch's
// names (see package torchio), atomically.
func (e *Engine) ExportTorch(m vae.Explorable, path string) error {
	vm, err := own(m, "export")
	if err != nil {
		return err
	}
	data, err := torchio.Export(vm)
	if err != nil {
		return err
	}
	return vae.WriteFileAtomic(path, data)
}

// Train starts training m with cfg on d; it runs until ctx ends.
func (e *Engine) Train(ctx context.Context, m vae.Explorable, cfg vae.Config, d *dataset.Data) (vae.TrainingRun, error) {
	vm, ok := asModel(m)
	if !ok {
		return nil, errors.New("this model cannot be trained here (it was not made by this app)")
	}
	t, err := vm.NewTrainer(cfg, d.Train, d.Test)
	if err != nil {
		return nil, err
	}
	t.Start(ctx)
	return t, nil
}

// Preprocess makes an image file an input of m, the way m's training
// images were made.
func (e *Engine) Preprocess(m vae.Explorable, path string) (*imaging.Input, error) {
	return imaging.PreprocessFileAs(path, vae.InputTarget(m))
}

// PreprocessData is Preprocess for an image file's contents (the
// browser's picked and dropped files), name naming it in errors.
func (e *Engine) PreprocessData(m vae.Explorable, name string, data []byte) (*imaging.Input, error) {
	if len(data) > imaging.MaxFileBytes {
		return nil, fmt.Errorf("%s: %w: %d MB file (limit %d MB)", name, imaging.ErrTooLarge, len(data)>>20, imaging.MaxFileBytes>>20)
	}
	in, err := imaging.PreprocessAs(data, vae.InputTarget(m))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return in, nil
}

// IsModelFile tells model files (ours, PyTorch's safetensors, ONNX) from
// images by name.
func IsModelFile(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".vae" || ext == ".safetensors" || ext == ".onnx"
}

// ModelExts are the endings of the model files Load reads.
var ModelExts = []string{".vae", ".safetensors", ".onnx"}

// Bundles are the bundled models, the default (the one the app opens
// first) first.
func (e *Engine) Bundles() []vae.Bundle {
	return []vae.Bundle{
		{Kind: assets.KindConv, Label: "Bundled model (conv, default)"},
		{Kind: assets.KindMLP, Label: "Bundled model (mlp)"},
		{Kind: assets.Kind8D, Label: "Bundled model (8-D)"},
	}
}

// BundledKind reports whether a model name given on the command line or
// remembered names a bundled model ("bundled", "bundled-mlp" …), and its
// kind.
func (e *Engine) BundledKind(name string) (string, bool) { return assets.BundledName(name) }
