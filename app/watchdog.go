//go:build !js

package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// shutdownWatchdog ends the process when Fyne's event loop has not returned
// some time after the window closed. Fyne 2.7's desktop driver can hang
// there: on quitting it queues the "stopped" hook (which saves preferences)
// for its event goroutine, drains the main-thread queue and closes it; when
// that goroutine hands the hook to the main thread just after the drain,
// both wait for each other and Run never returns (seen about once in 25
// quits under load, the goroutine dump in TestSmokeRealWindow's failure).
// Everything of ours is done by then: the window's size and the form were
// written to the preferences, training was stopped.
type shutdownWatchdog struct {
	after  time.Duration
	stderr io.Writer
	exit   func(code int)

	mu      sync.Mutex
	timer   *time.Timer
	stopped bool
}

// arm starts the countdown (our part of quitting is done); later calls do
// nothing.
func (w *shutdownWatchdog) arm() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer != nil || w.stopped {
		return
	}
	w.timer = time.AfterFunc(w.after, w.fire)
}

func (w *shutdownWatchdog) fire() {
	w.mu.Lock()
	stopped := w.stopped
	w.mu.Unlock()
	if stopped {
		return
	}
	fmt.Fprintf(w.stderr, "vae-explorer: Fyne's event loop had not ended %v after the app closed its window (a race in Fyne's shutdown); exiting\n", w.after)
	w.exit(0)
}

// stop disarms it: the event loop returned.
func (w *shutdownWatchdog) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
	}
}
