package onnx

import (
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/vaetest"
)

// A VAE of an architecture this app does not define (BatchNorm,
// LeakyReLU, ConvTranspose, Upsample then Conv; scripts/onnx_vae.py),
// trained briefly by PyTorch on MNIST and exported at opsets 13 and 17,
// decodes as PyTorch does and has the held-out -ELBO PyTorch measured.
func TestATrainedForeignVAEMatchesPyTorch(t *testing.T) {
	data, what := vaetest.Dir()
	if data == "" {
		t.Fatal("no MNIST: run make mnist")
	}
	_, test, err := dataset.LoadDir(data)
	if err != nil {
		t.Fatalf("%s (%s): %v", data, what, err)
	}
	const limit = 1000
	test = test.Subset(limit)
	for _, opset := range []int{13, 17} {
		dir := t.TempDir()
		out, err := exec.Command("/usr/bin/python3", "../../scripts/onnx_vae.py", "--data", data, "--out", dir,
			"--epochs", "1", "--limit", strconv.Itoa(limit), "--opset", strconv.Itoa(opset), "--threads", "1").Output()
		if err != nil {
			t.Fatalf("onnx_vae.py (python3-torch: make deps-test): %v", err)
		}
		var r struct {
			Z        []float32
			Decoded  []float32
			Images   int
			ELBOMean float64 `json:"test_elbo_at_mean"`
		}
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("onnx_vae.py printed %q", out)
		}
		m, err := Open(filepath.Join(dir, "decoder.onnx"), filepath.Join(dir, "encoder.onnx"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Decode(r.Z)
		if err != nil {
			t.Fatal(err)
		}
		if d := maxDiff(got, r.Decoded); d > 1e-5 {
			t.Errorf("opset %d: decodes differ from PyTorch's by %g", opset, d)
		}
		rec, kl, err := m.EvaluateAtMean(test)
		if err != nil {
			t.Fatal(err)
		}
		if r.Images != test.N || math.Abs(rec+kl-r.ELBOMean) > 1e-4*r.ELBOMean {
			t.Errorf("opset %d: held-out -ELBO %.5f (rec %.5f + KL %.5f) on %d images; PyTorch %.5f on %d", opset, rec+kl, rec, kl, test.N, r.ELBOMean, r.Images)
		}
		t.Logf("opset %d: -ELBO at the means %.5f here, %.5f in PyTorch", opset, rec+kl, r.ELBOMean)
	}
}
