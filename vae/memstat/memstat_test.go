package memstat

import (
	"testing"
	"time"
)

var sink [][]byte

func TestTrackPeakHeapSeesAnAllocation(t *testing.T) {
	stop := TrackPeakHeap()
	sink = append(sink, make([]byte, 64<<20))
	for i := range sink[0] {
		sink[0][i] = byte(i)
	}
	for range 3 { // let the sampler tick
		sink = append(sink, make([]byte, 1<<20))
		time.Sleep(15 * time.Millisecond)
	}
	peak := stop()
	sink = nil
	if peak < 64 {
		t.Errorf("peak heap %.1f MB, want at least the 64 MB held", peak)
	}
}
