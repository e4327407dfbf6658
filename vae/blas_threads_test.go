package vae

import "testing"

func TestOneBLASThreadNestsAndRestores(t *testing.T) {
	was := blasThreads()
	setBLASThreads(2) // as OpenBLAS chooses on this machine (gonum's BLAS: stays 1)
	defer setBLASThreads(was)
	before := blasThreads()
	r1 := OneBLASThread()
	if blasThreads() != 1 {
		t.Fatalf("%d BLAS threads inside", blasThreads())
	}
	r2 := OneBLASThread()
	r1()
	r1() // a second call does nothing
	if blasThreads() != 1 {
		t.Fatalf("%d BLAS threads while a second caller holds one", blasThreads())
	}
	if chosenBLASThreads() != before {
		t.Fatalf("a training starting now would take %d threads, not %d", chosenBLASThreads(), before)
	}
	r2()
	if blasThreads() != before {
		t.Fatalf("%d BLAS threads after, %d before", blasThreads(), before)
	}
}
