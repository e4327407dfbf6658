package vae

import (
	"context"
	"math"
	"math/rand"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vaeexplorer/vae/dataset"
)

func TestAugmentProgressOrderAndSeed(t *testing.T) {
	m := trainedTiny(t)
	train, _ := smallSets(400)
	ctx := context.Background()
	var calls, last int
	gen, err := m.Augment(ctx, train, AugmentOptions{PerClass: 300, Mode: AugmentMean, Sigma: 0.5, Seed: 4}, func(done, total int) {
		calls++
		if done < last || total != gen0(train)*300 {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	classes := gen0(train)
	if gen.N != 300*classes || len(gen.Labels) != gen.N || last != gen.N || calls < 2 {
		t.Fatalf("%d images, %d labels, progress to %d in %d calls; want %d", gen.N, len(gen.Labels), last, calls, 300*classes)
	}
	// Round robin over the classes: any prefix is balanced.
	for k := 0; k < 2*classes; k++ {
		if gen.Labels[k] != gen.Labels[k%classes] || (k > 0 && k < classes && gen.Labels[k] <= gen.Labels[k-1]) {
			t.Fatalf("labels %v not in class order", gen.Labels[:2*classes])
		}
	}
	// Same seed, same images; another seed, others.
	again, _ := m.Augment(ctx, train, AugmentOptions{PerClass: 300, Mode: AugmentMean, Sigma: 0.5, Seed: 4}, nil)
	other, _ := m.Augment(ctx, train, AugmentOptions{PerClass: 300, Mode: AugmentMean, Sigma: 0.5, Seed: 5}, nil)
	if !slices.Equal(again.Pix, gen.Pix) || slices.Equal(other.Pix, gen.Pix) {
		t.Error("seed does not decide the images")
	}
}

// TestAugmentCodeStatistics checks the codes Augment decodes: around a
// class mean they have the class's mean and sigma times its spread; jitter
// moves a real code by sigma.
func TestAugmentCodeStatistics(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const L, perClass = 3, 20000
	// Two classes of codes with known means and spreads.
	var means []float32
	var labels []uint8
	centre := [2][L]float64{{1, -2, 0.5}, {-1, 0, 3}}
	sd := [2][L]float64{{0.5, 1, 2}, {0.2, 0.3, 0.1}}
	for i := 0; i < 4000; i++ {
		c := i % 2
		for j := 0; j < L; j++ {
			means = append(means, float32(centre[c][j]+sd[c][j]*rng.NormFloat64()))
		}
		labels = append(labels, uint8(3+4*c)) // labels 3 and 7
	}
	z, got := augmentCodes(means, labels, L, AugmentOptions{PerClass: perClass, Mode: AugmentMean, Sigma: 0.5, Seed: 2})
	if len(got) != 2*perClass || got[0] != 3 || got[1] != 7 || got[2] != 3 {
		t.Fatalf("%d labels starting %v", len(got), got[:3])
	}
	for c := 0; c < 2; c++ {
		for j := 0; j < L; j++ {
			var s, s2 float64
			for k := c; k < len(got); k += 2 {
				v := float64(z[k*L+j])
				s += v
				s2 += v * v
			}
			mean := s / perClass
			std := math.Sqrt(s2/perClass - mean*mean)
			if math.Abs(mean-centre[c][j]) > 0.05*sd[c][j]+0.01 || math.Abs(std-0.5*sd[c][j]) > 0.05*sd[c][j] {
				t.Errorf("class %d dim %d: mean %.3f sd %.3f, want %.3f and %.3f", c, j, mean, std, centre[c][j], 0.5*sd[c][j])
			}
		}
	}
	// Jitter: each code is a real code of its class plus sigma noise.
	z, got = augmentCodes(means, labels, L, AugmentOptions{PerClass: 500, Mode: AugmentJitter, Sigma: 0.01, Seed: 3})
	for k := range got {
		best := math.Inf(1)
		for i := range labels {
			if labels[i] == got[k] {
				best = min(best, dist(z[k*L:(k+1)*L], means[i*L:(i+1)*L]))
			}
		}
		if best > 0.1 {
			t.Fatalf("jittered code %d is %.3f from every real code of class %d", k, best, got[k])
		}
	}
}

func gen0(s *dataset.Set) int {
	seen := map[uint8]bool{}
	for _, l := range s.Labels {
		seen[l] = true
	}
	return len(seen)
}

func dist(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

func TestAugmentJitterZeroSigmaReconstructs(t *testing.T) {
	m := trainedTiny(t)
	train, _ := smallSets(50)
	gen, err := m.Augment(context.Background(), train, AugmentOptions{PerClass: 3, Mode: AugmentJitter, Sigma: 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// With sigma 0 every image is the decode of a real image's code: it
	// must equal one of the training images' reconstructions.
	means, _, _ := m.Encode(train.Floats())
	recon, _ := m.Decode(means)
	for k := 0; k < gen.N; k++ {
		found := false
		for i := 0; i < train.N && !found; i++ {
			if train.Labels[i] != gen.Labels[k] {
				continue
			}
			found = true
			for j := 0; j < mnistSize; j++ {
				want := uint8(math.Round(float64(recon[i*mnistSize+j]) * 255))
				if d := int(gen.Pix[k*mnistSize+j]) - int(want); d < -1 || d > 1 {
					found = false
					break
				}
			}
		}
		if !found {
			t.Fatalf("image %d (label %d) is no training image's reconstruction", k, gen.Labels[k])
		}
	}
}

func TestAugmentedIdxReadsBackIdentical(t *testing.T) {
	m := trainedTiny(t)
	train, test := smallSets(100)
	gen, err := m.Augment(context.Background(), train, AugmentOptions{PerClass: 7, Mode: AugmentMean, Sigma: 1, Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "aug")
	if err := dataset.SaveDir(dir, gen, test); err != nil {
		t.Fatal(err)
	}
	tr, te, err := dataset.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tr.N != gen.N || tr.Rows != 28 || tr.Cols != 28 || !slices.Equal(tr.Pix, gen.Pix) || !slices.Equal(tr.Labels, gen.Labels) {
		t.Error("training split read back differs")
	}
	if te.N != test.N || !slices.Equal(te.Pix, test.Pix) || !slices.Equal(te.Labels, test.Labels) {
		t.Error("test split read back differs")
	}
}

func TestAugmentRejectsBadOptions(t *testing.T) {
	m := trainedTiny(t)
	train, _ := smallSets(20)
	ctx := context.Background()
	for _, c := range []struct {
		opt  AugmentOptions
		set  *dataset.Set
		want string
	}{
		{AugmentOptions{PerClass: 0, Mode: AugmentMean}, train, "images per class 0"},
		{AugmentOptions{PerClass: MaxAugmentPerClass + 1, Mode: AugmentMean}, train, "want 1.."},
		{AugmentOptions{PerClass: 1, Mode: "blur"}, train, `mode "blur"`},
		{AugmentOptions{PerClass: 1, Mode: AugmentJitter, Sigma: -1}, train, "sigma -1"},
		{AugmentOptions{PerClass: 1, Mode: AugmentJitter, Sigma: math.NaN()}, train, "sigma NaN"},
		{AugmentOptions{PerClass: 1, Mode: AugmentMean}, &dataset.Set{Images: &dataset.Images{}}, "needs labelled images"},
		{AugmentOptions{PerClass: 1, Mode: AugmentMean}, &dataset.Set{Images: &dataset.Images{N: 1, Rows: 5, Cols: 5, Pix: make([]uint8, 25)}, Labels: []uint8{1}}, "images are 5x5"},
	} {
		if _, err := m.Augment(ctx, c.set, c.opt, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.opt, err, c.want)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.Augment(cancelled, train, AugmentOptions{PerClass: 5, Mode: AugmentMean}, nil); err == nil {
		t.Error("a cancelled augmentation returned no error")
	}
}
