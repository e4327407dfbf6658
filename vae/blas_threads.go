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
// cores those loops needed (625 decodes of a conv decoder on 2 cores:
// 177 ms with BLAS's two threads, 111 ms with one during the run).
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

// chosenBLASThreads is how many threads BLAS runs on when no caller holds
// it to one: what a training run starts from, even if it starts during an
// ONNX run.
func chosenBLASThreads() int {
	oneThread.Lock()
	defer oneThread.Unlock()
	if oneThread.users > 0 {
		return oneThread.saved
	}
	return blasThreads()
}
