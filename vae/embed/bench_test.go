package embed

import (
	"context"
	"testing"
	"time"

	"vaeexplorer/vae"
	"vaeexplorer/vae/bundled"
	"vaeexplorer/vae/vaetest"
)

// BenchmarkUMAPBundled8D lays out the 10,000 held-out codes (latent
// means) of the bundled 8-D model: the time to the first drawable layout,
// the time to convergence, and the 10-NN label agreement of UMAP's and
// t-SNE's layouts and of the first two principal components.
//
//	go test -tags openblas -run '^$' -bench UMAPBundled8D -benchtime 1x ./vae/embed
func BenchmarkUMAPBundled8D(b *testing.B) {
	_, test, real := vaetest.MNIST(b)
	if !real {
		b.Fatal("no MNIST: make mnist")
	}
	m, err := bundled.Open("bundled-8d")
	if err != nil {
		b.Fatal(err)
	}
	codes, _, err := m.EncodeSet(test)
	if err != nil {
		b.Fatal(err)
	}
	L := m.Latent()
	ctx := context.Background()
	for range b.N {
		t0 := time.Now()
		var first time.Duration
		y, err := UMAP(ctx, codes, L, UMAPOptions{Seed: 1}, func(_ []float32, done float64) {
			if done == 0 {
				first = time.Since(t0)
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		total := time.Since(t0)
		agree, err := Agreement(ctx, y, test.Labels, 10)
		if err != nil {
			b.Fatal(err)
		}
		p, err := vae.ComputePCA(codes, L)
		if err != nil {
			b.Fatal(err)
		}
		flat := make([]float32, 2*test.N)
		for i := range test.N {
			x, v := p.Project(codes[i*L : (i+1)*L])
			flat[2*i], flat[2*i+1] = float32(x), float32(v)
		}
		pcaAgree, err := Agreement(ctx, flat, test.Labels, 10)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		var tfirst time.Duration
		ty, err := TSNE(ctx, codes, L, TSNEOptions{Seed: 1}, func(_ []float32, done float64) {
			if done == 0 {
				tfirst = time.Since(t1)
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		ttotal := time.Since(t1)
		tAgree, err := Agreement(ctx, ty, test.Labels, 10)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(tfirst)/1e6, "ms-tsne-first-layout")
		b.ReportMetric(ttotal.Seconds(), "s-tsne-converged")
		b.ReportMetric(tAgree, "tsne-10nn-agreement")
		b.Logf("t-SNE: first layout %v, converged in %v; 10-NN label agreement %.3f", tfirst, ttotal, tAgree)
		b.ReportMetric(float64(first)/1e6, "ms-first-layout")
		b.ReportMetric(total.Seconds(), "s-converged")
		b.ReportMetric(agree, "umap-10nn-agreement")
		b.ReportMetric(pcaAgree, "pca-10nn-agreement")
		b.Logf("%d codes of the bundled 8-D model: first layout %v, converged in %v; 10-NN label agreement UMAP %.3f, PCA %.3f", test.N, first, total, agree, pcaAgree)
	}
}
