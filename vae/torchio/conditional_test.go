package torchio

import (
	"math"
	"math/rand"
	"reflect"
	"slices"
	"testing"

	"github.com/nlpodyssey/safetensors"

	"vaeexplorer/vae"
)

// oneHot is class c of K as floats.
func oneHot(c, K int) []float64 {
	v := make([]float64, K)
	v[c] = 1
	return v
}

// torchCVAEForward is scripts/torch_vae.py's CVAE and ConvCVAE forward
// passes on the exported tensors, from PyTorch's definitions: the class
// joins the (flattened) encoder features and z by torch.cat.
func torchCVAEForward(p map[string][]float64, arch string, sh vae.Shape, x, z []float64, c, K int) (mean, image []float64) {
	y := oneHot(c, K)
	if arch == vae.ArchMLP {
		h := relu(linear(p["fc1.weight"], p["fc1.bias"], append(slices.Clone(x), y...)))
		mean = linear(p["fc21.weight"], p["fc21.bias"], h)
		d := relu(linear(p["fc3.weight"], p["fc3.bias"], append(slices.Clone(z), y...)))
		return mean, sigmoid(linear(p["fc4.weight"], p["fc4.bias"], d))
	}
	S, q := sh.Side, sh.Side/4
	h1, a, b := conv2d(p["encoder.0.weight"], p["encoder.0.bias"], x, sh.Channels, S, S, 32)
	h2, _, _ := conv2d(p["encoder.2.weight"], p["encoder.2.bias"], relu(h1), 32, a, b, 64)
	h := relu(linear(p["encoder_fc.weight"], p["encoder_fc.bias"], append(relu(h2), y...)))
	mean = linear(p["fc_mu.weight"], p["fc_mu.bias"], h)
	d := relu(linear(p["decoder_fc.weight"], p["decoder_fc.bias"], append(slices.Clone(z), y...)))
	d1 := relu(convT2d(p["decoder.1.weight"], p["decoder.1.bias"], d, 64, q, q, 32))
	return mean, sigmoid(convT2d(p["decoder.3.weight"], p["decoder.3.bias"], d1, 32, 2*q, 2*q, sh.Channels))
}

// A conditional model's export runs in PyTorch's CVAE modules as it runs
// here, for every class; it imports back the same, with and without the
// metadata.
func TestConditionalExportImport(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for _, c := range []struct {
		arch string
		sh   vae.Shape
	}{{vae.ArchMLP, vae.DefaultShape}, {vae.ArchConv, vae.DefaultShape}, {vae.ArchConv, vae.Shape{Side: 16, Channels: 3}}} {
		cfg := vae.DefaultConfig().WithImage(c.sh)
		cfg.Arch, cfg.Hidden, cfg.Latent, cfg.Condition = c.arch, 12, 3, 4
		m, err := vae.NewModel(cfg)
		if err != nil {
			t.Fatal(err)
		}
		data, err := Export(m)
		if err != nil {
			t.Fatal(err)
		}
		p := torchTensors(t, data)
		x := make([]float32, c.sh.Size())
		x64 := make([]float64, c.sh.Size())
		for i := range x {
			x[i] = float32(rng.Float64())
			x64[toCHW(c.sh, i)] = float64(x[i])
		}
		z := []float32{0.3, -1.2, 0.8}
		z64 := []float64{0.3, -1.2, 0.8}
		for _, k := range []int{0, 3} {
			wantMean, wantImg := torchCVAEForward(p, c.arch, c.sh, x64, z64, k, 4)
			mean, _, err := m.EncodeGiven(x, []uint8{uint8(k)})
			if err != nil {
				t.Fatal(err)
			}
			img, err := m.DecodeGiven(z, []uint8{uint8(k)})
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range mean {
				if math.Abs(float64(v)-float64(float32(wantMean[i]))) > 1e-4 {
					t.Fatalf("%s %v class %d: mean[%d] %v, PyTorch semantics %v", c.arch, c.sh, k, i, v, wantMean[i])
				}
			}
			for i, v := range img {
				if w := wantImg[toCHW(c.sh, i)]; math.Abs(float64(v)-w) > 1e-4 {
					t.Fatalf("%s %v class %d: value %d %v, PyTorch semantics %v", c.arch, c.sh, k, i, v, w)
				}
			}
		}
		back, err := Import(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back.Config(), m.Config()) {
			t.Fatalf("config %+v, want %+v", back.Config(), m.Config())
		}
		a, _ := m.DecodeGiven(z, []uint8{2})
		b, _ := back.DecodeGiven(z, []uint8{2})
		if !slices.Equal(a, b) {
			t.Fatalf("%s: the imported model decodes otherwise", c.arch)
		}
		st, _ := safetensors.Deserialize(data)
		views := map[string]safetensors.TensorView{}
		for _, nt := range st.Tensors() {
			views[nt.Name] = nt.TensorView
		}
		bare, _ := safetensors.Serialize(views, nil)
		inferred, err := Import(bare)
		if err != nil {
			t.Fatal(err)
		}
		if got := inferred.Config(); got.Condition != 4 || got.Arch != c.arch || got.Image() != c.sh || got.Latent != 3 {
			t.Fatalf("inferred %+v", got)
		}
	}
}
