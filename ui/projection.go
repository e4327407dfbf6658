package ui

import (
	"context"
	"fmt"

	"vaeexplorer/vae"
	"vaeexplorer/vae/embed"
)

// The plane's projection: the two chosen latent dimensions, the
// principal components of the held-out codes, or their UMAP or t-SNE
// layout, computed off the UI goroutine and drawn while it converges.

// umapJob is the nonlinear layout (UMAP, t-SNE) being computed: cancel stops it, gen tells
// its reports from a newer job's.
type umapJob struct {
	cancel context.CancelFunc
	gen    int
	// again: new weights arrived while it ran; it starts over with the
	// newest codes when it ends (training's epochs do not restart it
	// every few seconds, so a layout always finishes).
	again bool
}

// weightsMoved follows new weights: the principal components at once; a
// nonlinear layout after the one being computed, if any, has finished.
func (c *PlaneControl) weightsMoved() {
	if c.umap.cancel != nil && (c.projMode == axesUMAP || c.projMode == axesTSNE) {
		c.umap.again = true
		return
	}
	c.updateProjection()
}

// ChooseAxes is the user choosing the plane's axes (axesLatent, axesPCA,
// axesUMAP or axesTSNE). The view fits the codes on the new axes.
func (c *PlaneControl) ChooseAxes(mode string) {
	c.projMode = mode
	c.prefs.SetString(prefProjection, mode)
	c.prefs.SetBool(prefPCA, mode == axesPCA)
	c.updateProjection()
	c.plane.Fit()
	c.updateMap()
}

// updateProjection computes the chosen projection of the model's held-out
// codes (again after new weights).
func (c *PlaneControl) updateProjection() {
	s := c.s
	m := s.Model()
	c.stopUMAP()
	if c.projMode == axesLatent || c.projMode == "" || m == nil || m.Latent() <= 2 {
		s.SetProjection(nil, false)
		return
	}
	h := m.HeldOut()
	if h == nil || len(h.Labels) < 2 {
		c.onErr(fmt.Errorf("%s needs the model's held-out codes: train it first, or choose a dataset of its shape", c.projMode))
		s.SetProjection(nil, false)
		return
	}
	L := m.Latent()
	if c.projMode == axesUMAP || c.projMode == axesTSNE {
		c.startLayout(c.projMode, h.Means, L)
		return
	}
	p, err := vae.ComputePCA(h.Means, L)
	if err != nil {
		c.onErr(err)
		s.SetProjection(nil, false)
		return
	}
	s.SetProjection(p, false)
}

// startLayout lays the codes out with UMAP or t-SNE (method) on its own
// goroutine; each report (the start, then every few epochs) becomes the
// plane's projection, so the layout is drawn while it converges.
func (c *PlaneControl) startLayout(method string, codes []float32, L int) {
	ctx, cancel := context.WithCancel(context.Background())
	c.umap.gen++
	gen := c.umap.gen
	c.umap.cancel = cancel
	codes = append([]float32(nil), codes...)
	raw := c.s.Raw() // the codes' model (the class a conditional one draws may change meanwhile)
	n := len(codes) / L
	first := true
	show := func(layout []float32, done float64) {
		lay := embed.NewLayout(method, codes, L, layout)
		c.do(func() {
			if gen != c.umap.gen || c.s.Raw() != raw {
				return // a newer layout or another model
			}
			c.s.SetProjection(lay, done < 1)
			if first {
				first = false
				c.plane.Fit()
			}
			if done < 1 {
				c.status(fmt.Sprintf("%s: laying out %d held-out codes… %.0f%%", method, n, 100*done))
			} else {
				c.status(fmt.Sprintf("%s: %d held-out codes laid out (axes unitless: near on the plane is near in the latent space)", method, n))
			}
			c.updateMap()
		})
	}
	go func() {
		defer cancel()
		var err error
		if method == axesTSNE {
			_, err = embed.TSNE(ctx, codes, L, embed.TSNEOptions{Seed: 1}, show)
		} else {
			_, err = embed.UMAP(ctx, codes, L, embed.UMAPOptions{Seed: 1}, show)
		}
		failed := err != nil && ctx.Err() == nil // read before the deferred cancel
		c.do(func() {
			if gen != c.umap.gen {
				return // cancelled: a newer job owns the state
			}
			c.umap.cancel = nil
			if failed {
				c.onErr(fmt.Errorf("%s: %w", method, err))
				c.s.SetProjection(c.s.Projection(), false) // what was laid out is what there is
			}
			if c.umap.again {
				c.umap.again = false
				c.updateProjection()
			}
		})
	}()
}

// stopUMAP cancels the layout being computed, if any.
func (c *PlaneControl) stopUMAP() {
	if c.umap.cancel != nil {
		c.umap.cancel()
		c.umap.cancel = nil
	}
	c.umap.gen++
	c.umap.again = false
}
