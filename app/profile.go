//go:build !js

package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the running app to the file named
// by VAE_EXPLORER_CPUPROFILE, if set, until the returned function is
// called: a way to see where the real app's time goes.
func startProfile(stderr io.Writer) (stop func()) {
	path := os.Getenv("VAE_EXPLORER_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "vae-explorer: cpu profile: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(stderr, "vae-explorer: cpu profile: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "vae-explorer: cpu profile: %v\n", err)
		}
	}
}
