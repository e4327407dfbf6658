//go:build !(linux && cgo)

package main

func installXErrorHandler() {}

func provokeXError() bool { return false }
