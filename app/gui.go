package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"vaeexplorer/assets"
	"vaeexplorer/ui"
)

// appID must match FyneApp.toml; Fyne keys preferences by it.
const appID = "io.github.vaeexplorer"

// runGUI opens the desktop app and blocks until it quits. SIGINT and SIGTERM
// quit it the same way closing the window does.
func runGUI(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("vae-explorer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		fmt.Fprintln(stderr, "vae-explorer: no display (DISPLAY and WAYLAND_DISPLAY are unset); run under a desktop session or Xvfb, or use a sub-command (see --help)")
		return 2
	}

	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	w := ui.NewMainWindow(a)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		if _, ok := <-sig; ok {
			fyne.Do(a.Quit)
		}
	}()
	w.Window.ShowAndRun()
	signal.Stop(sig)
	close(sig)
	return 0
}
