package onnx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// A protobuf wire-format reader: enough to walk an ONNX file's messages
// without generated code or the protobuf module (so the browser build
// keeps ONNX at the cost of a few kilobytes). Every read is bounds-checked;
// a damaged file gives an error, never a panic.

// Wire types.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

var errTruncated = errors.New("the file ends inside a field (truncated?)")

// msg is one message's bytes being read.
type msg struct {
	b []byte
}

// field is one field of a message: its number, wire type and value (the
// varint or fixed value in v, the bytes of a length-delimited field in
// data).
type field struct {
	num  int
	typ  int
	v    uint64
	data []byte
}

func uvarint(b []byte) (uint64, int, error) {
	v, n := binary.Uvarint(b)
	if n == 0 {
		return 0, 0, errTruncated
	}
	if n < 0 {
		return 0, 0, errors.New("a varint is longer than 64 bits")
	}
	return v, n, nil
}

// next reads the next field; ok is false at the end of the message.
func (m *msg) next() (f field, ok bool, err error) {
	if len(m.b) == 0 {
		return field{}, false, nil
	}
	tag, n, err := uvarint(m.b)
	if err != nil {
		return field{}, false, err
	}
	m.b = m.b[n:]
	f.num, f.typ = int(tag>>3), int(tag&7)
	if f.num <= 0 || tag>>3 > math.MaxInt32 {
		return field{}, false, fmt.Errorf("bad field number %d", tag>>3)
	}
	switch f.typ {
	case wireVarint:
		f.v, n, err = uvarint(m.b)
		if err != nil {
			return field{}, false, err
		}
		m.b = m.b[n:]
	case wireFixed64:
		if len(m.b) < 8 {
			return field{}, false, errTruncated
		}
		f.v = binary.LittleEndian.Uint64(m.b)
		m.b = m.b[8:]
	case wireFixed32:
		if len(m.b) < 4 {
			return field{}, false, errTruncated
		}
		f.v = uint64(binary.LittleEndian.Uint32(m.b))
		m.b = m.b[4:]
	case wireBytes:
		l, n, err := uvarint(m.b)
		if err != nil {
			return field{}, false, err
		}
		m.b = m.b[n:]
		if l > uint64(len(m.b)) {
			return field{}, false, errTruncated
		}
		f.data = m.b[:l]
		m.b = m.b[l:]
	default:
		return field{}, false, fmt.Errorf("field %d has wire type %d, which ONNX files do not use", f.num, f.typ)
	}
	return f, true, nil
}

// each calls fn on every field of b.
func each(b []byte, fn func(f field) error) error {
	m := msg{b}
	for {
		f, ok, err := m.next()
		if err != nil || !ok {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
	}
}

// int64s appends a repeated int64 field's values: packed (bytes) or one
// varint.
func (f field) int64s(dst []int64) ([]int64, error) {
	if f.typ == wireVarint {
		return append(dst, int64(f.v)), nil
	}
	if f.typ != wireBytes {
		return nil, fmt.Errorf("field %d: wire type %d for integers", f.num, f.typ)
	}
	b := f.data
	for len(b) > 0 {
		v, n, err := uvarint(b)
		if err != nil {
			return nil, err
		}
		dst = append(dst, int64(v))
		b = b[n:]
	}
	return dst, nil
}

// float32s appends a repeated float field's values: packed or one fixed32.
func (f field) float32s(dst []float32) ([]float32, error) {
	if f.typ == wireFixed32 {
		return append(dst, math.Float32frombits(uint32(f.v))), nil
	}
	if f.typ != wireBytes || len(f.data)%4 != 0 {
		return nil, fmt.Errorf("field %d: not a list of floats", f.num)
	}
	for i := 0; i < len(f.data); i += 4 {
		dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(f.data[i:])))
	}
	return dst, nil
}

// float64s appends a repeated double field's values.
func (f field) float64s(dst []float64) ([]float64, error) {
	if f.typ == wireFixed64 {
		return append(dst, math.Float64frombits(f.v)), nil
	}
	if f.typ != wireBytes || len(f.data)%8 != 0 {
		return nil, fmt.Errorf("field %d: not a list of doubles", f.num)
	}
	for i := 0; i < len(f.data); i += 8 {
		dst = append(dst, math.Float64frombits(binary.LittleEndian.Uint64(f.data[i:])))
	}
	return dst, nil
}
