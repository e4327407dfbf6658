package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// benchResult is what `vae-explorer bench --json` prints.
type benchResult struct {
	Machine         string  `json:"machine"`
	BLAS            string  `json:"blas"`
	Data            string  `json:"data"`
	TrainImgPerS    float64 `json:"train_img_per_s"`
	TorchImgPerS    float64 `json:"torch_img_per_s,omitempty"`
	TorchThreads    int     `json:"torch_threads,omitempty"`
	TorchNote       string  `json:"torch_note,omitempty"`
	Ratio           float64 `json:"ratio,omitempty"`
	DecodeMedianMS  float64 `json:"decode_median_ms"`
	DecodeP99MS     float64 `json:"decode_p99_ms"`
	Grid30MS        float64 `json:"grid30_ms"`
	Encode10kMS     float64 `json:"encode_10k_ms"`
	TrainEpochs     int     `json:"train_epochs"`
	TrainImages     int     `json:"train_images"`
	TestELBO        float64 `json:"test_elbo"`
	TorchTestELBO   float64 `json:"torch_test_elbo,omitempty"`
	PeakHeapMB      float64 `json:"peak_heap_mb"`
	GoMaxProcs      int     `json:"gomaxprocs"`
	TorchScriptPath string  `json:"-"`
}

func cmdBench(c *cli, args []string) error {
	fs := c.newFlags("bench")
	data := fs.String("data", os.Getenv("VAE_MNIST_DIR"), "folder of MNIST idx files (default: $VAE_MNIST_DIR, else generated digits)")
	epochs := fs.Int("epochs", 3, "epochs of the training measurement (and of PyTorch's)")
	torch := fs.Bool("torch", true, "also run the PyTorch reference when /usr/bin/python3 has torch")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	r := benchResult{Machine: machine(), BLAS: vae.BLASName + ", " + vae.BLASCore() + " kernels", GoMaxProcs: runtime.GOMAXPROCS(0)}
	if ct := os.Getenv("OPENBLAS_CORETYPE"); ct != "" && vae.BLASName == "OpenBLAS" {
		r.BLAS += " (chosen by OPENBLAS_CORETYPE=" + ct + " in the environment)"
	}
	var train, test *dataset.Set
	if *data != "" {
		var err error
		if train, test, err = dataset.LoadDir(*data); err != nil {
			return err
		}
		r.Data = *data
	} else {
		train, test = dataset.Synthetic(3000, 42), dataset.Synthetic(600, 43)
		r.Data = "generated digits (set --data or VAE_MNIST_DIR for MNIST)"
	}
	say := func(format string, a ...any) {
		if !*asJSON {
			fmt.Fprintf(c.stderr, format+"\n", a...)
		}
	}

	// Training throughput: the default model, epochs over the data.
	say("training the default model for %d epochs on %d images...", *epochs, train.N)
	cfg := vae.DefaultConfig()
	cfg.Epochs = *epochs
	m, err := vae.NewModel(cfg)
	if err != nil {
		return err
	}
	tr, err := vae.NewTrainer(m, cfg, train, test)
	if err != nil {
		return err
	}
	peak := trackPeakHeap()
	tr.Start(c.ctx)
	for range tr.Events() {
	}
	if err := tr.Wait(); err != nil {
		return err
	}
	r.PeakHeapMB = peak()
	var secs float64
	for _, e := range m.History() {
		secs += e.Seconds
	}
	r.TrainEpochs, r.TrainImages = *epochs, train.N
	r.TrainImgPerS = float64(train.N**epochs) / secs
	h := m.History()
	r.TestELBO = h[len(h)-1].TestELBO

	// Interactive figures on the trained model.
	z := []float32{0.3, -0.7}
	dst := make([]float32, vae.ImageSize)
	var lat []time.Duration
	for i := 0; i < 3000; i++ {
		z[0] = float32(i%100)/25 - 2
		t0 := time.Now()
		if err := m.DecodeInto(dst, z); err != nil {
			return err
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	r.DecodeMedianMS = ms(lat[len(lat)/2])
	r.DecodeP99MS = ms(lat[len(lat)*99/100])
	r.Grid30MS = ms(medianOf(15, func() error {
		pts, _ := vae.GridSpec{N: 30, DimX: 0, DimY: 1}.Points(2)
		pix, err := m.Decode(pts)
		imaging.Tile(pix, 28, 30, 0)
		return err
	}))
	tenK := make([]float32, 0, 10000*vae.ImageSize)
	for len(tenK) < cap(tenK) {
		tenK = append(tenK, test.Pix[:min(len(test.Pix), cap(tenK)-len(tenK))]...)
	}
	r.Encode10kMS = ms(medianOf(5, func() error { _, _, err := m.Encode(tenK); return err }))

	if *torch && *data != "" {
		say("running the PyTorch reference (1 and 2 threads)...")
		torchRef(c.ctx, &r, *data, *epochs)
	} else if *torch {
		r.TorchNote = "skipped: the PyTorch reference needs a data folder"
	}
	if r.TorchImgPerS > 0 {
		r.Ratio = r.TrainImgPerS / r.TorchImgPerS
	}

	if *asJSON {
		c.printJSON(r)
		return nil
	}
	w := c.stdout
	fmt.Fprintf(w, "machine: %s, GOMAXPROCS %d, BLAS %s\ndata: %s\n\n", r.Machine, r.GoMaxProcs, r.BLAS, r.Data)
	fmt.Fprintf(w, "%-44s %14s %14s %8s\n", "figure", "VAE Explorer", "PyTorch", "ratio")
	torchCol, ratioCol := "-", "-"
	if r.TorchImgPerS > 0 {
		torchCol = fmt.Sprintf("%.0f (%dt)", r.TorchImgPerS, r.TorchThreads)
		ratioCol = fmt.Sprintf("%.2f", r.Ratio)
	}
	fmt.Fprintf(w, "%-44s %14.0f %14s %8s\n", "train mlp 784-512-2, batch 128 (img/s)", r.TrainImgPerS, torchCol, ratioCol)
	te := "-"
	if r.TorchTestELBO > 0 {
		te = fmt.Sprintf("%.2f", r.TorchTestELBO)
	}
	fmt.Fprintf(w, "%-44s %14.2f %14s\n", fmt.Sprintf("held-out -ELBO after %d epochs (nats)", *epochs), r.TestELBO, te)
	fmt.Fprintf(w, "%-44s %14.4f %14s %8s\n", "decode one point, median (ms; target < 0.1)", r.DecodeMedianMS, "", "")
	fmt.Fprintf(w, "%-44s %14.4f %14s %8s\n", "decode one point, p99 (ms; target < 1)", r.DecodeP99MS, "", "")
	fmt.Fprintf(w, "%-44s %14.2f %14s %8s\n", "decode + render 30x30 grid (ms; < 20)", r.Grid30MS, "", "")
	fmt.Fprintf(w, "%-44s %14.1f %14s %8s\n", "encode 10,000 images (ms; target < 200)", r.Encode10kMS, "", "")
	fmt.Fprintf(w, "%-44s %14.0f %14s %8s\n", "peak Go heap while training (MB)", r.PeakHeapMB, "", "")
	if r.TorchNote != "" {
		fmt.Fprintf(w, "\nPyTorch: %s\n", r.TorchNote)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func medianOf(n int, f func() error) time.Duration {
	var ds []time.Duration
	for i := 0; i < n; i++ {
		t0 := time.Now()
		f()
		ds = append(ds, time.Since(t0))
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// trackPeakHeap samples the Go heap every 20 ms until the returned
// function is called, which returns the peak in MB.
func trackPeakHeap() func() float64 {
	stop := make(chan struct{})
	peak := make(chan float64)
	go func() {
		var p uint64
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			p = max(p, ms.HeapInuse)
			select {
			case <-stop:
				peak <- float64(p) / (1 << 20)
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 { close(stop); return <-peak }
}

func machine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		s := bufio.NewScanner(f)
		for s.Scan() {
			if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores, %s/%s", model, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
}

// torchRef runs scripts/torch_reference.py with 1 and 2 threads and keeps
// the faster.
func torchRef(ctx context.Context, r *benchResult, data string, epochs int) {
	script := findScript("scripts/torch_reference.py")
	if script == "" {
		r.TorchNote = "skipped: scripts/torch_reference.py not found (run from the source tree)"
		return
	}
	for _, threads := range []int{1, 2} {
		cmd := exec.CommandContext(ctx, "/usr/bin/python3", script, "--data", data, "--epochs", fmt.Sprint(epochs), "--threads", fmt.Sprint(threads))
		out, err := cmd.Output()
		if err != nil {
			r.TorchNote = fmt.Sprintf("skipped: /usr/bin/python3 failed: %v", err)
			return
		}
		var lastEpoch struct {
			TestELBO float64 `json:"test_elbo"`
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			var v map[string]any
			if json.Unmarshal([]byte(line), &v) != nil {
				continue
			}
			if s, ok := v["skipped"].(string); ok {
				r.TorchNote = "skipped: " + s
				return
			}
			if v["summary"] == true {
				if ips, _ := v["img_per_s"].(float64); ips > r.TorchImgPerS {
					r.TorchImgPerS, r.TorchThreads = ips, threads
					r.TorchTestELBO = lastEpoch.TestELBO
				}
			} else {
				json.Unmarshal([]byte(line), &lastEpoch)
			}
		}
	}
}

// findScript looks for a repository file next to the working directory or
// the executable.
func findScript(rel string) string {
	var roots []string
	if wd, err := os.Getwd(); err == nil {
		roots = append(roots, wd, filepath.Dir(wd))
	}
	if exe, err := os.Executable(); err == nil {
		roots = append(roots, filepath.Dir(exe), filepath.Dir(filepath.Dir(exe)))
	}
	for _, r := range roots {
		p := filepath.Join(r, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}
