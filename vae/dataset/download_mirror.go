package dataset

// One file from one mirror: resumed from a partial file, watched for
// silence (given up after the stall time, its wait reported meanwhile),
// never longer than the pinned size, renamed into place once verified.
// Fetch, in download.go, tries the mirrors in turn.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// ErrStalled says a mirror answered, or was asked, and then sent nothing
// for the stall time.
var ErrStalled = errors.New("the mirror went silent")

// waitEvery is how often a silent mirror's wait is reported.
var waitEvery = 5 * time.Second

// DefaultStall is how long a silent mirror is waited for.
const DefaultStall = 30 * time.Second

func (d *Downloader) stall() time.Duration {
	if d.Stall <= 0 {
		return DefaultStall
	}
	return d.Stall
}

// fetchFile downloads url into path via path.part, resuming a partial
// file, and renames it into place once verified.
//
// While the mirror sends nothing, wait is told every waitEvery how long
// it has been silent.
func (d *Downloader) fetchFile(ctx context.Context, url, path string, f File, progress func(int64), wait func(have int64, silent time.Duration)) error {
	// A watchdog cancels the request when the mirror stalls: no answer,
	// or no bytes, for the stall time.
	stall := d.stall()
	outer := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watchdog := time.AfterFunc(stall, cancel)
	defer watchdog.Stop()
	var last, got atomic.Int64 // when the last bytes came; how many are here
	last.Store(time.Now().UnixNano())
	// progress and wait are called one at a time, and never after the
	// return.
	var mu sync.Mutex
	report := progress
	progress = func(n int64) { mu.Lock(); report(n); mu.Unlock() }
	tick := time.NewTicker(waitEvery)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if silent := time.Since(time.Unix(0, last.Load())); silent >= waitEvery && wait != nil {
					mu.Lock()
					wait(got.Load(), silent)
					mu.Unlock()
				}
			}
		}
	}()
	defer func() { tick.Stop(); close(stop); wg.Wait() }()
	stalled := func(err error) error {
		if ctx.Err() != nil && outer.Err() == nil { // the watchdog, not the user
			return fmt.Errorf("%s: %w: it sent nothing for %v: %w", url, ErrStalled, stall, err)
		}
		return fmt.Errorf("%s: %w", url, err)
	}
	part := path + ".part"
	var have int64
	if st, err := os.Stat(part); err == nil && st.Size() < f.Size {
		have = st.Size()
	} else {
		os.Remove(part)
	}
	resumed := have > 0
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
	}
	client := d.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return stalled(err)
	}
	defer resp.Body.Close()
	flags := os.O_CREATE | os.O_WRONLY
	switch {
	case resp.StatusCode == http.StatusPartialContent && have > 0:
		flags |= os.O_APPEND
	case resp.StatusCode == http.StatusOK:
		have = 0 // the server ignored the range: start over
		flags |= os.O_TRUNC
	default:
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	out, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return err
	}
	// Never write more than the pinned size: a lying server cannot fill
	// the disk.
	body := io.LimitReader(resp.Body, f.Size-have+1)
	buf := make([]byte, 64<<10)
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			watchdog.Reset(stall)
			last.Store(time.Now().UnixNano())
			if _, err := out.Write(buf[:n]); err != nil {
				out.Close()
				return err
			}
			have += int64(n)
			got.Store(have)
			progress(have)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			out.Close()
			return fmt.Errorf("%w (the partial file is kept to resume)", stalled(rerr))
		}
	}
	if err := out.Close(); err != nil {
		return err
	}
	if err := verify(part, f); err != nil {
		os.Remove(part) // complete but wrong, or too long: never resume from it
		if resumed {
			// The kept part may have come from another mirror, or be
			// damaged: fetch the whole file from this one.
			watchdog.Stop()
			return d.fetchFile(outer, url, path, f, report, wait)
		}
		return fmt.Errorf("%s: %w", url, err)
	}
	return os.Rename(part, path)
}
