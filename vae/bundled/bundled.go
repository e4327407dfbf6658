// Package bundled opens the models shipped inside the binary, and model
// files, by the names the CLI's --model flag and the app both take: ""
// or "bundled" (the mlp), "bundled-conv", or a path.
package bundled

import (
	"fmt"

	"vaeexplorer/assets"
	"vaeexplorer/vae"
)

// Arch returns a fresh copy of the bundled model of an architecture
// (vae.ArchMLP or vae.ArchConv).
func Arch(arch string) (*vae.Model, error) {
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

// Open returns the bundled model name names, or loads the model file.
func Open(name string) (*vae.Model, error) {
	if name == "" {
		return Arch(vae.ArchMLP)
	}
	if arch, ok := assets.BundledName(name); ok {
		return Arch(arch)
	}
	return vae.Load(name)
}
