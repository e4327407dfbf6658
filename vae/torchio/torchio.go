// Package torchio moves models between this engine and PyTorch as
// safetensors files, under the state_dict names and tensor layouts of the
// PyTorch modules people use for these architectures:
//
//   - mlp: pytorch/examples' vae/main.py VAE (fc1 784->H, fc21 and fc22
//     H->L, fc3 L->H, fc4 H->784);
//   - conv: the seed article's VAE (encoder.0 and encoder.2 the
//     convolutions, encoder.5 the linear layer after Flatten, fc_mu,
//     fc_logvar, decoder.0 the linear layer before Unflatten to 64x7x7,
//     decoder.3 and decoder.5 the transposed convolutions).
//
// Tensors are float32 in PyTorch's layouts (Linear [out, in], Conv2d
// [out_c, in_c, kH, kW], ConvTranspose2d [in_c, out_c, kH, kW], feature
// maps flattened channels-first); the model's configuration is in the
// file's __metadata__. scripts/torch_vae.py is the PyTorch side.
package torchio

import (
	"fmt"

	"vaeexplorer/vae"
)

// kernel is the side of the conv architecture's filters.
const kernel = 3

// tensorMap says how one of our tensors becomes one of PyTorch's: its
// name there, its shape there, and where each of our values goes.
type tensorMap struct {
	ours, theirs string
	shape        []int
	// to maps our flat index to PyTorch's.
	to func(i int) int
}

// layer names: ours -> PyTorch's module prefix, per architecture.
var (
	mlpNames  = [][2]string{{"enc.hidden", "fc1"}, {"enc.mean", "fc21"}, {"enc.logvar", "fc22"}, {"dec.hidden", "fc3"}, {"dec.out", "fc4"}}
	convNames = [][2]string{{"enc.conv1", "encoder.0"}, {"enc.conv2", "encoder.2"}, {"enc.hidden", "encoder.5"}, {"enc.mean", "fc_mu"},
		{"enc.logvar", "fc_logvar"}, {"dec.hidden", "decoder.0"}, {"dec.convt1", "decoder.3"}, {"dec.convt2", "decoder.5"}}
	// A conditional conv model (scripts/torch_vae.py's ConvCVAE) joins
	// the class after the encoder's Flatten and before the decoder's
	// Unflatten, so those linear layers stand outside the Sequentials.
	condConvNames = [][2]string{{"enc.conv1", "encoder.0"}, {"enc.conv2", "encoder.2"}, {"enc.hidden", "encoder_fc"}, {"enc.mean", "fc_mu"},
		{"enc.logvar", "fc_logvar"}, {"dec.hidden", "decoder_fc"}, {"dec.convt1", "decoder.1"}, {"dec.convt2", "decoder.3"}}
)

// mapping lists every tensor of cfg's model with its PyTorch name, shape
// and index map.
func mapping(cfg vae.Config) ([]tensorMap, error) {
	names := mlpNames
	if cfg.Arch == vae.ArchConv {
		names = convNames
		if cfg.Conditional() {
			names = condConvNames
		}
	}
	prefix := map[string]string{}
	for _, n := range names {
		prefix[n[0]] = n[1]
	}
	// chw maps a channels-last index of an h x w x c map to channels-first.
	chw := func(h, w, c int) func(int) int {
		return func(i int) int { return i%c*h*w + i/c }
	}
	nchw := chw(vae.ConvMap(cfg.Image()))
	sh := cfg.Image()
	// The mlp's input and output are images, channels-first in PyTorch.
	image := chw(sh.Side, sh.Side, sh.Channels)
	ident := func(i int) int { return i }
	// upTo maps the first n indices with f and the rest (a conditional
	// model's one-hot class, joined after them) as they are.
	upTo := func(n int, f func(int) int) func(int) int {
		return func(i int) int {
			if i < n {
				return f(i)
			}
			return i
		}
	}
	K := cfg.Condition
	var out []tensorMap
	for _, l := range vae.WeightLayout(cfg) {
		layer, kind := l.Name[:len(l.Name)-2], l.Name[len(l.Name)-1:]
		p, ok := prefix[layer]
		if !ok {
			return nil, fmt.Errorf("no PyTorch name for layer %s", layer)
		}
		t := tensorMap{ours: l.Name, to: ident}
		switch {
		case kind == "b" && layer == "dec.hidden" && cfg.Arch == vae.ArchConv:
			t.theirs, t.shape, t.to = p+".bias", l.Shape, nchw
		case kind == "b" && layer == "dec.out":
			t.theirs, t.shape, t.to = p+".bias", l.Shape, image
		case kind == "b":
			t.theirs, t.shape = p+".bias", l.Shape
		case layer == "enc.conv1" || layer == "enc.conv2":
			// ours (K*K*Cin x Cout), rows (ky, kx, cin) -> [cout, cin, ky, kx]
			rows, cout := l.Shape[0], l.Shape[1]
			cin := rows / (kernel * kernel)
			t.theirs, t.shape = p+".weight", []int{cout, cin, kernel, kernel}
			t.to = func(i int) int {
				r, o := i/cout, i%cout
				k, c := r/cin, r%cin
				return (o*cin+c)*kernel*kernel + k
			}
		case layer == "dec.convt1" || layer == "dec.convt2":
			// ours (Cin x K*K*Cout), columns (ky, kx, cout) -> [cin, cout, ky, kx]
			cin, cols := l.Shape[0], l.Shape[1]
			cout := cols / (kernel * kernel)
			t.theirs, t.shape = p+".weight", []int{cin, cout, kernel, kernel}
			t.to = func(i int) int {
				ci, col := i/cols, i%cols
				k, o := col/cout, col%cout
				return (ci*cout+o)*kernel*kernel + k
			}
		default:
			// Linear: ours (in x out) -> [out, in]; the conv map's side
			// channels-first.
			in, outN := l.Shape[0], l.Shape[1]
			mapIn, mapOut := ident, ident
			if cfg.Arch == vae.ArchConv && layer == "enc.hidden" {
				mapIn = upTo(in-K, nchw)
			}
			if cfg.Arch == vae.ArchConv && layer == "dec.hidden" {
				mapOut = nchw
			}
			if cfg.Arch == vae.ArchMLP && layer == "enc.hidden" {
				mapIn = upTo(in-K, image)
			}
			if cfg.Arch == vae.ArchMLP && layer == "dec.out" {
				mapOut = image
			}
			t.theirs, t.shape = p+".weight", []int{outN, in}
			t.to = func(i int) int { return mapOut(i%outN)*in + mapIn(i/outN) }
		}
		out = append(out, t)
	}
	return out, nil
}
