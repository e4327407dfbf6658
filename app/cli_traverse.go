//go:build !js

package main

import (
	"fmt"
	"strconv"
	"strings"

	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// cmdTraverse writes a traversal sheet: one labelled row per latent
// dimension (most informative first), each sweeping that dimension.
func cmdTraverse(c *cli, args []string) error {
	fs := c.newFlags("traverse")
	model := modelFlag(fs)
	dimsArg := fs.String("dims", "", "dimensions to sweep, comma-separated (default: all, most informative first)")
	steps := fs.Int("steps", 9, "columns per row (2..41)")
	rng := fs.Float64("range", 3, "each row sweeps its dimension from -range to +range")
	zs := fs.String("z", "", "the point the rows start from (default: the origin)")
	out := fs.String("out", "", "PNG file to write (required)")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return badInput("--out FILE.png is required")
	}
	m, err := model.open()
	if err != nil {
		return err
	}
	z := make([]float32, m.Latent())
	if *zs != "" {
		if z, err = parseZ(*zs, m.Latent()); err != nil {
			return err
		}
	}
	var dims []int
	if *dimsArg != "" {
		for _, p := range strings.Split(*dimsArg, ",") {
			d, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || d < 0 || d >= m.Latent() {
				return badInput("--dims: %q is not a dimension in 0..%d", clipArg(p), m.Latent()-1)
			}
			dims = append(dims, d)
		}
	}
	tr, err := vae.NewTraversal(m, z, dims, *steps, *rng)
	if err != nil {
		return usageErr{err}
	}
	pix, err := m.Decode(tr.Codes)
	if err != nil {
		return err
	}
	labels := make([]string, len(tr.Dims))
	for r := range labels {
		labels[r] = tr.Label(r)
	}
	sh := m.Image()
	if err := writePNG(*out, imaging.LabelledRows(pix, sh.Side, sh.Channels, tr.Steps, labels)); err != nil {
		return err
	}
	c.wrote(*asJSON, map[string]any{"out": *out, "dims": tr.Dims, "kl": tr.KL, "steps": tr.Steps, "range": tr.Range, "images": len(tr.Dims) * tr.Steps},
		fmt.Sprintf("wrote %s: %d dimensions swept over ±%g in %d steps", *out, len(tr.Dims), tr.Range, tr.Steps))
	return nil
}
