// Package vaetest gives tests real MNIST digits when they are available and
// small generated digits when they are not. The Makefile and .ci/run point
// VAE_MNIST_DIR at ../shared/data/mnist-8k; without it tests fall back to
// generated data and say so in the test log.
package vaetest

import (
	"math"
	"math/rand"
	"os"
	"sync"
	"testing"

	"vaeexplorer/vae/dataset"
)

// EnvDir is the environment variable naming a folder of MNIST idx files.
const EnvDir = "VAE_MNIST_DIR"

var (
	once              sync.Once
	mnTrain, mnTest   *dataset.Set
	mnErr             error
	genTrain, genTest *dataset.Set
)

// MNIST returns the training and held-out sets of the folder named by
// VAE_MNIST_DIR, or generated digits (Generated) when it is unset. real
// reports which. A set variable that names a broken folder fails the test.
func MNIST(t testing.TB) (train, test *dataset.Set, real bool) {
	t.Helper()
	dir := os.Getenv(EnvDir)
	if dir == "" {
		t.Logf("%s is not set: using generated digits instead of MNIST", EnvDir)
		tr, te := Generated()
		return tr, te, false
	}
	once.Do(func() { mnTrain, mnTest, mnErr = dataset.LoadDir(dir) })
	if mnErr != nil {
		t.Fatalf("%s=%s: %v", EnvDir, dir, mnErr)
	}
	return mnTrain, mnTest, true
}

// Generated returns 3,000 training and 600 held-out generated 28x28
// "digits": ten classes of strokes (a ring, bars at class-specific angles,
// a dot) drawn with random position, size, thickness and slant, the same
// sets every call.
func Generated() (train, test *dataset.Set) {
	if genTrain == nil {
		rng := rand.New(rand.NewSource(42))
		genTrain = Generate(rng, 3000)
		genTest = Generate(rng, 600)
	}
	return genTrain, genTest
}

// Generate draws n generated digits with labels 0..9 in turn.
func Generate(rng *rand.Rand, n int) *dataset.Set {
	const side = 28
	s := &dataset.Set{Images: &dataset.Images{N: n, Rows: side, Cols: side, Pix: make([]float32, n*side*side)},
		Labels: make([]uint8, n)}
	for i := 0; i < n; i++ {
		k := i % 10
		s.Labels[i] = uint8(k)
		img := s.Image(i)
		cx, cy := 14+rng.Float64()*3-1.5, 14+rng.Float64()*3-1.5
		scale := 0.8 + rng.Float64()*0.35
		thick := 1.2 + rng.Float64()*1.2
		slant := rng.Float64()*0.4 - 0.2
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				dx, dy := (float64(x)-cx)/scale, (float64(y)-cy)/scale
				dx -= slant * dy
				d := math.Inf(1)
				if k%2 == 0 { // a ring whose radius grows with the class
					r := 4 + float64(k)*0.6
					d = math.Abs(math.Hypot(dx, dy*0.8) - r)
				}
				// a bar at a class-specific angle
				a := float64(k) * math.Pi / 10
				ux, uy := math.Cos(a), math.Sin(a)
				along := dx*ux + dy*uy
				across := math.Abs(-dx*uy + dy*ux)
				if math.Abs(along) <= 8 {
					d = math.Min(d, across)
				}
				if k >= 5 { // and a dot off-centre
					d = math.Min(d, math.Hypot(dx-5, dy+6)-1)
				}
				v := 1 - (d-thick/2)/1.2
				img[y*side+x] = float32(math.Min(math.Max(v, 0), 1))
			}
		}
	}
	return s
}
