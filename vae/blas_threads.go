package vae

import "sync"

var oneThread struct {
	sync.Mutex
	users, saved int
}

// OneBLASThread has BLAS run its products on the calling thread until
// the returned function is called (calls nest and overlap). For callers
// that alternate products with parallel loops of their own (an ONNX
// graph): BLAS's threads, left waiting between products, spun on the
// cores those loops needed (625 decodes of a conv decoder: 177 ms with
// two BLAS threads, 140 ms with one, on 2 cores).
func OneBLASThread() (restore func()) {
	oneThread.Lock()
	if oneThread.users == 0 {
		oneThread.saved = blasThreads()
		if oneThread.saved != 1 {
			setBLASThreads(1)
		}
	}
	oneThread.users++
	oneThread.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			oneThread.Lock()
			defer oneThread.Unlock()
			if oneThread.users--; oneThread.users == 0 && oneThread.saved != 1 {
				setBLASThreads(oneThread.saved)
			}
		})
	}
}
