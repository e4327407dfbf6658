//go:build !js

package vae

// Yield is a no-op where goroutines run in parallel and are preempted
// (see yield_js.go for the browser).
func Yield() {}
