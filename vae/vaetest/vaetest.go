// Package vaetest gives tests real MNIST digits when they are available and
// small generated digits when they are not, and says in the test log which.
package vaetest

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"vaeexplorer/vae/dataset"
)

// EnvDir is the environment variable naming a folder of MNIST idx files.
const EnvDir = "VAE_MNIST_DIR"

var (
	once              sync.Once
	mnDir, mnWhat     string
	mnTrain, mnTest   *dataset.Set
	mnErr             error
	genOnce           sync.Once
	genTrain, genTest *dataset.Set
)

// MNIST returns the training and held-out sets of the first of: the folder
// named by VAE_MNIST_DIR; the standard 60,000 + 10,000 split in the Go
// module cache (`make mnist` puts it there; every file's MD5 is checked);
// ../shared/data/mnist-8k beside the repository (8,000 + 2,000). Else it
// returns generated digits (Generated). real reports whether the digits
// are MNIST's. A VAE_MNIST_DIR that names a broken folder fails the test.
// Tests that train take a Subset, so their time does not grow with the
// source.
func MNIST(t testing.TB) (train, test *dataset.Set, real bool) {
	t.Helper()
	once.Do(func() {
		mnDir, mnWhat = Dir()
		if mnDir != "" {
			mnTrain, mnTest, mnErr = dataset.LoadDir(mnDir)
		}
	})
	if mnDir == "" {
		t.Logf("no MNIST (set %s, run make mnist, or add ../shared/data/mnist-8k): using generated digits", EnvDir)
		tr, te := Generated()
		return tr, te, false
	}
	if mnErr != nil {
		t.Fatalf("%s %s: %v", mnWhat, mnDir, mnErr)
	}
	t.Logf("MNIST from %s: %d training and %d held-out images", mnWhat, mnTrain.N, mnTest.N)
	return mnTrain, mnTest, true
}

// Dir returns the folder MNIST reads and where it came from, or "" when
// there is none.
func Dir() (dir, what string) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, EnvDir
	}
	if d := (&dataset.Downloader{}).ModuleCopy(dataset.MNIST); d != "" {
		return d, "the Go module cache"
	}
	// Walk up to the repository root (go.mod), then beside it.
	wd, err := os.Getwd()
	for err == nil {
		if _, e := os.Stat(filepath.Join(wd, "go.mod")); e == nil {
			d := filepath.Join(wd, "..", "shared", "data", "mnist-8k")
			if _, e := os.Stat(filepath.Join(d, "train-images-idx3-ubyte.gz")); e == nil {
				return d, "mnist-8k"
			}
			break
		}
		up := filepath.Dir(wd)
		if up == wd {
			break
		}
		wd = up
	}
	return "", ""
}

// Generated returns 3,000 training and 600 held-out generated digits
// (dataset.Synthetic), the same sets every call.
func Generated() (train, test *dataset.Set) {
	genOnce.Do(func() {
		genTrain = dataset.Synthetic(3000, 42)
		genTest = dataset.Synthetic(600, 43)
	})
	return genTrain, genTest
}

// Near reports whether a and b agree within tol everywhere: decodes in
// batches of other sizes, or through another BLAS library (the decoder
// snapshot's gonum against OpenBLAS), differ in the last bits.
func Near(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := float64(a[i] - b[i]); d > tol || d < -tol {
			return false
		}
	}
	return true
}
