package onnx

import "sync"

// bufPool keeps the float buffers of values a run no longer needs, for
// the next operator or the next run: a map decodes the same graph over
// and over, and fresh buffers of tens of megabytes cost a page fault
// per page and a clearing each time (a fifth of a decode's time).
type bufPool struct {
	mu    sync.Mutex
	free  map[int][][]float32 // by length
	bytes int
}

// poolMaxBytes bounds what a graph keeps between runs (a map's runs of
// 256 images through a conv decoder keep about 50 MB).
const poolMaxBytes = 128 << 20

// get returns a zeroed buffer of n values.
func (p *bufPool) get(n int) []float32 {
	if p == nil || n == 0 {
		return make([]float32, n)
	}
	p.mu.Lock()
	list := p.free[n]
	if len(list) == 0 {
		p.mu.Unlock()
		return make([]float32, n)
	}
	b := list[len(list)-1]
	p.free[n] = list[:len(list)-1]
	p.bytes -= 4 * n
	p.mu.Unlock()
	clear(b)
	return b
}

// put gives b back; nothing may read or write it afterwards.
func (p *bufPool) put(b []float32) {
	if p == nil || len(b) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if 4*len(b) > poolMaxBytes {
		return
	}
	if p.bytes+4*len(b) > poolMaxBytes {
		// Full of buffers of other sizes (another batch): start again
		// rather than keep what the runs no longer ask for.
		p.free, p.bytes = nil, 0
	}
	if p.free == nil {
		p.free = map[int][][]float32{}
	}
	p.free[len(b)] = append(p.free[len(b)], b)
	p.bytes += 4 * len(b)
}

// alloc is a zeroed buffer of size values for an operator's output or
// scratch, from its graph's pool.
func (n *node) alloc(size int) []float32 {
	if n == nil {
		return make([]float32, size)
	}
	return n.pool.get(size)
}

// release gives an operator's scratch buffer back to the pool.
func (n *node) release(b []float32) {
	if n != nil {
		n.pool.put(b)
	}
}

// sameBuffer reports whether a and b share their first element.
func sameBuffer(a, b []float32) bool { return len(a) > 0 && len(b) > 0 && &a[0] == &b[0] }
