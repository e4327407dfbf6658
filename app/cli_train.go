//go:build !js

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"time"

	"vaeexplorer/vae"
	"vaeexplorer/vae/atomicfile"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// The train and eval commands.

func cmdTrain(c *cli, args []string) error {
	fs := c.newFlags("train")
	def := vae.DefaultConfig()
	data := fs.String("data", "", "folder holding the four MNIST-format idx files (gzip or raw), or an image folder (class sub-folders, or train/ and test/ with them)")
	name := fs.String("dataset", "", "mnist (downloaded once into the cache) or fashion")
	arch := fs.String("arch", def.Arch, "architecture: mlp (784-H-L) or conv (two convolutions, H-wide linear layer)")
	latent := fs.Int("latent", def.Latent, "latent size L (1..64)")
	hidden := fs.Int("hidden", def.Hidden, "hidden layer width H (default 512 for mlp, 128 for conv)")
	epochs := fs.Int("epochs", 10, "epochs to train")
	batch := fs.Int("batch", def.Batch, "batch size")
	lr := fs.Float64("lr", def.LR, "Adam learning rate")
	beta := fs.Float64("beta", def.Beta, "weight of the KL term")
	warmup := fs.Int("warmup", 0, "epochs of linear KL warm-up")
	decay := fs.Bool("lr-decay", false, "decay the learning rate to 0 along a half cosine over the run")
	loss := fs.String("loss", def.Loss, "reconstruction loss: bce or mse")
	seed := fs.Int64("seed", def.Seed, "random seed (same seed, same model)")
	limit := fs.Int("limit", 0, "train on the first N training images only (0: all)")
	out := fs.String("out", "", "model file to write (required)")
	resume := fs.String("resume", "", "continue training this model file")
	asJSON := fs.Bool("json", false, "print one JSON object per epoch and a summary")
	memstats := fs.Bool("memstats", false, "add the process's resident memory and Go heap (MB) to each epoch's report")
	size := fs.Int("size", 0, "image folders: image side S (default: from the data; conv needs S divisible by 4)")
	channels := fs.Int("channels", 0, "image folders: 1 (grey) or 3 (colour) (default: from the data)")
	prep := fs.String("preprocess", imaging.ModeResize, "image folders: resize (centre square, resized) or digit (MNIST-style centring, for handwriting)")
	attributes := fs.String("attributes", "", "image folders: an attribute file in CelebA's format (default: list_attr_celeba.txt in or beside the folder, if any)")
	conditional := fs.Bool("conditional", false, "a conditional VAE: the class joins the encoder's input and z (labelled data: MNIST, Fashion-MNIST, an image folder by class)")
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
	if err := vae.CheckSaveName(*out); err != nil {
		return usageErr{err}
	}
	if st, err := os.Stat(*out); err == nil && st.IsDir() {
		return badInput("--out %s is a folder; give a file name", *out)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// --out as it was before anything was read (with --resume often the
	// same file): a change another process makes meanwhile is not undone.
	was, err := atomicfile.Stat(*out)
	if err != nil {
		return err
	}

	var m *vae.Model
	cfg := def
	if *resume != "" {
		if m, err = loadModel(*resume); err != nil { // any model file --model opens
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
	cfg.LRDecay = *decay
	// The run's rules are the training panel's (vae.CheckRun).
	folder := dataset.FolderOptions{Side: *size, Channels: *channels, Mode: *prep, Attributes: *attributes}
	if m != nil {
		if set["conditional"] && *conditional != m.Config().Conditional() {
			return badInput("--conditional differs from the resumed model's; a model's shape cannot change")
		}
		if set["size"] && *size != m.Image().Side || set["channels"] && *channels != m.Image().Channels {
			return badInput("--size and --channels must match the resumed model's %s images", m.Image())
		}
		cfg = cfg.Continuing(m.Config())
		folder = vae.FolderOptionsFor(m)
		if err := vae.CheckRun(cfg, *limit, dataset.FolderOptions{}); err != nil {
			return usageErr{err}
		}
	} else if err := vae.CheckRun(cfg, *limit, folder); err != nil {
		return usageErr{err}
	}
	train, test, label, err := c.loadData(*data, *name, *asJSON, folder)
	if err != nil {
		return err
	}
	if m == nil {
		// A new model reads the data's shape; an image folder's classes
		// and preprocessing go with it.
		if cfg, err = cfg.ForData(train, label, folder.Mode, *conditional); err != nil {
			return usageErr{err}
		}
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
	if err := m.SaveIfUnchanged(*out, was); err != nil {
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
	iwae := fs.Int("iwae", 0, "also estimate -log p(x) with K importance samples per image (the IWAE bound; 0: no)")
	limit := fs.Int("limit", 0, "evaluate the first N held-out images only (0: all)")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := inRange("iwae", float64(*iwae), 0, maxIWAE); err != nil {
		return err
	}
	if err := inRange("limit", float64(*limit), 0, math.MaxInt32); err != nil {
		return err
	}
	if em, err := model.open(); err == nil {
		if om, ok := em.(atMeanEvaluator); ok {
			return c.evalAtMean(om, *data, *name, *asJSON)
		}
	}
	m, err := model.load()
	if err != nil {
		return err
	}
	_, test, _, err := c.loadData(*data, *name, *asJSON, vae.FolderOptionsFor(m))
	if err != nil {
		return err
	}
	if err := vae.CheckImages(test, m.Image(), "the held-out images"); err != nil {
		return usageErr{err}
	}
	testPix, labels := test.Floats(), test.Labels
	if *limit > 0 && *limit*m.ImageSize() < len(testPix) {
		testPix, labels = testPix[:*limit*m.ImageSize()], labels[:*limit]
	}
	// A conditional model is evaluated given each image's label (the
	// labels are ignored by others).
	ev, err := m.EvaluateGiven(testPix, labels, *seed, nil)
	if err != nil {
		return err
	}
	errs, err := m.ReconErrorsGiven(testPix, labels)
	if err != nil {
		return err
	}
	slices.Sort(errs)
	// Per-dimension KL and active units (posterior mean's variance over
	// the data above 0.01, Burda et al. 2016).
	mean, logvar, err := m.EncodeGiven(testPix, labels)
	if err != nil {
		return err
	}
	L := m.Latent()
	klDim, act := vae.DimKL(mean, logvar, L), vae.Activity(mean, L)
	pct := func(p float64) float64 { return float64(errs[min(len(errs)-1, int(p/100*float64(len(errs))))]) }
	res := map[string]any{"images": ev.N, "test_elbo": ev.ELBO, "test_rec": ev.Rec, "test_kl": ev.KL,
		"kl_per_dim": klDim, "activity": act, "active_units": vae.ActiveUnits(act), "latent": L,
		"recon_error": map[string]float64{"min": float64(errs[0]), "p10": pct(10), "p50": pct(50), "p90": pct(90), "p99": pct(99), "max": float64(errs[len(errs)-1])}}
	// Against the data's attributes (an attribute file's): the MIG and
	// each attribute's best dimension.
	var dis *vae.Disentanglement
	if test.Attrs != nil {
		attrs := test.Attrs
		if n := len(mean) / L; n < test.N {
			attrs = test.Subset(n).Attrs
		}
		if dis, err = vae.MIG(mean, L, attrs); err == nil {
			res["disentanglement"] = dis
		}
	}
	var ll vae.Likelihood
	if *iwae > 0 {
		if ll, err = c.likelihood(m, testPix, labels, *iwae, *seed, *asJSON); err != nil {
			return err
		}
		res["iwae"] = map[string]any{"k": ll.K, "nll": ll.NLL, "stderr": ll.StdErr}
	}
	if *asJSON {
		c.printJSON(res)
		return nil
	}
	fmt.Fprintf(c.stdout, "%d held-out images: -ELBO %.2f nats (reconstruction %.2f + KL %.2f)\n", ev.N, ev.ELBO, ev.Rec, ev.KL)
	if *iwae > 0 {
		fmt.Fprintf(c.stdout, "-log p(x) <= %.2f ± %.2f nats (IWAE bound, K = %d)\n", ll.NLL, ll.StdErr, ll.K)
	}
	fmt.Fprintf(c.stdout, "reconstruction error: min %.1f  p10 %.1f  median %.1f  p90 %.1f  p99 %.1f  max %.1f\n",
		errs[0], pct(10), pct(50), pct(90), pct(99), errs[len(errs)-1])
	if dis != nil {
		fmt.Fprintf(c.stdout, "MIG %.3f over %d attributes; best dimension (share of the attribute's entropy, gap to the next):", dis.MIG, len(dis.Attributes))
		for _, a := range dis.Attributes {
			if a.Dim >= 0 {
				fmt.Fprintf(c.stdout, " %s z%d (%.2f, %.2f)", a.Name, a.Dim, a.Info, a.Gap)
			}
		}
		fmt.Fprintln(c.stdout)
	}
	fmt.Fprintf(c.stdout, "active units: %d of %d; KL per dimension (nats):", vae.ActiveUnits(act), L)
	for _, k := range klDim {
		fmt.Fprintf(c.stdout, " %.2f", k)
	}
	fmt.Fprintln(c.stdout)
	return nil
}

// maxIWAE bounds --iwae: 10,000 images at K = 100,000 is a billion
// decodes, days of work, so larger K is a mistake.
const maxIWAE = 100000

// likelihood runs the IWAE estimate with a progress bar unless quiet.
func (c *cli) likelihood(m *vae.Model, pix []float32, labels []uint8, k int, seed int64, quiet bool) (vae.Likelihood, error) {
	var bar *progressBar
	if !quiet {
		bar = newProgressBar(c.stderr, fmt.Sprintf("IWAE K=%d", k))
		defer bar.finish()
	}
	start := time.Now()
	return m.LogLikelihoodGiven(c.ctx, pix, labels, k, seed, func(done, total int) {
		if bar != nil {
			left := time.Duration(float64(time.Since(start)) * float64(total-done) / float64(max(done, 1)))
			bar.set(float64(done)/float64(total), fmt.Sprintf("%d/%d images, %s left", done, total, fmtDuration(left)))
		}
	})
}

// atMeanEvaluator is a model evaluated with z at the codes' means (an
// ONNX decoder and encoder, vae/onnx).
type atMeanEvaluator interface {
	vae.Explorable
	EvaluateAtMean(test *dataset.Set) (rec, kl float64, err error)
}

// evalAtMean is eval for an ONNX model: its held-out -ELBO with z at the
// codes' means (an ONNX file carries no sampling of its own).
func (c *cli) evalAtMean(m atMeanEvaluator, data, name string, asJSON bool) error {
	_, test, _, err := c.loadData(data, name, asJSON, vae.FolderOptionsFor(m))
	if err != nil {
		return err
	}
	if err := vae.CheckImages(test, m.Image(), "the held-out images"); err != nil {
		return usageErr{err}
	}
	rec, kl, err := m.EvaluateAtMean(test)
	if err != nil {
		return err
	}
	if asJSON {
		c.printJSON(map[string]any{"images": test.N, "test_elbo_at_mean": rec + kl, "test_rec": rec, "test_kl": kl, "latent": m.Latent()})
		return nil
	}
	fmt.Fprintf(c.stdout, "held-out -ELBO with z at the means: %.2f nats (reconstruction %.2f + KL %.2f) on %d images\n", rec+kl, rec, kl, test.N)
	return nil
}
