//go:build !js

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
	"vaeexplorer/vae/memstat"
)

// benchResult is what `vae-explorer bench --json` prints.
type benchResult struct {
	Machine        string     `json:"machine"`
	BLAS           string     `json:"blas"`
	Data           string     `json:"data"`
	Train          []trainRow `json:"train"`
	TorchNote      string     `json:"torch_note,omitempty"`
	DecodeMedianMS float64    `json:"decode_median_ms"`
	DecodeP99MS    float64    `json:"decode_p99_ms"`
	Grid30MS       float64    `json:"grid30_ms"`
	Encode10kMS    float64    `json:"encode_10k_ms"`
	TrainEpochs    int        `json:"train_epochs"`
	TrainImages    int        `json:"train_images"`
	Rounds         int        `json:"rounds"`
	PeakHeapMB     float64    `json:"peak_heap_mb"`
	GoMaxProcs     int        `json:"gomaxprocs"`
}

// trainRow is one architecture's training figures: medians over rounds.
type trainRow struct {
	Arch          string  `json:"arch"`
	Shape         string  `json:"shape"`
	ImgPerS       float64 `json:"img_per_s"`
	TestELBO      float64 `json:"test_elbo"`
	TorchImgPerS  float64 `json:"torch_img_per_s,omitempty"`
	TorchThreads  int     `json:"torch_threads,omitempty"`
	TorchTestELBO float64 `json:"torch_test_elbo,omitempty"`
	Ratio         float64 `json:"ratio,omitempty"`

	DecodeMedianMS float64 `json:"decode_median_ms"`
	DecodeP99MS    float64 `json:"decode_p99_ms"`
	Grid30MS       float64 `json:"grid30_ms"`
	Encode10kMS    float64 `json:"encode_10k_ms"`
}

func cmdBench(c *cli, args []string) error {
	fs := c.newFlags("bench")
	data := fs.String("data", os.Getenv("VAE_MNIST_DIR"), "folder of idx files (MNIST, or colour ones from `vae-explorer dataset`) (default: $VAE_MNIST_DIR, else generated digits)")
	epochs := fs.Int("epochs", 3, "epochs of the training measurement (and of PyTorch's)")
	rounds := fs.Int("rounds", 3, "rounds of ours-then-PyTorch; medians are reported")
	archs := fs.String("arch", "mlp,conv", "architectures to train, comma-separated")
	torch := fs.Bool("torch", true, "also run the PyTorch reference when /usr/bin/python3 has torch")
	asJSON := fs.Bool("json", false, "print JSON")
	model := modelFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *model.path != "" { // one model's interactive figures, no training
		m, err := model.open()
		if err != nil {
			return err
		}
		r, err := benchModel(*model.path, m)
		if err != nil {
			return err
		}
		r.GoMaxProcs = runtime.GOMAXPROCS(0)
		if *asJSON {
			c.printJSON(r)
		} else {
			fmt.Fprintf(c.stdout, "%s (%d-D, %s images): one decode median %.2f ms, p99 %.2f ms; 900 decodes %.1f ms; the map's passes (64, 625 tiles) %.1f and %.1f ms\n",
				r.Model, r.Latent, r.Image, r.DecodeMedianMS, r.DecodeP99MS, r.Decode900MS, r.MapCoarseMS, r.MapFullMS)
		}
		return nil
	}
	if *epochs < 1 || *rounds < 1 {
		return badInput("--epochs %d --rounds %d: both must be at least 1", *epochs, *rounds)
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

	// Training throughput, ours and PyTorch's alternated round by round
	// (A B A B: the machine is shared and noisy), medians reported; then
	// the interactive figures on the last round's model.
	var m *vae.Model
	peak := memstat.TrackPeakHeap()
	for _, arch := range strings.Split(*archs, ",") {
		cfg := vae.DefaultConfig()
		cfg.Arch, cfg.Hidden, cfg.Epochs = arch, vae.DefaultHidden(arch), *epochs
		cfg = cfg.WithImage(vae.Shape{Side: train.Rows, Channels: train.Depth()})
		if err := cfg.Validate(); err != nil {
			return usageErr{err}
		}
		row := trainRow{Arch: arch, Shape: cfg.Shape()}
		var ours, oursELBO, t1, t2, torchELBO []float64
		for round := 1; round <= *rounds; round++ {
			say("%s round %d of %d: training for %d epochs on %d images...", arch, round, *rounds, *epochs, train.N)
			am, err := vae.NewModel(cfg)
			if err != nil {
				return err
			}
			tr, err := vae.NewTrainer(am, cfg, train, test)
			if err != nil {
				return err
			}
			tr.Start(c.ctx)
			for range tr.Events() {
			}
			if err := tr.Wait(); err != nil {
				return err
			}
			if m != nil {
				m.Close() // the previous round's graphs
			}
			m = am
			var secs float64
			h := am.History()
			for _, e := range h {
				secs += e.Seconds
			}
			ours = append(ours, float64(train.N**epochs)/secs)
			oursELBO = append(oursELBO, h[len(h)-1].TestELBO)
			if *torch && *data != "" && r.TorchNote == "" {
				say("%s round %d of %d: the PyTorch reference, 1 and 2 threads...", arch, round, *rounds)
				for _, th := range []int{1, 2} {
					ips, elbo, note := torchRef(c.ctx, *data, arch, *epochs, th)
					if note != "" {
						r.TorchNote = note
						break
					}
					if th == 1 {
						t1 = append(t1, ips)
					} else {
						t2 = append(t2, ips)
					}
					torchELBO = append(torchELBO, elbo)
				}
			}
		}
		row.ImgPerS, row.TestELBO = median(ours), median(oursELBO)
		if len(t1) > 0 && len(t2) > 0 {
			row.TorchImgPerS, row.TorchThreads = median(t1), 1
			if median(t2) > row.TorchImgPerS {
				row.TorchImgPerS, row.TorchThreads = median(t2), 2
			}
			row.TorchTestELBO = median(torchELBO)
			row.Ratio = row.ImgPerS / row.TorchImgPerS
		}
		err := row.interactive(m, test)
		m.Close()
		m = nil
		if err != nil {
			return err
		}
		r.Train = append(r.Train, row)
	}
	if *torch && *data == "" {
		r.TorchNote = "skipped: the PyTorch reference needs a data folder"
	}
	r.PeakHeapMB = peak()
	r.TrainEpochs, r.TrainImages, r.Rounds = *epochs, train.N, *rounds

	if *asJSON {
		c.printJSON(r)
		return nil
	}
	w := c.stdout
	fmt.Fprintf(w, "machine: %s, GOMAXPROCS %d, BLAS %s\ndata: %s; medians of %d rounds, ours and PyTorch's alternated\n\n",
		r.Machine, r.GoMaxProcs, r.BLAS, r.Data, r.Rounds)
	fmt.Fprintf(w, "%-44s %14s %14s %8s\n", "figure", "VAE Explorer", "PyTorch", "ratio")
	for _, row := range r.Train {
		torchCol, ratioCol, te := "-", "-", "-"
		if row.TorchImgPerS > 0 {
			torchCol = fmt.Sprintf("%.0f (%dt)", row.TorchImgPerS, row.TorchThreads)
			ratioCol = fmt.Sprintf("%.2f", row.Ratio)
			te = fmt.Sprintf("%.2f", row.TorchTestELBO)
		}
		fmt.Fprintf(w, "%-44s %14.0f %14s %8s\n", "train "+row.Shape+", batch 128 (img/s)", row.ImgPerS, torchCol, ratioCol)
		fmt.Fprintf(w, "%-44s %14.2f %14s\n", fmt.Sprintf("  held-out -ELBO after %d epochs (nats)", *epochs), row.TestELBO, te)
		fmt.Fprintf(w, "%-44s %14.4f\n", "  decode one point, median (ms; target < 0.1)", row.DecodeMedianMS)
		fmt.Fprintf(w, "%-44s %14.4f\n", "  decode one point, p99 (ms; target < 1)", row.DecodeP99MS)
		fmt.Fprintf(w, "%-44s %14.2f\n", "  decode + render 30x30 grid (ms; < 20)", row.Grid30MS)
		fmt.Fprintf(w, "%-44s %14.1f\n", "  encode 10,000 images (ms; target < 200)", row.Encode10kMS)
	}
	fmt.Fprintf(w, "%-44s %14.0f\n", "peak Go heap while training (MB)", r.PeakHeapMB)
	if r.TorchNote != "" {
		fmt.Fprintf(w, "\nPyTorch: %s\n", r.TorchNote)
	}
	return nil
}

// interactive measures the figures a user feels on a trained model:
// decoding the dragged point, the 30x30 grid, encoding 10,000 images.
func (row *trainRow) interactive(m *vae.Model, test *dataset.Set) error {
	z := []float32{0.3, -0.7}
	dst := make([]float32, m.ImageSize())
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
	row.DecodeMedianMS = ms(lat[len(lat)/2])
	row.DecodeP99MS = ms(lat[len(lat)*99/100])
	row.Grid30MS = ms(medianOf(15, func() error {
		pts, _ := vae.GridSpec{N: 30, DimX: 0, DimY: 1}.Points(2)
		pix, err := m.Decode(pts)
		tile(m, pix, 30, 0)
		return err
	}))
	tenK := make([]float32, 0, 10000*m.ImageSize())
	testPix := test.Floats()
	for len(tenK) < cap(tenK) {
		tenK = append(tenK, testPix[:min(len(testPix), cap(tenK)-len(tenK))]...)
	}
	row.Encode10kMS = ms(medianOf(5, func() error { _, _, err := m.Encode(tenK); return err }))
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

// torchRef runs scripts/torch_reference.py once for arch with the given threads
// and returns its images/s and final held-out -ELBO, or why it could not.
func torchRef(ctx context.Context, data, arch string, epochs, threads int) (ips, elbo float64, note string) {
	script := findScript("scripts/torch_reference.py")
	if script == "" {
		return 0, 0, "skipped: scripts/torch_reference.py not found (run from the source tree)"
	}
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		return 0, 0, "skipped: /usr/bin/python3 is not installed"
	}
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", script, "--data", data, "--arch", arch, "--epochs", fmt.Sprint(epochs), "--threads", fmt.Sprint(threads))
	out, err := cmd.Output()
	if err != nil {
		return 0, 0, fmt.Sprintf("skipped: /usr/bin/python3 %s failed: %v", script, err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var v map[string]any
		if json.Unmarshal([]byte(line), &v) != nil {
			continue
		}
		if s, ok := v["skipped"].(string); ok {
			return 0, 0, "skipped: " + s
		}
		if v["summary"] == true {
			ips, _ = v["img_per_s"].(float64)
		} else if e, ok := v["test_elbo"].(float64); ok {
			elbo = e
		}
	}
	if ips == 0 {
		return 0, 0, "skipped: the PyTorch reference printed no summary"
	}
	return ips, elbo, ""
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
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
