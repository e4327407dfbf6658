//go:build js

package vae

import "time"

// lastYield is when Yield last let the browser run. Go's wasm port has one
// thread, so no other goroutine runs while this one computes.
var lastYield time.Time

// Yield lets the browser run at most every 30 ms of computing: Go's wasm
// port runs goroutines on one thread without preemption, and the page only
// draws and takes input events when every goroutine is blocked. A short
// sleep blocks this one; the UI goroutine draws and handles events
// meanwhile.
func Yield() {
	if time.Since(lastYield) < 30*time.Millisecond {
		return
	}
	time.Sleep(time.Millisecond)
	lastYield = time.Now()
}
