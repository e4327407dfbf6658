package ui

// latest runs background work for one view so that only the newest request
// matters: one job at a time, and a request made while a job runs replaces
// any request already waiting. A job runs off the UI goroutine and returns
// a function that shows its result; that function runs on the UI goroutine.
// Use a latest from the UI goroutine only.
type latest struct {
	do   func(func()) // runs a function on the UI goroutine
	busy bool
	next func() (show func())
	gen  int // Drop's count: a job of an older one is not shown
}

func newLatest(do func(func())) *latest { return &latest{do: do} }

// Run starts job now, or after the running one when it is still the
// newest request then.
func (l *latest) Run(job func() (show func())) {
	if l.busy {
		l.next = job
		return
	}
	l.busy = true
	gen := l.gen
	go func() { // exits when the job is done
		show := job()
		l.do(func() {
			l.busy = false
			if show != nil && gen == l.gen {
				show()
			}
			if next := l.next; next != nil {
				l.next = nil
				l.Run(next)
			}
		})
	}()
}

// Drop forgets the requests made so far: a job still running finishes
// but its result is not shown (what it showed is no longer so).
func (l *latest) Drop() {
	l.gen++
	l.next = nil
}

// Busy reports whether a job is running.
func (l *latest) Busy() bool { return l.busy }
