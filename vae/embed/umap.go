package embed

import (
	"context"
	"fmt"
	"math"
	"math/rand"

	"vaeexplorer/vae"
)

// UMAPOptions are UMAP's settings; the zero value is the paper's defaults
// for a picture (15 neighbours, min_dist 0.1, 5 negative samples).
type UMAPOptions struct {
	Neighbours int   // k of the neighbour graph (default 15)
	Epochs     int   // layout epochs (default 200)
	Seed       int64 // the same seed gives the same layout
	// Every, when > 0, is how many epochs pass between progress reports
	// (default 10).
	Every int
}

// The curve 1/(1+a d^(2b)) fitted to min_dist 0.1, spread 1 (umap-learn's
// find_ab_params).
const umapA, umapB = 1.5769, 0.8951

const negativeRate = 5

// edge is one edge of the fuzzy neighbour graph with its sampling clock.
type edge struct {
	i, j          int32
	every         float64 // epochs between samples: max weight / weight
	next, nextNeg float64 // the epoch of the next sample, of the next negatives
}

// UMAP lays n points (rows of dim values) out on a plane. progress, when
// not nil, gets the layout (n x 2, a copy) and the share done while it
// converges: first the initial layout (the points' first two principal
// components), then every opt.Every epochs. It stops when ctx ends.
func UMAP(ctx context.Context, points []float32, dim int, opt UMAPOptions, progress func(layout []float32, done float64)) ([]float32, error) {
	if opt.Neighbours <= 0 {
		opt.Neighbours = 15
	}
	if opt.Epochs <= 0 {
		opt.Epochs = 200
	}
	if opt.Every <= 0 {
		opt.Every = 10
	}
	nb, err := KNN(ctx, points, dim, opt.Neighbours)
	if err != nil {
		return nil, err
	}
	n := len(points) / dim
	edges := fuzzyGraph(nb, n)
	y, err := pcaInit(points, dim, opt.Seed)
	if err != nil {
		return nil, err
	}
	if progress != nil {
		progress(append([]float32(nil), y...), 0)
	}
	rng := rand.New(rand.NewSource(opt.Seed))
	for e := range edges {
		edges[e].next = edges[e].every
		edges[e].nextNeg = edges[e].every / negativeRate
	}
	for epoch := 1; epoch <= opt.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		alpha := float32(1 - float64(epoch-1)/float64(opt.Epochs))
		umapEpoch(y, edges, float64(epoch), alpha, n, rng)
		if progress != nil && (epoch%opt.Every == 0 || epoch == opt.Epochs) {
			progress(append([]float32(nil), y...), float64(epoch)/float64(opt.Epochs))
		}
	}
	return y, nil
}

// fuzzyGraph is the symmetric fuzzy set of the neighbour graph: each
// point's neighbours weighted exp(-(d - rho)/sigma), with rho its nearest
// distance and sigma such that the weights sum to log2(k), then w_ij +
// w_ji - w_ij*w_ji; one edge per pair.
func fuzzyGraph(nb *Neighbours, n int) []edge {
	k := nb.K
	w := make([]float32, n*k)
	target := math.Log2(float64(k))
	vae.ParallelRows(n, k*64, func(r0, r1 int) {
		for i := r0; i < r1; i++ {
			d := nb.Dist[i*k : (i+1)*k]
			rho := float64(d[0])
			lo, hi, sigma := 0.0, math.Inf(1), 1.0
			for range 64 {
				s := 0.0
				for _, v := range d[1:] {
					s += math.Exp(-math.Max(0, float64(v)-rho) / sigma)
				}
				s++ // the nearest, at distance rho
				if math.Abs(s-target) < 1e-5 {
					break
				}
				if s > target {
					hi = sigma
					sigma = (lo + hi) / 2
				} else {
					lo = sigma
					if math.IsInf(hi, 1) {
						sigma *= 2
					} else {
						sigma = (lo + hi) / 2
					}
				}
			}
			sigma = math.Max(sigma, 1e-3*meanOf(d))
			for t, v := range d {
				w[i*k+t] = float32(math.Exp(-math.Max(0, float64(v)-rho) / sigma))
			}
		}
	})
	weight := func(i, j int) float32 { // w_ij, 0 when j is not a neighbour of i
		for t := range k {
			if int(nb.Index[i*k+t]) == j {
				return w[i*k+t]
			}
		}
		return 0
	}
	var edges []edge
	maxW := float32(0)
	for i := range n {
		for t := range k {
			j := int(nb.Index[i*k+t])
			a, b := w[i*k+t], weight(j, i)
			if b > 0 && j < i {
				continue // the pair was met from j
			}
			s := a + b - a*b
			if s <= 0 {
				continue
			}
			edges = append(edges, edge{i: int32(i), j: int32(j), every: float64(s)})
			maxW = max(maxW, s)
		}
	}
	for e := range edges {
		edges[e].every = float64(maxW) / edges[e].every
	}
	return edges
}

func meanOf(d []float32) float64 {
	s := 0.0
	for _, v := range d {
		s += float64(v)
	}
	return s / float64(len(d))
}

// umapEpoch runs one epoch of stochastic gradient descent: each edge due
// pulls its ends together, and pushes its head away from random points.
func umapEpoch(y []float32, edges []edge, epoch float64, alpha float32, n int, rng *rand.Rand) {
	const a, b = umapA, umapB
	clip := func(v float32) float32 { return max(-4, min(4, v)) }
	for e := range edges {
		if e%1024 == 0 {
			vae.Yield() // in a page: let it draw and take input
		}
		ed := &edges[e]
		if ed.next > epoch {
			continue
		}
		i, j := int(ed.i), int(ed.j)
		dx, dy := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
		d2 := float64(dx*dx + dy*dy)
		if d2 > 0 {
			g := float32(-2 * a * b * math.Pow(d2, b-1) / (a*math.Pow(d2, b) + 1))
			gx, gy := clip(g*dx)*alpha, clip(g*dy)*alpha
			y[2*i] += gx
			y[2*i+1] += gy
			y[2*j] -= gx
			y[2*j+1] -= gy
		}
		ed.next += ed.every
		negEvery := ed.every / negativeRate
		neg := int((epoch - ed.nextNeg) / negEvery)
		for range neg {
			k := rng.Intn(n)
			if k == i {
				continue
			}
			dx, dy := y[2*i]-y[2*k], y[2*i+1]-y[2*k+1]
			d2 := float64(dx*dx + dy*dy)
			var gx, gy float32
			if d2 > 0 {
				g := float32(2 * b / ((0.001 + d2) * (a*math.Pow(d2, b) + 1)))
				gx, gy = clip(g*dx), clip(g*dy)
			} else {
				gx, gy = 4, 4
			}
			y[2*i] += gx * alpha
			y[2*i+1] += gy * alpha
		}
		ed.nextNeg += float64(neg) * negEvery
	}
}

// pcaInit is the points' first two principal components, scaled to
// [-10, 10] as umap-learn scales its initial layout, with a little noise
// so no two points start on top of each other.
func pcaInit(points []float32, dim int, seed int64) ([]float32, error) {
	n := len(points) / dim
	y := make([]float32, 2*n)
	if dim == 1 {
		for i := range n {
			y[2*i] = points[i]
		}
	} else {
		p, err := vae.ComputePCA(points, dim)
		if err != nil {
			return nil, fmt.Errorf("umap: the initial layout: %w", err)
		}
		for i := range n {
			x, v := p.Project(points[i*dim : (i+1)*dim])
			y[2*i], y[2*i+1] = float32(x), float32(v)
		}
	}
	span := float32(0)
	for _, v := range y {
		span = max(span, float32(math.Abs(float64(v))))
	}
	if span == 0 {
		span = 1
	}
	rng := rand.New(rand.NewSource(seed + 1))
	for i := range y {
		y[i] = y[i]/span*10 + float32(rng.NormFloat64()*1e-4)
	}
	return y, nil
}
