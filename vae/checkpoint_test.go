package vae

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// trainedTiny returns a small model with a history and held-out statistics.
func trainedTiny(t *testing.T) *Model {
	t.Helper()
	train, test := smallSets(256)
	cfg := DefaultConfig()
	cfg.Hidden, cfg.Epochs = 24, 1
	m, _ := trainModel(t, cfg, train, test)
	return m
}

func TestCheckpointRoundTripDecodesIdentically(t *testing.T) {
	m := trainedTiny(t)
	path := filepath.Join(t.TempDir(), "model.vae")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l.Config(), m.Config()) {
		t.Fatalf("config %+v, want %+v", l.Config(), m.Config())
	}
	if !slices.Equal(l.History(), m.History()) {
		t.Fatal("history differs")
	}
	h1, h2 := m.HeldOut(), l.HeldOut()
	if !slices.Equal(h1.Means, h2.Means) || !slices.Equal(h1.Labels, h2.Labels) || !slices.Equal(h1.Errors, h2.Errors) {
		t.Fatal("held-out statistics differ")
	}
	z := []float32{0, 0, 1.5, -0.5, -2, 2.5}
	a, _ := m.Decode(z)
	b, _ := l.Decode(z)
	if !slices.Equal(a, b) {
		t.Fatal("loaded model decodes differently")
	}
}

// corruptCheckpoints is the bad-checkpoint corpus: each must fail with an
// error that says want.
func corruptCheckpoints(t *testing.T, good []byte) map[string]struct {
	data []byte
	want string
} {
	cases := map[string]struct {
		data []byte
		want string
	}{}
	add := func(name string, data []byte, want string) {
		cases[name] = struct {
			data []byte
			want string
		}{data, want}
	}
	add("empty", nil, "not a VAE Explorer model")
	add("text", []byte("hello, I am a text file"), "not a VAE Explorer model")
	// Truncated at every section boundary and inside each section.
	r := &reader{b: good}
	r.take(12, "")
	for r.off < len(good) {
		start := r.off
		tag := string(good[start : start+4])
		n := binary.LittleEndian.Uint64(good[start+4:])
		add("cut before "+tag, good[:start], "truncated")
		add("cut inside "+tag, good[:start+12+int(n)/2], "truncated")
		r.off = start + 16 + int(n)
	}
	future := slices.Clone(good)
	binary.LittleEndian.PutUint32(future[8:], 7)
	add("future version", future, "newer than this VAE Explorer reads")
	flipped := slices.Clone(good)
	flipped[len(flipped)/2] ^= 0x10
	add("flipped byte", flipped, "checksum")
	add("trailing junk", append(slices.Clone(good), 1, 2, 3), "after the end")
	// Valid checksums, NaN statistics: the first held-out mean, the first
	// error.
	tags, ps := sections(good)
	for i, tag := range tags {
		if tag != "HELD" || len(ps[i]) < 12 {
			continue
		}
		p := slices.Clone(ps[i])
		binary.LittleEndian.PutUint32(p[8:], math.Float32bits(float32(math.NaN())))
		ps2 := slices.Clone(ps)
		ps2[i] = p
		add("NaN held-out mean", assemble(tags, ps2), "held-out means")
	}
	return cases
}

func TestCorruptCheckpointsFailClearly(t *testing.T) {
	m := trainedTiny(t)
	good, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range corruptCheckpoints(t, good) {
		_, err := UnmarshalModel(c.data)
		if err == nil {
			t.Errorf("%s: loaded", name)
			continue
		}
		if !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want it to say %q", name, err, c.want)
		}
	}
}

func TestCheckpointContentChecks(t *testing.T) {
	m := trainedTiny(t)
	// NaN weights: MarshalBinary refuses, and a file holding them (built
	// by hand, with valid checksums) is refused on load.
	m.mu.Lock()
	m.params.List[3].Data[0] = float32(math.NaN())
	m.mu.Unlock()
	if _, err := m.MarshalBinary(); err == nil {
		t.Error("saved NaN weights")
	}
	m.mu.Lock()
	m.params.List[3].Data[0] = 0
	m.mu.Unlock()
	good, _ := m.MarshalBinary()
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		file := patchTensor(t, good, func(v []float32) { v[5] = bad })
		if _, err := UnmarshalModel(file); err == nil || !strings.Contains(err.Error(), "unusable") {
			t.Errorf("a weight of %v: %v", bad, err)
		}
	}

	// A config declaring an absurd hidden size is refused before any
	// tensor is allocated.
	huge := patchConfig(t, good, `"hidden":24`, `"hidden":999999999`)
	if _, err := UnmarshalModel(huge); err == nil || !strings.Contains(err.Error(), "hidden size") {
		t.Errorf("absurd hidden size: %v", err)
	}
	// A config whose sizes disagree with the stored tensors.
	other := patchConfig(t, good, `"hidden":24`, `"hidden":25`)
	if _, err := UnmarshalModel(other); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("tensor shape mismatch: %v", err)
	}
}

// sections splits a checkpoint into its sections' payloads, in order.
func sections(b []byte) (tags []string, payloads [][]byte) {
	off := 12
	for off < len(b) {
		n := int(binary.LittleEndian.Uint64(b[off+4:]))
		tags = append(tags, string(b[off:off+4]))
		payloads = append(payloads, b[off+12:off+12+n])
		off += 16 + n
	}
	return tags, payloads
}

// assemble rebuilds a checkpoint with valid checksums and end marker.
func assemble(tags []string, payloads [][]byte) []byte {
	var out bytes.Buffer
	out.WriteString(ckptMagic)
	binary.Write(&out, binary.LittleEndian, uint32(ckptVersion))
	for i, tag := range tags {
		p := payloads[i]
		if tag == "END " {
			p = binary.LittleEndian.AppendUint64(nil, uint64(out.Len()))
		}
		out.WriteString(tag)
		binary.Write(&out, binary.LittleEndian, uint64(len(p)))
		out.Write(p)
		binary.Write(&out, binary.LittleEndian, crc32.ChecksumIEEE(p))
	}
	return out.Bytes()
}

func patchConfig(t *testing.T, ck []byte, old, new string) []byte {
	tags, ps := sections(ck)
	if !bytes.Contains(ps[0], []byte(old)) {
		t.Fatalf("config %s has no %s", ps[0], old)
	}
	ps[0] = bytes.Replace(ps[0], []byte(old), []byte(new), 1)
	return assemble(tags, ps)
}

func patchTensor(t *testing.T, ck []byte, edit func([]float32)) []byte {
	tags, ps := sections(ck)
	p := slices.Clone(ps[2])
	// The last 4*k bytes are the last tensor's data (dec.out.b, 784 values).
	vals := make([]float32, 784)
	binary.Decode(p[len(p)-4*784:], binary.LittleEndian, vals)
	edit(vals)
	binary.Encode(p[len(p)-4*784:], binary.LittleEndian, vals)
	ps[2] = p
	return assemble(tags, ps)
}

func TestSaveIsAtomic(t *testing.T) {
	m := trainedTiny(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "model.vae")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	// A writer that fails half-way (a full disk) leaves the old file.
	err := WriteAtomic(path, func(w io.Writer) error {
		w.Write(before[:100])
		return errors.New("no space left on device")
	})
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("failed write reported %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("a failed save changed the file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("a failed save left %d files behind", len(entries))
	}
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	if err := m.Save(filepath.Join(dir, "no", "such", "dir", "m.vae")); err == nil {
		t.Fatal("save into a missing folder succeeded")
	}
}

func FuzzUnmarshalModel(f *testing.F) {
	cfg := DefaultConfig()
	cfg.Hidden = 4
	m, _ := NewModel(cfg)
	good, _ := m.MarshalBinary()
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(ckptMagic))
	// The JSON sections (valid checksums): lists of empty objects, nulls,
	// wrong types, trailing data.
	tags, ps := sections(good)
	for _, tag := range []string{"CONF", "HIST", "VECS"} {
		for _, payload := range []string{`[{},{},{}]`, `null`, `{"epoch":"x"}`, `[{"name":"a","z":[1,2]}] []`, `[[[[[[]]]]]]`, `[{"z":[1e999]}]`} {
			ps2 := slices.Clone(ps)
			for i, tg := range tags {
				if tg == tag {
					ps2[i] = []byte(payload)
				}
			}
			f.Add(assemble(tags, ps2))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := UnmarshalModel(b)
		if err != nil {
			return
		}
		// What loads is whole: a valid config, the layout it implies,
		// finite weights. (Decoding would build a graph per input and
		// slow the fuzzer a hundredfold; the round-trip test decodes.)
		if err := m.Config().Validate(); err != nil {
			t.Fatalf("loaded an invalid config: %v", err)
		}
		if err := paramsLayout(m.Config()).sameLayout(m.Params()); err != nil {
			t.Fatalf("loaded weights of the wrong layout: %v", err)
		}
		if err := m.Params().allFinite(); err != nil {
			t.Fatalf("loaded non-finite weights: %v", err)
		}
	})
}

// TestKilledMidSaveKeepsThePreviousFile kills (SIGKILL) a process in the
// middle of saving a checkpoint over an existing one: the old file must
// still be there, whole and loadable.
func TestKilledMidSaveKeepsThePreviousFile(t *testing.T) {
	if path := os.Getenv("VAE_TEST_SLOW_SAVE"); path != "" {
		// The child: save a different model slowly, 1 KB at a time.
		cfg := DefaultConfig()
		cfg.Hidden, cfg.Seed = 24, 99
		m, _ := NewModel(cfg)
		data, _ := m.MarshalBinary()
		WriteAtomic(path, func(w io.Writer) error {
			for off := 0; off < len(data); off += 1024 {
				w.Write(data[off:min(off+1024, len(data))])
				time.Sleep(2 * time.Millisecond)
			}
			return nil
		})
		os.Exit(0)
	}
	m := trainedTiny(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "model.vae")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	child := exec.Command(os.Args[0], "-test.run=^TestKilledMidSaveKeepsThePreviousFile$")
	child.Env = append(os.Environ(), "VAE_TEST_SLOW_SAVE="+path)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child's temporary file has some bytes, then kill it.
	partial := func() int64 {
		tmps, _ := filepath.Glob(filepath.Join(dir, ".model.vae.*.tmp-*"))
		for _, p := range tmps {
			if st, err := os.Stat(p); err == nil && st.Size() > 0 {
				return st.Size()
			}
		}
		return 0
	}
	deadline := time.Now().Add(20 * time.Second)
	for partial() == 0 {
		if time.Now().After(deadline) {
			child.Process.Kill()
			t.Fatal("the child never started saving")
		}
		time.Sleep(2 * time.Millisecond)
	}
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	if n := partial(); n == 0 || n >= int64(len(before)) {
		t.Fatalf("the kill did not land mid-save (temporary file of %d bytes)", n)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("the file changed although the save was killed")
	}
	l, err := Load(path)
	if err != nil {
		t.Fatalf("the previous model no longer loads: %v", err)
	}
	if l.Config().Hidden != m.Config().Hidden {
		t.Fatal("the file holds another model")
	}
}

// Checkpoints whose JSON sections declare huge lists (valid checksums) are
// refused at their limits, allocating a small multiple of the file.
func TestCheckpointSectionsAreBounded(t *testing.T) {
	m := trainedTiny(t)
	good, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	tags, ps := sections(good)
	replace := func(tag string, payload []byte) []byte {
		ps2 := slices.Clone(ps)
		for i, tg := range tags {
			if tg == tag {
				ps2[i] = payload
			}
		}
		return assemble(tags, ps2)
	}
	emptyObjects := func(n int) []byte {
		return append(append([]byte("["), bytes.Repeat([]byte("{},"), n-1)...), "{}]"...)
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"history of 10 million empty objects (30 MB)", replace("HIST", emptyObjects(10_000_000)), "more than"},
		{"history of 200,000 empty objects", replace("HIST", emptyObjects(200_000)), "more than 100000 epochs"},
		{"1 million empty vectors", replace("VECS", emptyObjects(1_000_000)), "more than"},
		{"2,000 empty vectors", replace("VECS", emptyObjects(2000)), "more than 1000 vectors"},
		{"a vector of a million values", replace("VECS", []byte(`[{"name":"x","z":[`+strings.Repeat("0,", 1_000_000)+`0]}]`)), "dimensions"},
		{"a 100 KB config", replace("CONF", append([]byte(`{"arch":"mlp","pad":"`), append(bytes.Repeat([]byte("x"), 100<<10), `"}`...)...)), "config"},
	}
	for _, c := range cases {
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		_, err := UnmarshalModel(c.data)
		runtime.ReadMemStats(&b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if grew := b.TotalAlloc - a.TotalAlloc; grew > 64<<20 {
			t.Errorf("%s (%d MB): %d MB allocated to refuse it", c.name, len(c.data)>>20, grew>>20)
		}
	}
}
