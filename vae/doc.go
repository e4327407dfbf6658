// Package vae is VAE Explorer's engine: the variational autoencoder model in
// gorgonia, its training loop, inference helpers, checkpoints and datasets.
// It never imports Fyne; the desktop app and the CLI both drive it.
package vae
