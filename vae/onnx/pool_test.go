package onnx

import "testing"

func TestPoolReusesZeroesAndStaysBounded(t *testing.T) {
	var p bufPool
	a := p.get(1000)
	a[3] = 7
	p.put(a)
	b := p.get(1000)
	if &b[0] != &a[0] {
		t.Fatal("a buffer given back was not reused")
	}
	if b[3] != 0 {
		t.Fatal("a reused buffer was not cleared")
	}
	if c := p.get(1000); &c[0] == &b[0] {
		t.Fatal("a buffer in use was handed out twice")
	}
	// Buffers of another size fill it: it starts again within its bound.
	n := poolMaxBytes / 4 / 3
	for range 10 {
		p.put(make([]float32, n))
		if p.bytes > poolMaxBytes {
			t.Fatalf("the pool holds %d bytes, over its bound of %d", p.bytes, poolMaxBytes)
		}
	}
	p.put(make([]float32, poolMaxBytes)) // larger than the bound: not kept
	if p.bytes > poolMaxBytes {
		t.Fatalf("the pool holds %d bytes", p.bytes)
	}
}
