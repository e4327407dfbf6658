// Package memstat measures the Go heap for benchmarks: the bench command
// and the engine's go test benchmarks share it.
package memstat

import (
	"runtime"
	"time"
)

// TrackPeakHeap samples the in-use Go heap every 10 ms on a goroutine
// until the returned function is called; that function stops the sampler
// (the goroutine exits) and returns the peak in MB.
func TrackPeakHeap() (stop func() float64) {
	done := make(chan struct{})
	peak := make(chan float64)
	go func() {
		var p uint64
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			p = max(p, ms.HeapInuse)
			select {
			case <-done:
				peak <- float64(p) / (1 << 20)
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 { close(done); return <-peak }
}
