// Package assets holds the files embedded in the binary: the application
// icon and the bundled pretrained model. It depends on nothing, so both the
// headless CLI and the desktop app can use it.
package assets

import _ "embed"

// IconPNG is the application icon, a 256x256 PNG.
//
//go:embed icon.png
var IconPNG []byte

// ModelVAE is the bundled pretrained model: the default 2-D VAE (mlp
// 784-512-2) trained by `make model` on ../shared/data/mnist-8k. It is a
// checkpoint in the format vae.Load reads.
//
//go:embed model.vae
var ModelVAE []byte

// ModelConvVAE is the bundled conv-architecture model (two convolutions,
// a 128-wide linear layer, L = 2), trained by `make model` the same way.
//
//go:embed model-conv.vae
var ModelConvVAE []byte

// Model returns the bundled checkpoint of an architecture ("mlp" or
// "conv"), or nil.
func Model(arch string) []byte {
	switch arch {
	case "mlp", "":
		return ModelVAE
	case "conv":
		return ModelConvVAE
	}
	return nil
}

// BundledName reports whether a --model value names a bundled model rather
// than a file: "bundled" (the mlp) or "bundled-conv"; it returns the
// architecture.
func BundledName(s string) (arch string, ok bool) {
	switch s {
	case "bundled", "bundled-mlp":
		return "mlp", true
	case "bundled-conv":
		return "conv", true
	}
	return "", false
}
