//go:build openblas

package vae

// #cgo LDFLAGS: -lopenblas
// char* openblas_get_corename(void);
// void openblas_set_num_threads(int);
// int openblas_get_num_threads(void);
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

// blasThreads is how many threads OpenBLAS runs a product on.
func blasThreads() int { return int(C.openblas_get_num_threads()) }

// setBLASThreads sets how many threads OpenBLAS runs a product on.
func setBLASThreads(n int) { C.openblas_set_num_threads(C.int(n)) }
