// Package vaetest gives tests real MNIST digits when they are available and
// small generated digits when they are not. The Makefile and .ci/run point
// VAE_MNIST_DIR at ../shared/data/mnist-8k; without it tests fall back to
// generated data and say so in the test log.
package vaetest

import (
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
	genOnce           sync.Once
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

// Generated returns 3,000 training and 600 held-out generated digits
// (dataset.Synthetic), the same sets every call.
func Generated() (train, test *dataset.Set) {
	genOnce.Do(func() {
		genTrain = dataset.Synthetic(3000, 42)
		genTest = dataset.Synthetic(600, 43)
	})
	return genTrain, genTest
}
