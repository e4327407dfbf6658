package vae

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/blas/gonum"
)

// DecoderSnapshot decodes latent points from its own copy of a model's
// weights, for the interactive point: it never waits for a training step.
// A Trainer publishes new weights into the Model every publishEvery; the
// next decode copies them (only the decoder's tensors), unless the model is
// busy at that moment, in which case it decodes with the copy it has. Its
// matrix products run on gonum's pure-Go BLAS in the calling goroutine, so
// they never queue behind the trainer's OpenBLAS threads either.
//
// A DecoderSnapshot is not safe for concurrent use: give each decoding
// goroutine its own.
type DecoderSnapshot struct {
	m      *Model
	gen    uint64  // the model's weight generation the copy holds
	params *Params // the copy (decoder tensors kept fresh)
	dec    []int   // indices of the decoder's tensors in params.List
	nets   map[int]*net
	labels []uint8 // the class it decodes, for a conditional model (Conditioned)
}

// NewDecoderSnapshot returns a snapshot of m's current weights.
func (m *Model) NewDecoderSnapshot() *DecoderSnapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := &DecoderSnapshot{m: m, gen: m.gen.Load(), params: m.params.Clone(), nets: map[int]*net{}}
	for i, t := range s.params.List {
		if strings.HasPrefix(t.Name, "dec.") {
			s.dec = append(s.dec, i)
		}
	}
	return s
}

// Latent is the size of z.
func (s *DecoderSnapshot) Latent() int { return s.m.cfg.Latent }

// Image is the shape of the images it decodes.
func (s *DecoderSnapshot) Image() Shape { return s.m.shape }

// refresh copies the model's newest decoder weights when there are newer
// ones and the model's lock is free now.
func (s *DecoderSnapshot) refresh() {
	if s.m.gen.Load() == s.gen || !s.m.mu.TryLock() {
		return
	}
	defer s.m.mu.Unlock()
	for _, i := range s.dec {
		copy(s.params.List[i].Data, s.m.params.List[i].Data)
	}
	s.gen = s.m.gen.Load()
}

// Stale reports whether the model has published weights the snapshot has
// not taken yet (it was busy at the last decode).
func (s *DecoderSnapshot) Stale() bool { return s.m.gen.Load() != s.gen }

// DecodeInto decodes latent points z (n x Latent) into dst (n x the model's ImageSize).
func (s *DecoderSnapshot) DecodeInto(dst, z []float32) error {
	L := s.Latent()
	if len(z)%L != 0 || len(dst) != len(z)/L*s.m.size {
		return fmt.Errorf("decode: %w (%d latent values, %d outputs)", errShape, len(z), len(dst))
	}
	if err := s.m.checkLabels(s.labels, len(z)/L); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	s.refresh()
	return forChunks(len(z)/L, func(off, b int) error {
		nt, ok := s.nets[b]
		if !ok {
			var err error
			if nt, err = buildNetBLAS(netDecode, s.m.cfg, s.params, b, gonum.Implementation{}); err != nil {
				return err
			}
			s.nets[b] = nt
		}
		if err := nt.fillClasses(s.labels, off, b); err != nil {
			return err
		}
		copy(nt.zBuf, z[off*L:(off+b)*L])
		if err := nt.run(); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		copy(dst[off*s.m.size:], nodeData(nt.image))
		return nil
	})
}

// Close frees the snapshot's graphs.
func (s *DecoderSnapshot) Close() {
	for b, n := range s.nets {
		n.close()
		delete(s.nets, b)
	}
}
