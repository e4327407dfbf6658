// Command vae-explorer is VAE Explorer: a desktop app to train a variational
// autoencoder and explore its latent space, and a headless CLI with JSON
// output for scripts. With no sub-command it opens the window; no
// sub-command ever opens it.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a sub-command or the GUI and returns the exit status:
// 0 success, 1 failure while working, 2 bad usage or bad input.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "--version", "-version", "version":
			fmt.Fprintf(stdout, "vae-explorer %s\n", version)
			return 0
		case "-h", "-help", "--help", "help":
			usage(stdout)
			return 0
		}
		if len(args[0]) > 0 && args[0][0] != '-' {
			fmt.Fprintf(stderr, "vae-explorer: unknown command %q (see vae-explorer --help)\n", args[0])
			return 2
		}
	}
	return runGUI(args, stderr)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `VAE Explorer: train a variational autoencoder and explore its latent space.

Usage:
  vae-explorer                 open the desktop app
  vae-explorer --version       print the version

Run "vae-explorer COMMAND --help" for a command's flags.
`)
}
