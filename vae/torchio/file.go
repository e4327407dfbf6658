package torchio

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"vaeexplorer/vae/msg"

	"github.com/nlpodyssey/safetensors"

	"vaeexplorer/vae"
	"vaeexplorer/vae/safefile"
)

// ErrFormat is wrapped by every error about a safetensors file's contents.
var ErrFormat = errors.New("not a model this app reads")

// maxHeader bounds the JSON header: our models have at most 16 tensors, a
// few KB; the library's own bound is 100 MB.
const maxHeader = 1 << 20

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// Export returns m as a safetensors file: every weight under its PyTorch
// name and layout, float32, the configuration in __metadata__.
func Export(m *vae.Model) ([]byte, error) {
	cfg := m.Config()
	maps, err := mapping(cfg)
	if err != nil {
		return nil, err
	}
	ours := map[string][]float32{}
	for _, t := range m.Params().List {
		ours[t.Name] = t.Data
	}
	views := map[string]safetensors.TensorView{}
	for _, t := range maps {
		src := ours[t.ours]
		dst := make([]float32, len(src))
		for i, v := range src {
			dst[t.to(i)] = v
		}
		raw := make([]byte, 4*len(dst))
		for i, v := range dst {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
		}
		shape := make([]uint64, len(t.shape))
		for i, d := range t.shape {
			shape[i] = uint64(d)
		}
		v, err := safetensors.NewTensorView(safetensors.F32, shape, raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.theirs, err)
		}
		views[t.theirs] = v
	}
	meta := map[string]string{
		"format": "pt", "arch": cfg.Arch, "image_size": strconv.Itoa(cfg.Image().Side), "channels": strconv.Itoa(cfg.Image().Channels),
		"latent": strconv.Itoa(cfg.Latent), "hidden": strconv.Itoa(cfg.Hidden), "loss": cfg.Loss,
		"beta": strconv.FormatFloat(cfg.Beta, 'g', -1, 64), "producer": "vae-explorer",
	}
	if cfg.Preprocess != "" {
		meta["preprocess"] = cfg.Preprocess
	}
	if len(cfg.Classes) > 0 {
		// A JSON array holds any name (one per line did not: a name
		// with a newline shifted every class after it).
		b, err := json.Marshal(cfg.Classes)
		if err != nil {
			return nil, err
		}
		meta["classes"] = string(b)
	}
	if cfg.Conditional() {
		meta["condition"] = strconv.Itoa(cfg.Condition)
	}
	return safetensors.Serialize(views, meta)
}

// Import reads a safetensors file as a model: the configuration from its
// __metadata__, else inferred from the tensor names and shapes. A name or
// shape that fits no architecture is an error naming the first such
// tensor. The model has no history and no held-out statistics.
func Import(data []byte) (*vae.Model, error) {
	if len(data) < 8 {
		return nil, formatErr("%d bytes: too short for a safetensors file", len(data))
	}
	if n := binary.LittleEndian.Uint64(data); n > maxHeader || n+8 > uint64(len(data)) {
		return nil, formatErr("its header declares %d bytes (file %d bytes, limit %d): not a safetensors model file", n, len(data), maxHeader)
	}
	_, md, err := safetensors.ReadMetadata(data)
	if err != nil {
		return nil, formatErr("%v", err)
	}
	st, err := safetensors.Deserialize(data)
	if err != nil {
		return nil, formatErr("%v", err)
	}
	names := st.Names()
	sort.Strings(names)
	cfg, err := configOf(st, md.Metadata(), names)
	if err != nil {
		return nil, err
	}
	maps, err := mapping(cfg)
	if err != nil {
		return nil, formatErr("%v", err)
	}
	want := map[string]tensorMap{}
	for _, t := range maps {
		want[t.theirs] = t
	}
	for _, n := range names {
		if _, ok := want[n]; !ok {
			return nil, formatErr("tensor %s is not part of a %s model (%s)", msg.Quote(n), cfg.Arch, expected(maps))
		}
	}
	weights := map[string][]float32{}
	for _, t := range maps {
		tv, ok := st.Tensor(t.theirs)
		if !ok {
			return nil, formatErr("tensor %s is missing for a %s model with L=%d, H=%d", msg.Quote(t.theirs), cfg.Arch, cfg.Latent, cfg.Hidden)
		}
		if tv.DType() != safetensors.F32 {
			return nil, formatErr("tensor %s is %v; save the model as float32 (model.float())", msg.Quote(t.theirs), tv.DType())
		}
		if !sameShape(tv.Shape(), t.shape) {
			return nil, formatErr("tensor %s has shape %v; a %s model with L=%d, H=%d needs %v", msg.Quote(t.theirs), tv.Shape(), cfg.Arch, cfg.Latent, cfg.Hidden, t.shape)
		}
		raw := tv.Data()
		w := make([]float32, len(raw)/4)
		for i := range w {
			w[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*t.to(i):]))
		}
		weights[t.ours] = w
	}
	m, err := vae.NewModelWithWeights(cfg, weights)
	if err != nil {
		return nil, formatErr("%v", err)
	}
	return m, nil
}

// configOf reads the configuration from the metadata, or infers it from
// the tensors.
func configOf(st safetensors.SafeTensors, meta map[string]string, names []string) (vae.Config, error) {
	cfg := vae.DefaultConfig()
	// Dimensions of a weight, bounded so that no size overflows; an image's
	// values (up to 128x128x3) are the largest.
	const maxDim = 3 * vae.MaxSide * vae.MaxSide
	shape := func(name string, dim int) (int, bool) {
		tv, ok := st.Tensor(name)
		if !ok || len(tv.Shape()) <= dim || tv.Shape()[dim] > maxDim {
			return 0, false
		}
		return int(tv.Shape()[dim]), true
	}
	if a := meta["arch"]; a != "" {
		var errs []error
		num := func(key string, dst *int) {
			v, err := strconv.Atoi(meta[key])
			if err != nil {
				errs = append(errs, fmt.Errorf("metadata %s %s is not a number", key, msg.Quote(meta[key])))
			}
			*dst = v
		}
		cfg.Arch = a
		num("latent", &cfg.Latent)
		num("hidden", &cfg.Hidden)
		if l := meta["loss"]; l != "" {
			cfg.Loss = l
		}
		if b := meta["beta"]; b != "" {
			v, err := strconv.ParseFloat(b, 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("metadata beta %s is not a number", msg.Quote(b)))
			}
			cfg.Beta = v
		}
		sh := vae.DefaultShape
		if meta["image_size"] != "" {
			num("image_size", &sh.Side)
		}
		if meta["channels"] != "" {
			num("channels", &sh.Channels)
		}
		if len(errs) == 0 {
			// Checked as given: a side of 0 is no image, not the
			// default shape WithImage takes it for.
			if err := sh.Check(cfg.Arch); err != nil {
				errs = append(errs, fmt.Errorf("metadata image_size %s, channels %s: %w", msg.Quote(meta["image_size"]), msg.Quote(meta["channels"]), err))
			}
		}
		cfg = cfg.WithImage(sh)
		cfg.Preprocess = meta["preprocess"]
		if c := meta["classes"]; c != "" {
			cls, err := classesOf(c)
			if err != nil {
				errs = append(errs, err)
			}
			cfg.Classes = cls
		}
		if meta["condition"] != "" {
			num("condition", &cfg.Condition)
		}
		if err := errors.Join(errs...); err != nil {
			return cfg, formatErr("%v", err)
		}
	} else {
		var okH, okL bool
		switch {
		case has(names, "fc1.weight"):
			cfg.Arch = vae.ArchMLP
			cfg.Hidden, okH = shape("fc1.weight", 0)
			cfg.Latent, okL = shape("fc21.weight", 0)
			if out, ok := shape("fc4.weight", 0); ok {
				cfg = cfg.WithImage(mlpShape(out))
			} else if in, ok := shape("fc1.weight", 1); ok {
				cfg = cfg.WithImage(mlpShape(in))
			}
			// A conditional model's fc3 reads z and the one-hot class.
			if in, ok := shape("fc3.weight", 1); ok && okL && in > cfg.Latent {
				cfg.Condition = in - cfg.Latent
			}
		case has(names, "encoder_fc.weight"): // a conditional conv model
			cfg.Arch = vae.ArchConv
			cfg.Hidden, okH = shape("encoder_fc.weight", 0)
			cfg.Latent, okL = shape("fc_mu.weight", 0)
			c, okC := shape("encoder.0.weight", 1)
			mid, okM := shape("decoder_fc.weight", 0)
			if in, ok := shape("decoder_fc.weight", 1); ok && okL {
				cfg.Condition = in - cfg.Latent
			}
			if okC && okM {
				cfg = cfg.WithImage(vae.Shape{Side: 4 * isqrt(mid/64), Channels: c})
			}
		case has(names, "encoder.0.weight"):
			cfg.Arch = vae.ArchConv
			cfg.Hidden, okH = shape("encoder.5.weight", 0)
			cfg.Latent, okL = shape("fc_mu.weight", 0)
			c, okC := shape("encoder.0.weight", 1)
			in, okI := shape("encoder.5.weight", 1)
			if okC && okI {
				// encoder.5 reads the 64 x S/4 x S/4 map.
				cfg = cfg.WithImage(vae.Shape{Side: 4 * isqrt(in/64), Channels: c})
			}
		default:
			first := "(none)"
			if len(names) > 0 {
				first = names[0]
			}
			return cfg, formatErr("tensor %s fits no architecture this app knows: mlp has fc1, fc21, fc22, fc3, fc4; conv has encoder.0, encoder.2, encoder.5, fc_mu, fc_logvar, decoder.0, decoder.3, decoder.5 (a conditional conv model encoder_fc and decoder_fc instead of encoder.5 and decoder.0)", msg.Quote(first))
		}
		if !okH || !okL {
			return cfg, formatErr("the %s model's hidden or latent layer is missing or has no usable shape", cfg.Arch)
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, formatErr("%v", err)
	}
	return cfg, nil
}

// classesOf reads the metadata's class names: a JSON array (what Export
// writes), or one name per line (files written before).
func classesOf(c string) ([]string, error) {
	if !strings.HasPrefix(c, "[") {
		return strings.Split(c, "\n"), nil
	}
	var cls []string
	if err := json.Unmarshal([]byte(c), &cls); err != nil {
		return nil, fmt.Errorf("metadata classes %s is not a JSON array of names: %v", msg.Quote(c), err)
	}
	return cls, nil
}

// mlpShape is the square image shape of an mlp's input of in values: grey
// when in is a square, else colour when in/3 is.
func mlpShape(in int) vae.Shape {
	if r := isqrt(in); r*r == in {
		return vae.Shape{Side: r, Channels: 1}
	}
	r := isqrt(in / 3)
	return vae.Shape{Side: r, Channels: 3}
}

// isqrt is the integer square root of n >= 0.
func isqrt(n int) int {
	r := int(math.Sqrt(float64(n)))
	for r*r > n {
		r--
	}
	for (r+1)*(r+1) <= n {
		r++
	}
	return r
}

func has(names []string, n string) bool {
	i := sort.SearchStrings(names, n)
	return i < len(names) && names[i] == n
}

func sameShape(a []uint64, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != uint64(b[i]) {
			return false
		}
	}
	return true
}

// expected lists the tensor names of a mapping, for messages.
func expected(maps []tensorMap) string {
	var n []string
	for _, t := range maps {
		n = append(n, t.theirs)
	}
	return "it has " + strings.Join(n, ", ")
}

// Load reads a safetensors model file (at most vae.MaxCheckpointBytes).
func Load(path string) (*vae.Model, error) {
	data, err := safefile.ReadFile(path, vae.MaxCheckpointBytes, func(n int64) error {
		return formatErr("%d bytes, more than the limit of %d", n, vae.MaxCheckpointBytes)
	})
	if err != nil {
		return nil, err
	}
	m, err := Import(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// IsSafetensors reports whether the file at path looks like a safetensors
// file: named so, or starting with a header length and a JSON object.
func IsSafetensors(path string) bool {
	if strings.HasSuffix(strings.ToLower(path), ".safetensors") {
		return true
	}
	f, _, err := safefile.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var head [9]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return false
	}
	return LooksSafetensors(head[:])
}

// LooksSafetensors reports whether data starts like a safetensors file: a
// header length and a JSON object.
func LooksSafetensors(data []byte) bool {
	if len(data) < 9 {
		return false
	}
	n := binary.LittleEndian.Uint64(data[:8])
	return n > 1 && n <= maxHeader && data[8] == '{'
}
