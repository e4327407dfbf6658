// Package embed lays high-dimensional codes out on a plane: UMAP
// (McInnes, Healy and Melville 2018) with exact nearest neighbours, and
// the measure the explorer reports for any layout, the k-nearest-neighbour
// label agreement. Everything is seeded (the same seed gives the same
// layout), cancellable through a context, and reports its layout while it
// converges so a window can draw it.
package embed

import (
	"context"
	"fmt"
	"math"

	"vaeexplorer/vae"
)

// Neighbours are each point's k nearest other points, nearest first:
// Index[i*K+j] and Dist[i*K+j] (Euclidean).
type Neighbours struct {
	K     int
	Index []int32
	Dist  []float32
}

// maxPoints bounds an exact search (quadratic in the points).
const maxPoints = 60000

// KNN finds the k nearest neighbours of each of the n points (rows of dim
// values) by exhaustive search, on the engine's workers.
func KNN(ctx context.Context, points []float32, dim, k int) (*Neighbours, error) {
	if dim < 1 || len(points)%dim != 0 {
		return nil, fmt.Errorf("knn: %d values are not rows of %d", len(points), dim)
	}
	n := len(points) / dim
	if n < 2 || n > maxPoints {
		return nil, fmt.Errorf("knn: %d points (2 to %d)", n, maxPoints)
	}
	k = min(k, n-1)
	nb := &Neighbours{K: k, Index: make([]int32, n*k), Dist: make([]float32, n*k)}
	vae.ParallelRows(n, n*dim, func(r0, r1 int) {
		idx := make([]int32, k)
		d2 := make([]float32, k)
		for i := r0; i < r1; i++ {
			if i%256 == 0 && ctx.Err() != nil {
				return
			}
			if i%8 == 0 {
				vae.Yield() // in a page: let it draw and take input
			}
			p := points[i*dim : (i+1)*dim]
			m := 0 // kept so far, sorted ascending by d2
			for j := range n {
				if j == i {
					continue
				}
				q := points[j*dim : (j+1)*dim]
				var s float32
				for t, v := range p {
					d := v - q[t]
					s += d * d
				}
				if m == k && s >= d2[k-1] {
					continue
				}
				at := m
				if m < k {
					m++
				} else {
					at = k - 1
				}
				for at > 0 && d2[at-1] > s {
					d2[at], idx[at] = d2[at-1], idx[at-1]
					at--
				}
				d2[at], idx[at] = s, int32(j)
			}
			for t := range k {
				nb.Index[i*k+t] = idx[t]
				nb.Dist[i*k+t] = float32(math.Sqrt(float64(d2[t])))
			}
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nb, nil
}

// Agreement is the k-nearest-neighbour label agreement of a 2-D layout:
// the share of each point's k nearest points in the layout that have its
// label, averaged over the points (1: every neighbourhood is one class).
func Agreement(ctx context.Context, layout []float32, labels []uint8, k int) (float64, error) {
	n := len(layout) / 2
	if n != len(labels) {
		return 0, fmt.Errorf("agreement: %d points and %d labels", n, len(labels))
	}
	nb, err := KNN(ctx, layout, 2, k)
	if err != nil {
		return 0, err
	}
	same := 0
	for i := range n {
		for t := range nb.K {
			if labels[nb.Index[i*nb.K+t]] == labels[i] {
				same++
			}
		}
	}
	return float64(same) / float64(n*nb.K), nil
}
