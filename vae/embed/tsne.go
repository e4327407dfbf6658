package embed

import (
	"context"
	"math"

	"vaeexplorer/vae"
)

// TSNEOptions are t-SNE's settings; the zero value is a perplexity of 30,
// 500 iterations (250 of them exaggerated) and theta 0.5.
type TSNEOptions struct {
	Perplexity float64
	Iterations int
	Theta      float64 // Barnes-Hut accuracy (0.5: the paper's)
	Seed       int64
	Every      int // iterations between progress reports (default 25)
}

// TSNE lays n points (rows of dim values) out on a plane with Barnes-Hut
// t-SNE (van der Maaten 2014): sparse input similarities over 3 x
// perplexity exact neighbours, the repulsion summed over a quadtree,
// early exaggeration, momentum and gains. It starts from the points'
// first two principal components (seeded noise added), reports the layout
// as it converges, and stops when ctx ends. Each point's forces are
// computed on its own, so the result does not depend on the workers.
func TSNE(ctx context.Context, points []float32, dim int, opt TSNEOptions, progress func(layout []float32, done float64)) ([]float32, error) {
	if opt.Perplexity <= 0 {
		opt.Perplexity = 30
	}
	if opt.Iterations <= 0 {
		opt.Iterations = 500
	}
	if opt.Theta <= 0 {
		opt.Theta = 0.5
	}
	if opt.Every <= 0 {
		opt.Every = 25
	}
	n := len(points) / dim
	k := min(n-1, int(3*opt.Perplexity))
	nb, err := KNN(ctx, points, dim, k)
	if err != nil {
		return nil, err
	}
	P := tsneAffinities(nb, n, opt.Perplexity)
	y, err := pcaInit(points, dim, opt.Seed)
	if err != nil {
		return nil, err
	}
	for i := range y {
		y[i] *= 1e-2 // a small start, as t-SNE's
	}
	if progress != nil {
		progress(append([]float32(nil), y...), 0)
	}
	lr := math.Max(float64(n)/12, 50)
	const exaggerate, exIters = 12.0, 250
	gains := make([]float64, 2*n)
	for i := range gains {
		gains[i] = 1
	}
	vel := make([]float64, 2*n)
	grad := make([]float64, 2*n)
	for it := 0; it < opt.Iterations; it++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ex, mom := 1.0, 0.8
		if it < exIters {
			ex, mom = exaggerate, 0.5
		}
		tsneGradient(y, P, n, ex, opt.Theta, grad)
		for i := range grad {
			if (grad[i] > 0) != (vel[i] > 0) {
				gains[i] += 0.2
			} else {
				gains[i] *= 0.8
			}
			gains[i] = math.Max(gains[i], 0.01)
			vel[i] = mom*vel[i] - lr*gains[i]*grad[i]
			y[i] += float32(vel[i])
		}
		centre(y)
		if progress != nil && ((it+1)%opt.Every == 0 || it+1 == opt.Iterations) {
			progress(append([]float32(nil), y...), float64(it+1)/float64(opt.Iterations))
		}
	}
	return y, nil
}

// sparseP is the symmetric input similarity matrix, row by row.
type sparseP struct {
	start []int // row i is col[start[i]:start[i+1]]
	col   []int32
	val   []float64
}

// tsneAffinities are the conditional similarities p_j|i over each point's
// neighbours (a Gaussian whose width gives the perplexity), symmetrised
// and normalised: (p_j|i + p_i|j) / 2n.
func tsneAffinities(nb *Neighbours, n int, perplexity float64) *sparseP {
	k := nb.K
	cond := make([]float64, n*k)
	target := math.Log(perplexity)
	vae.ParallelRows(n, k*50, func(r0, r1 int) {
		for i := r0; i < r1; i++ {
			if i%64 == 0 {
				vae.Yield() // in a page: let it draw and take input
			}
			d := nb.Dist[i*k : (i+1)*k]
			row := cond[i*k : (i+1)*k]
			beta, lo, hi := 1.0, 0.0, math.Inf(1)
			for range 100 {
				sum, h := 0.0, 0.0
				for t, v := range d {
					d2 := float64(v) * float64(v)
					row[t] = math.Exp(-beta * d2)
					sum += row[t]
				}
				if sum == 0 {
					sum = 1e-300
				}
				for t, v := range d {
					p := row[t] / sum
					h += beta * float64(v) * float64(v) * p
				}
				h += math.Log(sum) // the entropy of the row
				if math.Abs(h-target) < 1e-5 {
					break
				}
				if h > target { // too flat: narrower
					lo = beta
					if math.IsInf(hi, 1) {
						beta *= 2
					} else {
						beta = (lo + hi) / 2
					}
				} else {
					hi = beta
					beta = (lo + hi) / 2
				}
			}
			sum := 0.0
			for _, v := range row {
				sum += v
			}
			for t := range row {
				row[t] /= math.Max(sum, 1e-300)
			}
		}
	})
	// Symmetrise: gather both directions per pair.
	type entry struct {
		j int32
		v float64
	}
	rows := make([][]entry, n)
	for i := range n {
		for t := range k {
			j := nb.Index[i*k+t]
			v := cond[i*k+t]
			rows[i] = append(rows[i], entry{j, v})
			rows[j] = append(rows[j], entry{int32(i), v})
		}
	}
	P := &sparseP{start: make([]int, n+1)}
	seen := make(map[int32]int)
	for i := range n {
		clear(seen)
		base := len(P.col)
		for _, e := range rows[i] {
			if at, ok := seen[e.j]; ok {
				P.val[at] += e.v
				continue
			}
			seen[e.j] = len(P.col)
			P.col = append(P.col, e.j)
			P.val = append(P.val, e.v)
		}
		for t := base; t < len(P.col); t++ {
			P.val[t] /= 2 * float64(n)
		}
		P.start[i+1] = len(P.col)
	}
	return P
}

// centre moves the layout's mean to the origin.
func centre(y []float32) {
	n := len(y) / 2
	var mx, my float64
	for i := range n {
		mx += float64(y[2*i])
		my += float64(y[2*i+1])
	}
	mx, my = mx/float64(n), my/float64(n)
	for i := range n {
		y[2*i] -= float32(mx)
		y[2*i+1] -= float32(my)
	}
}

// tsneGradient writes the gradient of the KL divergence into grad:
// 4 (ex * sum_j p_ij q_ij Z (y_i - y_j) - sum_j q_ij^2 Z (y_i - y_j) / Z),
// the second sum over the quadtree.
func tsneGradient(y []float32, P *sparseP, n int, ex, theta float64, grad []float64) {
	tree := newQuadtree(y)
	rep := make([]float64, 2*n)
	zs := make([]float64, n)
	vae.ParallelRows(n, 400, func(r0, r1 int) {
		for i := r0; i < r1; i++ {
			if i%256 == 0 {
				vae.Yield() // in a page: let it draw and take input
			}
			fx, fy, z := tree.repulsion(float64(y[2*i]), float64(y[2*i+1]), theta)
			rep[2*i], rep[2*i+1], zs[i] = fx, fy, z
		}
	})
	Z := 0.0
	for _, z := range zs {
		Z += z
	}
	Z = math.Max(Z, 1e-12)
	vae.ParallelRows(n, 30, func(r0, r1 int) {
		for i := r0; i < r1; i++ {
			var ax, ay float64
			yi, yj := float64(y[2*i]), float64(y[2*i+1])
			for t := P.start[i]; t < P.start[i+1]; t++ {
				j := int(P.col[t])
				dx, dy := yi-float64(y[2*j]), yj-float64(y[2*j+1])
				q := 1 / (1 + dx*dx + dy*dy)
				ax += P.val[t] * q * dx
				ay += P.val[t] * q * dy
			}
			grad[2*i] = 4 * (ex*ax - rep[2*i]/Z)
			grad[2*i+1] = 4 * (ex*ay - rep[2*i+1]/Z)
		}
	})
}

// quadtree summarises points by their centre of mass per cell.
type quadtree struct {
	nodes []qnode
	y     []float32
}

type qnode struct {
	cx, cy, half float64 // the cell
	mx, my       float64 // centre of mass
	count        int
	point        int    // the one point of a leaf (-1: none or many)
	child        [4]int // 0: none
}

func newQuadtree(y []float32) *quadtree {
	n := len(y) / 2
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := range n {
		minX, maxX = math.Min(minX, float64(y[2*i])), math.Max(maxX, float64(y[2*i]))
		minY, maxY = math.Min(minY, float64(y[2*i+1])), math.Max(maxY, float64(y[2*i+1]))
	}
	half := math.Max(maxX-minX, maxY-minY)/2 + 1e-5
	t := &quadtree{y: y, nodes: make([]qnode, 1, 4*n)}
	t.nodes[0] = qnode{cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, half: half, point: -1}
	for i := range n {
		t.insert(0, i, 0)
	}
	return t
}

func (t *quadtree) insert(ni, p, depth int) {
	px, py := float64(t.y[2*p]), float64(t.y[2*p+1])
	for {
		nd := &t.nodes[ni]
		c := float64(nd.count)
		nd.mx = (nd.mx*c + px) / (c + 1)
		nd.my = (nd.my*c + py) / (c + 1)
		nd.count++
		if nd.count == 1 {
			nd.point = p
			return
		}
		if depth > 40 { // points on top of each other: keep them here
			nd.point = -1
			return
		}
		if nd.point >= 0 { // a leaf becomes a cell: move its point down
			old := nd.point
			nd.point = -1
			q := t.quadrant(ni, float64(t.y[2*old]), float64(t.y[2*old+1]))
			t.nodes[q].mx, t.nodes[q].my = float64(t.y[2*old]), float64(t.y[2*old+1])
			t.nodes[q].count, t.nodes[q].point = 1, old
		}
		ni = t.quadrant(ni, px, py)
		depth++
	}
}

// quadrant is the child of cell ni holding (x, y), made when missing.
func (t *quadtree) quadrant(ni int, x, y float64) int {
	nd := t.nodes[ni]
	q := 0
	if x >= nd.cx {
		q |= 1
	}
	if y >= nd.cy {
		q |= 2
	}
	if c := nd.child[q]; c != 0 {
		return c
	}
	h := nd.half / 2
	cx, cy := nd.cx-h, nd.cy-h
	if q&1 != 0 {
		cx = nd.cx + h
	}
	if q&2 != 0 {
		cy = nd.cy + h
	}
	t.nodes = append(t.nodes, qnode{cx: cx, cy: cy, half: h, point: -1})
	c := len(t.nodes) - 1
	t.nodes[ni].child[q] = c
	return c
}

// repulsion sums, over the tree, q^2 Z (y - y_j) and q Z for the point at
// (x, y) (q Z = 1/(1+d^2)); a cell far enough (its size over its distance
// below theta) counts as its points at its centre of mass.
func (t *quadtree) repulsion(x, y, theta float64) (fx, fy, z float64) {
	var stack [256]int
	stack[0] = 0
	top := 1
	for top > 0 {
		top--
		nd := &t.nodes[stack[top]]
		if nd.count == 0 {
			continue
		}
		dx, dy := x-nd.mx, y-nd.my
		d2 := dx*dx + dy*dy
		leaf := nd.child == [4]int{}
		if leaf && d2 < 1e-24 {
			continue // the point itself (or on top of it)
		}
		if leaf || (2*nd.half)*(2*nd.half) < theta*theta*d2 {
			q := 1 / (1 + d2)
			c := float64(nd.count)
			z += c * q
			fx += c * q * q * dx
			fy += c * q * q * dy
			continue
		}
		for _, ch := range nd.child {
			if ch != 0 && top < len(stack) {
				stack[top] = ch
				top++
			}
		}
	}
	return fx, fy, z
}
