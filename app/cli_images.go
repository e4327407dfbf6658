//go:build !js

package main

import (
	"fmt"
	"image"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// The commands that make pictures: grid, sample, reconstruct, interpolate.

// ---- grid and sample --------------------------------------------------------

func cmdGrid(c *cli, args []string) error {
	fs := c.newFlags("grid")
	model := modelFlag(fs)
	n := fs.Int("n", 20, "points per side (1..100)")
	rng := fs.Float64("range", 3, "linear spacing over [-range, range]")
	quant := fs.Bool("quantile", false, "space points at Normal quantiles instead")
	dims := fs.String("dims", "0,1", "the two latent dimensions to span (others at 0)")
	class := classFlag(fs)
	out := fs.String("out", "", "PNG file to write (required)")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return badInput("--out FILE.png is required")
	}
	if err := inRange("range", *rng, 0.01, 100); err != nil {
		return err
	}
	m, err := model.open()
	if err != nil {
		return err
	}
	if m, err = given(m, *class); err != nil {
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
	if err := writePNG(*out, tile(m, pix, *n, 0)); err != nil {
		return err
	}
	c.wrote(*asJSON, map[string]any{"out": *out, "images": *n * *n, "dims": []int{dx, dy}, "n": *n},
		fmt.Sprintf("wrote %s: a %dx%d grid over z%d and z%d", *out, *n, *n, dx, dy))
	return nil
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
	class := classFlag(fs)
	out := fs.String("out", "", "PNG file to write (required)")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return badInput("--out FILE.png is required")
	}
	if *n < 1 || *n > 1024 {
		return badInput("--n %d: want 1..1024", *n)
	}
	if err := inRange("temperature", *temp, 0.01, 10); err != nil {
		return err
	}
	if !(*temp > 0 && *temp <= 10) {
		return badInput("--temperature %g: want (0, 10]", *temp)
	}
	m, err := model.open()
	if err != nil {
		return err
	}
	if m, err = given(m, *class); err != nil {
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
	if err := writePNG(*out, tile(m, pix, cols, 2)); err != nil {
		return err
	}
	c.wrote(*asJSON, map[string]any{"out": *out, "images": *n, "seed": *seed, "temperature": *temp},
		fmt.Sprintf("wrote %s: %d samples (seed %d, temperature %g)", *out, *n, *seed, *temp))
	return nil
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
	jsonFlag(fs) // its report is JSON, one object per image, with or without it
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
	m, err := model.load()
	if err != nil {
		return err
	}
	// Read every image before writing anything, so a bad file changes
	// nothing.
	inputs := make([]*imaging.Input, len(files))
	for i, f := range files {
		if inputs[i], err = imaging.PreprocessFileAs(f, vae.InputTarget(m)); err != nil {
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
		}{{"input", picture(m, in.Pixels)}, {"recon", picture(m, a.Recon)}, {"error", heatmap(m, in.Pixels, a.Recon)}} {
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
	class := classFlag(fs)
	asJSON := jsonFlag(fs)
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
	m, err := model.load()
	if err != nil {
		return err
	}
	// A conditional model decodes the path as --class; each end is
	// encoded given its own most likely class (its style, not the class's).
	dec, err := given(m, *class)
	if err != nil {
		return err
	}
	var ends [2][]float32
	for i, f := range files {
		in, err := imaging.PreprocessFileAs(f, vae.InputTarget(m))
		if err != nil {
			return err
		}
		if m.Config().Conditional() {
			cl, err := m.Classify(in.Pixels)
			if err != nil {
				return err
			}
			ends[i] = cl.Mean
			continue
		}
		if ends[i], _, err = m.Encode(in.Pixels); err != nil {
			return err
		}
	}
	path, err := vae.Path(ends[0], ends[1], *steps, *slerp)
	if err != nil {
		return err
	}
	pix, err := dec.Decode(path)
	if err != nil {
		return err
	}
	if *gifOut != "" {
		frames := make([][]float32, *steps)
		for i := range frames {
			frames[i] = pix[i*m.ImageSize() : (i+1)*m.ImageSize()]
		}
		if err := writeGIF(*gifOut, frames, m.Image()); err != nil {
			return err
		}
	}
	var written []string
	if *gifOut != "" {
		written = append(written, *gifOut)
	}
	if *out != "" {
		if err := writePNG(*out, tile(m, pix, *steps, 2)); err != nil {
			return err
		}
		written = append([]string{*out}, written...)
	}
	c.wrote(*asJSON, map[string]any{"files": written, "images": *steps, "slerp": *slerp},
		fmt.Sprintf("wrote %s: %d steps", strings.Join(files, " and "), *steps))
	return nil
}

// writeGIF writes frames as a looping animation (8x, 12 frames a second)
// to path atomically.
func writeGIF(path string, frames [][]float32, sh vae.Shape) error {
	return writeFile(path, func(w io.Writer) error {
		return imaging.WriteGIFC(w, frames, sh.Side, sh.Channels, 8, 8, true)
	})
}

// picture is one image of m's shape.
func picture(m *vae.Model, pix []float32) image.Image {
	sh := m.Image()
	return imaging.Picture(pix, sh.Side, sh.Channels)
}

// heatmap is the error heatmap of an image of m's shape and its
// reconstruction.
func heatmap(m *vae.Model, a, b []float32) image.Image {
	sh := m.Image()
	return imaging.HeatmapC(a, b, sh.Side, sh.Channels)
}

// tile lays out images of m's shape in cols columns, pad pixels apart.
func tile(m vae.Explorable, pix []float32, cols, pad int) image.Image {
	sh := m.Image()
	return imaging.TileC(pix, sh.Side, sh.Channels, cols, pad)
}
