package vae

import (
	"math"
	"math/rand"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"vaeexplorer/vae/dataset"
)

// Models of other image shapes: colour, other sides.

func TestShapeValidation(t *testing.T) {
	cfg := DefaultConfig()
	if cfg.Image() != DefaultShape || !reflect.DeepEqual(cfg.WithImage(DefaultShape), cfg) {
		t.Fatalf("the default configuration's shape is %v", cfg.Image())
	}
	for _, c := range []struct {
		arch string
		sh   Shape
		want string // "" when valid
	}{
		{ArchMLP, Shape{30, 1}, ""},
		{ArchMLP, Shape{64, 3}, ""},
		{ArchConv, Shape{32, 3}, ""},
		{ArchConv, Shape{48, 1}, ""},
		{ArchConv, Shape{30, 1}, "divisible by 4 (e.g. 28 or 32)"},
		{ArchMLP, Shape{32, 2}, "2 channels"},
		{ArchMLP, Shape{4, 1}, "image side 4 out of range"},
		{ArchConv, Shape{256, 3}, "image side 256 out of range"},
	} {
		cfg := DefaultConfig().WithImage(c.sh)
		cfg.Arch = c.arch
		err := cfg.Validate()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s %v: %v, want %q", c.arch, c.sh, err, c.want)
		}
	}
}

// TestColourConvLayers checks the four layers of conv models of other
// shapes (32x32x3, 16x16x1) like the random layers of conv_test.go: the
// forward pass against the direct formulation, and sampled gradient
// entries against finite differences (the float64 reference runs the
// whole layer for each, so a sample).
func TestColourConvLayers(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, sh := range []Shape{{32, 3}, {16, 1}} {
		e1, e2, mid, d1, d2 := convGeoms(sh)
		q := sh.Side / 4
		if mid != q*q*convC2 || e1.Ho != sh.Side/2 || d2.H != sh.Side || d2.C != sh.Channels {
			t.Fatalf("%v: geometries %v, %v, %v, %v, map %d", sh, e1, e2, d1, d2, mid)
		}
		cases := []struct {
			c          convCase
			transposed bool
		}{
			{convCase{n: 1, h: sh.Side, w: sh.Side, cin: sh.Channels, cout: convC1, k: 3, s: 2, p: 1}, false},
			{convCase{n: 1, h: e2.H, w: e2.W, cin: convC1, cout: convC2, k: 3, s: 2, p: 1}, false},
			{convCase{n: 1, h: q, w: q, cin: convC2, cout: convC1, k: 3, s: 2, p: 1, op: 1}, true},
			{convCase{n: 1, h: d1.H, w: d1.W, cin: convC1, cout: sh.Channels, k: 3, s: 2, p: 1, op: 1}, true},
		}
		for _, c := range cases {
			checkConvForward(t, rng, c.c, c.transposed, true)
			checkConvGradSampled(t, rng, c.c, c.transposed, true, 8)
		}
	}
}

// checkConvForward runs one layer and compares it with the direct float64
// formulation.
func checkConvForward(t *testing.T, rng *rand.Rand, c convCase, transposed, relu bool) {
	t.Helper()
	op, xLen, wr, wc := layerOp(t, c, transposed, relu)
	x, wt, b := randSlice(rng, c.n*xLen), randSlice(rng, wr*wc), randSlice(rng, c.cout)
	ref := refConv
	if transposed {
		ref = refConvT
	}
	want, _, _ := ref(c, x, wt, b, relu)
	out, err := op.Do(tensorOf(x, c.n, xLen), tensorOf(wt, wr, wc), tensorOf(b, c.cout))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range f32(out) {
		if math.Abs(float64(v)-want[i]) > 1e-4*(1+math.Abs(want[i])) {
			t.Fatalf("%v transposed=%v: out[%d] = %v, want %v", c, transposed, i, v, want[i])
		}
	}
}

// TestShapesTrainAndRoundTrip trains conv and mlp models of several shapes
// briefly and checks that each saves, loads with its shape and decodes
// identically, alone and in batches.
func TestShapesTrainAndRoundTrip(t *testing.T) {
	for _, c := range []struct {
		arch string
		sh   Shape
	}{{ArchConv, Shape{32, 3}}, {ArchConv, Shape{16, 1}}, {ArchMLP, Shape{20, 3}}, {ArchMLP, Shape{30, 1}}} {
		cfg := DefaultConfig().WithImage(c.sh)
		cfg.Arch, cfg.Hidden, cfg.Latent, cfg.Epochs, cfg.Batch = c.arch, 32, 3, 1, 16
		cfg.Preprocess, cfg.Classes = "resize", dataset.ShapeNames // kept in the checkpoint
		train, test := shapeSets(c.sh, 96, 24)
		a, _ := trainModel(t, cfg, train, test)
		if err := a.MeasureHeldOut(test); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "m.vae")
		if err := a.Save(path); err != nil {
			t.Fatal(err)
		}
		l, err := Load(path)
		if err != nil {
			t.Fatalf("%s %v: %v", c.arch, c.sh, err)
		}
		if !reflect.DeepEqual(l.Config(), a.Config()) || l.Image() != c.sh || l.ImageSize() != c.sh.Size() {
			t.Fatalf("%s %v: loaded config %+v, want %+v", c.arch, c.sh, l.Config(), a.Config())
		}
		z := Sample(rand.New(rand.NewSource(2)), 5, 3, 1)
		x1, _ := a.Decode(z)
		x2, _ := l.Decode(z)
		if len(x1) != 5*c.sh.Size() || !slices.Equal(x1, x2) {
			t.Fatalf("%s %v: %d values decoded; loaded model decodes the same: %v", c.arch, c.sh, len(x1), slices.Equal(x1, x2))
		}
		one, _ := l.Decode(z[6:9])
		for j, v := range one {
			if d := math.Abs(float64(v - x1[2*c.sh.Size()+j])); d > 1e-5 {
				t.Fatalf("%s %v: value %d alone %v, in a batch %v", c.arch, c.sh, j, v, x1[2*c.sh.Size()+j])
			}
		}
		// Data of another shape is refused with both shapes named.
		other, _ := shapeSets(Shape{c.sh.Side + 4, c.sh.Channels}, 8, 8)
		if err := a.MeasureHeldOut(other); err == nil || !strings.Contains(err.Error(), ShapeName(c.sh)) {
			t.Errorf("%s %v: held-out images of another shape: %v", c.arch, c.sh, err)
		}
		if _, err := NewTrainer(a, cfg, other, other); err == nil {
			t.Errorf("%s %v: trainer accepted images of another shape", c.arch, c.sh)
		}
	}
}

// shapeSets are generated training and held-out sets of shape sh: colour
// shapes, or grey ones (the shapes' luminance) for one channel.
func shapeSets(sh Shape, nTrain, nTest int) (train, test *dataset.Set) {
	gen := func(n int, seed int64) *dataset.Set {
		s := dataset.Shapes(n, sh.Side, seed)
		if sh.Channels == 1 {
			grey := make([]uint8, n*sh.Side*sh.Side)
			for i := range grey {
				p := s.Pix[3*i : 3*i+3]
				grey[i] = uint8((int(p[0]) + int(p[1]) + int(p[2])) / 3)
			}
			s.Images = &dataset.Images{N: n, Rows: sh.Side, Cols: sh.Side, Pix: grey}
		}
		return s
	}
	return gen(nTrain, 1), gen(nTest, 2)
}

// TestColourConvLearns trains the conv model on 32x32 colour shapes and
// checks it learnt: the held-out -ELBO falls, and a held-out image is
// reconstructed better from its own code than from another's.
func TestColourConvLearns(t *testing.T) {
	sh := Shape{32, 3}
	train, test := shapeSets(sh, 1200, 200)
	cfg := convConfig().WithImage(sh)
	cfg.Epochs, cfg.Batch, cfg.Latent = 3, 16, 8
	m, _ := trainModel(t, cfg, train, test)
	h := m.History()
	for _, e := range h {
		t.Logf("epoch %d: held-out -ELBO %.1f (rec %.1f + KL %.1f), %.0f img/s", e.Epoch, e.TestELBO, e.TestRec, e.TestKL, e.ImgPerSec)
	}
	if !(h[2].TestELBO < h[0].TestELBO-10) {
		t.Errorf("held-out -ELBO %.1f, %.1f, %.1f: want a fall of 10 nats or more", h[0].TestELBO, h[1].TestELBO, h[2].TestELBO)
	}
	x := test.Floats()
	mu, _, err := m.Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := m.Decode(mu)
	if err != nil {
		t.Fatal(err)
	}
	size := sh.Size()
	sq := func(i, j int) float64 { // image i against the reconstruction of j
		var s float64
		for k := 0; k < size; k++ {
			d := float64(x[i*size+k] - rec[j*size+k])
			s += d * d
		}
		return s
	}
	var own, other float64
	n := test.N
	for i := 0; i < n; i++ {
		own += sq(i, i) / float64(n)
		other += sq(i, (i+1)%n) / float64(n)
	}
	t.Logf("squared error from its own code %.1f, from the next image's %.1f", own, other)
	if !(own < 0.8*other) {
		t.Errorf("squared error from its own code %.1f, from another image's %.1f: the codes carry little", own, other)
	}
}
