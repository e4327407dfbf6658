package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// An ONNX decoder opens alone (a generator: the plane and the tools that
// only decode); the window says what needs its encoder, and Model > Add
// ONNX encoder… gives it one.
func TestAnONNXDecoderOpensAndTakesItsEncoder(t *testing.T) {
	models := t.TempDir()
	if out, err := exec.Command("/usr/bin/python3", "../scripts/onnx_testmodels.py", models).CombinedOutput(); err != nil {
		t.Fatalf("exporting the test models (python3-torch: make deps-test): %v\n%s", err, out)
	}
	alone := filepath.Join(t.TempDir(), "generator.onnx") // no encoder beside it
	b, err := os.ReadFile(filepath.Join(models, "conv_dec_13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, b, 0o644); err != nil {
		t.Fatal(err)
	}
	e, loop := newTestExplorer(t, newFakeModel(2, 100))
	e.Models.Open(alone)
	loop.drain()
	if e.Model().Latent() != 4 || !e.Models.WantsEncoder() {
		t.Fatalf("opened: latent %d, wants an encoder %v", e.Model().Latent(), e.Models.WantsEncoder())
	}
	if !strings.Contains(e.Status(), "decoder alone") || !strings.Contains(e.Window.Title(), "generator.onnx") {
		t.Errorf("status %q, title %q", e.Status(), e.Window.Title())
	}
	if e.Session.Path() != "" {
		t.Error("an ONNX file became the model's file (Save would write over it)")
	}
	// The page opens a picked or dropped file from its bytes: it says the
	// same.
	e.Models.OpenData("generator.onnx", b)
	loop.drain()
	if !strings.Contains(e.Status(), "decoder alone") {
		t.Errorf("status after opening the decoder's bytes: %q", e.Status())
	}
	e.Models.Open(alone)
	loop.drain()
	e.Models.AddEncoder(filepath.Join(models, "mlp_dec_13.onnx")) // not an encoder of it
	if !e.Models.WantsEncoder() || !strings.Contains(e.Status(), "mlp_dec_13.onnx") {
		t.Fatalf("a decoder taken as the encoder: %q", e.Status())
	}
	e.Models.AddEncoder(filepath.Join(models, "conv_encoder_13.onnx"))
	loop.drain()
	if e.Models.WantsEncoder() || !strings.Contains(e.modelInfo.Text, "decoder and encoder") {
		t.Fatalf("after adding the encoder: wants one %v, card %q", e.Models.WantsEncoder(), e.modelInfo.Text)
	}
}
