package engine

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

func TestBundlesOpenAndRoundTrip(t *testing.T) {
	e := &Engine{}
	bs := e.Bundles()
	if len(bs) != 3 || bs[0].Kind != "conv" {
		t.Fatalf("bundles %+v (the default first)", bs)
	}
	for _, b := range bs {
		m, err := e.Bundled(b.Kind)
		if err != nil || m.HeldOut() == nil {
			t.Fatalf("%s: %v", b.Kind, err)
		}
		if kind, ok := e.BundledKind("bundled-" + b.Kind); !ok || kind != b.Kind {
			t.Errorf("bundled-%s names %q %v", b.Kind, kind, ok)
		}
	}
	m, _ := e.Bundled("mlp")
	for _, ext := range []string{".vae", ".safetensors"} {
		data, err := e.Bytes(m, ext)
		if err != nil {
			t.Fatal(err)
		}
		back, err := e.FromBytes("m"+ext, data)
		if err != nil || back.Latent() != m.Latent() || back.Config().Hidden != m.Config().Hidden {
			t.Fatalf("%s round trip: %v", ext, err)
		}
	}
	path := filepath.Join(t.TempDir(), "m.vae")
	if err := e.Save(m, path); err != nil {
		t.Fatal(err)
	}
	if back, err := e.Load(path); err != nil || back.Latent() != 2 {
		t.Fatalf("load: %v", err)
	}
}

// A model this engine did not make cannot be saved, downloaded or
// trained as one of its own: a message, not a crash.
func TestForeignModelsAreRefused(t *testing.T) {
	e := &Engine{}
	var m foreign
	if err := e.Save(m, filepath.Join(t.TempDir(), "x.vae")); err == nil || !strings.Contains(err.Error(), "not made by it") {
		t.Errorf("save: %v", err)
	}
	if _, err := e.Bytes(m, ".vae"); err == nil {
		t.Error("bytes of a foreign model")
	}
	if _, err := e.Train(context.Background(), m, vae.DefaultConfig(), &dataset.Data{}); err == nil {
		t.Error("trained a foreign model")
	}
}

func TestLoadDataFromAFolder(t *testing.T) {
	dir := t.TempDir()
	if err := dataset.SaveDir(dir, dataset.Synthetic(40, 1), dataset.Synthetic(10, 2)); err != nil {
		t.Fatal(err)
	}
	e := &Engine{}
	d, err := e.LoadData(context.Background(), "", dir, dataset.FolderOptions{}, func(float64, string) {})
	if err != nil || d.Train.N != 40 || d.Test.N != 10 || d.Mode() != "" {
		t.Fatalf("%+v %v", d, err)
	}
	if _, err := e.LoadData(context.Background(), "", "", dataset.FolderOptions{}, func(float64, string) {}); err == nil || !strings.Contains(err.Error(), "choose a folder") {
		t.Errorf("no name, no folder: %v", err)
	}
}

// foreign is a model of another engine: it decodes, nothing more.
type foreign struct{}

func (foreign) Latent() int                           { return 2 }
func (foreign) Image() vae.Shape                      { return vae.Shape{Side: 28, Channels: 1} }
func (foreign) DecodeInto(dst, z []float32) error     { return nil }
func (foreign) Decode(z []float32) ([]float32, error) { return make([]float32, 784*len(z)/2), nil }
func (foreign) Config() vae.Config                    { return vae.DefaultConfig() }
func (foreign) HeldOut() *vae.HeldOut                 { return nil }
func (foreign) History() []vae.EpochStats             { return nil }
