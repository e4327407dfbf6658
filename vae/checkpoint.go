package vae

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"vaeexplorer/vae/msg"
)

// Checkpoint format, version 3 (version 1 lacks the VECS section, version
// 2 the per-dimension KL; both are still read). All integers little-endian.
//
//	magic    8 bytes "VAEXCKPT"
//	version  uint32
//	sections, each:
//	  tag     4 bytes
//	  length  uint64, bytes of payload
//	  payload
//	  crc32   uint32, IEEE, of the payload
//
// Sections, in this order:
//
//	"CONF"  JSON Config
//	"HIST"  JSON []EpochStats
//	"TENS"  uint32 count, then per tensor: uint16 name length, name,
//	        uint8 rank, uint32 dims[rank], float32 data[prod(dims)]
//	"HELD"  uint32 n, uint32 latent, float32 means[n*latent], uint8
//	        labels[n], uint32 m, float32 errors[m] (n = 0: none);
//	        version 3: uint32 k, float32 dimKL[k] (k = 0 or latent)
//	"VECS"  JSON []Vector: named concept vectors (version 2)
//	"END "  uint64 total length of the file before this section
//
// Reading checks every length against what remains of the file and the
// tensors against the layout the config implies before it allocates, every
// checksum, and that all weights are finite.

const (
	ckptMagic   = "VAEXCKPT"
	ckptVersion = 3
	// maxVectors bounds the concept vectors a checkpoint may hold,
	// maxEpochs the epochs of its history.
	maxVectors = 1000
	maxEpochs  = 100_000
	// MaxCheckpointBytes bounds the size of a checkpoint file (the largest
	// model the limits allow, conv with H = 8192, is about 105 MB).
	MaxCheckpointBytes = 128 << 20
)

// Bounds on the JSON sections, checked before they are decoded: with the
// entry counts they keep a hostile file's JSON to a few tens of MB decoded.
const (
	maxConfigJSON  = 256 << 10 // room for 256 class names of 100 bytes, escaped
	maxHistoryJSON = 32 << 20
	maxVectorsJSON = 4 << 20
)

// ErrCheckpoint is wrapped by every error about a checkpoint's contents.
var ErrCheckpoint = errors.New("invalid checkpoint")

func ckptErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCheckpoint, fmt.Sprintf(format, args...))
}

// MarshalBinary encodes the model as a checkpoint.
func (m *Model) MarshalBinary() ([]byte, error) {
	m.mu.Lock()
	cfg, hist, held, params, vecs := m.cfg, slices.Clone(m.history), m.heldOut, m.params.Clone(), slices.Clone(m.vectors)
	m.mu.Unlock()
	if err := params.allFinite(); err != nil {
		return nil, fmt.Errorf("refusing to save: %v", err)
	}

	var out bytes.Buffer
	out.WriteString(ckptMagic)
	binary.Write(&out, binary.LittleEndian, uint32(ckptVersion))
	section := func(tag string, payload []byte) {
		out.WriteString(tag)
		binary.Write(&out, binary.LittleEndian, uint64(len(payload)))
		out.Write(payload)
		binary.Write(&out, binary.LittleEndian, crc32.ChecksumIEEE(payload))
	}
	cj, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	section("CONF", cj)
	if hist == nil {
		hist = []EpochStats{}
	}
	hj, err := json.Marshal(hist)
	if err != nil {
		return nil, err
	}
	section("HIST", hj)

	var tb bytes.Buffer
	le := binary.LittleEndian
	binary.Write(&tb, le, uint32(len(params.List)))
	for _, t := range params.List {
		binary.Write(&tb, le, uint16(len(t.Name)))
		tb.WriteString(t.Name)
		tb.WriteByte(uint8(len(t.Shape)))
		for _, d := range t.Shape {
			binary.Write(&tb, le, uint32(d))
		}
		binary.Write(&tb, le, t.Data)
	}
	section("TENS", tb.Bytes())

	var hb bytes.Buffer
	if held == nil {
		binary.Write(&hb, le, [3]uint32{0, uint32(cfg.Latent), 0})
	} else {
		binary.Write(&hb, le, [2]uint32{uint32(len(held.Labels)), uint32(cfg.Latent)})
		binary.Write(&hb, le, held.Means)
		hb.Write(held.Labels)
		binary.Write(&hb, le, uint32(len(held.Errors)))
		binary.Write(&hb, le, held.Errors)
	}
	var kl []float32
	if held != nil {
		for _, v := range held.DimKL {
			kl = append(kl, float32(v))
		}
	}
	binary.Write(&hb, le, uint32(len(kl)))
	binary.Write(&hb, le, kl)
	section("HELD", hb.Bytes())
	if vecs == nil {
		vecs = []Vector{}
	}
	vj, err := json.Marshal(vecs)
	if err != nil {
		return nil, err
	}
	section("VECS", vj)
	var eb [8]byte
	le.PutUint64(eb[:], uint64(out.Len()))
	section("END ", eb[:])
	return out.Bytes(), nil
}

// reader walks a byte slice, failing (not panicking) when data runs out.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) take(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err = ckptErr("file ends inside %s (truncated?)", what)
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}
func (r *reader) u8(what string) int { b := r.take(1, what); return int(at(b, 0)) }
func (r *reader) u16(what string) int {
	if b := r.take(2, what); b != nil {
		return int(binary.LittleEndian.Uint16(b))
	}
	return 0
}
func (r *reader) u32(what string) int {
	if b := r.take(4, what); b != nil {
		return int(binary.LittleEndian.Uint32(b))
	}
	return 0
}
func (r *reader) u64(what string) uint64 {
	if b := r.take(8, what); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}
func (r *reader) f32s(n int, what string) []float32 {
	if n < 0 || n > (len(r.b)-r.off)/4 {
		if r.err == nil {
			r.err = ckptErr("%s declares %d values, more than the file holds", what, n)
		}
		return nil
	}
	b := r.take(4*n, what)
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

func at(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}
	return 0
}

// section reads the next section, which must be tag, and checks its CRC.
func (r *reader) section(tag string) *reader {
	if r.err != nil {
		return &reader{err: r.err}
	}
	got := r.take(4, "a section header")
	if r.err == nil && string(got) != tag {
		r.err = ckptErr("section %s where %q belongs", msg.Quote(string(got)), tag)
	}
	n := r.u64("the " + tag + " section header")
	if r.err == nil && n > uint64(len(r.b)-r.off) {
		r.err = ckptErr("section %s declares %d bytes, more than the file holds (truncated?)", tag, n)
	}
	payload := r.take(int(n), "the "+tag+" section")
	sum := r.take(4, "the "+tag+" checksum")
	if r.err == nil && crc32.ChecksumIEEE(payload) != binary.LittleEndian.Uint32(sum) {
		r.err = ckptErr("section %s fails its checksum: the file is corrupted", tag)
	}
	return &reader{b: payload, err: r.err}
}

// UnmarshalModel decodes a checkpoint, validating all of it.
func UnmarshalModel(data []byte) (*Model, error) {
	if len(data) > MaxCheckpointBytes {
		return nil, ckptErr("%d bytes, more than the limit of %d", len(data), MaxCheckpointBytes)
	}
	r := &reader{b: data}
	if magic := r.take(len(ckptMagic), "the header"); r.err != nil || string(magic) != ckptMagic {
		return nil, ckptErr("not a VAE Explorer model (no %q header)", ckptMagic)
	}
	version := r.u32("the header")
	if r.err == nil && (version < 1 || version > ckptVersion) {
		if version > ckptVersion {
			return nil, ckptErr("format version %d is newer than this VAE Explorer reads (%d); update the app", version, ckptVersion)
		}
		return nil, ckptErr("unknown format version %d", version)
	}

	var cfg Config
	if cs := r.section("CONF"); cs.err == nil {
		if len(cs.b) > maxConfigJSON {
			return nil, ckptErr("config: %d bytes, more than %d", len(cs.b), maxConfigJSON)
		}
		if err := json.Unmarshal(cs.b, &cfg); err != nil {
			return nil, ckptErr("config: %v", err)
		}
		if err := cfg.Validate(); err != nil {
			return nil, ckptErr("config: %v", err)
		}
	}
	var hist []EpochStats
	if hs := r.section("HIST"); hs.err == nil {
		var err error
		if hist, err = decodeList[EpochStats](hs.b, maxHistoryJSON, maxEpochs, "history", "epochs"); err != nil {
			return nil, err
		}
	}
	if r.err != nil {
		return nil, r.err
	}

	// Shapes only: each tensor is allocated once its bytes are found.
	want := paramsLayout(cfg)
	ts := r.section("TENS")
	if n := ts.u32("the tensor count"); ts.err == nil && n != len(want.List) {
		return nil, ckptErr("%d tensors, but a %s model with these sizes has %d", n, cfg.Arch, len(want.List))
	}
	for _, w := range want.List {
		name := string(ts.take(ts.u16("a tensor name"), "a tensor name"))
		rank := ts.u8("tensor " + name)
		shape := make([]int, 0, 4)
		for i := 0; i < rank && ts.err == nil; i++ {
			shape = append(shape, ts.u32("tensor "+name))
		}
		if ts.err != nil {
			return nil, ts.err
		}
		if name != w.Name || !slices.Equal(shape, w.Shape) {
			return nil, ckptErr("tensor %s of shape %v where %q of shape %v belongs", msg.Quote(name), shape, w.Name, w.Shape)
		}
		w.Data = ts.f32s(w.Len(), "tensor "+name)
	}
	if ts.err != nil {
		return nil, ts.err
	}
	if ts.off != len(ts.b) {
		return nil, ckptErr("%d stray bytes after the tensors", len(ts.b)-ts.off)
	}
	if err := want.allFinite(); err != nil {
		return nil, ckptErr("%v: the model is unusable", err)
	}

	var held *HeldOut
	hs := r.section("HELD")
	n, lat := hs.u32("held-out statistics"), hs.u32("held-out statistics")
	if hs.err == nil && lat != cfg.Latent {
		return nil, ckptErr("held-out means have %d dimensions, the model %d", lat, cfg.Latent)
	}
	if n > 0 && hs.err == nil {
		if n > maxHeldOutPoints {
			return nil, ckptErr("%d held-out points, more than %d", n, maxHeldOutPoints)
		}
		held = &HeldOut{Means: hs.f32s(n*lat, "held-out means"), Labels: slices.Clone(hs.take(n, "held-out labels"))}
		held.Errors = hs.f32s(hs.u32("held-out errors"), "held-out errors")
		if hs.err == nil && !slices.IsSorted(held.Errors) {
			return nil, ckptErr("held-out errors are not sorted")
		}
	} else if hs.err == nil {
		hs.u32("held-out statistics")
	}
	if version >= 3 && hs.err == nil {
		k := hs.u32("per-dimension KL")
		if hs.err == nil && k != 0 && k != cfg.Latent {
			return nil, ckptErr("per-dimension KL has %d values, the model %d dimensions", k, cfg.Latent)
		}
		kl := hs.f32s(k, "per-dimension KL")
		if held != nil && k > 0 && hs.err == nil {
			for _, v := range kl {
				held.DimKL = append(held.DimKL, float64(v))
			}
		}
	}
	if hs.err != nil {
		return nil, hs.err
	}
	if held != nil {
		for what, xs := range map[string][]float32{"held-out means": held.Means, "held-out errors": held.Errors} {
			if i := slices.IndexFunc(xs, func(v float32) bool { return math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) }); i >= 0 {
				return nil, ckptErr("%s hold %v at %d: the statistics are unusable", what, xs[i], i)
			}
		}
		if i := slices.IndexFunc(held.DimKL, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }); i >= 0 {
			return nil, ckptErr("per-dimension KL holds %v at %d: the statistics are unusable", held.DimKL[i], i)
		}
	}
	var vecs []Vector
	if version >= 2 {
		vs := r.section("VECS")
		if vs.err != nil {
			return nil, vs.err
		}
		var err error
		if vecs, err = decodeList[Vector](vs.b, maxVectorsJSON, maxVectors, "concept vectors", "vectors"); err != nil {
			return nil, err
		}
		for _, v := range vecs {
			if len(v.Z) != cfg.Latent {
				return nil, ckptErr("concept vector %s has %d dimensions, the model %d", msg.Quote(v.Name), len(v.Z), cfg.Latent)
			}
			for _, x := range v.Z {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					return nil, ckptErr("concept vector %s holds %v", msg.Quote(v.Name), x)
				}
			}
		}
	}
	end := r.section("END ")
	total := end.u64("the end marker")
	if end.err != nil {
		return nil, end.err
	}
	if int(total) != r.off-len("END ")-8-8-4 {
		return nil, ckptErr("end marker does not match the file's length")
	}
	if r.off != len(data) {
		return nil, ckptErr("%d bytes of unknown data after the end", len(data)-r.off)
	}
	m := newModel(cfg, want)
	m.history, m.heldOut, m.vectors = hist, held, vecs
	return m, nil
}

// decodeList decodes a JSON array section of at most maxBytes bytes and
// maxItems entries, one entry at a time, so an array of a million empty
// objects is refused at its limit rather than decoded.
func decodeList[T any](b []byte, maxBytes, maxItems int, what, unit string) ([]T, error) {
	if len(b) > maxBytes {
		return nil, ckptErr("%s: %d bytes, more than %d", what, len(b), maxBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, ckptErr("%s: %v", what, err)
	}
	if tok == nil { // null
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, ckptErr("%s: not a list", what)
	}
	var out []T
	for dec.More() {
		if len(out) == maxItems {
			return nil, ckptErr("%s: more than %d %s", what, maxItems, unit)
		}
		var v T
		if err := dec.Decode(&v); err != nil {
			return nil, ckptErr("%s: %v", what, err)
		}
		out = append(out, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, ckptErr("%s: %v", what, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, ckptErr("%s: data after the list", what)
	}
	return out, nil
}
