package torchio

import (
	"encoding/binary"
	"errors"
	"math"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/nlpodyssey/safetensors"

	"vaeexplorer/vae"
)

func randomModel(t *testing.T, arch string, hidden, latent int) *vae.Model {
	t.Helper()
	return randomModelOf(t, arch, hidden, latent, vae.DefaultShape)
}

func randomModelOf(t *testing.T, arch string, hidden, latent int, sh vae.Shape) *vae.Model {
	t.Helper()
	cfg := vae.DefaultConfig().WithImage(sh)
	cfg.Arch, cfg.Hidden, cfg.Latent = arch, hidden, latent
	m, err := vae.NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// torchTensors reads a safetensors file into float64 arrays by name, with
// their shapes: what PyTorch's load_state_dict would get.
func torchTensors(t *testing.T, data []byte) map[string][]float64 {
	t.Helper()
	st, err := safetensors.Deserialize(data)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]float64{}
	for _, nt := range st.Tensors() {
		raw := nt.TensorView.Data()
		v := make([]float64, len(raw)/4)
		for i := range v {
			v[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
		}
		out[nt.Name] = v
	}
	return out
}

// linear is PyTorch's Linear: y = W x + b with W [out, in].
func linear(w, b, x []float64) []float64 {
	out := len(b)
	y := make([]float64, out)
	for o := range out {
		s := b[o]
		for i, xi := range x {
			s += w[o*len(x)+i] * xi
		}
		y[o] = s
	}
	return y
}

func relu(x []float64) []float64 {
	for i, v := range x {
		x[i] = math.Max(v, 0)
	}
	return x
}

// conv2d is PyTorch's Conv2d, stride 2, padding 1, 3x3, on a CHW map.
func conv2d(w, b, x []float64, cin, h, wd, cout int) ([]float64, int, int) {
	ho, wo := (h+2-3)/2+1, (wd+2-3)/2+1
	y := make([]float64, cout*ho*wo)
	for o := range cout {
		for oy := range ho {
			for ox := range wo {
				s := b[o]
				for c := range cin {
					for ky := range 3 {
						for kx := range 3 {
							iy, ix := oy*2-1+ky, ox*2-1+kx
							if iy >= 0 && iy < h && ix >= 0 && ix < wd {
								s += w[((o*cin+c)*3+ky)*3+kx] * x[(c*h+iy)*wd+ix]
							}
						}
					}
				}
				y[(o*ho+oy)*wo+ox] = s
			}
		}
	}
	return y, ho, wo
}

// convT2d is PyTorch's ConvTranspose2d, stride 2, padding 1, output
// padding 1, 3x3, weight [cin, cout, 3, 3], on a CHW map.
func convT2d(w, b, x []float64, cin, h, wd, cout int) []float64 {
	ho, wo := 2*h, 2*wd
	y := make([]float64, cout*ho*wo)
	for o := range cout {
		for i := range ho * wo {
			y[o*ho*wo+i] = b[o]
		}
	}
	for c := range cin {
		for iy := range h {
			for ix := range wd {
				v := x[(c*h+iy)*wd+ix]
				for o := range cout {
					for ky := range 3 {
						for kx := range 3 {
							oy, ox := iy*2-1+ky, ix*2-1+kx
							if oy >= 0 && oy < ho && ox >= 0 && ox < wo {
								y[(o*ho+oy)*wo+ox] += v * w[((c*cout+o)*3+ky)*3+kx]
							}
						}
					}
				}
			}
		}
	}
	return y
}

func sigmoid(x []float64) []float64 {
	for i, v := range x {
		x[i] = 1 / (1 + math.Exp(-v))
	}
	return x
}

// torchForward runs the PyTorch modules' forward passes on the exported
// tensors, written from PyTorch's definitions (not from our layouts):
// the encoder's mean of image x and the decoder's image of z.
// Images x and image are in PyTorch's order: channels first (C, S, S).
func torchForward(p map[string][]float64, arch string, sh vae.Shape, x []float64, z []float64) (mean, image []float64) {
	if arch == vae.ArchMLP {
		h := relu(linear(p["fc1.weight"], p["fc1.bias"], x))
		mean = linear(p["fc21.weight"], p["fc21.bias"], h)
		d := relu(linear(p["fc3.weight"], p["fc3.bias"], z))
		return mean, sigmoid(linear(p["fc4.weight"], p["fc4.bias"], d))
	}
	S, q := sh.Side, sh.Side/4
	h1, a, b := conv2d(p["encoder.0.weight"], p["encoder.0.bias"], x, sh.Channels, S, S, 32)
	h2, a, b := conv2d(p["encoder.2.weight"], p["encoder.2.bias"], relu(h1), 32, a, b, 64)
	h := relu(linear(p["encoder.5.weight"], p["encoder.5.bias"], relu(h2))) // Flatten: CHW order
	mean = linear(p["fc_mu.weight"], p["fc_mu.bias"], h)
	d := relu(linear(p["decoder.0.weight"], p["decoder.0.bias"], z)) // Unflatten to (64, S/4, S/4)
	d1 := relu(convT2d(p["decoder.3.weight"], p["decoder.3.bias"], d, 64, q, q, 32))
	return mean, sigmoid(convT2d(p["decoder.5.weight"], p["decoder.5.bias"], d1, 32, 2*q, 2*q, sh.Channels))
}

// toCHW is the index in channels-first order of value i of a
// channels-last image of shape sh.
func toCHW(sh vae.Shape, i int) int { return i%sh.Channels*sh.Side*sh.Side + i/sh.Channels }

// The exported file, run as PyTorch runs those modules, computes what our
// model computes: the names, layouts and flattening order are right.
func TestExportMatchesPyTorchSemantics(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, c := range []struct {
		arch           string
		hidden, latent int
		sh             vae.Shape
	}{{vae.ArchMLP, 24, 2, vae.DefaultShape}, {vae.ArchMLP, 16, 5, vae.DefaultShape}, {vae.ArchConv, 20, 3, vae.DefaultShape},
		{vae.ArchMLP, 12, 3, vae.Shape{Side: 10, Channels: 3}}, {vae.ArchConv, 12, 3, vae.Shape{Side: 16, Channels: 3}}} {
		m := randomModelOf(t, c.arch, c.hidden, c.latent, c.sh)
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
		z := make([]float32, c.latent)
		z64 := make([]float64, c.latent)
		for i := range z {
			z[i] = float32(rng.NormFloat64())
			z64[i] = float64(z[i])
		}
		wantMean, wantImg := torchForward(p, c.arch, c.sh, x64, z64)
		mean, _, err := m.Encode(x)
		if err != nil {
			t.Fatal(err)
		}
		img, err := m.Decode(z)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range mean {
			if math.Abs(float64(v)-wantMean[i]) > 1e-4 {
				t.Fatalf("%s: mean[%d] %v, PyTorch semantics %v", c.arch, i, v, wantMean[i])
			}
		}
		for i, v := range img {
			if w := wantImg[toCHW(c.sh, i)]; math.Abs(float64(v)-w) > 1e-4 {
				t.Fatalf("%s %v: value %d %v, PyTorch semantics %v", c.arch, c.sh, i, v, w)
			}
		}
	}
}

func TestImportRoundTripAndInference(t *testing.T) {
	for _, c := range []struct {
		arch string
		sh   vae.Shape
	}{{vae.ArchMLP, vae.DefaultShape}, {vae.ArchConv, vae.DefaultShape}, {vae.ArchMLP, vae.Shape{Side: 32, Channels: 3}},
		{vae.ArchMLP, vae.Shape{Side: 30, Channels: 1}}, {vae.ArchConv, vae.Shape{Side: 48, Channels: 3}}} {
		arch := c.arch
		m := randomModelOf(t, arch, 32, 4, c.sh)
		if c.sh.Channels == 3 { // an image folder's model: its preprocessing and classes go along
			cfg := m.Config()
			cfg.Preprocess, cfg.Classes = "resize", []string{"cats", "dogs"}
			w := map[string][]float32{}
			for _, tn := range m.Params().List {
				w[tn.Name] = tn.Data
			}
			var err error
			if m, err = vae.NewModelWithWeights(cfg, w); err != nil {
				t.Fatal(err)
			}
		}
		data, err := Export(m)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Import(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back.Config(), m.Config()) {
			t.Fatalf("config %+v, want %+v", back.Config(), m.Config())
		}
		if back.Config().Arch != arch || back.Config().Hidden != 32 || back.Latent() != 4 || back.Image() != c.sh {
			t.Fatalf("config %+v", back.Config())
		}
		for i, tn := range m.Params().List {
			got := back.Params().List[i]
			for j := range tn.Data {
				if tn.Data[j] != got.Data[j] {
					t.Fatalf("%s %s[%d]: %v, want %v", arch, tn.Name, j, got.Data[j], tn.Data[j])
				}
			}
		}
		// Without metadata (a file saved by PyTorch), the shapes tell.
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
		if inferred.Config().Arch != arch || inferred.Config().Hidden != 32 || inferred.Latent() != 4 || inferred.Image() != c.sh {
			t.Fatalf("inferred %+v", inferred.Config())
		}
	}
}

func TestImportRefusesWhatDoesNotFit(t *testing.T) {
	m := randomModel(t, vae.ArchMLP, 16, 2)
	data, _ := Export(m)
	st, _ := safetensors.Deserialize(data)
	edit := func(f func(v map[string]safetensors.TensorView)) []byte {
		views := map[string]safetensors.TensorView{}
		for _, nt := range st.Tensors() {
			views[nt.Name] = nt.TensorView
		}
		f(views)
		b, err := safetensors.Serialize(views, map[string]string{"arch": "mlp", "latent": "2", "hidden": "16"})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	f16, _ := safetensors.NewTensorView(safetensors.F16, []uint64{16}, make([]byte, 32))
	wrong, _ := safetensors.NewTensorView(safetensors.F32, []uint64{16, 783}, make([]byte, 16*783*4))
	nan := make([]byte, 16*4)
	binary.LittleEndian.PutUint32(nan, math.Float32bits(float32(math.NaN())))
	nanView, _ := safetensors.NewTensorView(safetensors.F32, []uint64{16}, nan)
	huge := make([]byte, 16)
	binary.LittleEndian.PutUint64(huge, 1<<40)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"an extra tensor", edit(func(v map[string]safetensors.TensorView) { v["classifier.weight"] = f16 }), `"classifier.weight" is not part of a mlp model`},
		{"a missing tensor", edit(func(v map[string]safetensors.TensorView) { delete(v, "fc3.bias") }), `"fc3.bias" is missing`},
		{"a half-precision tensor", edit(func(v map[string]safetensors.TensorView) { v["fc1.bias"] = f16 }), "save the model as float32"},
		{"a wrong shape", edit(func(v map[string]safetensors.TensorView) { v["fc1.weight"] = wrong }), `"fc1.weight" has shape [16 783]`},
		{"a NaN weight", edit(func(v map[string]safetensors.TensorView) { v["fc1.bias"] = nanView }), "NaN"},
		{"unknown names, no metadata", func() []byte {
			b, _ := safetensors.Serialize(map[string]safetensors.TensorView{"layers.0.weight": f16}, nil)
			return b
		}(), `"layers.0.weight" fits no architecture`},
		{"a header of a terabyte", huge, "header declares"},
		{"seven bytes", []byte("1234567"), "too short"},
		{"truncated", data[:len(data)-10], ErrFormat.Error()},
	} {
		_, err := Import(c.data)
		if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
