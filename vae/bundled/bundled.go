// Package bundled opens the models shipped inside the binary, and model
// files, by the names the CLI's --model flag and the app both take: ""
// or "bundled" (the default model, conv), "bundled-mlp", "bundled-conv",
// "bundled-8d", or a path to a
// checkpoint or a PyTorch safetensors file.
package bundled

import (
	"fmt"
	"strings"

	"vaeexplorer/assets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/torchio"
)

// Arch returns a fresh copy of the bundled model of a kind: an
// architecture (vae.ArchMLP or vae.ArchConv) or assets.Kind8D.
func Arch(kind string) (*vae.Model, error) {
	b := assets.Model(kind)
	if b == nil {
		return nil, fmt.Errorf("no bundled %s model", kind)
	}
	m, err := vae.UnmarshalModel(b)
	if err != nil {
		return nil, fmt.Errorf("the bundled %s model: %w", kind, err)
	}
	return m, nil
}

// Open returns the bundled model name names, or loads the model file: a
// checkpoint, or a safetensors file (see package torchio).
func Open(name string) (*vae.Model, error) {
	if name == "" {
		return Arch(assets.KindDefault)
	}
	if arch, ok := assets.BundledName(name); ok {
		return Arch(arch)
	}
	if torchio.IsSafetensors(name) {
		return torchio.Load(name)
	}
	return vae.Load(name)
}

// FromBytes reads a model file's contents: a safetensors file when name
// ends in .safetensors, else a checkpoint; name names it in errors.
func FromBytes(name string, data []byte) (*vae.Model, error) {
	if len(data) > vae.MaxCheckpointBytes {
		return nil, fmt.Errorf("%s: %d MB, more than the limit of %d MB for a model file", name, len(data)>>20, vae.MaxCheckpointBytes>>20)
	}
	var m *vae.Model
	var err error
	if strings.HasSuffix(strings.ToLower(name), ".safetensors") || torchio.LooksSafetensors(data) {
		m, err = torchio.Import(data)
	} else {
		m, err = vae.UnmarshalModel(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}
