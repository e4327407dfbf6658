package main

import (
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"testing"

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
	for _, name := range []string{"bundled", "bundled-conv"} {
		file := filepath.Join(tmp, name+".safetensors")
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
		for i, v := range ours {
			if math.Abs(float64(v)-theirs[i]) > 1e-5 {
				t.Fatalf("%s pixel %d: ours %v, PyTorch's %v", name, i, v, theirs[i])
			}
		}
		// Saved by PyTorch (its own writer, from the module's
		// state_dict), opened here: the same weights.
		back := filepath.Join(tmp, name+"-torch.safetensors")
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
