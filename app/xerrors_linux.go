//go:build linux && cgo && !js

package main

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <stdio.h>

// logXError reports an X protocol error and carries on. Xlib's default
// handler prints it and exits the process: a drag source that vanishes
// mid-drop (BadWindow) would kill the app. GLFW installs its own handler
// only around the calls it checks, and puts back the one it found.
static int logXError(Display *d, XErrorEvent *e) {
	char text[160];
	XGetErrorText(d, e->error_code, text, sizeof text);
	fprintf(stderr, "vae-explorer: X error ignored: %s (request %d.%d, resource 0x%lx)\n",
		text, e->request_code, e->minor_code, e->resourceid);
	return 0;
}

static void installXErrorHandler(void) { XSetErrorHandler(logXError); }

// provokeXError maps a window that does not exist on a connection of its
// own: a BadWindow error, for the smoke test.
static int provokeXError(void) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) return 0;
	XMapWindow(d, (Window)0x1bad);
	XSync(d, False);
	XCloseDisplay(d);
	return 1;
}
*/
import "C"

// installXErrorHandler makes X protocol errors log a line instead of
// ending the process. Called before the window system starts.
func installXErrorHandler() { C.installXErrorHandler() }

// provokeXError causes one X protocol error (VAE_EXPLORER_XERROR_PROBE).
func provokeXError() bool { return C.provokeXError() == 1 }
