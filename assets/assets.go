// Package assets holds the files embedded in the binary: the application
// icon and the bundled pretrained model. It depends on nothing, so both the
// headless CLI and the desktop app can use it.
package assets

import _ "embed"

// IconPNG is the application icon, a 256x256 PNG.
//
//go:embed icon.png
var IconPNG []byte

// ModelMLPVAE is the bundled 2-D mlp model (784-512-2) trained by `make
// model` on the 60,000 MNIST training images (held-out statistics from the
// 10,000 test images). It is a checkpoint in the format vae.Load reads.
//
//go:embed model-mlp.vae
var ModelMLPVAE []byte

// ModelConvVAE is the bundled conv-architecture model (two convolutions,
// a 128-wide linear layer, L = 2), trained by `make model` the same way:
// the default model, the better of the two 2-D models on held-out data.
//
//go:embed model-conv.vae
var ModelConvVAE []byte

// Model8DVAE is the bundled 8-dimensional model (mlp 784-512-8), trained
// by `make model` the same way: for the principal-component view and the
// per-dimension diagnostics.
//
//go:embed model-8d.vae
var Model8DVAE []byte

// Kinds of bundled model.
const (
	KindMLP  = "mlp"
	KindConv = "conv"
	Kind8D   = "8d"

	// KindDefault is the model the app opens first and the CLI's
	// commands use without --model.
	KindDefault = KindConv
)

// Model returns the bundled checkpoint of a kind (KindMLP, KindConv,
// Kind8D; "" is KindDefault), or nil.
func Model(kind string) []byte {
	if kind == "" {
		kind = KindDefault
	}
	switch kind {
	case KindMLP:
		return ModelMLPVAE
	case KindConv:
		return ModelConvVAE
	case Kind8D:
		return Model8DVAE
	}
	return nil
}

// BundledName reports whether a --model value names a bundled model rather
// than a file: "bundled" (the default, KindDefault), "bundled-mlp",
// "bundled-conv" or "bundled-8d"; it returns the kind.
func BundledName(s string) (kind string, ok bool) {
	switch s {
	case "bundled":
		return KindDefault, true
	case "bundled-mlp":
		return KindMLP, true
	case "bundled-conv":
		return KindConv, true
	case "bundled-8d":
		return Kind8D, true
	}
	return "", false
}
