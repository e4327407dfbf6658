//go:build !js

package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"vaeexplorer/vae/msg"

	"vaeexplorer/vae"
	"vaeexplorer/vae/atomicfile"
	"vaeexplorer/vae/bundled"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/engine"
	"vaeexplorer/vae/imaging"
	"vaeexplorer/vae/safefile"
	"vaeexplorer/vae/torchio"
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
		{"grid", "--out FILE.png [--model MODEL] [--n 20] [--range 3 | --quantile] [--class C]", "decode the latent grid", cmdGrid},
		{"sample", "--out FILE.png [--model MODEL] [--n 64] [--seed 1] [--class C]", "decode samples from the prior", cmdSample},
		{"decode", "--z z1,…,zL --out FILE.png [--model MODEL] [--class C]", "decode one latent point", cmdDecode},
		{"classify", "[--model MODEL] IMAGE... | --data DIR|--dataset NAME", "a conditional model's most likely class of images, by -ELBO (of a held-out set: the accuracy)", cmdClassify},
		{"traverse", "--out FILE.png [--model MODEL] [--dims 0,3] [--steps 9] [--range 3] [--z …]", "one row per latent dimension, swept: the disentanglement figure", cmdTraverse},
		{"reconstruct", "--out DIR [--model MODEL] IMAGE...", "encode and reconstruct image files", cmdReconstruct},
		{"interpolate", "--out FILE.png|--gif FILE.gif [--model MODEL] IMAGE_A IMAGE_B [--steps 10] [--slerp] [--class C]", "decode the path between two images", cmdInterpolate},
		{"vector", "list|compute|apply [flags] [IMAGE...]", "concept vectors: list, compute (classes, attributes, folders), apply", cmdVector},
		{"project", "--data DIR|--dataset NAME --out FILE.csv [--model MODEL] [--method umap|tsne|pca] [--seed 1]", "lay the held-out codes out on a plane (UMAP, t-SNE or PCA) as CSV", cmdProject},
		{"anomalies", "--data DIR [--model MODEL] [--top 50] [--out FILE.png]", "held-out images ranked by reconstruction error", cmdAnomalies},
		{"augment", "--data DIR|--dataset NAME --out DIR [--per-class 100] [--mode mean|jitter] [--format idx|png]", "generate new labelled images per class", cmdAugment},
		{"export", "--out FILE.safetensors [--model MODEL]", "write the model's weights for PyTorch (safetensors)", cmdExport},
		{"dataset", "--data IMAGE_FOLDER --out DIR [--size S] [--channels 1|3] [--preprocess resize|digit]", "write an image folder as idx files, as training reads it", cmdDataset},
		{"serve", "[--dir build/web] [--addr 127.0.0.1:8080] [--mnist DIR]", "serve the browser version (make web) and datasets to train on", cmdServe},
		{"bench", "[--json] [--model MODEL]", "measure training and inference speed (with --model: that model's decoding)", cmdBench},
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
		errors.Is(err, safefile.ErrNotRegular) || errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EISDIR) ||
		errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, vae.ErrCheckpoint) || errors.Is(err, dataset.ErrFormat) || errors.Is(err, dataset.ErrNoData) || errors.Is(err, dataset.ErrUnknown) ||
		errors.Is(err, dataset.ErrNoImages) || errors.Is(err, dataset.ErrLimit) || errors.Is(err, vae.ErrOtherFormat) ||
		errors.Is(err, imaging.ErrNotImage) || errors.Is(err, imaging.ErrTooLarge) || errors.Is(err, imaging.ErrBlank) ||
		errors.Is(err, atomicfile.ErrDirTaken) || errors.Is(err, torchio.ErrFormat)
}

func oneLine(err error) string { return msg.Line(err.Error()) }

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
//
// A bad flag is one line (the command's runner prints it) pointing at
// --help, not the whole flag list; -h and --help print the list.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	defer func() { fs.Usage = usage; fs.SetOutput(out) }()
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(out)
				usage()
				return nil, err
			}
			return nil, usageErr{fmt.Errorf("%v (see vae-explorer %s --help)", err, fs.Name())}
		}
		if err := finiteFlags(fs); err != nil {
			return nil, err
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

// finiteFlags refuses a number flag set to NaN or an infinity: no command
// means anything by them.
func finiteFlags(fs *flag.FlagSet) error {
	var bad error
	fs.Visit(func(f *flag.Flag) {
		if g, ok := f.Value.(flag.Getter); ok && bad == nil {
			if v, ok := g.Get().(float64); ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
				bad = usageErr{fmt.Errorf("--%s %v: give a finite number (see vae-explorer %s --help)", f.Name, v, fs.Name())}
			}
		}
	})
	return bad
}

// inRange refuses a number flag outside [lo, hi].
func inRange(name string, v, lo, hi float64) error {
	if v < lo || v > hi {
		return badInput("--%s %g: want %g..%g", name, v, lo, hi)
	}
	return nil
}

// modelFlag declares the --model flag the commands that read a model share.
func modelFlag(fs *flag.FlagSet) *modelRef {
	return &modelRef{
		path:    fs.String("model", "", "model file (.vae, .safetensors, or an ONNX decoder .onnx), or bundled (the default, conv), bundled-mlp, bundled-conv or bundled-8d"),
		encoder: fs.String("encoder", "", "an ONNX decoder's encoder (default: the *encoder*.onnx file beside it, if one)"),
	}
}

// classFlag is a command's --class: a conditional model's class.
func classFlag(fs *flag.FlagSet) *string {
	return fs.String("class", "", "the class a conditional model draws: its number or its name (a conditional model needs one; others take none)")
}

// given is m drawing class (a conditional model's), or m itself when it
// is not conditional and no class is given. A class for a model that
// takes none, a conditional model without one, or a class it does not
// know is refused (status 2).
func given(m vae.Explorable, class string) (vae.Explorable, error) {
	cfg := m.Config()
	if class == "" {
		if cfg.Conditional() {
			return nil, badInput("the model is conditional: give --class (0 to %d, or a class name)", cfg.Condition-1)
		}
		return m, nil
	}
	c, err := vae.ParseClass(class, cfg.Condition, cfg.ClassNames())
	if err != nil {
		return nil, badInput("--class: %v", err)
	}
	vm, ok := m.(*vae.Model)
	if !ok {
		return nil, badInput("--class: this model is not conditional")
	}
	g, err := vm.Given(c)
	if err != nil {
		return nil, badInput("--class: %v", err)
	}
	return g, nil
}

// modelRef is a command's --model and --encoder.
type modelRef struct{ path, encoder *string }

// open opens the model for commands that only decode: any kind.
func (r *modelRef) open() (vae.Explorable, error) { return engine.Open(*r.path, *r.encoder) }

// load opens the model for commands that need one of this app's models
// (they encode, train or analyse with its own loss).
func (r *modelRef) load() (*vae.Model, error) {
	m, err := r.open()
	if err != nil {
		return nil, err
	}
	vm, ok := m.(*vae.Model)
	if !ok {
		return nil, badInput("%s: this command needs a model of this app's own (.vae, .safetensors, bundled); an ONNX model decodes with decode, grid and sample, and opens in the app", *r.path)
	}
	return vm, nil
}

// loadModel loads the model file, or a bundled model: "" and "bundled" name
// the default (conv), "bundled-mlp" the mlp.
func loadModel(path string) (*vae.Model, error) { return bundled.Open(path) }

// loadData reads a dataset folder, or fetches a named dataset, with a
// progress bar on stderr unless quiet.
// An image folder is read with opt (its shape and preprocessing); what was
// found and skipped is reported on stderr.
func (c *cli) loadData(dir, name string, quiet bool, opt dataset.FolderOptions) (train, test *dataset.Set, label string, err error) {
	switch {
	case dir != "" && name != "":
		return nil, nil, "", badInput("give --data or --dataset, not both")
	case dir == "" && name == "":
		return nil, nil, "", badInput("no data: give --data DIR (a folder of idx files, or of images) or --dataset mnist|fashion")
	}
	images := dir != "" && dataset.IsImageFolder(dir)
	var bar *progressBar
	if !quiet && (dir == "" || images) {
		what := "download " + name
		if images {
			what = "read " + msg.Name(filepath.Base(dir))
		}
		bar = newProgressBar(c.stderr, what)
		defer bar.finish()
	}
	d := &dataset.Downloader{Folder: opt, OnFolder: func(r *dataset.FolderReport) {
		if bar != nil {
			bar.finish()
		}
		fmt.Fprintf(c.stderr, "%s: %s\n", msg.Name(dir), r.Summary())
		for _, line := range r.SkippedLines(10) {
			fmt.Fprintf(c.stderr, "  skipped %s\n", line)
		}
	}}
	return d.Open(c.ctx, dir, name, func(done, total int64, file string) {
		switch {
		case bar == nil:
		case images:
			bar.set(float64(done)/float64(total), fmt.Sprintf("%d/%d images", done, total))
		default:
			bar.set(float64(done)/float64(total), fmt.Sprintf("%s %.1f/%.1f MB", file, float64(done)/1e6, float64(total)/1e6))
		}
	})
}

// writePNG writes img to path atomically.
func writePNG(path string, img image.Image) error {
	return writeFile(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// writeFile writes path atomically with write, refusing a folder's name.
func writeFile(path string, write func(io.Writer) error) error {
	if err := notAFolder(path); err != nil {
		return err
	}
	return vae.WriteAtomic(path, write)
}

// notAFolder refuses an output name that is a folder (checked before long
// work as well as when writing).
func notAFolder(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return badInput("%s is a folder; give a file name", path)
	}
	return nil
}

// jsonFlag declares the --json flag the commands that write files share.
func jsonFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("json", false, "print one JSON object describing what was written")
}

// wrote says what a command wrote: one JSON object (asJSON) or one line on
// stderr. what holds the object's fields; line is the sentence.
func (c *cli) wrote(asJSON bool, what map[string]any, line string) {
	if asJSON {
		c.printJSON(what)
		return
	}
	fmt.Fprintln(c.stderr, line)
}

func (c *cli) printJSON(v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintln(c.stdout, string(b))
}
