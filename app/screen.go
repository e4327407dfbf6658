//go:build !js

package main

import "github.com/go-gl/glfw/v3.3/glfw"

// screenSize reports the primary monitor's size in pixels. Fyne's desktop
// driver has initialised GLFW by the time the app has started, and calls
// this on the main thread as GLFW requires.
func screenSize() (width, height int, ok bool) {
	mon := glfw.GetPrimaryMonitor()
	if mon == nil {
		return 0, 0, false
	}
	mode := mon.GetVideoMode()
	if mode == nil {
		return 0, 0, false
	}
	return mode.Width, mode.Height, true
}
