//go:build !openblas

package vae

// BLASName names the BLAS in use, for benchmarks and --version: without
// the openblas build tag gorgonia uses gonum's pure-Go BLAS.
const BLASName = "gonum (pure Go)"

// BLASCore names the BLAS kernels in use; gonum has one kind.
func BLASCore() string { return "generic" }

// blasThreads is 1: gonum's BLAS runs in the calling goroutine.
func blasThreads() int { return 1 }

// setBLASThreads does nothing for gonum's BLAS.
func setBLASThreads(int) {}
