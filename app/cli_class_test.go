package main

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// train --conditional makes a conditional model; --class picks what
// sample, grid, decode and interpolate draw (a name or a number); bad
// classes, a class for an unconditional model and none for a conditional
// one exit 2 with one line and write nothing; classify scores images and
// a held-out set.
func TestConditionalCLI(t *testing.T) {
	data := dataDir(t, 400)
	dir := t.TempDir()
	cond := filepath.Join(dir, "c.vae")
	trainSmall(t, data, cond, "--conditional")
	m, err := vae.Load(cond)
	if err != nil || m.Config().Condition != 10 {
		t.Fatalf("train --conditional: %v, condition %d", err, m.Config().Condition)
	}
	plain := filepath.Join(dir, "p.vae")
	trainSmall(t, data, plain)

	// decode --class 3 is the model's decode of z given class 3.
	out := filepath.Join(dir, "d.png")
	if code, _, stderr := runCLI(t, "decode", "--model", cond, "--z", "0.5,-1", "--class", "3", "--out", out); code != 0 {
		t.Fatalf("decode --class 3: %d %s", code, stderr)
	}
	f, _ := os.Open(out)
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := m.DecodeGiven([]float32{0.5, -1}, []uint8{3})
	ref := imaging.Gray28(want)
	for y := range 28 {
		for x := range 28 {
			if r, _, _, _ := img.At(x, y).RGBA(); uint8(r>>8) != ref.GrayAt(x, y).Y {
				t.Fatalf("decode --class 3 differs from the model's class-3 decode at (%d, %d)", x, y)
			}
		}
	}
	for _, args := range [][]string{
		{"sample", "--model", cond, "--class", "7"},
		{"grid", "--model", cond, "--class", "7", "--n", "4"},
	} {
		o := filepath.Join(dir, args[0]+".png")
		if code, _, stderr := runCLI(t, append(args, "--out", o)...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	two := filepath.Join(dir, "two.png")
	if err := png.Encode(mustCreate(t, two), imaging.Gray28(dataset.Synthetic(3, 5).Image(2))); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "interpolate", "--model", cond, "--class", "4", two, two, "--steps", "3", "--out", filepath.Join(dir, "i.png")); code != 0 {
		t.Errorf("interpolate --class 4: %d %s", code, stderr)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sample", "--model", cond}, "give --class"},
		{[]string{"sample", "--model", cond, "--class", "10"}, "classes 0 to 9"},
		{[]string{"sample", "--model", cond, "--class", "-1"}, "class"},
		{[]string{"sample", "--model", cond, "--class", "seven"}, "give a number 0 to 9 or a class name"},
		{[]string{"decode", "--model", cond, "--z", "0,0", "--class", "2x"}, "give a number"},
		{[]string{"grid", "--model", plain, "--class", "3"}, "not conditional"},
		{[]string{"decode", "--model", "bundled", "--z", "0,0", "--class", "3"}, "not conditional"},
	} {
		o := filepath.Join(dir, "refused.png")
		code, _, stderr := runCLI(t, append(c.args, "--out", o)...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line with %q", c.args, code, stderr, c.want)
		}
		if _, err := os.Stat(o); err == nil {
			t.Errorf("%v: wrote %s although refused", c.args, o)
		}
	}

	// eval gives a conditional model each image's label: -ELBO, the
	// per-dimension KL and the IWAE bound all work.
	code, stdout, stderr := runCLI(t, "eval", "--model", cond, "--data", data, "--iwae", "2", "--json")
	var ev map[string]any
	if code != 0 || json.Unmarshal([]byte(stdout), &ev) != nil || ev["iwae"] == nil || ev["test_elbo"].(float64) <= 0 {
		t.Fatalf("eval of a conditional model: %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "classify", "--model", cond, "--json", two)
	var r classifyResult
	if code != 0 || json.Unmarshal([]byte(stdout), &r) != nil || len(r.ELBO) != 10 || r.Name == "" {
		t.Fatalf("classify: %d %q %q", code, stdout, stderr)
	}
	for _, v := range r.ELBO {
		if v < r.ELBO[r.Name] {
			t.Errorf("classify says %s at %v, but another class scores %v", r.Name, r.ELBO[r.Name], v)
		}
	}
	code, stdout, _ = runCLI(t, "classify", "--model", cond, "--data", data, "--json")
	var acc classifyAccuracy
	if code != 0 || json.Unmarshal([]byte(stdout), &acc) != nil || acc.Images != 100 || acc.Accuracy < 0 || acc.Accuracy > 1 {
		t.Fatalf("classify --data: %d %q", code, stdout)
	}
	if code, _, stderr := runCLI(t, "classify", "--model", plain, two); code != 2 || !strings.Contains(stderr, "not conditional") {
		t.Errorf("classify with an unconditional model: %d %q", code, stderr)
	}
}

func mustCreate(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
