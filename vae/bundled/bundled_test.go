package bundled

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"vaeexplorer/vae"
)

func TestOpenByName(t *testing.T) {
	for name, arch := range map[string]string{"": vae.ArchConv, "bundled": vae.ArchConv, "bundled-mlp": vae.ArchMLP, "bundled-conv": vae.ArchConv, "bundled-8d": vae.ArchMLP} {
		m, err := Open(name)
		if err != nil {
			t.Fatalf("Open(%q): %v", name, err)
		}
		if m.Config().Arch != arch || m.HeldOut() == nil {
			t.Fatalf("Open(%q): arch %s, held-out %v", name, m.Config().Arch, m.HeldOut() != nil)
		}
	}
	if m, _ := Open("bundled-8d"); m.Latent() != 8 || len(m.HeldOut().DimKL) != 8 || len(m.Vectors()) != 3 {
		t.Fatalf("the 8-D model: latent %d, KL per dimension %v, %d vectors", m.Latent(), m.HeldOut().DimKL, len(m.Vectors()))
	}
	// A file: saved and opened again.
	m, _ := Open("")
	path := filepath.Join(t.TempDir(), "m.vae")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.vae")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing file: %v", err)
	}
	if _, err := Arch("rnn"); err == nil {
		t.Fatal("an unknown architecture opened")
	}
}
