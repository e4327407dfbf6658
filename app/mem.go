//go:build !js

package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
)

// memReport is a process's memory at one moment, in MB.
type memReport struct {
	RSSMB  float64 `json:"rss_mb"`  // resident set size (Linux /proc)
	HeapMB float64 `json:"heap_mb"` // Go heap in use
}

// readMem measures the process's resident memory and its live Go heap
// (after a collection, so garbage does not count).
func readMem() memReport {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r := memReport{HeapMB: float64(ms.HeapInuse) / (1 << 20)}
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			if pages, err := strconv.ParseFloat(f[1], 64); err == nil {
				r.RSSMB = pages * float64(os.Getpagesize()) / (1 << 20)
			}
		}
	}
	return r
}
