package vae

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/vaetest"
)

func conditionalModel(t *testing.T, arch string) *Model {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Arch, cfg.Hidden, cfg.Latent, cfg.Condition = arch, 16, 2, 10
	m, err := NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A conditional model's decoder draws another image for another class at
// the same z; asked without a class, or for a class it does not know, it
// refuses; a checkpoint keeps the condition and gives the same decodes.
func TestConditionalDecoderTakesTheClass(t *testing.T) {
	for _, arch := range []string{ArchMLP, ArchConv} {
		m := conditionalModel(t, arch)
		z := []float32{0.5, -1}
		three, err := m.Given(3)
		if err != nil {
			t.Fatal(err)
		}
		seven, _ := m.Given(7)
		a, err := three.Decode(z)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := seven.Decode(z)
		if slices.Equal(a, b) {
			t.Errorf("%s: classes 3 and 7 decode z to the same image", arch)
		}
		// Per-row classes equal the fixed-class decodes.
		both, err := m.DecodeGiven(append(slices.Clone(z), z...), []uint8{3, 7})
		if err != nil || !slices.Equal(both[:len(a)], a) || !slices.Equal(both[len(a):], b) {
			t.Errorf("%s: per-row classes differ from fixed ones (%v)", arch, err)
		}
		if _, err := m.Decode(z); !errors.Is(err, ErrNeedsClass) {
			t.Errorf("%s: decoding without a class: %v", arch, err)
		}
		if _, err := m.Given(10); err == nil {
			t.Errorf("%s: class 10 of 10 accepted", arch)
		}
		if _, err := m.DecodeGiven(z, []uint8{12}); err == nil || !strings.Contains(err.Error(), "classes 0 to 9") {
			t.Errorf("%s: class 12: %v", arch, err)
		}
		// A snapshot decodes as its class.
		s := seven.NewDecoderSnapshot()
		c := make([]float32, len(b))
		if err := s.DecodeInto(c, z); err != nil || !vaetest.Near(c, b, 1e-5) { // gonum's BLAS there, maybe OpenBLAS here
			t.Errorf("%s: the snapshot of class 7 decodes otherwise (%v)", arch, err)
		}
		s.Close()

		path := filepath.Join(t.TempDir(), "c.vae")
		if err := m.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if back.Config().Condition != 10 {
			t.Fatalf("%s: loaded condition %d", arch, back.Config().Condition)
		}
		bt, _ := back.Given(3)
		if got, _ := bt.Decode(z); !slices.Equal(got, a) {
			t.Errorf("%s: the loaded model decodes class 3 otherwise", arch)
		}
	}
}

// A conditional model trains on labelled data, its held-out -ELBO given
// the labels; one-class data is refused.
func TestConditionalTraining(t *testing.T) {
	train, test := dataset.Synthetic(512, 1), dataset.Synthetic(128, 2)
	K, err := ConditionFor(train)
	if err != nil || K != 10 {
		t.Fatalf("ConditionFor = %d, %v", K, err)
	}
	cfg := DefaultConfig()
	cfg.Hidden, cfg.Epochs, cfg.Condition = 32, 2, K
	m, err := NewModel(cfg)
	if err != nil {
		t.Fatal(err)
	}
	before, err := m.EvaluateSet(test, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(m, cfg, train, test)
	if err != nil {
		t.Fatal(err)
	}
	tr.Start(context.Background())
	if err := tr.Wait(); err != nil {
		t.Fatal(err)
	}
	after, err := m.EvaluateSet(test, 1, nil)
	if err != nil || after.ELBO >= before.ELBO {
		t.Fatalf("held-out -ELBO %v before, %v after training (%v)", before.ELBO, after.ELBO, err)
	}
	if h := m.HeldOut(); h == nil || len(h.Labels) != test.N {
		t.Fatal("no held-out codes after training")
	}
	// The ELBO of the right label beats a wrong one on average.
	imgs := test.Floats()
	right, _ := m.EvaluateGiven(imgs, test.Labels, 1, nil)
	wrong := slices.Clone(test.Labels)
	for i := range wrong {
		wrong[i] = (wrong[i] + 5) % 10
	}
	bad, _ := m.EvaluateGiven(imgs, wrong, 1, nil)
	if right.ELBO >= bad.ELBO {
		t.Errorf("-ELBO with the right labels %v, with wrong ones %v", right.ELBO, bad.ELBO)
	}

	one := dataset.Synthetic(64, 3)
	clear(one.Labels)
	if _, err := ConditionFor(one); err == nil || !strings.Contains(err.Error(), "one class") {
		t.Errorf("one-class data: %v", err)
	}
	cfg.Condition = 0
	if _, err := NewTrainer(m, cfg, train, test); err == nil {
		t.Error("an unconditional training of a conditional model was accepted")
	}
}
