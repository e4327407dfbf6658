//go:build openblas

package vae

// #cgo LDFLAGS: -lopenblas
// char* openblas_get_corename(void);
import "C"

import (
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
)

// With the openblas build tag (the Makefile sets it when pkg-config finds
// OpenBLAS), gorgonia's matrix products run on OpenBLAS through cgo.
func init() { G.Use(netlib.Implementation{}) }

// BLASName names the BLAS in use, for benchmarks and --version.
const BLASName = "OpenBLAS"

// BLASCore names the kernels OpenBLAS chose for this CPU ("Haswell",
// "SkylakeX", ...).
func BLASCore() string { return C.GoString(C.openblas_get_corename()) }
