//go:build !js

package main

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"vaeexplorer/vae"
	"vaeexplorer/vae/embed"
)

// cmdProject lays the held-out codes out on a plane (UMAP, t-SNE or PCA) and
// writes the layout as CSV: index,label,x,y.
func cmdProject(c *cli, args []string) error {
	fs := c.newFlags("project")
	model := modelFlag(fs)
	data := fs.String("data", "", "folder of idx files")
	name := fs.String("dataset", "", "mnist or fashion")
	method := fs.String("method", "umap", "umap, tsne or pca")
	seed := fs.Int64("seed", 1, "seed of the layout (the same seed gives the same layout)")
	out := fs.String("out", "", "CSV file to write (required)")
	asJSON := jsonFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return badInput("--out FILE.csv is required")
	}
	if *method != "umap" && *method != "tsne" && *method != "pca" {
		return badInput("--method %q: umap, tsne or pca", clipArg(*method))
	}
	if err := notAFolder(*out); err != nil {
		return err
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
	codes, _, err := m.EncodeSet(test)
	if err != nil {
		return err
	}
	L := m.Latent()
	t0 := time.Now()
	var y []float32
	switch {
	case *method == "pca" || L == 1:
		y, err = pcaLayout(codes, L)
	case *method == "tsne":
		y, err = embed.TSNE(c.ctx, codes, L, embed.TSNEOptions{Seed: *seed}, nil)
	default:
		y, err = embed.UMAP(c.ctx, codes, L, embed.UMAPOptions{Seed: *seed}, nil)
	}
	if err != nil {
		return err
	}
	secs := time.Since(t0).Seconds()
	agree, err := embed.Agreement(c.ctx, y, test.Labels, 10)
	if err != nil {
		return err
	}
	err = writeFile(*out, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		fmt.Fprintln(bw, "index,label,x,y")
		for i := range test.N {
			fmt.Fprintf(bw, "%d,%d,%g,%g\n", i, test.Labels[i], y[2*i], y[2*i+1])
		}
		return bw.Flush()
	})
	if err != nil {
		return err
	}
	c.wrote(*asJSON, map[string]any{"out": *out, "method": *method, "points": test.N, "seconds": secs, "agreement_10nn": agree, "seed": *seed},
		fmt.Sprintf("wrote %s: a %s layout of %d held-out codes in %.1f s, 10-NN label agreement %.3f", *out, *method, test.N, secs, agree))
	return nil
}

// pcaLayout is the codes' first two principal components.
func pcaLayout(codes []float32, L int) ([]float32, error) {
	n := len(codes) / L
	y := make([]float32, 2*n)
	if L == 1 {
		for i := range n {
			y[2*i] = codes[i]
		}
		return y, nil
	}
	p, err := vae.ComputePCA(codes, L)
	if err != nil {
		return nil, err
	}
	for i := range n {
		a, b := p.Project(codes[i*L : (i+1)*L])
		y[2*i], y[2*i+1] = float32(a), float32(b)
	}
	return y, nil
}
