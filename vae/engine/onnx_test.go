package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vaeexplorer/vae"
)

// ONNX decoders open through the engine: with the *encoder*.onnx beside
// them when it fits, alone when it does not, from bytes (the browser).
func TestONNXModelsOpen(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("/usr/bin/python3", "../../scripts/onnx_testmodels.py", dir).CombinedOutput(); err != nil {
		t.Fatalf("exporting the test models (python3-torch: make deps-test): %v\n%s", err, out)
	}
	var e Engine
	conv, err := e.Load(filepath.Join(dir, "conv_dec_13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	d, ok := conv.(vae.Describer)
	if !ok || !strings.Contains(d.Describe(), "decoder and encoder") || conv.Latent() != 4 {
		t.Fatalf("conv decoder: latent %d, %v", conv.Latent(), conv)
	}
	// The encoder beside (32x32) does not fit the 8x8 decoder: it opens alone.
	mlp, err := e.Load(filepath.Join(dir, "mlp_dec_13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if d := mlp.(vae.Describer).Describe(); strings.Contains(d, "encoder") {
		t.Errorf("the 8x8 decoder took the 32x32 encoder: %s", d)
	}
	// Named, the wrong encoder is an error.
	if _, err := Open(filepath.Join(dir, "mlp_dec_13.onnx"), filepath.Join(dir, "conv_encoder_13.onnx")); err == nil {
		t.Error("a named encoder that does not fit was accepted")
	}
	b, err := os.ReadFile(filepath.Join(dir, "conv_dec_13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if m, err := e.FromBytes("dec.onnx", b); err != nil || m.Image().Side != 32 {
		t.Fatalf("from bytes: %v", err)
	}
	if _, err := e.FromBytes("dec.onnx", b[:len(b)/3]); err == nil || !strings.Contains(err.Error(), "dec.onnx") {
		t.Errorf("a truncated file: %v", err)
	}
	if !IsModelFile("x.ONNX") {
		t.Error("an .ONNX file is not a model file")
	}
}
