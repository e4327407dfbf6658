package imaging

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The files being decoded at once never reserve more than DecodeBudget
// together, however many goroutines read them; a file larger than the
// budget still goes, alone.
func TestDecodeBudgetIsSharedByEveryGoroutine(t *testing.T) {
	s := newByteSem(100)
	var mu sync.Mutex
	inside, most := int64(0), int64(0)
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := int64(10 + i%5*20) // 10 … 90
			if i == 7 {
				n = 500 // more than the budget: alone
			}
			release := s.acquire(n)
			mu.Lock()
			inside += min(n, 100)
			most = max(most, inside)
			mu.Unlock()
			mu.Lock()
			inside -= min(n, 100)
			mu.Unlock()
			release()
		}()
	}
	wg.Wait()
	if most > 100 || s.peak > 100 || s.used != 0 {
		t.Fatalf("reserved at once: %d (semaphore's peak %d, left %d), budget 100", most, s.peak, s.used)
	}
}

// A file's reservation comes from its header: a 7000x7000 RGBA PNG
// reserves its 196 MB decoded (and what Fit holds) before its data is
// read; a file that is no image, nothing.
func TestDecodeCostIsReadFromTheHeader(t *testing.T) {
	ihdr := []byte("IHDR\x00\x00\x1b\x58\x00\x00\x1b\x58\x08\x06\x00\x00\x00")
	head := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d"), ihdr...)
	head = binary.BigEndian.AppendUint32(head, crc32.ChecksumIEEE(ihdr))
	if got, want := decodeCost(head), int64(7000*7000*4)+fitBytes; got != want {
		t.Errorf("a 7000x7000 RGBA PNG costs %d, want %d", got, want)
	}
	if got := decodeCost([]byte("hello, world")); got != 0 {
		t.Errorf("text costs %d", got)
	}
	head[len(head)-1] ^= 1 // a damaged header: the decoder's limit
	if got := decodeCost(head); got != MaxDecodedBytes+fitBytes {
		t.Errorf("a damaged header costs %d", got)
	}
}

// A large image's size and colour come from its header, without decoding
// it (GuessShape samples a folder with them); a small one is decoded.
func TestProbeFileJudgesLargeImagesByTheirHeader(t *testing.T) {
	dir := t.TempDir()
	header := func(w, h uint32, colourType byte) []byte {
		ihdr := []byte("IHDR\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00\x00\x00\x00")
		binary.BigEndian.PutUint32(ihdr[4:], w)
		binary.BigEndian.PutUint32(ihdr[8:], h)
		ihdr[13] = colourType
		b := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d"), ihdr...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr)) // no pixel data: decoding would fail
	}
	for _, c := range []struct {
		name       string
		data       []byte
		colour, ok bool
	}{
		{"rgba.png", header(3000, 2000, 6), true, true},
		{"grey.png", header(3000, 2000, 0), false, true},
		{"small.png", header(30, 20, 6), false, false}, // decoded: its missing data is an error
	} {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		w, h, colour, err := ProbeFile(p)
		if (err == nil) != c.ok || c.ok && (colour != c.colour || w != 3000 || h != 2000) {
			t.Errorf("%s: %dx%d colour %v, %v", c.name, w, h, colour, err)
		}
	}
}
