package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"vaeexplorer/vae"
	"vaeexplorer/vae/bundled"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// command is one CLI sub-command.
type command struct {
	name, args, summary string
	run                 func(c *cli, args []string) error
}

// commands is filled in init: the commands' help refers back to it.
var commands []command

func init() {
	commands = []command{
		{"train", "--data DIR|--dataset mnist|fashion --out MODEL [flags]", "train a model", cmdTrain},
		{"eval", "--data DIR|--dataset NAME [--model MODEL]", "held-out -ELBO and the error distribution", cmdEval},
		{"grid", "--out FILE.png [--model MODEL] [--n 20] [--range 3 | --quantile]", "decode the latent grid", cmdGrid},
		{"sample", "--out FILE.png [--model MODEL] [--n 64] [--seed 1]", "decode samples from the prior", cmdSample},
		{"reconstruct", "--out DIR [--model MODEL] IMAGE...", "encode and reconstruct image files", cmdReconstruct},
		{"interpolate", "--out FILE.png|--gif FILE.gif [--model MODEL] IMAGE_A IMAGE_B [--steps 10] [--slerp]", "decode the path between two images", cmdInterpolate},
		{"vector", "list|compute|apply [flags] [IMAGE...]", "concept vectors: list, compute (classes, attributes, folders), apply", cmdVector},
		{"anomalies", "--data DIR [--model MODEL] [--top 50] [--out FILE.png]", "held-out images ranked by reconstruction error", cmdAnomalies},
		{"augment", "--data DIR|--dataset NAME --out DIR [--per-class 100] [--mode mean|jitter] [--format idx|png]", "generate new labelled images per class", cmdAugment},
		{"bench", "[--json]", "measure training and inference speed", cmdBench},
	}
}

func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// cli carries a command's outputs and context.
type cli struct {
	ctx            context.Context
	stdout, stderr io.Writer
}

// usageErr is bad usage or bad input: exit status 2.
type usageErr struct{ error }

func badInput(format string, args ...any) error {
	return usageErr{fmt.Errorf(format, args...)}
}

// runCommand runs a sub-command and maps its error to an exit status: one
// line on stderr, 2 for bad usage or input, 1 for failures while working.
func runCommand(ctx context.Context, cmd *command, args []string, stdout, stderr io.Writer) int {
	c := &cli{ctx: ctx, stdout: stdout, stderr: stderr}
	err := cmd.run(c, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	}
	fmt.Fprintf(stderr, "vae-explorer %s: %v\n", cmd.name, oneLine(err))
	var ue usageErr
	if errors.As(err, &ue) || isInputError(err) {
		return 2
	}
	return 1
}

// isInputError reports errors caused by what the user gave: missing or
// malformed files.
func isInputError(err error) bool {
	return errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) ||
		errors.Is(err, vae.ErrCheckpoint) || errors.Is(err, dataset.ErrFormat) || errors.Is(err, dataset.ErrNoData) || errors.Is(err, dataset.ErrUnknown) ||
		errors.Is(err, imaging.ErrNotImage) || errors.Is(err, imaging.ErrTooLarge) || errors.Is(err, imaging.ErrBlank)
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// newFlags makes a flag set whose -h prints the command's usage.
func (c *cli) newFlags(cmd string) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		k := findCommand(cmd)
		fmt.Fprintf(c.stderr, "Usage: vae-explorer %s %s\n\n%s.\n\nFlags:\n", cmd, k.args, strings.ToUpper(k.summary[:1])+k.summary[1:])
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags that may come before, between or after positional
// arguments, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageErr{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// modelFlag declares the --model flag the commands that read a model share.
func modelFlag(fs *flag.FlagSet) *string {
	return fs.String("model", "", "model file, or bundled (the default, mlp) or bundled-conv")
}

// loadModel loads the model file, or a bundled model: "" and "bundled" name
// the mlp, "bundled-conv" the conv model.
func loadModel(path string) (*vae.Model, error) { return bundled.Open(path) }

// loadData reads a dataset folder, or fetches a named dataset, with a
// progress bar on stderr unless quiet.
func (c *cli) loadData(dir, name string, quiet bool) (train, test *dataset.Set, label string, err error) {
	switch {
	case dir != "" && name != "":
		return nil, nil, "", badInput("give --data or --dataset, not both")
	case dir == "" && name == "":
		return nil, nil, "", badInput("no data: give --data DIR (a folder of idx files) or --dataset mnist|fashion")
	}
	var bar *progressBar
	if !quiet && dir == "" {
		bar = newProgressBar(c.stderr, "download "+name)
		defer bar.finish()
	}
	d := &dataset.Downloader{}
	return d.Open(c.ctx, dir, name, func(done, total int64, file string) {
		if bar != nil {
			bar.set(float64(done)/float64(total), fmt.Sprintf("%s %.1f/%.1f MB", file, float64(done)/1e6, float64(total)/1e6))
		}
	})
}

// writePNG writes img to path atomically.
func writePNG(path string, img image.Image) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return badInput("%s is a folder; give a file name", path)
	}
	return vae.WriteAtomic(path, func(w io.Writer) error { return png.Encode(w, img) })
}

func (c *cli) printJSON(v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintln(c.stdout, string(b))
}

// ---- train -----------------------------------------------------------------

func cmdTrain(c *cli, args []string) error {
	fs := c.newFlags("train")
	def := vae.DefaultConfig()
	data := fs.String("data", "", "folder holding the four MNIST-format idx files (gzip or raw)")
	name := fs.String("dataset", "", "mnist (downloaded once into the cache) or fashion")
	arch := fs.String("arch", def.Arch, "architecture: mlp (784-H-L) or conv (two convolutions, H-wide linear layer)")
	latent := fs.Int("latent", def.Latent, "latent size L (1..64)")
	hidden := fs.Int("hidden", def.Hidden, "hidden layer width H (default 512 for mlp, 128 for conv)")
	epochs := fs.Int("epochs", 10, "epochs to train")
	batch := fs.Int("batch", def.Batch, "batch size")
	lr := fs.Float64("lr", def.LR, "Adam learning rate")
	beta := fs.Float64("beta", def.Beta, "weight of the KL term")
	warmup := fs.Int("warmup", 0, "epochs of linear KL warm-up")
	loss := fs.String("loss", def.Loss, "reconstruction loss: bce or mse")
	seed := fs.Int64("seed", def.Seed, "random seed (same seed, same model)")
	limit := fs.Int("limit", 0, "train on the first N training images only (0: all)")
	out := fs.String("out", "", "model file to write (required)")
	resume := fs.String("resume", "", "continue training this model file")
	asJSON := fs.Bool("json", false, "print one JSON object per epoch and a summary")
	memstats := fs.Bool("memstats", false, "add the process's resident memory and Go heap (MB) to each epoch's report")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput("unexpected argument %q", pos[0])
	}
	if *out == "" {
		return badInput("--out MODEL is required")
	}
	if st, err := os.Stat(*out); err == nil && st.IsDir() {
		return badInput("--out %s is a folder; give a file name", *out)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var m *vae.Model
	cfg := def
	if *resume != "" {
		if m, err = vae.Load(*resume); err != nil {
			return err
		}
		cfg = m.Config()
		for _, f := range []struct {
			name string
			ok   bool
		}{{"arch", *arch == cfg.Arch}, {"latent", *latent == cfg.Latent}, {"hidden", *hidden == cfg.Hidden}, {"loss", *loss == cfg.Loss}} {
			if set[f.name] && !f.ok {
				return badInput("--%s differs from the resumed model's; a model's shape cannot change", f.name)
			}
		}
	} else {
		cfg.Arch, cfg.Latent, cfg.Hidden, cfg.Loss = *arch, *latent, *hidden, *loss
		if !set["hidden"] {
			cfg.Hidden = vae.DefaultHidden(cfg.Arch)
		}
	}
	cfg.Epochs, cfg.Batch, cfg.LR, cfg.Beta, cfg.Warmup, cfg.Seed = *epochs, *batch, *lr, *beta, *warmup, *seed
	if err := cfg.Validate(); err != nil {
		return usageErr{err}
	}
	train, test, label, err := c.loadData(*data, *name, *asJSON)
	if err != nil {
		return err
	}
	if *limit < 0 {
		return badInput("--limit %d is negative", *limit)
	}
	train = train.Subset(*limit)
	cfg.Dataset = label
	if m == nil {
		if m, err = vae.NewModel(cfg); err != nil {
			return usageErr{err}
		}
	}
	tr, err := vae.NewTrainer(m, cfg, train, test)
	if err != nil {
		return usageErr{err}
	}
	if !*asJSON {
		fmt.Fprintf(c.stderr, "training %s L=%d H=%d on %d images of %s (%d held out), %d epochs, BLAS: %s\n",
			cfg.Arch, cfg.Latent, cfg.Hidden, train.N, label, test.N, cfg.Epochs, vae.BLASName)
	}
	tr.Start(c.ctx)
	var bar *progressBar
	if !*asJSON {
		bar = newProgressBar(c.stderr, "train")
	}
	for ev := range tr.Events() {
		switch ev.Kind {
		case vae.EventStep:
			if bar != nil {
				bar.set(ev.Progress, fmt.Sprintf("epoch %d/%d  loss %.1f  %.0f img/s  ETA %s",
					ev.Epoch, ev.Epochs, ev.Loss, ev.ImgPerSec, fmtDuration(ev.ETA)))
			}
		case vae.EventEpoch:
			h := m.History()
			st := h[len(h)-1]
			var mem memReport
			if *memstats {
				mem = readMem()
			}
			if *asJSON {
				if *memstats {
					c.printJSON(struct {
						vae.EpochStats
						memReport
					}{st, mem})
				} else {
					c.printJSON(st)
				}
			} else {
				bar.clear()
				fmt.Fprintf(c.stderr, "epoch %3d  train %.2f  held-out -ELBO %.2f (rec %.2f + KL %.2f)  %.0f img/s",
					st.Epoch, st.TrainLoss, st.TestELBO, st.TestRec, st.TestKL, st.ImgPerSec)
				if *memstats {
					fmt.Fprintf(c.stderr, "  RSS %.0f MB, heap %.0f MB", mem.RSSMB, mem.HeapMB)
				}
				fmt.Fprintln(c.stderr)
			}
		}
	}
	if bar != nil {
		bar.finish()
	}
	runErr := tr.Wait()
	stopped := errors.Is(runErr, context.Canceled)
	if runErr != nil && !stopped {
		return runErr
	}
	if stopped {
		// Stopped mid-run: keep what was trained, with fresh held-out
		// statistics for the partial epoch.
		if err := m.MeasureHeldOut(test); err != nil {
			return err
		}
	}
	if err := m.Save(*out); err != nil {
		return err
	}
	h := m.History()
	sum := map[string]any{"summary": true, "model": *out, "epochs": len(h), "stopped": stopped, "blas": vae.BLASName}
	if len(h) > 0 {
		last := h[len(h)-1]
		sum["test_elbo"], sum["test_rec"], sum["test_kl"] = last.TestELBO, last.TestRec, last.TestKL
		var secs, imgs float64
		for _, e := range h {
			secs += e.Seconds
			imgs += e.ImgPerSec * e.Seconds
		}
		sum["seconds"], sum["img_per_s"] = secs, imgs/secs
	}
	if *asJSON {
		c.printJSON(sum)
	} else if stopped {
		fmt.Fprintf(c.stderr, "stopped; saved the model as trained so far to %s\n", *out)
	} else {
		fmt.Fprintf(c.stderr, "saved %s\n", *out)
	}
	return nil
}

// ---- eval ------------------------------------------------------------------

func cmdEval(c *cli, args []string) error {
	fs := c.newFlags("eval")
	model := modelFlag(fs)
	data := fs.String("data", "", "folder holding MNIST-format idx files")
	name := fs.String("dataset", "", "mnist or fashion")
	seed := fs.Int64("seed", 1, "seed of the z samples")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	m, err := loadModel(*model)
	if err != nil {
		return err
	}
	_, test, _, err := c.loadData(*data, *name, *asJSON)
	if err != nil {
		return err
	}
	if test.Rows != vae.ImageSide || test.Cols != vae.ImageSide {
		return badInput("held-out images are %dx%d; models read %dx%d", test.Rows, test.Cols, vae.ImageSide, vae.ImageSide)
	}
	testPix := test.Floats()
	ev, err := m.Evaluate(testPix, *seed, nil)
	if err != nil {
		return err
	}
	errs, err := m.ReconErrors(testPix)
	if err != nil {
		return err
	}
	slices.Sort(errs)
	pct := func(p float64) float64 { return float64(errs[min(len(errs)-1, int(p/100*float64(len(errs))))]) }
	res := map[string]any{"images": ev.N, "test_elbo": ev.ELBO, "test_rec": ev.Rec, "test_kl": ev.KL,
		"recon_error": map[string]float64{"min": float64(errs[0]), "p10": pct(10), "p50": pct(50), "p90": pct(90), "p99": pct(99), "max": float64(errs[len(errs)-1])}}
	if *asJSON {
		c.printJSON(res)
		return nil
	}
	fmt.Fprintf(c.stdout, "%d held-out images: -ELBO %.2f nats (reconstruction %.2f + KL %.2f)\n", ev.N, ev.ELBO, ev.Rec, ev.KL)
	fmt.Fprintf(c.stdout, "reconstruction error: min %.1f  p10 %.1f  median %.1f  p90 %.1f  p99 %.1f  max %.1f\n",
		errs[0], pct(10), pct(50), pct(90), pct(99), errs[len(errs)-1])
	return nil
}

// ---- grid and sample --------------------------------------------------------

func cmdGrid(c *cli, args []string) error {
	fs := c.newFlags("grid")
	model := modelFlag(fs)
	n := fs.Int("n", 20, "points per side (1..100)")
	rng := fs.Float64("range", 3, "linear spacing over [-range, range]")
	quant := fs.Bool("quantile", false, "space points at Normal quantiles instead")
	dims := fs.String("dims", "0,1", "the two latent dimensions to span (others at 0)")
	out := fs.String("out", "", "PNG file to write (required)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return badInput("--out FILE.png is required")
	}
	m, err := loadModel(*model)
	if err != nil {
		return err
	}
	dx, dy, err := parseDims(*dims, m.Latent())
	if err != nil {
		return err
	}
	spec := vae.GridSpec{N: *n, Range: *rng, DimX: dx, DimY: dy}
	if *quant {
		spec.Spacing = vae.Quantile
	}
	pts, err := spec.Points(m.Latent())
	if err != nil {
		return usageErr{err}
	}
	pix, err := m.Decode(pts)
	if err != nil {
		return err
	}
	return writePNG(*out, imaging.Tile(pix, vae.ImageSide, *n, 0))
}

func parseDims(s string, latent int) (int, int, error) {
	if latent == 1 {
		return 0, 0, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 2 {
		return 0, 0, badInput("--dims %q: want two dimensions like 0,1", s)
	}
	a, err1 := strconv.Atoi(strings.TrimSpace(parts[0]))
	b, err2 := strconv.Atoi(strings.TrimSpace(parts[1]))
	if err1 != nil || err2 != nil || a < 0 || b < 0 || a >= latent || b >= latent || a == b {
		return 0, 0, badInput("--dims %q: want two different dimensions in 0..%d", s, latent-1)
	}
	return a, b, nil
}

func cmdSample(c *cli, args []string) error {
	fs := c.newFlags("sample")
	model := modelFlag(fs)
	n := fs.Int("n", 64, "number of samples (1..1024)")
	seed := fs.Int64("seed", 1, "random seed")
	temp := fs.Float64("temperature", 1, "scale of the prior's standard deviation")
	out := fs.String("out", "", "PNG file to write (required)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return badInput("--out FILE.png is required")
	}
	if *n < 1 || *n > 1024 {
		return badInput("--n %d: want 1..1024", *n)
	}
	if !(*temp > 0 && *temp <= 10) {
		return badInput("--temperature %g: want (0, 10]", *temp)
	}
	m, err := loadModel(*model)
	if err != nil {
		return err
	}
	pix, err := m.Decode(vae.Sample(rand.New(rand.NewSource(*seed)), *n, m.Latent(), *temp))
	if err != nil {
		return err
	}
	cols := 1
	for cols*cols < *n {
		cols++
	}
	return writePNG(*out, imaging.Tile(pix, vae.ImageSide, cols, 2))
}

// ---- reconstruct and interpolate ---------------------------------------------

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// outputStem makes a safe file-name stem from an input path: its base name
// without extension, anything but letters, digits, dot, dash and
// underscore replaced.
func outputStem(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	s := strings.Trim(unsafeChars.ReplaceAllString(base, "_"), "._")
	if s == "" {
		s = "image"
	}
	return s
}

// reconResult is reconstruct's JSON line.
type reconResult struct {
	File         string    `json:"file"`
	LatentMean   []float32 `json:"latent_mean"`
	LatentLogvar []float32 `json:"latent_logvar"`
	ReconError   float64   `json:"recon_error"`
	Percentile   *float64  `json:"percentile"`
	Inverted     bool      `json:"inverted"`
	Outputs      []string  `json:"outputs"`
}

func cmdReconstruct(c *cli, args []string) error {
	fs := c.newFlags("reconstruct")
	model := modelFlag(fs)
	out := fs.String("out", "", "folder for the PNGs (created if missing; required)")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return badInput("--out DIR is required")
	}
	if len(files) == 0 {
		return badInput("no image files given")
	}
	m, err := loadModel(*model)
	if err != nil {
		return err
	}
	// Read every image before writing anything, so a bad file changes
	// nothing.
	inputs := make([]*imaging.Input, len(files))
	for i, f := range files {
		if inputs[i], err = imaging.PreprocessFile(f); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	used := map[string]int{}
	for i, in := range inputs {
		a, err := m.Analyse(in.Pixels)
		if err != nil {
			return err
		}
		stem := outputStem(files[i])
		if k := used[stem]; k > 0 {
			stem = fmt.Sprintf("%s-%d", stem, k+1)
		}
		used[outputStem(files[i])]++
		res := reconResult{File: files[i], LatentMean: a.Mean, LatentLogvar: a.Logvar, ReconError: float64(a.Error), Inverted: in.Inverted}
		if p := a.Percentile; p == p { // not NaN
			res.Percentile = &p
		}
		for _, o := range []struct {
			suffix string
			img    image.Image
		}{{"input", imaging.Gray28(in.Pixels)}, {"recon", imaging.Gray28(a.Recon)}, {"error", imaging.Heatmap(in.Pixels, a.Recon)}} {
			path := filepath.Join(*out, stem+"-"+o.suffix+".png")
			if err := writePNG(path, o.img); err != nil {
				return err
			}
			res.Outputs = append(res.Outputs, path)
		}
		c.printJSON(res)
	}
	return nil
}

func cmdInterpolate(c *cli, args []string) error {
	fs := c.newFlags("interpolate")
	model := modelFlag(fs)
	steps := fs.Int("steps", 10, "images in the strip, ends included (2..100)")
	slerp := fs.Bool("slerp", false, "spherical instead of linear interpolation")
	out := fs.String("out", "", "PNG strip to write")
	gifOut := fs.String("gif", "", "animated GIF to write (forward and back, looping)")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *out == "" && *gifOut == "" {
		return badInput("--out FILE.png or --gif FILE.gif is required")
	}
	if len(files) != 2 {
		return badInput("want two image files, got %d", len(files))
	}
	if *steps < 2 || *steps > 100 {
		return badInput("--steps %d: want 2..100", *steps)
	}
	m, err := loadModel(*model)
	if err != nil {
		return err
	}
	var ends [2][]float32
	for i, f := range files {
		in, err := imaging.PreprocessFile(f)
		if err != nil {
			return err
		}
		if ends[i], _, err = m.Encode(in.Pixels); err != nil {
			return err
		}
	}
	path, err := vae.Path(ends[0], ends[1], *steps, *slerp)
	if err != nil {
		return err
	}
	pix, err := m.Decode(path)
	if err != nil {
		return err
	}
	if *gifOut != "" {
		frames := make([][]float32, *steps)
		for i := range frames {
			frames[i] = pix[i*vae.ImageSize : (i+1)*vae.ImageSize]
		}
		if err := writeGIF(*gifOut, frames); err != nil {
			return err
		}
	}
	if *out == "" {
		return nil
	}
	return writePNG(*out, imaging.Tile(pix, vae.ImageSide, *steps, 2))
}

// writeGIF writes frames as a looping animation (8x, 12 frames a second)
// to path atomically.
func writeGIF(path string, frames [][]float32) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return badInput("%s is a folder; give a file name", path)
	}
	return vae.WriteAtomic(path, func(w io.Writer) error { return imaging.WriteGIF(w, frames, 8, 8, true) })
}
