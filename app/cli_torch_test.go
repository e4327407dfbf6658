package main

import (
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"testing"

	"vaeexplorer/vae"
	"vaeexplorer/vae/bundled"
)

// python runs scripts/torch_vae.py with Debian's PyTorch (make test
// installs python3-torch).
func python(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", append([]string{"../scripts/torch_vae.py"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("torch_vae.py %v: %v\n%s", args, err, stderr)
	}
	return out
}

// Models cross to PyTorch and back: PyTorch decodes our exported conv and
// mlp models as we do, a file PyTorch saves opens here with the same
// weights, and a model PyTorch trained evaluates here.
func TestPyTorchRoundTrip(t *testing.T) {
	tmp := t.TempDir()
	// A colour conv model of 16x16 images besides the bundled ones.
	colour := vae.DefaultConfig().WithImage(vae.Shape{Side: 16, Channels: 3})
	colour.Arch, colour.Hidden = vae.ArchConv, 24
	cm, err := vae.NewModel(colour)
	if err != nil {
		t.Fatal(err)
	}
	colourFile := filepath.Join(tmp, "colour.vae")
	if err := cm.Save(colourFile); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"bundled-mlp", "bundled-conv", colourFile} {
		file := filepath.Join(tmp, filepath.Base(name)+".safetensors")
		if code, _, stderr := runCLI(t, "export", "--model", name, "--out", file); code != 0 {
			t.Fatalf("export: %d %s", code, stderr)
		}
		var theirs []float64
		if err := json.Unmarshal(python(t, "decode", file, "--z", "0.7,-1.2"), &theirs); err != nil {
			t.Fatal(err)
		}
		m, _ := bundled.Open(name)
		ours, err := m.Decode([]float32{0.7, -1.2})
		if err != nil {
			t.Fatal(err)
		}
		sh := m.Image() // PyTorch's images are channels first, ours last
		if len(theirs) != sh.Size() {
			t.Fatalf("%s: PyTorch decoded %d values, want %d", name, len(theirs), sh.Size())
		}
		for i, v := range ours {
			if w := theirs[i%sh.Channels*sh.Side*sh.Side+i/sh.Channels]; math.Abs(float64(v)-w) > 1e-5 {
				t.Fatalf("%s value %d: ours %v, PyTorch's %v", name, i, v, w)
			}
		}
		// Saved by PyTorch (its own writer, from the module's
		// state_dict), opened here: the same weights.
		back := filepath.Join(tmp, filepath.Base(name)+"-torch.safetensors")
		python(t, "roundtrip", file, back)
		m2, err := bundled.Open(back)
		if err != nil {
			t.Fatal(err)
		}
		p1, p2 := m.Params(), m2.Params() // copies: take them once
		for i, tn := range p1.List {
			for j, v := range tn.Data {
				if p2.List[i].Data[j] != v {
					t.Fatalf("%s: %s[%d] changed on the way through PyTorch", name, tn.Name, j)
				}
			}
		}
	}
	// Trained in PyTorch, explored here.
	data := dataDir(t, 256)
	trained := filepath.Join(tmp, "trained.safetensors")
	python(t, "train", "--data", data, "--epochs", "1", "--hidden", "32", "--out", trained)
	if code, _, stderr := runCLI(t, "eval", "--model", trained, "--data", data); code != 0 {
		t.Fatalf("eval of a PyTorch-trained model: %d %s", code, stderr)
	}
}

// Conditional models cross too: PyTorch's CVAE and ConvCVAE decode our
// exported models as we do for a given class, a file PyTorch saves opens
// here with the same decodes, and a CVAE PyTorch trained classifies
// here.
func TestPyTorchConditionalRoundTrip(t *testing.T) {
	tmp := t.TempDir()
	for _, arch := range []string{vae.ArchMLP, vae.ArchConv} {
		cfg := vae.DefaultConfig()
		cfg.Arch, cfg.Hidden, cfg.Condition = arch, 24, 10
		m, err := vae.NewModel(cfg)
		if err != nil {
			t.Fatal(err)
		}
		src := filepath.Join(tmp, arch+".vae")
		if err := m.Save(src); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(tmp, arch+".safetensors")
		if code, _, stderr := runCLI(t, "export", "--model", src, "--out", file); code != 0 {
			t.Fatalf("export: %d %s", code, stderr)
		}
		var theirs []float64
		if err := json.Unmarshal(python(t, "decode", file, "--z", "0.7,-1.2", "--class", "6"), &theirs); err != nil {
			t.Fatal(err)
		}
		ours, _ := m.DecodeGiven([]float32{0.7, -1.2}, []uint8{6})
		for i, v := range ours {
			if math.Abs(float64(v)-theirs[i]) > 1e-5 {
				t.Fatalf("%s class 6 value %d: ours %v, PyTorch's %v", arch, i, v, theirs[i])
			}
		}
		back := filepath.Join(tmp, arch+"-torch.safetensors")
		python(t, "roundtrip", file, back)
		m2, err := bundled.Open(back)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := m2.DecodeGiven([]float32{0.7, -1.2}, []uint8{6})
		if m2.Config().Condition != 10 || len(again) != len(ours) {
			t.Fatalf("%s: back from PyTorch: condition %d", arch, m2.Config().Condition)
		}
		for i := range ours {
			if again[i] != ours[i] {
				t.Fatalf("%s: decodes changed on the way through PyTorch", arch)
			}
		}
	}
	data := dataDir(t, 256)
	trained := filepath.Join(tmp, "cvae.safetensors")
	python(t, "train", "--data", data, "--epochs", "1", "--hidden", "32", "--conditional", "--out", trained)
	if code, _, stderr := runCLI(t, "classify", "--model", trained, "--data", data); code != 0 {
		t.Fatalf("classify with a PyTorch-trained CVAE: %d %s", code, stderr)
	}
}
