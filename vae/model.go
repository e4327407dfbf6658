package vae

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"vaeexplorer/vae/dataset"
)

// Model is a VAE ready for inference: encode images, decode latent points,
// evaluate held-out data. It is safe for concurrent use: each chunk of a
// call holds the model's lock while its prebuilt graph runs, and a Trainer
// publishes new weights into it under the same lock, so a big evaluation
// never holds up a decode for more than one chunk. The interactive point
// decodes from a DecoderSnapshot, which waits for none of this.
type Model struct {
	cfg Config
	// shape is cfg's image shape (fixed for the model's life); size the
	// values in one image.
	shape Shape
	size  int

	mu     sync.Mutex
	params *Params
	// gen counts weight publications, so a DecoderSnapshot knows when its
	// copy is stale.
	gen atomic.Uint64
	// lastInteraction is when (UnixNano) the user last moved something
	// that decodes; see NoteInteraction.
	lastInteraction atomic.Int64
	// compute is held by a training step and by each decode, so the two
	// never compete for the cores (or for OpenBLAS, which serialises its
	// calls): a decode waits at most for the step in flight.
	compute sync.Mutex
	nets    map[netKey]*net
	// History is the per-epoch training record, oldest first.
	history []EpochStats
	// vectors are concept vectors stored with the model.
	vectors []Vector
	// heldOut is what the latent scatter and the anomaly score need,
	// measured on held-out data, so they work without the dataset.
	heldOut *HeldOut
}

type netKey struct {
	kind  netKind
	batch int
}

// EpochStats is one epoch's record: training loss and held-out -ELBO with
// its two terms, all in nats per image.
type EpochStats struct {
	Epoch     int     `json:"epoch"`
	TrainLoss float64 `json:"train_loss"`
	TestELBO  float64 `json:"test_elbo"`
	TestRec   float64 `json:"test_rec"`
	TestKL    float64 `json:"test_kl"`
	ImgPerSec float64 `json:"img_per_s"`
	Seconds   float64 `json:"seconds"`
}

// HeldOut holds held-out images' latent means with their labels (for the
// scatter) and the sorted distribution of their reconstruction errors (for
// percentiles).
type HeldOut struct {
	Means  []float32 // N x Latent
	Labels []uint8   // N
	Errors []float32 // reconstruction errors, ascending
	// DimKL is each latent dimension's mean KL to the prior over the same
	// images, in nats (nil in checkpoints older than format 3).
	DimKL []float64
}

// NewModel returns a model with freshly initialised weights (seeded by
// cfg.Seed).
func NewModel(cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := newParams(cfg)
	p.initUniform(rand.New(rand.NewSource(cfg.Seed)))
	return newModel(cfg, p), nil
}

func newModel(cfg Config, p *Params) *Model {
	sh := cfg.Image()
	return &Model{cfg: cfg, shape: sh, size: sh.Size(), params: p, nets: map[netKey]*net{}}
}

// Image is the shape of the images the model reads and writes.
func (m *Model) Image() Shape { return m.shape }

// ImageSize is the number of values in one of the model's images.
func (m *Model) ImageSize() int { return m.size }

// Config returns the model's configuration.
func (m *Model) Config() Config {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cfg
}

// Latent is the size of z.
func (m *Model) Latent() int { return m.cfg.Latent }

// maxHeldOutPoints bounds how many held-out latent means a model keeps for
// the scatter (and stores in checkpoints).
const maxHeldOutPoints = 5000

// MeasureHeldOut encodes the held-out set and stores what the scatter and
// the anomaly score need: up to maxHeldOutPoints latent means with labels,
// and the sorted reconstruction errors of the whole set.
func (m *Model) MeasureHeldOut(test *dataset.Set) error {
	if err := CheckImages(test, m.shape, "the held-out set"); err != nil {
		return err
	}
	return m.measureHeldOut(test)
}

// measureHeldOut is MeasureHeldOut on images of the model's shape,
// converted to floats a batch at a time.
func (m *Model) measureHeldOut(test *dataset.Set) error {
	errs, err := m.ReconErrorsSet(test)
	if err != nil {
		return err
	}
	slices.Sort(errs)
	k := min(test.N, maxHeldOutPoints)
	mean, logvar, err := m.EncodeSet(test.Subset(k))
	if err != nil {
		return err
	}
	h := &HeldOut{Means: mean, Labels: append([]uint8(nil), test.Labels[:k]...), Errors: errs, DimKL: DimKL(mean, logvar, m.cfg.Latent)}
	m.mu.Lock()
	m.heldOut = h
	m.mu.Unlock()
	return nil
}

// Percentile returns the share (0..100) of held-out images whose
// reconstruction error is below err, or NaN when the model has no held-out
// statistics.
func (h *HeldOut) Percentile(err float32) float64 {
	if h == nil || len(h.Errors) == 0 {
		return math.NaN()
	}
	i, _ := slices.BinarySearch(h.Errors, err)
	return 100 * float64(i) / float64(len(h.Errors))
}

// History returns a copy of the per-epoch training record.
func (m *Model) History() []EpochStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]EpochStats(nil), m.history...)
}

// HeldOut returns the stored held-out statistics, or nil. Callers must not
// modify them.
func (m *Model) HeldOut() *HeldOut {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.heldOut
}

// Params returns a copy of the weights.
func (m *Model) Params() *Params {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.params.Clone()
}

// setWeights copies p into the model's weights (same layout).
func (m *Model) setWeights(p *Params) {
	m.mu.Lock()
	m.params.CopyFrom(p)
	m.gen.Add(1)
	m.mu.Unlock()
}

// Close frees the model's graphs. The model stays usable; graphs are
// rebuilt on demand.
func (m *Model) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, n := range m.nets {
		n.close()
		delete(m.nets, k)
	}
}

// batchSizes are the sizes of the inference graphs. A request of n rows is
// cut greedily into the largest that fit, so nothing is padded.
var batchSizes = []int{64, 8, 1}

// netFor returns the cached graph of kind at batch size b. Callers hold mu.
func (m *Model) netFor(kind netKind, b int) (*net, error) {
	k := netKey{kind, b}
	if n, ok := m.nets[k]; ok {
		return n, nil
	}
	n, err := buildNet(kind, m.cfg, m.params, b)
	if err != nil {
		return nil, err
	}
	m.nets[k] = n
	return n, nil
}

// forChunks runs f over consecutive chunks of n rows, each at one of the
// batchSizes. Callers hold mu.
func forChunks(n int, f func(off, b int) error) error {
	for off := 0; off < n; {
		b := 1
		for _, s := range batchSizes {
			if s <= n-off {
				b = s
				break
			}
		}
		if err := f(off, b); err != nil {
			return err
		}
		off += b
		Yield()
	}
	return nil
}

var errShape = errors.New("input length is not a whole number of rows")

// Encode maps images (n x 784, values in [0,1]) to the means and
// log-variances of their latent Gaussians (n x Latent each).
func (m *Model) Encode(images []float32) (mean, logvar []float32, err error) {
	return m.EncodeGiven(images, nil)
}

// EncodeGiven is Encode for a conditional model: labels gives each
// image's class (or one class for all).
func (m *Model) EncodeGiven(images []float32, labels []uint8) (mean, logvar []float32, err error) {
	if len(images)%m.size != 0 {
		return nil, nil, fmt.Errorf("encode: %w (%d values, rows of %d)", errShape, len(images), m.size)
	}
	n, L := len(images)/m.size, m.cfg.Latent
	if err := m.checkLabels(labels, n); err != nil {
		return nil, nil, fmt.Errorf("encode: %w", err)
	}
	mean, logvar = make([]float32, n*L), make([]float32, n*L)
	err = forChunks(n, func(off, b int) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		nt, err := m.netFor(netEncode, b)
		if err != nil {
			return err
		}
		if err := nt.fillClasses(labels, off, b); err != nil {
			return fmt.Errorf("encode: %w", err)
		}
		copy(nt.xBuf, images[off*m.size:(off+b)*m.size])
		if err := nt.run(); err != nil {
			return fmt.Errorf("encode: %w", err)
		}
		copy(mean[off*L:], nodeData(nt.mean))
		copy(logvar[off*L:], nodeData(nt.logvar))
		return nil
	})
	return mean, logvar, err
}

// EncodeSet is Encode of a dataset's images, converted to float32 a block
// at a time rather than all at once (a dataset is kept as bytes; as floats
// it would take four times the memory).
func (m *Model) EncodeSet(set *dataset.Set) (mean, logvar []float32, err error) {
	const block = 4096 // a multiple of every batch size: the same chunks as Encode
	L := m.cfg.Latent
	mean, logvar = make([]float32, set.N*L), make([]float32, set.N*L)
	buf := make([]float32, min(block, set.N)*m.size)
	for i := 0; i < set.N; i += block {
		n := min(block, set.N-i)
		for k := range n {
			set.ImageInto(i+k, buf[k*m.size:(k+1)*m.size])
		}
		var lab []uint8
		if m.cfg.Conditional() {
			lab = set.Labels[i : i+n]
		}
		mu, lv, err := m.EncodeGiven(buf[:n*m.size], lab)
		if err != nil {
			return nil, nil, err
		}
		copy(mean[i*L:], mu)
		copy(logvar[i*L:], lv)
	}
	return mean, logvar, nil
}

// Decode maps latent points (n x Latent) to images (n x 784, in [0,1]).
func (m *Model) Decode(z []float32) ([]float32, error) {
	if len(z)%m.cfg.Latent != 0 {
		return nil, fmt.Errorf("decode: %w (%d values, rows of %d)", errShape, len(z), m.cfg.Latent)
	}
	out := make([]float32, len(z)/m.cfg.Latent*m.size)
	return out, m.DecodeInto(out, z)
}

// DecodeInto is Decode writing into dst (len(z)/Latent*784 values), for
// callers that reuse a buffer.
func (m *Model) DecodeInto(dst, z []float32) error { return m.decodeInto(dst, z, nil) }

// DecodeGiven is Decode for a conditional model: labels gives each code's
// class (or one class for all).
func (m *Model) DecodeGiven(z []float32, labels []uint8) ([]float32, error) {
	if len(z)%m.cfg.Latent != 0 {
		return nil, fmt.Errorf("decode: %w (%d values, rows of %d)", errShape, len(z), m.cfg.Latent)
	}
	out := make([]float32, len(z)/m.cfg.Latent*m.size)
	return out, m.decodeInto(out, z, labels)
}

func (m *Model) decodeInto(dst, z []float32, labels []uint8) error {
	L := m.cfg.Latent
	if len(z)%L != 0 || len(dst) != len(z)/L*m.size {
		return fmt.Errorf("decode: %w (%d latent values, %d outputs)", errShape, len(z), len(dst))
	}
	if err := m.checkLabels(labels, len(z)/L); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return forChunks(len(z)/L, func(off, b int) error {
		m.compute.Lock()
		defer m.compute.Unlock()
		m.mu.Lock()
		defer m.mu.Unlock()
		nt, err := m.netFor(netDecode, b)
		if err != nil {
			return err
		}
		if err := nt.fillClasses(labels, off, b); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		copy(nt.zBuf, z[off*L:(off+b)*L])
		if err := nt.run(); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		copy(dst[off*m.size:], nodeData(nt.image))
		return nil
	})
}

// NoteInteraction tells training on this model that the user is
// interacting (dragging the point, moving a slider): for a moment the
// trainer runs its matrix products on one thread, leaving a core to the
// window. Measured under Xvfb on 2 cores: training while dragging went
// from 0.34 to 0.6 of its idle speed, because OpenBLAS's second thread
// only waited on the first while the window drew.
func (m *Model) NoteInteraction() { m.lastInteraction.Store(time.Now().UnixNano()) }

// interactionHold is how long after the last interaction training keeps to
// one thread.
const interactionHold = 400 * time.Millisecond

// interacting reports whether the user interacted within interactionHold.
func (m *Model) interacting() bool {
	return time.Since(time.Unix(0, m.lastInteraction.Load())) < interactionHold
}
