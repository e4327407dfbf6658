package onnx

import (
	"errors"
	"fmt"

	"vaeexplorer/vae"
)

// Running a model: decoding codes into images (channels last, as the
// engine stores them) and encoding images into codes, in runs of bounded
// size, padded to a graph's fixed batch.

// decodeChunk bounds the images decoded in one run (memory).
const decodeChunk = 256

// DecodeInto decodes the codes in z (N x L) into dst (N images,
// channels last as the engine stores them).
func (m *Model) DecodeInto(dst, z []float32) error {
	L, size := m.latent, m.shape.Size()
	if L == 0 || len(z)%L != 0 || len(dst) != len(z)/L*size {
		return fmt.Errorf("decode: %d values of z and room for %d values", len(z), len(dst))
	}
	n := len(z) / L
	in := m.dec.Inputs[0].Name
	chunk := decodeChunk
	if m.decBatch > 0 {
		chunk = m.decBatch
	}
	for n0 := 0; n0 < n; n0 += chunk {
		k := min(chunk, n-n0)
		rows, zk := k, z[n0*L:(n0+k)*L]
		if m.decBatch > 0 && k < m.decBatch { // a fixed batch: pad with the origin
			rows, zk = m.decBatch, append(append([]float32(nil), zk...), make([]float32, (m.decBatch-k)*L)...)
		}
		out, err := m.dec.Run(map[string]*Tensor{in: floatTensor([]int{rows, L}, zk)})
		if err != nil {
			return err
		}
		y := out[m.dec.Outputs[0].Name].floats()
		if len(y) != rows*size {
			return fmt.Errorf("decode: the model gave %d values for %d images of %s", len(y), rows, m.shape)
		}
		toNHWC(dst[n0*size:(n0+k)*size], y[:k*size], k, m.shape, m.finish)
	}
	return nil
}

// toNHWC copies NCHW images into channels-last ones through f.
func toNHWC(dst, src []float32, n int, sh vae.Shape, f func(float32) float32) {
	hw, c := sh.Side*sh.Side, sh.Channels
	vae.ParallelRows(n, hw*c, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			s, d := src[i*hw*c:(i+1)*hw*c], dst[i*hw*c:(i+1)*hw*c]
			for ch := range c {
				for p := range hw {
					d[p*c+ch] = f(s[ch*hw+p])
				}
			}
		}
	})
}

// Decode decodes z into new images.
func (m *Model) Decode(z []float32) ([]float32, error) {
	if m.latent == 0 || len(z)%m.latent != 0 {
		return nil, fmt.Errorf("decode: %d values of z for a latent size of %d", len(z), m.latent)
	}
	dst := make([]float32, len(z)/m.latent*m.shape.Size())
	return dst, m.DecodeInto(dst, z)
}

// ErrNoEncoder is what needs an encoder says of a decoder alone.
var ErrNoEncoder = errors.New("this ONNX model has no encoder (open it with --encoder encoder.onnx, or put an *encoder*.onnx file beside the decoder)")

// Encode gives the codes' means and log-variances of images x (N images,
// channels last).
func (m *Model) Encode(x []float32) (mu, logvar []float32, err error) {
	if m.enc == nil {
		return nil, nil, ErrNoEncoder
	}
	size, L := m.shape.Size(), m.latent
	if len(x)%size != 0 {
		return nil, nil, fmt.Errorf("encode: %d values for images of %s", len(x), m.shape)
	}
	n := len(x) / size
	chunk := decodeChunk
	if m.encBatch > 0 {
		chunk = m.encBatch
	}
	for n0 := 0; n0 < n; n0 += chunk {
		k := min(chunk, n-n0)
		rows := k
		if m.encBatch > 0 {
			rows = m.encBatch // a fixed batch: padded with blank images
		}
		img := make([]float32, rows*size)
		hw, c := m.shape.Side*m.shape.Side, m.shape.Channels
		for i := range k { // channels last -> NCHW
			s, d := x[(n0+i)*size:(n0+i+1)*size], img[i*size:(i+1)*size]
			for p := range hw {
				for ch := range c {
					d[ch*hw+p] = s[p*c+ch]
				}
			}
		}
		shape := []int{rows, c, m.shape.Side, m.shape.Side}
		if m.encFlat {
			shape = []int{rows, size}
		}
		out, err := m.enc.Run(map[string]*Tensor{m.enc.Inputs[0].Name: floatTensor(shape, img)})
		if err != nil {
			return nil, nil, err
		}
		var a, b []float32
		if len(m.enc.Outputs) == 2 {
			a, b = out[m.enc.Outputs[0].Name].floats(), out[m.enc.Outputs[1].Name].floats()
			if len(a) == rows*L && len(b) == rows*L {
				a, b = a[:k*L], b[:k*L]
			}
		} else {
			both := out[m.enc.Outputs[0].Name].floats()
			if len(both) != rows*2*L {
				return nil, nil, fmt.Errorf("encode: one output of %d values for %d images; want mu and logvar", len(both), k)
			}
			for i := range k {
				a = append(a, both[i*2*L:i*2*L+L]...)
				b = append(b, both[i*2*L+L:(i+1)*2*L]...)
			}
		}
		if len(a) != k*L || len(b) != k*L {
			return nil, nil, fmt.Errorf("encode: codes of %d and %d values for %d images of latent size %d", len(a), len(b), k, L)
		}
		mu, logvar = append(mu, a...), append(logvar, b...)
	}
	return mu, logvar, nil
}
