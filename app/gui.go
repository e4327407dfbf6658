//go:build !js

package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"vaeexplorer/assets"
	"vaeexplorer/ui"
	"vaeexplorer/vae/engine"
)

// appID must match FyneApp.toml; Fyne keys preferences by it.
const appID = "io.github.vaeexplorer"

// runGUI opens the desktop app and blocks until it quits. SIGINT and SIGTERM
// close it the way closing the window does (training stops, settings are
// kept).
func runGUI(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("vae-explorer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "open this model file, or bundled / bundled-mlp / bundled-conv / bundled-8d (default: the last one, else the bundled conv model)")
	data := fs.String("data", "", "preselect this dataset folder (four MNIST-format idx files)")
	compare := fs.String("compare", "", "open this second model of the same latent size in the Compare tool, beside --model")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	// Image files to analyse once the window is up; a model file (ours or
	// PyTorch's safetensors) among them is the model to open.
	var images []string
	for _, a := range fs.Args() {
		switch strings.ToLower(filepath.Ext(a)) {
		case ".vae", ".safetensors":
			*model = a
		default:
			images = append(images, a)
		}
	}
	if *data != "" {
		if abs, err := filepath.Abs(*data); err == nil {
			*data = abs
		}
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		fmt.Fprintln(stderr, "vae-explorer: no display (DISPLAY and WAYLAND_DISPLAY are unset); run under a desktop session or Xvfb, or use a sub-command (see --help)")
		return 2
	}

	stopProfile := startProfile(stderr)
	defer stopProfile()
	installXErrorHandler()
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	start := time.Now()
	opts := ui.Options{ModelPath: *model, DataFolder: *data, ComparePath: *compare, ScreenSize: screenSize}
	// SIGINT and SIGTERM close the app as closing its window does. Fyne's
	// driver has a handler of its own, started by Run, that ends the event
	// loop at once: whichever ran first, our close (window size and form
	// remembered, training stopped) ran second or never. Once the window is
	// up the signals are ours alone.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	opts.OnStarted = func() {
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		if os.Getenv("VAE_EXPLORER_TIMING") != "" {
			fmt.Fprintf(stderr, "timing: window shown %.0f ms after start-up began\n", float64(time.Since(start))/1e6)
		}
	}
	if os.Getenv("VAE_EXPLORER_XERROR_PROBE") != "" {
		// The smoke test's check that an X protocol error is survived:
		// SIGUSR1 causes one.
		usr1 := make(chan os.Signal, 1)
		signal.Notify(usr1, syscall.SIGUSR1)
		go func() {
			for range usr1 {
				fmt.Fprintf(stderr, "x error probe sent: %v\n", provokeXError())
			}
		}()
	}
	if os.Getenv("VAE_EXPLORER_TRACE") != "" {
		opts.Trace = stderr
	}
	e := ui.NewExplorer(a, &engine.Engine{}, opts)

	// The watchdog counts from when our part of quitting is done: for a
	// signal, once training has stopped (Close waits for it); for the
	// window's close button, once the window closes.
	watchdog := &shutdownWatchdog{after: 10 * time.Second, stderr: stderr, exit: os.Exit}
	var signalled atomic.Bool
	go func() {
		if _, ok := <-sig; ok {
			signalled.Store(true)
			fyne.Do(func() {
				e.Close()
				watchdog.arm()
			})
		}
	}()
	e.Window.SetOnClosed(func() {
		if !signalled.Load() {
			watchdog.arm()
		}
	})
	if len(images) > 0 {
		e.Images.Files(images)
	}
	e.Window.ShowAndRun()
	watchdog.stop()
	signal.Stop(sig)
	close(sig)
	if os.Getenv("VAE_EXPLORER_TIMING") != "" {
		reportLatency(stderr, e.Point.DecodeLatencies())
	}
	return 0
}

// reportLatency prints the decode worker's request-to-screen latencies.
func reportLatency(w io.Writer, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	q := func(p float64) float64 { return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))]) / 1e6 }
	fmt.Fprintf(w, "timing: %d decodes, request to image on the UI goroutine: median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		len(ds), q(0.5), q(0.9), q(0.99), q(1))
}
