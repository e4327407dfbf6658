package onnx

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The operator tests run models exported by PyTorch
// (scripts/onnx_testmodels.py, python3-torch: make deps-test) and compare
// with the outputs PyTorch computed.

var (
	torchOnce sync.Once
	torchDir  string
	torchErr  error
)

// torchModels exports the test models once per run.
func torchModels(t *testing.T) string {
	t.Helper()
	torchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "onnx-torch-")
		if err != nil {
			torchErr = err
			return
		}
		script, _ := filepath.Abs("../../scripts/onnx_testmodels.py")
		out, err := exec.Command("/usr/bin/python3", script, dir).CombinedOutput()
		if err != nil {
			torchErr = &exportError{err, string(out)}
			return
		}
		torchDir = dir
	})
	if torchErr != nil {
		t.Fatalf("exporting the PyTorch test models (needs python3-torch: make deps-test): %v", torchErr)
	}
	return torchDir
}

type exportError struct {
	err error
	out string
}

func (e *exportError) Error() string { return e.err.Error() + "\n" + e.out }

type torchCase struct {
	Inputs, Outputs []struct {
		Name   string
		Shape  []int
		Values []float32
	}
}

func loadCase(t *testing.T, dir, name string) (*Graph, torchCase) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name+".onnx"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Read(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var c torchCase
	j, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(j, &c); err != nil {
		t.Fatal(err)
	}
	return g, c
}

func maxDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

// Every case gives PyTorch's outputs to 1e-5, twice in a row (the second
// run on buffers the first gave back), and the first run's outputs are
// still PyTorch's after the second.
func TestOperatorsMatchPyTorch(t *testing.T) {
	dir := torchModels(t)
	names, _ := filepath.Glob(filepath.Join(dir, "*.onnx"))
	if len(names) < 9 {
		t.Fatalf("%d test models exported", len(names))
	}
	seen := map[string]bool{}
	for _, p := range names {
		name := strings.TrimSuffix(filepath.Base(p), ".onnx")
		t.Run(name, func(t *testing.T) {
			g, c := loadCase(t, dir, name)
			for _, s := range g.steps {
				seen[s.n.op] = true
			}
			in := map[string]*Tensor{}
			for _, v := range c.Inputs {
				in[v.Name] = floatTensor(v.Shape, v.Values)
			}
			// Between the two runs, one on other inputs: its buffers come
			// from the pool, and must not be the first run's outputs.
			other := map[string]*Tensor{}
			for _, v := range c.Inputs {
				x := make([]float32, len(v.Values))
				for i, f := range v.Values {
					x[i] = 0.5*f + 0.25
				}
				other[v.Name] = floatTensor(v.Shape, x)
			}
			var first map[string]*Tensor
			for run := range 3 {
				res, err := g.Run(in)
				if err != nil {
					t.Fatalf("run %d: %v", run, err)
				}
				if run == 0 {
					first = res
					if _, err := g.Run(other); err != nil {
						t.Fatalf("a run on other inputs: %v", err)
					}
				}
				if run == 2 {
					res = first
				}
				for _, want := range c.Outputs {
					got := res[want.Name]
					if got == nil {
						t.Fatalf("no output %q", want.Name)
					}
					if shapeString(got.Shape) != shapeString(want.Shape) {
						t.Fatalf("%s: shape %v, PyTorch %v", want.Name, got.Shape, want.Shape)
					}
					if d := maxDiff(got.floats(), want.Values); d > 1e-5 {
						t.Errorf("run %d, %s: differs from PyTorch by %g", run, want.Name, d)
					}
				}
			}
		})
	}
	t.Logf("operators run: %v", keys(seen))
	for _, op := range []string{"Gemm", "Conv", "ConvTranspose", "BatchNormalization", "Resize", "LeakyRelu", "Reshape", "Shape", "Gather", "Unsqueeze", "Concat", "Slice", "Split", "Transpose", "MatMul", "Squeeze", "Elu", "Softplus", "Exp", "Tanh", "Sigmoid", "Clip", "Div", "Sub", "Mul", "Add", "ConstantOfShape"} {
		if !seen[op] {
			t.Errorf("no test model has a %s node", op)
		}
	}
}

func keys(m map[string]bool) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	return k
}
