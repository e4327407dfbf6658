//go:build !js

package main

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// An ONNX decoder exported by PyTorch works wherever the CLI only decodes
// (decode, grid, sample, bench --model); what needs this app's own model
// says so with status 2.
func TestCLIDecodesAnONNXModel(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("/usr/bin/python3", "../scripts/onnx_testmodels.py", dir).CombinedOutput(); err != nil {
		t.Fatalf("exporting the test models (python3-torch: make deps-test): %v\n%s", err, out)
	}
	dec := filepath.Join(dir, "conv_dec_13.onnx")
	img := filepath.Join(dir, "d.png")
	if code, _, stderr := runCLI(t, "decode", "--model", dec, "--z", "0.1,0.2,0.3,0.4", "--out", img); code != 0 {
		t.Fatalf("decode: exit %d: %s", code, stderr)
	}
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	p, err := png.Decode(f)
	f.Close()
	if err != nil || p.Bounds().Dx() != 32 || p.Bounds().Dy() != 32 {
		t.Fatalf("decode wrote %v (%v)", p.Bounds(), err)
	}
	for _, args := range [][]string{
		{"grid", "--model", dec, "--n", "3", "--out", filepath.Join(dir, "g.png")},
		{"sample", "--model", dec, "--n", "4", "--out", filepath.Join(dir, "s.png")},
		{"bench", "--model", dec, "--json"},
	} {
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Errorf("%s: exit %d: %s", args[0], code, stderr)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"reconstruct", "--model", dec, "--out", filepath.Join(dir, "r"), img}, "needs a model of this app's own"},
		{[]string{"decode", "--model", "bundled", "--encoder", dec, "--z", "0,0", "--out", img}, "only an ONNX decoder takes an encoder"},
		{[]string{"decode", "--model", dec, "--z", "0,0", "--out", img}, "2 numbers for a latent size of 4"},
		{[]string{"decode", "--model", filepath.Join(dir, "conv_dec_13.json"), "--z", "0", "--out", img}, "conv_dec_13.json"},
	} {
		code, _, stderr := runCLI(t, c.args...)
		if code == 0 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, %q; want one line saying %q", c.args, code, stderr, c.want)
		}
	}
}
