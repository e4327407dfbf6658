//go:build !openblas

package vae

// BLASName names the BLAS in use, for benchmarks and --version: without
// the openblas build tag gorgonia uses gonum's pure-Go BLAS.
const BLASName = "gonum (pure Go)"

// BLASCore names the BLAS kernels in use; gonum has one kind.
func BLASCore() string { return "generic" }
