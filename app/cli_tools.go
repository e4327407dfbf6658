//go:build !js

package main

import (
	"fmt"
	"strconv"
	"strings"

	"vaeexplorer/vae"
	"vaeexplorer/vae/atomicfile"
	"vaeexplorer/vae/imaging"
	"vaeexplorer/vae/torchio"
)

// ---- vector ------------------------------------------------------------------

func cmdVector(c *cli, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			c.newFlags("vector").Usage()
			fmt.Fprint(c.stderr, "\nActions:\n  list     the model's stored vectors\n  compute  compute a vector and store it in the model\n  apply    decode an image moved along a vector\n")
			return nil
		}
		return badInput("want an action: list, compute or apply (see vector --help)")
	}
	switch args[0] {
	case "list":
		return vectorList(c, args[1:])
	case "compute":
		return vectorCompute(c, args[1:])
	case "apply":
		return vectorApply(c, args[1:])
	}
	return badInput("unknown action %q: want list, compute or apply", args[0])
}

func vectorList(c *cli, args []string) error {
	fs := c.newFlags("vector")
	model := modelFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	m, err := model.load()
	if err != nil {
		return err
	}
	vs := m.Vectors()
	if *asJSON {
		if vs == nil {
			vs = []vae.Vector{}
		}
		c.printJSON(vs)
		return nil
	}
	if len(vs) == 0 {
		fmt.Fprintln(c.stdout, "no stored vectors (class vectors like 4->9 are computed on demand: vector apply --name 4->9)")
	}
	for _, v := range vs {
		fmt.Fprintf(c.stdout, "%-16s |z| %.2f  %s\n", v.Name, vae.Norm(v.Z), v.Description)
	}
	return nil
}

func vectorCompute(c *cli, args []string) error {
	fs := c.newFlags("vector")
	model := modelFlag(fs)
	out := fs.String("out", "", "model file to write with the vector stored (required; may be --model)")
	name := fs.String("name", "", "the vector's name (default: from what it is)")
	classes := fs.String("classes", "", "FROM,TO: the mean code of class TO minus that of class FROM (e.g. 4,9)")
	attr := fs.String("attr", "", "an attribute of --data's attribute file (e.g. Smiling: with it minus without), or thickness, slant or width measured on its held-out images")
	data := fs.String("data", "", "dataset folder for --attr")
	dataName := fs.String("dataset", "", "mnist or fashion for --attr, instead of --data")
	from := fs.String("from", "", "folder of images: the vector points away from their mean code...")
	to := fs.String("to", "", "...towards the mean code of this folder's images")
	asJSON := fs.Bool("json", false, "print the vector as JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return badInput("--out MODEL is required")
	}
	if err := vae.CheckSaveName(*out); err != nil {
		return usageErr{err} // before any work: a PyTorch file is never replaced by ours
	}
	// --out as it was before the model was read: often the same file, and
	// another run storing its vector meanwhile must not be undone.
	was, err := atomicfile.Stat(*out)
	if err != nil {
		return err
	}
	m, err := model.load()
	if err != nil {
		return err
	}
	var v vae.Vector
	switch {
	case *classes != "":
		parts := strings.Split(*classes, ",")
		a, err1 := strconv.Atoi(strings.TrimSpace(parts[0]))
		b, err2 := 0, fmt.Errorf("want two classes")
		if len(parts) == 2 {
			b, err2 = strconv.Atoi(strings.TrimSpace(parts[1]))
		}
		if err1 != nil || err2 != nil || a < 0 || b < 0 || a > 255 || b > 255 {
			return badInput("--classes %q: want FROM,TO like 4,9", *classes)
		}
		if v, err = m.ClassVector(uint8(a), uint8(b)); err != nil {
			return usageErr{err}
		}
	case *attr != "":
		if *data == "" && *dataName == "" {
			return badInput("--attr needs --data DIR or --dataset NAME to measure it on")
		}
		_, test, _, err := c.loadData(*data, *dataName, true, vae.FolderOptionsFor(m))
		if err != nil {
			return err
		}
		if v, err = m.AttributeVector(*attr, test); err != nil {
			return usageErr{err}
		}
	case *from != "" && *to != "":
		if v, _, _, err = m.FolderVectorFrom("", *from, *to); err != nil {
			return usageErr{err}
		}
	default:
		return badInput("say what the vector is: --classes FROM,TO, --attr NAME --data DIR, or --from DIR --to DIR")
	}
	if *name != "" {
		v.Name = *name
	}
	if err := m.SetVector(v); err != nil {
		return usageErr{err}
	}
	if err := m.SaveIfUnchanged(*out, was); err != nil {
		return err
	}
	if *asJSON {
		c.printJSON(v)
	} else {
		fmt.Fprintf(c.stderr, "stored %q (|z| %.2f) in %s\n", v.Name, vae.Norm(v.Z), *out)
	}
	return nil
}

func vectorApply(c *cli, args []string) error {
	fs := c.newFlags("vector")
	model := modelFlag(fs)
	name := fs.String("name", "", "a stored vector, or a class vector like 4->9 (required)")
	lo := fs.Float64("min", -3, "smallest strength")
	hi := fs.Float64("max", 3, "largest strength")
	steps := fs.Int("steps", 7, "strengths from --min to --max (2..50)")
	out := fs.String("out", "", "PNG file to write: one row per image (required)")
	asJSON := jsonFlag(fs)
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *out == "" || *name == "" {
		return badInput("--name VECTOR and --out FILE.png are required")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"min", *lo}, {"max", *hi}} {
		if err := inRange(f.name, f.v, -100, 100); err != nil {
			return err
		}
	}
	if len(files) == 0 {
		return badInput("no image files given")
	}
	if *steps < 2 || *steps > 50 || !(*hi > *lo) {
		return badInput("want 2..50 --steps and --max above --min")
	}
	m, err := model.load()
	if err != nil {
		return err
	}
	v, ok := m.Vector(*name)
	if !ok {
		var a, b int
		if n, _ := fmt.Sscanf(*name, "%d->%d", &a, &b); n != 2 || *name != fmt.Sprintf("%d->%d", a, b) {
			return badInput("no vector %q in the model (vector list shows them)", *name)
		}
		if a < 0 || b < 0 || a > 255 || b > 255 {
			return badInput("--name %q: class numbers run from 0 to 255", *name)
		}
		if v, err = m.ClassVector(uint8(a), uint8(b)); err != nil {
			return usageErr{err}
		}
	}
	var zs []float32
	for _, f := range files {
		in, err := imaging.PreprocessFileAs(f, vae.InputTarget(m))
		if err != nil {
			return err
		}
		mean, _, err := m.Encode(in.Pixels)
		if err != nil {
			return err
		}
		for i := 0; i < *steps; i++ {
			s := *lo + (*hi-*lo)*float64(i)/float64(*steps-1)
			zs = append(zs, vae.AddScaled(mean, v.Z, s)...)
		}
	}
	pix, err := m.Decode(zs)
	if err != nil {
		return err
	}
	if err := writePNG(*out, tile(m, pix, *steps, 2)); err != nil {
		return err
	}
	c.wrote(*asJSON, map[string]any{"out": *out, "vector": *name, "images": len(zs) / m.Latent(), "min": *lo, "max": *hi, "steps": *steps},
		fmt.Sprintf("wrote %s: %q applied at %d strengths from %g to %g", *out, *name, *steps, *lo, *hi))
	return nil
}

// ---- anomalies -----------------------------------------------------------------

func cmdAnomalies(c *cli, args []string) error {
	fs := c.newFlags("anomalies")
	model := modelFlag(fs)
	data := fs.String("data", "", "dataset folder (idx files or images): its held-out images are ranked")
	name := fs.String("dataset", "", "mnist or fashion instead of --data")
	top := fs.Int("top", 50, "how many of the worst reconstructed images to show (1..1000)")
	out := fs.String("out", "", "PNG sheet: each image above its reconstruction, worst first")
	asJSON := fs.Bool("json", false, "print one JSON object per image")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *top < 1 || *top > 1000 {
		return badInput("--top %d: want 1..1000", *top)
	}
	m, err := model.load()
	if err != nil {
		return err
	}
	_, test, _, err := c.loadData(*data, *name, true, vae.FolderOptionsFor(m))
	if err != nil {
		return err
	}
	if err := vae.CheckImages(test, m.Image(), *data); err != nil {
		return usageErr{err}
	}
	r, err := m.RankByErrorGiven(test.Floats(), test.Labels, *top) // a conditional model's given each image's label
	if err != nil {
		return err
	}
	if *out != "" {
		if err := writePNG(*out, tile(m, r.Sheet(10), 10, 2)); err != nil {
			return err
		}
	}
	for rank, i := range r.Worst {
		e := r.Errors[i]
		if *asJSON {
			c.printJSON(map[string]any{"rank": rank + 1, "index": i, "label": test.Labels[i], "recon_error": e, "percentile": r.Percentile(e)})
		} else {
			fmt.Fprintf(c.stdout, "%4d  image %5d  label %d  reconstruction error %.1f\n", rank+1, i, test.Labels[i], e)
		}
	}
	return nil
}

// ---- augment -------------------------------------------------------------------

func cmdAugment(c *cli, args []string) error {
	fs := c.newFlags("augment")
	model := modelFlag(fs)
	data := fs.String("data", "", "folder of MNIST-format idx files, or an image folder, whose training images seed the classes")
	name := fs.String("dataset", "", "mnist or fashion instead of --data")
	perClass := fs.Int("per-class", 100, "images to generate per class")
	mode := fs.String("mode", vae.AugmentMean, "mean: around each class's mean code; jitter: real images' codes moved at random")
	sigma := fs.Float64("sigma", 1, "spread: times the class's spread (mean), or latent units (jitter, try 0.3)")
	format := fs.String("format", "idx", "idx: train-*-ubyte.gz of the new images plus the source's t10k files (a dataset folder; grey models only); png: DIR/<class>/<class>-<n>.png")
	out := fs.String("out", "", "folder to write (required; must not hold files this would replace)")
	seed := fs.Int64("seed", 1, "random seed (same seed, same images)")
	asJSON := fs.Bool("json", false, "print a JSON summary")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput("unexpected argument %q", pos[0])
	}
	if *out == "" {
		return badInput("--out DIR is required")
	}
	m, err := model.load()
	if err != nil {
		return err
	}
	opt := vae.AugmentOptions{PerClass: *perClass, Mode: *mode, Sigma: *sigma, Seed: *seed}
	// The app's export checks the same (vae.CheckAugment), before
	// anything is read.
	if err := vae.CheckAugment(m.Image(), opt, *format, *out); err != nil {
		return usageErr{err}
	}
	train, test, label, err := c.loadData(*data, *name, *asJSON, vae.FolderOptionsFor(m))
	if err != nil {
		return err
	}
	var bar *progressBar
	if !*asJSON {
		bar = newProgressBar(c.stderr, "augment")
	}
	res, err := m.AugmentInto(c.ctx, train, test, opt, *format, *out, func(frac float64, what string) {
		if bar != nil {
			bar.set(frac, what)
		}
	})
	if err != nil {
		if c.ctx.Err() != nil {
			return err
		}
		return usageErr{err}
	}
	if bar != nil {
		bar.finish()
	}
	if *asJSON {
		c.printJSON(map[string]any{"out": *out, "format": *format, "images": res.Images, "per_class": res.PerClass,
			"mode": *mode, "sigma": *sigma, "seed": *seed, "source": label, "files": res.Files})
		return nil
	}
	fmt.Fprintf(c.stdout, "wrote %d images (%d classes x %d, %s, sigma %g) from %s to %s\n", res.Images, len(res.PerClass), *perClass, *mode, *sigma, label, *out)
	return nil
}

// ---- export ------------------------------------------------------------------

func cmdExport(c *cli, args []string) error {
	fs := c.newFlags("export")
	model := modelFlag(fs)
	out := fs.String("out", "", "safetensors file to write")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return badInput("--out FILE.safetensors is required")
	}
	if !strings.HasSuffix(strings.ToLower(*out), ".safetensors") {
		return badInput("--out %s: name it NAME.safetensors", *out)
	}
	m, err := model.load()
	if err != nil {
		return err
	}
	data, err := torchio.Export(m)
	if err != nil {
		return err
	}
	if err := vae.WriteFileAtomic(*out, data); err != nil {
		return err
	}
	cfg := m.Config()
	c.wrote(*asJSON, map[string]any{"out": *out, "shape": cfg.Shape(), "tensors": len(m.Params().List), "bytes": len(data)},
		fmt.Sprintf("wrote %s: %s, %d tensors, %.1f MB (load it with scripts/torch_vae.py)", *out, cfg.Shape(), len(m.Params().List), float64(len(data))/1e6))
	return nil
}
