package onnx

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"vaeexplorer/vae"
)

// Model is a VAE's decoder exported to ONNX, with its encoder when there
// is one: what the explorer opens as a model (vae.Explorable). A decoder
// alone is a generator: the plane, the map, the grid, samples and
// interpolation work; what reads images (the scatter of held-out codes,
// dropped images, anomalies) needs the encoder.
//
// The decoder's input is z, [N, L]; its output an image, [N, C, H, W] or
// [N, C*H*W] with H = W and C 1 or 3. How its values become pixels in
// 0..1 is read from its last node: a Sigmoid's are pixels already, a
// Tanh's (-1..1, as DCGAN generators end) are mapped to 0..1, an output
// whose name says "logits" goes through a sigmoid; anything else is
// clamped to 0..1. The encoder's input is an image of that shape; its
// outputs mu and logvar, [N, L] each (or one [N, 2L] output, mu first).
type Model struct {
	dec, enc *Graph
	latent   int
	shape    vae.Shape
	flat     bool // the decoder's output is [N, C*H*W]
	finish   func(float32) float32
	// encFlat: the encoder reads [N, C*H*W]
	encFlat bool
	// decBatch, encBatch: the batch a graph exported without a dynamic
	// batch takes (0: any); shorter runs are padded to it.
	decBatch, encBatch int
	name               string
	mu                 sync.Mutex // guards heldOut (measured off the UI goroutine)
	heldOut            *vae.HeldOut
}

var (
	_ vae.Explorable      = (*Model)(nil)
	_ vae.HeldOutMeasurer = (*Model)(nil)
	_ vae.Describer       = (*Model)(nil)
	_ vae.Reconstructor   = (*Model)(nil)
)

// MaxFileBytes bounds an ONNX file read whole (as for the app's own
// checkpoints).
const MaxFileBytes = vae.MaxCheckpointBytes

// IsONNX tells an ONNX file by its name.
func IsONNX(path string) bool { return strings.EqualFold(filepath.Ext(path), ".onnx") }

// readFile reads a file of at most MaxFileBytes.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("%s: more than %d MB, the limit for a model file", path, MaxFileBytes>>20)
	}
	return b, nil
}

// EncoderBeside is the encoder file found beside a decoder: the one
// *encoder*.onnx file in its folder ("" when there is none or several).
func EncoderBeside(decoder string) string {
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(decoder), "*.onnx"))
	var found []string
	for _, p := range m {
		if strings.Contains(strings.ToLower(filepath.Base(p)), "encoder") && p != decoder {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		return ""
	}
	return found[0]
}

// Open reads a decoder and, when encoder is not "", its encoder.
func Open(decoder, encoder string) (*Model, error) {
	db, err := readFile(decoder)
	if err != nil {
		return nil, err
	}
	var eb []byte
	if encoder != "" {
		if eb, err = readFile(encoder); err != nil {
			return nil, err
		}
	}
	m, err := FromBytes(filepath.Base(decoder), db, filepath.Base(encoder), eb)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// FromBytes is Open on the files' contents; names name them in errors.
func FromBytes(decName string, dec []byte, encName string, enc []byte) (*Model, error) {
	dg, err := Read(dec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", decName, err)
	}
	m := &Model{dec: dg, name: decName}
	if err := m.inspectDecoder(); err != nil {
		return nil, fmt.Errorf("%s: %w", decName, err)
	}
	if enc != nil {
		eg, err := Read(enc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", encName, err)
		}
		if err := m.setEncoder(eg); err != nil {
			return nil, fmt.Errorf("%s: %w", encName, err)
		}
	}
	return m, nil
}

// inspectDecoder reads the latent size from the input and the image shape
// from a probe decode of the origin.
func (m *Model) inspectDecoder() error {
	g := m.dec
	if len(g.Inputs) != 1 {
		return fmt.Errorf("a decoder takes one input, z; this graph takes %d", len(g.Inputs))
	}
	in := g.Inputs[0]
	if len(in.Dims) != 2 || in.Dims[1] < 1 || in.Dims[1] > 4096 {
		return fmt.Errorf("a decoder's input is z, [batch, latent size]; this one's is %s", shapeString(in.Dims))
	}
	m.latent = in.Dims[1]
	m.decBatch = max(in.Dims[0], 0)
	probe := max(m.decBatch, 1)
	out, err := g.Run(map[string]*Tensor{in.Name: floatTensor([]int{probe, m.latent}, make([]float32, probe*m.latent))})
	if err != nil {
		return fmt.Errorf("decoding the origin: %w", err)
	}
	y := out[g.Outputs[0].Name]
	if len(y.Shape) == 0 || y.Shape[0] != probe {
		return fmt.Errorf("its output is %s for a batch of %d", shapeString(y.Shape), probe)
	}
	switch len(y.Shape) {
	case 4:
		c, h, w := y.Shape[1], y.Shape[2], y.Shape[3]
		if h != w || (c != 1 && c != 3) {
			return fmt.Errorf("its output is %s: images must be square, with 1 or 3 channels", shapeString(y.Shape))
		}
		m.shape = vae.Shape{Side: h, Channels: c}
	case 2:
		d := y.Shape[1]
		for _, c := range []int{1, 3} {
			if s := int(math.Round(math.Sqrt(float64(d / c)))); d%c == 0 && s*s*c == d {
				m.shape, m.flat = vae.Shape{Side: s, Channels: c}, true
				break
			}
		}
		if !m.flat {
			return fmt.Errorf("its output has %d values per image: not a square image of 1 or 3 channels", d)
		}
	default:
		return fmt.Errorf("its output is %s: want [N, C, H, W] or [N, C*H*W]", shapeString(y.Shape))
	}
	if m.shape.Side < 4 || m.shape.Side > 1024 {
		return fmt.Errorf("its images are %dx%d: 4 to 1024 pixels wide are supported", m.shape.Side, m.shape.Side)
	}
	m.finish = finishFor(g)
	return nil
}

// finishFor is how the decoder's output values become pixels in 0..1.
func finishFor(g *Graph) func(float32) float32 {
	name := g.Outputs[0].Name
	last := ""
	for _, s := range g.steps {
		for _, o := range s.n.out {
			if o == name {
				last = s.n.op
			}
		}
	}
	clamp := func(v float32) float32 { return min(max(v, 0), 1) }
	switch {
	case last == "Sigmoid":
		return clamp
	case last == "Tanh":
		return func(v float32) float32 { return clamp((v + 1) / 2) }
	case strings.Contains(strings.ToLower(name), "logit"):
		return sigmoid
	}
	return clamp
}

func (m *Model) setEncoder(g *Graph) error {
	if len(g.Inputs) != 1 {
		return fmt.Errorf("an encoder takes one input, an image; this graph takes %d", len(g.Inputs))
	}
	d := g.Inputs[0].Dims
	sh := m.shape
	switch {
	case len(d) == 4 && (d[1] == sh.Channels || d[1] < 0) && (d[2] == sh.Side || d[2] < 0) && (d[3] == sh.Side || d[3] < 0):
	case len(d) == 2 && (d[1] == sh.Size() || d[1] < 0):
		m.encFlat = true
	default:
		return fmt.Errorf("its input is %s, but the decoder makes %s images", shapeString(d), sh)
	}
	if len(g.Outputs) != 1 && len(g.Outputs) != 2 {
		return fmt.Errorf("an encoder gives mu and logvar; this one has %d outputs", len(g.Outputs))
	}
	m.enc, m.encBatch = g, max(d[0], 0)
	mu, lv, err := m.Encode(make([]float32, sh.Size()))
	if err != nil {
		m.enc = nil
		return fmt.Errorf("encoding a blank image: %w", err)
	}
	if len(mu) != m.latent || len(lv) != m.latent {
		m.enc = nil
		return fmt.Errorf("it gives codes of %d and %d values; the decoder takes %d", len(mu), len(lv), m.latent)
	}
	return nil
}

// AddEncoder reads an encoder file and gives it to the decoder (the app's
// Model > Add ONNX encoder…); one that does not fit changes nothing.
func (m *Model) AddEncoder(path string) error {
	b, err := readFile(path)
	if err != nil {
		return err
	}
	g, err := Read(b)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if err := m.setEncoder(g); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return nil
}

// Latent is the size of z.
func (m *Model) Latent() int { return m.latent }

// Image is the shape of the decoded images.
func (m *Model) Image() vae.Shape { return m.shape }

// HasEncoder reports whether images can be encoded.
func (m *Model) HasEncoder() bool { return m.enc != nil }

// Name is the decoder file's name.
func (m *Model) Name() string { return m.name }

// Describe says what the model is, for the model card.
func (m *Model) Describe() string {
	what := "ONNX decoder"
	if m.enc != nil {
		what = "ONNX decoder and encoder"
	}
	by := ""
	if m.dec.Producer != "" {
		by = m.dec.Producer + ", "
	}
	return fmt.Sprintf("%s (%sopset %d, %d nodes), z of %d, %s images", what, by, m.dec.Opset, len(m.dec.steps), m.latent, m.shape)
}

// Config describes the model as the app's own models are described.
func (m *Model) Config() vae.Config {
	return vae.Config{Arch: "onnx", Latent: m.latent, Side: m.shape.Side, Channels: m.shape.Channels, Loss: vae.LossBCE, Beta: 1}
}

// HeldOut is what MeasureHeldOut measured (nil before).
func (m *Model) HeldOut() *vae.HeldOut {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.heldOut
}

// History is empty: an ONNX file carries no training history.
func (m *Model) History() []vae.EpochStats { return nil }
