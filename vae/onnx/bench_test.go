package onnx

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// BenchmarkDecode900VsPyTorch decodes 900 points (a 30x30 grid, a map's
// tiles) with a conv decoder of a foreign architecture (BatchNorm,
// LeakyReLU, a transposed convolution, Upsample and a convolution:
// scripts/onnx_vae.py) here and in PyTorch, alternately (A B A B), on as
// many threads as Go has; it reports both medians and their ratio.
//
//	go test -tags openblas -run '^$' -bench Decode900 ./vae/onnx
func BenchmarkDecode900VsPyTorch(b *testing.B) {
	dir := b.TempDir()
	threads := runtime.GOMAXPROCS(0)
	torchRun := func() float64 {
		out, err := exec.Command("/usr/bin/python3", "../../scripts/onnx_vae.py", "--data", "-", "--out", dir,
			"--epochs", "0", "--time", "--threads", strconv.Itoa(threads)).Output()
		if err != nil {
			b.Fatalf("onnx_vae.py: %v", err)
		}
		var r struct {
			MS float64 `json:"torch_decode_900_ms"`
		}
		if err := json.Unmarshal(out, &r); err != nil {
			b.Fatalf("onnx_vae.py printed %q", out)
		}
		return r.MS
	}
	var ours, theirs []float64
	for i := 0; i < max(b.N, 3); i++ {
		theirs = append(theirs, torchRun())
		m, err := Open(filepath.Join(dir, "decoder.onnx"), "")
		if err != nil {
			b.Fatal(err)
		}
		z := make([]float32, 900*m.Latent())
		for k := range z {
			z[k] = float32(k%17)/8 - 1
		}
		var ds []float64
		for range 9 {
			t0 := time.Now()
			if _, err := m.Decode(z); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, float64(time.Since(t0))/1e6)
		}
		ours = append(ours, medianF(ds))
	}
	o, t := medianF(ours), medianF(theirs)
	b.ReportMetric(o, "ms-ours")
	b.ReportMetric(t, "ms-pytorch")
	b.ReportMetric(o/t, "ours/pytorch")
	b.Logf("900 decodes on %d threads: ours %v ms, PyTorch %v ms", threads, ours, theirs)
}

func medianF(v []float64) float64 {
	s := append([]float64(nil), v...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
