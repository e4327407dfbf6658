package vae

import (
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
)

func TestPrintProgram(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Hidden = 16
	p := newParams(cfg)
	p.initUniform(rand.New(rand.NewSource(1)))
	n, err := buildNet(netTrain, cfg, p, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n.xBuf {
		n.xBuf[i] = 0.5
	}
	if err := n.run(); err != nil {
		t.Fatal(err)
	}
	prog, _, _ := G.Compile(n.g)
	t.Logf("%v", prog)
	t.Logf("loss %v", n.loss.Value())
}
