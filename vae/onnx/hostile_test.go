package onnx

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tiny protobuf writer for hand-made hostile files.
func pbVarint(b []byte, num int, v uint64) []byte {
	b = binary.AppendUvarint(b, uint64(num)<<3|wireVarint)
	return binary.AppendUvarint(b, v)
}

func pbBytes(b []byte, num int, data []byte) []byte {
	b = binary.AppendUvarint(b, uint64(num)<<3|wireBytes)
	b = binary.AppendUvarint(b, uint64(len(data)))
	return append(b, data...)
}

func pbString(b []byte, num int, s string) []byte { return pbBytes(b, num, []byte(s)) }

func nodeMsg(op, name string, in, out []string) []byte {
	var n []byte
	for _, s := range in {
		n = pbString(n, 1, s)
	}
	for _, s := range out {
		n = pbString(n, 2, s)
	}
	n = pbString(n, 3, name)
	return pbString(n, 4, op)
}

func valueMsg(name string) []byte { return pbString(nil, 1, name) }

func modelMsg(graph []byte, opset uint64) []byte {
	m := pbVarint(nil, 1, 8)
	m = pbBytes(m, 8, pbVarint(nil, 2, opset))
	return pbBytes(m, 7, graph)
}

func graphMsg(nodes [][]byte, inits [][]byte) []byte {
	var g []byte
	for _, n := range nodes {
		g = pbBytes(g, 1, n)
	}
	for _, t := range inits {
		g = pbBytes(g, 5, t)
	}
	g = pbBytes(g, 11, valueMsg("x"))
	return pbBytes(g, 12, valueMsg("y"))
}

func tensorMsg(name string, dims []uint64, dt uint64, raw []byte) []byte {
	var t []byte
	for _, d := range dims {
		t = pbVarint(t, 1, d)
	}
	t = pbVarint(t, 2, dt)
	t = pbString(t, 8, name)
	if raw != nil {
		t = pbBytes(t, 9, raw)
	}
	return t
}

// Bad files are refused with a message naming the problem, never a panic
// and never an allocation the file's size does not justify.
func TestHostileFilesAreRefused(t *testing.T) {
	relu := nodeMsg("Relu", "r", []string{"x"}, []string{"y"})
	good := modelMsg(graphMsg([][]byte{relu}, nil), 13)
	if _, err := Read(good); err != nil {
		t.Fatalf("the well-formed file: %v", err)
	}
	real, err := os.ReadFile(filepath.Join(torchModels(t), "conv_dec_13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"a PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "not a readable ONNX model"},
		{"text", []byte("hello, this is not a model"), "not a readable ONNX model"},
		{"truncated", real[:len(real)/2], "not a readable ONNX model"},
		{"no graph", pbVarint(nil, 1, 8), "no graph"},
		{"unsupported operator", modelMsg(graphMsg([][]byte{nodeMsg("LSTM", "lstm_1", []string{"x"}, []string{"y"})}, nil), 13), `operator LSTM (node "lstm_1") is not supported`},
		{"custom domain", modelMsg(graphMsg([][]byte{pbString(relu, 7, "com.example")}, nil), 13), "com.example.Relu"},
		{"cycle", modelMsg(graphMsg([][]byte{
			nodeMsg("Add", "a", []string{"x", "b"}, []string{"a"}),
			nodeMsg("Relu", "b", []string{"a"}, []string{"b"}),
			nodeMsg("Relu", "c", []string{"a"}, []string{"y"}),
		}, nil), 13), "cycle"},
		{"dangling input", modelMsg(graphMsg([][]byte{nodeMsg("Add", "a", []string{"x", "nowhere"}, []string{"y"})}, nil), 13), `reads "nowhere"`},
		{"old opset", modelMsg(graphMsg([][]byte{relu}, nil), 5), "opset 5"},
		{"huge dims", modelMsg(graphMsg([][]byte{relu}, [][]byte{tensorMsg("w", []uint64{1 << 20, 1 << 20}, typeFloat, []byte{1, 2, 3, 4})}), 13), "declares more than"},
		{"short data", modelMsg(graphMsg([][]byte{relu}, [][]byte{tensorMsg("w", []uint64{10, 10}, typeFloat, make([]byte, 40))}), 13), "holds 40 bytes"},
		{"external data", modelMsg(graphMsg([][]byte{relu}, [][]byte{pbVarint(tensorMsg("w", []uint64{4}, typeFloat, nil), 14, 1)}), 13), "external file"},
		{"string tensor", modelMsg(graphMsg([][]byte{relu}, [][]byte{tensorMsg("w", []uint64{1}, 8, []byte{1})}), 13), "element type 8"},
		{"long name", modelMsg(graphMsg([][]byte{nodeMsg("Frob", strings.Repeat("n", 1<<20), []string{"x"}, []string{"y"})}, nil), 13), "…"},
	}
	for _, c := range cases {
		_, err := Read(c.file)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %q, want it to say %q", c.name, err, c.want)
		}
		if len(err.Error()) > 2000 {
			t.Errorf("%s: a %d-byte message", c.name, len(err.Error()))
		}
	}
	// Every prefix of a real file is refused or read, never a panic.
	for n := 0; n < len(real); n += 97 {
		Read(real[:n])
	}
}

// A Constant's value is its node's attribute, shared by every run: no
// operator may write its output into it (a second run would read the
// overwritten value).
func TestAConstantIsNeverOverwritten(t *testing.T) {
	val := tensorMsg("", []uint64{2}, typeFloat, []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x40}) // 1, 2
	constant := nodeMsg("Constant", "c", nil, []string{"k"})
	constant = pbBytes(constant, 5, pbBytes(pbString(nil, 1, "value"), 5, val))
	g, err := Read(modelMsg(graphMsg([][]byte{constant, nodeMsg("Mul", "m", []string{"k", "x"}, []string{"y"})}, nil), 13))
	if err != nil {
		t.Fatal(err)
	}
	for run := range 3 {
		out, err := g.Run(map[string]*Tensor{"x": floatTensor([]int{2}, []float32{3, 3})})
		if err != nil {
			t.Fatal(err)
		}
		if y := out["y"].F; y[0] != 3 || y[1] != 6 {
			t.Fatalf("run %d: %v, want [3 6]", run, y)
		}
	}
}
