//go:build openblas

package vae

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	G "gorgonia.org/gorgonia"
	"gonum.org/v1/netlib/blas/netlib"
)

// With the openblas build tag (the Makefile sets it when pkg-config finds
// OpenBLAS), gorgonia's matrix products run on OpenBLAS through cgo.
func init() { G.Use(netlib.Implementation{}) }

// BLASName names the BLAS in use, for benchmarks and --version.
const BLASName = "OpenBLAS"
