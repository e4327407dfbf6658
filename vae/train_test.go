package vae

import (
	"context"
	"os"
	"testing"

	"vaeexplorer/vae/dataset"
)

func TestQuickTrain(t *testing.T) {
	dir := os.Getenv("VAE_MNIST_DIR")
	train, test, err := dataset.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Epochs = 3
	m, err := NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(m, cfg, train, test)
	if err != nil {
		t.Fatal(err)
	}
	tr.Start(context.Background())
	for ev := range tr.Events() {
		if ev.Kind != EventStep {
			t.Logf("%+v", ev)
		}
	}
}
