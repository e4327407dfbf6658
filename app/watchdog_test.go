//go:build !js

package main

import (
	"strings"
	"sync"
	"testing"
	"time"
)

type exitRecorder struct {
	mu    sync.Mutex
	codes []int
	done  chan struct{}
}

func (r *exitRecorder) exit(code int) {
	r.mu.Lock()
	r.codes = append(r.codes, code)
	r.mu.Unlock()
	close(r.done)
}

func TestShutdownWatchdogExitsWhenTheLoopHangs(t *testing.T) {
	var log strings.Builder
	r := &exitRecorder{done: make(chan struct{})}
	w := &shutdownWatchdog{after: 20 * time.Millisecond, stderr: &log, exit: r.exit}
	w.arm()
	w.arm() // a second close event starts no second countdown
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the watchdog never ended the process")
	}
	time.Sleep(50 * time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.codes) != 1 || r.codes[0] != 0 {
		t.Errorf("exit calls %v, want one exit(0)", r.codes)
	}
	if !strings.Contains(log.String(), "event loop had not ended") {
		t.Errorf("no message on stderr: %q", log.String())
	}
}

func TestShutdownWatchdogStaysQuietWhenTheLoopReturns(t *testing.T) {
	var log strings.Builder
	r := &exitRecorder{done: make(chan struct{})}
	w := &shutdownWatchdog{after: 20 * time.Millisecond, stderr: &log, exit: r.exit}
	w.arm()
	w.stop()
	w.arm() // after stop: nothing
	time.Sleep(100 * time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.codes) != 0 || log.Len() != 0 {
		t.Errorf("exit calls %v, stderr %q: want none after stop", r.codes, log.String())
	}
}
