package vae

import (
	"math"
	"math/rand"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"vaeexplorer/vae/vaetest"
)

func convConfig() Config {
	cfg := DefaultConfig()
	cfg.Arch, cfg.Hidden = ArchConv, DefaultHidden(ArchConv)
	return cfg
}

func TestConvLayout(t *testing.T) {
	cfg := convConfig()
	p := newParams(cfg)
	want := map[string][]int{
		"enc.conv1.w": {9, 32}, "enc.conv2.w": {288, 64}, "enc.hidden.w": {3136, 128},
		"enc.mean.w": {128, 2}, "dec.hidden.w": {2, 3136}, "dec.convt1.w": {64, 288},
		"dec.convt1.b": {32}, "dec.convt2.w": {32, 9}, "dec.convt2.b": {1},
	}
	for name, shape := range want {
		if tn := p.Get(name); tn == nil || !slices.Equal(tn.Shape, shape) {
			t.Errorf("%s: %v, want shape %v", name, tn, shape)
		}
	}
	// PyTorch's parameter count for the same model.
	if n := p.Count(); n != 320+18496+401536+258*2+9408+18464+289 {
		t.Errorf("%d weights", n)
	}
	// PyTorch's init bounds: a transposed convolution's fan-in is Cout*K*K.
	p.initUniform(rand.New(rand.NewSource(1)))
	for name, fan := range map[string]int{"enc.conv1.w": 9, "enc.conv2.w": 288, "dec.convt1.w": 288, "dec.convt2.w": 9} {
		bound := 1 / math.Sqrt(float64(fan))
		var top float64
		for _, v := range p.Get(name).Data {
			top = max(top, math.Abs(float64(v)))
		}
		if top > bound || top < 0.5*bound {
			t.Errorf("%s: largest |w| %.4f, want just below %.4f", name, top, bound)
		}
	}
}

// TestConvTrainingLearnsCodes trains the conv model for three short epochs and
// checks it learnt: the held-out -ELBO falls, and a held-out digit is
// reconstructed better from its own code than from another digit's. (A
// conv VAE starts slower than the mlp: on mnist-8k it passes the
// mean-image model's 206 nats only in epoch 4, and reaches about 167 after
// 30; `make bench` and the README report that run.)
func TestConvTrainingLearnsCodes(t *testing.T) {
	train, test, real := vaetest.MNIST(t)
	// 2,000 images in batches of 32 (more steps for the time): under -race the Go loops of
	// im2col and col2im run ten times slower.
	train, test = train.Subset(2000), test.Subset(500)
	cfg := convConfig()
	cfg.Epochs, cfg.Batch = 3, 32
	m, _ := trainModel(t, cfg, train, test)
	h := m.History()
	for _, e := range h {
		t.Logf("epoch %d: held-out -ELBO %.1f (rec %.1f + KL %.1f), %.0f img/s", e.Epoch, e.TestELBO, e.TestRec, e.TestKL, e.ImgPerSec)
	}
	if !(h[2].TestELBO < h[1].TestELBO && h[1].TestELBO < h[0].TestELBO && h[2].TestELBO < h[0].TestELBO-20) {
		t.Errorf("held-out -ELBO %.1f, %.1f, %.1f: want a fall of 20 nats or more (real MNIST: %v)", h[0].TestELBO, h[1].TestELBO, h[2].TestELBO, real)
	}
	const n = 200
	x := test.Images.Floats()[:n*mnistSize]
	mu, _, err := m.Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := m.Decode(mu)
	if err != nil {
		t.Fatal(err)
	}
	bce := func(i, j int) float64 { // image i against the reconstruction of j
		var s float64
		for k := 0; k < mnistSize; k++ {
			p := min(max(float64(rec[j*mnistSize+k]), 1e-6), 1-1e-6)
			v := float64(x[i*mnistSize+k])
			s -= v*math.Log(p) + (1-v)*math.Log(1-p)
		}
		return s
	}
	var own, other float64
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		for test.Labels[j] == test.Labels[i] {
			j = (j + 1) % n
		}
		own += bce(i, i) / n
		other += bce(i, j) / n
	}
	t.Logf("reconstruction from its own code %.1f nats, from another digit's %.1f", own, other)
	if !(own < 0.95*other) { // a collapsed code (every digit decoded alike) gives 1
		t.Errorf("reconstruction from its own code %.1f nats, from another digit's %.1f: the codes carry little", own, other)
	}
}

func TestConvSaveLoadEncodeDecode(t *testing.T) {
	train, test := smallSets(300)
	cfg := convConfig()
	cfg.Hidden, cfg.Latent, cfg.Epochs = 32, 3, 1
	a, _ := trainModel(t, cfg, train, test)
	b, _ := trainModel(t, cfg, train, test)
	for i, ta := range a.Params().List {
		if !slices.Equal(ta.Data, b.Params().List[i].Data) {
			t.Fatalf("same seed, different %s", ta.Name)
		}
	}
	path := filepath.Join(t.TempDir(), "conv.vae")
	if err := a.Save(path); err != nil {
		t.Fatal(err)
	}
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l.Config(), a.Config()) {
		t.Fatalf("config %+v, want %+v", l.Config(), a.Config())
	}
	z := Sample(rand.New(rand.NewSource(2)), 11, 3, 1) // batches of 8, 1, 1, 1
	x1, _ := a.Decode(z)
	x2, _ := l.Decode(z)
	if !slices.Equal(x1, x2) {
		t.Fatal("loaded conv model decodes differently")
	}
	for i := 0; i < 11; i++ {
		one, _ := l.Decode(z[3*i : 3*i+3])
		for j, v := range one {
			if d := math.Abs(float64(v - x1[i*mnistSize+j])); d > 1e-5 {
				t.Fatalf("point %d pixel %d: alone %v, in a batch %v", i, j, v, x1[i*mnistSize+j])
			}
		}
	}
	imgs := test.Images.Floats()[:9*mnistSize]
	mu, lv, err := l.Encode(imgs)
	if err != nil {
		t.Fatal(err)
	}
	mu1, lv1, _ := l.Encode(imgs[:mnistSize])
	if len(mu) != 27 || len(lv) != 27 || math.Abs(float64(mu[0]-mu1[0])) > 1e-5 || math.Abs(float64(lv[2]-lv1[2])) > 1e-5 {
		t.Errorf("encode: batch %v / %v, alone %v / %v", mu[:3], lv[:3], mu1, lv1)
	}
}
