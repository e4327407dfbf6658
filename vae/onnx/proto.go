package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"
	msgs "vaeexplorer/vae/msg"
)

// The parts of ONNX's messages (onnx.proto3) the interpreter reads. Fields
// not listed are skipped; fields that would change the meaning and are not
// supported (external data, sparse initializers, subgraphs) are refused.

// ONNX tensor element types.
const (
	typeFloat  = 1
	typeUint8  = 2
	typeInt8   = 3
	typeInt32  = 6
	typeInt64  = 7
	typeBool   = 9
	typeDouble = 11
)

// Limits that bound memory for a hostile file (a real VAE is far below).
const (
	maxNodes    = 20000
	maxElements = 1 << 28 // per tensor: 1 GiB of float32
	maxRank     = 8
)

// protoModel is a ModelProto.
type protoModel struct {
	irVersion int64
	producer  string
	opsets    map[string]int64 // domain ("" is ONNX's) -> version
	graph     *protoGraph
}

type protoGraph struct {
	name          string
	nodes         []*protoNode
	inits         []*Tensor
	inputs        []valueInfo
	outputs       []valueInfo
	initNames     []string
	elementsTotal int
}

type protoNode struct {
	name, op, domain string
	in, out          []string
	attrs            map[string]*attr
}

type attr struct {
	f      float32
	i      int64
	s      string
	t      *Tensor
	floats []float32
	ints   []int64
	set    int // which of the above the file set (attribute type)
}

// valueInfo is a graph input's or output's name and shape (-1: a
// dimension the file leaves open, such as the batch).
type valueInfo struct {
	name     string
	elemType int
	dims     []int
}

func str(f field, what string) (string, error) {
	if f.typ != wireBytes {
		return "", fmt.Errorf("%s is not a string", what)
	}
	if !utf8.Valid(f.data) {
		return "", fmt.Errorf("%s is not UTF-8", what)
	}
	return string(f.data), nil
}

func parseModel(b []byte) (*protoModel, error) {
	m := &protoModel{opsets: map[string]int64{}}
	err := each(b, func(f field) error {
		switch f.num {
		case 1:
			m.irVersion = int64(f.v)
		case 2:
			m.producer, _ = str(f, "the producer")
		case 7:
			if f.typ != wireBytes {
				return fmt.Errorf("the graph field is not a message")
			}
			g, err := parseGraph(f.data)
			if err != nil {
				return err
			}
			m.graph = g
		case 8:
			if f.typ != wireBytes {
				return fmt.Errorf("an opset import is not a message")
			}
			var domain string
			var version int64
			err := each(f.data, func(f field) error {
				switch f.num {
				case 1:
					domain, _ = str(f, "an opset's domain")
				case 2:
					version = int64(f.v)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if domain == "ai.onnx" {
				domain = ""
			}
			m.opsets[domain] = version
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if m.graph == nil {
		return nil, fmt.Errorf("it has no graph (is it an ONNX model file?)")
	}
	return m, nil
}

func parseGraph(b []byte) (*protoGraph, error) {
	g := &protoGraph{}
	err := each(b, func(f field) error {
		if f.typ != wireBytes {
			return nil // no graph field we read is scalar
		}
		switch f.num {
		case 1:
			if len(g.nodes) >= maxNodes {
				return fmt.Errorf("the graph has more than %d nodes", maxNodes)
			}
			n, err := parseNode(f.data)
			if err != nil {
				return fmt.Errorf("node %d: %w", len(g.nodes), err)
			}
			g.nodes = append(g.nodes, n)
		case 2:
			g.name, _ = str(f, "the graph's name")
		case 5:
			t, name, err := parseTensor(f.data)
			if err != nil {
				return fmt.Errorf("initializer %q: %w", clip(name), err)
			}
			g.elementsTotal += t.Len()
			if g.elementsTotal > maxElements {
				return fmt.Errorf("its weights hold more than %d values", maxElements)
			}
			g.inits = append(g.inits, t)
			g.initNames = append(g.initNames, name)
		case 11, 12:
			v, err := parseValueInfo(f.data)
			if err != nil {
				return err
			}
			if f.num == 11 {
				g.inputs = append(g.inputs, v)
			} else {
				g.outputs = append(g.outputs, v)
			}
		case 15:
			return fmt.Errorf("it has sparse initializers, which are not supported")
		}
		return nil
	})
	return g, err
}

func parseNode(b []byte) (*protoNode, error) {
	n := &protoNode{attrs: map[string]*attr{}}
	err := each(b, func(f field) error {
		var err error
		var s string
		switch f.num {
		case 1, 2:
			if s, err = str(f, "a node's input or output"); err != nil {
				return err
			}
			if f.num == 1 {
				n.in = append(n.in, s)
			} else {
				n.out = append(n.out, s)
			}
		case 3:
			n.name, err = str(f, "a node's name")
		case 4:
			n.op, err = str(f, "a node's operator")
		case 7:
			n.domain, err = str(f, "a node's domain")
		case 5:
			if f.typ != wireBytes {
				return fmt.Errorf("an attribute is not a message")
			}
			var name string
			var a *attr
			if name, a, err = parseAttr(f.data); err != nil {
				return fmt.Errorf("attribute %q: %w", clip(name), err)
			}
			n.attrs[name] = a
		}
		return err
	})
	if n.domain == "ai.onnx" {
		n.domain = ""
	}
	return n, err
}

func parseAttr(b []byte) (string, *attr, error) {
	a := &attr{}
	var name string
	err := each(b, func(f field) error {
		var err error
		switch f.num {
		case 1:
			name, err = str(f, "an attribute's name")
		case 2:
			a.f = math.Float32frombits(uint32(f.v))
		case 3:
			a.i = int64(f.v)
		case 4:
			a.s = string(f.data)
		case 5:
			a.t, _, err = parseTensor(f.data)
		case 6:
			err = fmt.Errorf("subgraphs are not supported")
		case 7:
			a.floats, err = f.float32s(a.floats)
		case 8:
			a.ints, err = f.int64s(a.ints)
		case 20:
			a.set = int(f.v)
		}
		return err
	})
	return name, a, err
}

func parseValueInfo(b []byte) (valueInfo, error) {
	var v valueInfo
	err := each(b, func(f field) error {
		switch f.num {
		case 1:
			v.name, _ = str(f, "a value's name")
		case 2: // TypeProto
			return each(f.data, func(f field) error {
				if f.num != 1 || f.typ != wireBytes { // tensor_type only
					return nil
				}
				return each(f.data, func(f field) error {
					switch f.num {
					case 1:
						v.elemType = int(f.v)
					case 2: // TensorShapeProto
						return each(f.data, func(f field) error {
							if f.num != 1 || f.typ != wireBytes {
								return nil
							}
							d := -1
							err := each(f.data, func(f field) error {
								if f.num == 1 && f.typ == wireVarint && int64(f.v) >= 0 && f.v < math.MaxInt32 {
									d = int(f.v)
								}
								return nil
							})
							if len(v.dims) >= maxRank {
								return fmt.Errorf("value %q has more than %d dimensions", clip(v.name), maxRank)
							}
							v.dims = append(v.dims, d)
							return err
						})
					}
					return nil
				})
			})
		}
		return nil
	})
	return v, err
}

// parseTensor reads a TensorProto: float, double, int32, int64, int8,
// uint8 and bool data, as float32 or int64 values.
func parseTensor(b []byte) (*Tensor, string, error) {
	var (
		dims    []int64
		dt      int
		name    string
		raw     []byte
		hasRaw  bool
		floats  []float32
		doubles []float64
		ints    []int64
		ext     bool
	)
	err := each(b, func(f field) error {
		var err error
		switch f.num {
		case 1:
			dims, err = f.int64s(dims)
		case 2:
			dt = int(f.v)
		case 4:
			floats, err = f.float32s(floats)
		case 5, 7: // int32_data (also int8, uint8, bool), int64_data
			ints, err = f.int64s(ints)
		case 8:
			name, _ = str(f, "a tensor's name")
		case 9:
			raw, hasRaw = f.data, true
		case 10:
			doubles, err = f.float64s(doubles)
		case 13:
			ext = true
		case 14:
			ext = ext || f.v == 1
		}
		return err
	})
	if err != nil {
		return nil, name, err
	}
	if ext {
		return nil, name, fmt.Errorf("its data is in an external file; export the model with its weights inside the .onnx file")
	}
	if len(dims) > maxRank {
		return nil, name, fmt.Errorf("it has %d dimensions (at most %d)", len(dims), maxRank)
	}
	shape := make([]int, len(dims))
	n := 1
	for i, d := range dims {
		if d < 0 || d > maxElements {
			return nil, name, fmt.Errorf("dimension %d is %d", i, d)
		}
		shape[i] = int(d)
		n *= int(d)
		if n > maxElements {
			return nil, name, fmt.Errorf("it declares more than %d values", maxElements)
		}
	}
	t := &Tensor{Shape: shape}
	var width int
	switch dt {
	case typeFloat, typeInt32:
		width = 4
	case typeDouble, typeInt64:
		width = 8
	case typeUint8, typeInt8, typeBool:
		width = 1
	default:
		return nil, name, fmt.Errorf("its element type %d is not supported (float, double, int8, uint8, int32, int64 and bool are)", dt)
	}
	isFloat := dt == typeFloat || dt == typeDouble
	if hasRaw {
		if len(raw) != n*width {
			return nil, name, fmt.Errorf("it declares %d values (%d bytes) but holds %d bytes", n, n*width, len(raw))
		}
		if isFloat {
			t.F = make([]float32, n)
		} else {
			t.I = make([]int64, n)
		}
		for i := range n {
			p := raw[i*width:]
			switch dt {
			case typeFloat:
				t.F[i] = math.Float32frombits(binary.LittleEndian.Uint32(p))
			case typeDouble:
				t.F[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(p)))
			case typeInt32:
				t.I[i] = int64(int32(binary.LittleEndian.Uint32(p)))
			case typeInt64:
				t.I[i] = int64(binary.LittleEndian.Uint64(p))
			case typeInt8:
				t.I[i] = int64(int8(p[0]))
			default:
				t.I[i] = int64(p[0])
			}
		}
		return t, name, nil
	}
	switch {
	case dt == typeFloat:
		t.F = floats
	case dt == typeDouble:
		t.F = make([]float32, len(doubles))
		for i, d := range doubles {
			t.F[i] = float32(d)
		}
	default:
		t.I = ints
	}
	if t.Len() != n {
		return nil, name, fmt.Errorf("it declares %d values but holds %d", n, t.Len())
	}
	return t, name, nil
}

// clip shortens a name quoted from a file for a message.
func clip(s string) string { return msgs.Clip(s, msgs.MaxValue) }
