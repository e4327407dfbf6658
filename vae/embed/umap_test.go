package embed

import (
	"context"
	"errors"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// blobs are n points in dim dimensions around c well separated centres,
// labelled by centre.
func blobs(n, dim, c int, seed int64) ([]float32, []uint8) {
	rng := rand.New(rand.NewSource(seed))
	centres := make([]float32, c*dim)
	for i := range centres {
		centres[i] = float32(rng.NormFloat64() * 6)
	}
	pts, labels := make([]float32, n*dim), make([]uint8, n)
	for i := range n {
		k := i % c
		labels[i] = uint8(k)
		for t := range dim {
			pts[i*dim+t] = centres[k*dim+t] + float32(rng.NormFloat64())
		}
	}
	return pts, labels
}

// Separated clusters stay separate in the layout, better than in the
// principal components; the same seed gives the same layout; progress
// reports the layout as it converges; cancelling stops it.
func TestUMAPKeepsClustersApart(t *testing.T) {
	ctx := context.Background()
	pts, labels := blobs(1500, 8, 6, 1)
	var reports []float64
	y, err := UMAP(ctx, pts, 8, UMAPOptions{Seed: 3}, func(layout []float32, done float64) {
		if len(layout) != 2*1500 {
			t.Fatalf("a progress layout of %d values", len(layout))
		}
		reports = append(reports, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) < 10 || reports[0] != 0 || reports[len(reports)-1] != 1 {
		t.Errorf("progress reported %v", reports)
	}
	agree, err := Agreement(ctx, y, labels, 10)
	if err != nil {
		t.Fatal(err)
	}
	if agree < 0.98 {
		t.Errorf("10-NN label agreement %.3f in the layout of six separated clusters", agree)
	}
	again, err := UMAP(ctx, pts, 8, UMAPOptions{Seed: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(y, again) {
		t.Error("the same seed gave another layout")
	}
	other, _ := UMAP(ctx, pts, 8, UMAPOptions{Seed: 4}, nil)
	if slices.Equal(y, other) {
		t.Error("another seed gave the same layout")
	}
	cctx, cancel := context.WithCancel(ctx)
	calls := 0
	_, err = UMAP(cctx, pts, 8, UMAPOptions{Seed: 3, Every: 1}, func([]float32, float64) {
		if calls++; calls == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || calls > 3 {
		t.Errorf("cancelled: %v after %d reports", err, calls)
	}
}

// Neighbours are exact: each point's nearest is found, nearest first.
func TestKNNIsExact(t *testing.T) {
	pts := []float32{0, 0, 1, 0, 3, 0, 10, 0}
	nb, err := KNN(context.Background(), pts, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []int32{1, 2, 0, 2, 1, 0, 2, 1}
	if !slices.Equal(nb.Index, want) || nb.Dist[0] != 1 || nb.Dist[1] != 3 {
		t.Fatalf("neighbours %v, distances %v", nb.Index, nb.Dist)
	}
}

// The layout as a projection: a held-out code sits exactly at its point
// and lifts back from it exactly; between points the lifted code moves
// continuously.
func TestLayoutLiftsExactlyAndContinuously(t *testing.T) {
	pts, _ := blobs(400, 6, 4, 2)
	y, err := UMAP(context.Background(), pts, 6, UMAPOptions{Seed: 1, Epochs: 50}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := NewLayout("UMAP", pts, 6, y)
	for _, i := range []int{0, 17, 399} {
		x, v := l.Project(pts[i*6 : (i+1)*6])
		if float32(x) != y[2*i] || float32(v) != y[2*i+1] {
			t.Fatalf("code %d projects to (%v, %v), its layout point is (%v, %v)", i, x, v, y[2*i], y[2*i+1])
		}
		if z := l.Lift(nil, x, v); !slices.Equal(z, pts[i*6:(i+1)*6]) {
			t.Fatalf("code %d's point lifts to %v", i, z)
		}
	}
	// Walk from point 0 to point 1 in small steps: no jump in the code.
	x0, y0, x1, y1 := float64(y[0]), float64(y[1]), float64(y[2]), float64(y[3])
	prev := l.Lift(nil, x0, y0)
	worst := 0.0
	for s := 1; s <= 2000; s++ {
		f := float64(s) / 2000
		z := l.Lift(nil, x0+f*(x1-x0), y0+f*(y1-y0))
		d := 0.0
		for t := range z {
			d = max(d, math.Abs(float64(z[t]-prev[t])))
		}
		worst = max(worst, d)
		prev = z
	}
	t.Logf("largest step %.4f", worst)
	if worst > 0.3 {
		t.Errorf("a step of 1/2000 of the way moved the code by %.3f", worst)
	}
}

// t-SNE: separated clusters stay separate, the same seed gives the same
// layout whatever the workers, cancelling stops it.
func TestTSNEKeepsClustersApart(t *testing.T) {
	ctx := context.Background()
	pts, labels := blobs(1200, 8, 6, 5)
	y, err := TSNE(ctx, pts, 8, TSNEOptions{Seed: 2, Iterations: 300}, nil)
	if err != nil {
		t.Fatal(err)
	}
	agree, err := Agreement(ctx, y, labels, 10)
	if err != nil {
		t.Fatal(err)
	}
	if agree < 0.98 {
		t.Errorf("10-NN label agreement %.3f in the t-SNE layout of six separated clusters", agree)
	}
	again, _ := TSNE(ctx, pts, 8, TSNEOptions{Seed: 2, Iterations: 300}, nil)
	if !slices.Equal(y, again) {
		t.Error("the same seed gave another layout")
	}
	cctx, cancel := context.WithCancel(ctx)
	calls := 0
	_, err = TSNE(cctx, pts, 8, TSNEOptions{Seed: 2, Every: 1}, func([]float32, float64) {
		if calls++; calls == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || calls > 3 {
		t.Errorf("cancelled: %v after %d reports", err, calls)
	}
}
