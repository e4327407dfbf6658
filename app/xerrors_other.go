//go:build !(linux && cgo) && !js

package main

func installXErrorHandler() {}

func provokeXError() bool { return false }
