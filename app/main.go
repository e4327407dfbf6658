//go:build !js

// Command vae-explorer is VAE Explorer: a desktop app to train a variational
// autoencoder and explore its latent space, and a headless CLI with JSON
// output for scripts. With no sub-command it opens the window; no
// sub-command ever opens it.
package main

import (
	_ "early.local/earlylocale" // first: before Fyne reads the locale
	"vaeexplorer/vae/msg"

	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"vaeexplorer/vae"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a sub-command or the GUI and returns the exit status:
// 0 success, 1 failure while working, 2 bad usage or bad input.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "--version", "-version", "version":
			fmt.Fprintf(stdout, "vae-explorer %s (BLAS: %s, %s kernels)\n", version, vae.BLASName, vae.BLASCore())
			return 0
		case "-h", "-help", "--help", "help":
			usage(stdout)
			return 0
		}
		if cmd := findCommand(args[0]); cmd != nil {
			// Ctrl-C cancels the command's context: training stops and
			// saves; a second Ctrl-C kills the process as usual.
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			go func() {
				<-ctx.Done()
				stop()
			}()
			return runCommand(ctx, cmd, args[1:], stdout, stderr)
		}
		if _, err := os.Stat(args[0]); err != nil && len(args[0]) > 0 && args[0][0] != '-' {
			// Not a flag and not an image file to open in the app.
			fmt.Fprintf(stderr, "vae-explorer: unknown command %s (see vae-explorer --help)\n", msg.Quote(args[0]))
			return 2
		}
	}
	return runGUI(args, stderr)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `VAE Explorer: train a variational autoencoder and explore its latent space.

Usage:
  vae-explorer [--model MODEL] [--data DIR] [IMAGE...]
                               open the desktop app (images are analysed
                               as if dropped on the window)
  vae-explorer COMMAND [flags]    run a command without a window

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "vae-explorer COMMAND --help" for a command's flags. Commands that
read a model use the bundled one (trained on MNIST) unless --model is given.
Errors go to stderr as one line; the exit status is 2 for bad usage or
input, 1 for other failures.
`)
}
