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
