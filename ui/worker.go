package ui

import (
	"image"
	"sync"
	"time"

	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// decodeWorker decodes the latest requested latent point on its own
// goroutine and hands the image to the UI goroutine. Requests that arrive
// while it is busy collapse into the newest one, so a fast drag never
// queues work: what is drawn is always the latest point.
//
// Hand-over: RequestWait, called from a UI callback, waits a few
// milliseconds for the result and shows it before the callback returns,
// so the image lands in the same frame as the mouse event that asked for
// it; a result that takes longer (a big model, a busy machine) arrives
// later through fyne.Do and the UI never blocks beyond the budget.
//
// The worker decodes from its own snapshot of the model's weights when the
// model offers one (vae.DecoderSnapshot), so a decode never waits for a
// training step: the snapshot takes the trainer's newest published weights
// when they are free, and runs on the worker's goroutine alone.
type decodeWorker struct {
	deliver func(img image.Image, z []float32) // runs on the UI goroutine
	do      func(func())                       // runs a function there (fyne.Do)

	mu      sync.Mutex
	model   Decoder
	latest  []float32
	asked   time.Time
	seq     uint64 // number of the latest request
	pending bool
	inter   bool               // the latest request is interactive
	waitSeq uint64             // request a UI callback is waiting for
	waiter  chan decodedResult // where to send it, or nil
	wake    chan struct{}
	quit    chan struct{}
	exited  chan struct{}

	// Latency from an interactive request to its image on the UI goroutine.
	stats  latencyStats
	shown  uint64 // number of the request whose image is shown (UI goroutine only)
	closed bool   // Close was called (UI goroutine only)
}

type decodedResult struct {
	seq         uint64 // the request's number
	img         image.Image
	z           []float32
	asked       time.Time
	interactive bool // asked for by the mouse or a slider: timed
}

func newDecodeWorker(do func(func()), deliver func(image.Image, []float32)) *decodeWorker {
	w := &decodeWorker{do: do, deliver: deliver, wake: make(chan struct{}, 1), quit: make(chan struct{}), exited: make(chan struct{})}
	go w.loop()
	return w
}

// snapshotter is a model that can hand the worker a private copy of its
// decoder (*vae.Model).
type snapshotter interface {
	NewDecoderSnapshot() *vae.DecoderSnapshot
}

// interactor is a model that training can make room for while the user
// interacts (*vae.Model).
type interactor interface{ NoteInteraction() }

func (w *decodeWorker) request(m Decoder, z []float32, interactive bool) uint64 {
	if i, ok := m.(interactor); ok && interactive {
		i.NoteInteraction()
	}
	w.model, w.inter = m, interactive
	w.latest = append(w.latest[:0], z...)
	w.asked = time.Now()
	w.seq++
	w.pending = true
	return w.seq
}

func (w *decodeWorker) poke() {
	select {
	case w.wake <- struct{}{}:
	default: // already woken; it will pick up the newest point
	}
}

// Request asks for z to be decoded with m; the image arrives through
// fyne.Do. It never blocks.
func (w *decodeWorker) Request(m Decoder, z []float32) {
	w.mu.Lock()
	w.request(m, z, false)
	w.mu.Unlock()
	w.poke()
}

// RequestWait asks for z to be decoded and, called on the UI goroutine,
// waits up to budget to deliver the image itself. Past the budget the
// image comes later through fyne.Do.
func (w *decodeWorker) RequestWait(m Decoder, z []float32, budget time.Duration) {
	ch := make(chan decodedResult, 1)
	w.mu.Lock()
	w.waitSeq, w.waiter = w.request(m, z, true), ch
	w.mu.Unlock()
	w.poke()
	t := time.NewTimer(budget)
	defer t.Stop()
	select {
	case r := <-ch:
		w.hand(r)
		return
	case <-t.C:
	}
	w.mu.Lock()
	mine := w.waiter == ch
	if mine {
		w.waiter = nil // the worker will use fyne.Do
	}
	w.mu.Unlock()
	if !mine { // the worker took our channel: the result is on its way
		w.hand(<-ch)
	}
}

// hand shows a result on the UI goroutine, unless a newer one is shown
// already: a result that went the slow way (fyne.Do) can arrive after a
// newer one that a drag callback showed itself.
func (w *decodeWorker) hand(r decodedResult) {
	if r.img == nil || r.seq < w.shown || w.closed {
		return
	}
	w.shown = r.seq
	w.deliver(r.img, r.z)
	if r.interactive {
		w.stats.add(r.asked, time.Since(r.asked))
	}
}

// Close stops the worker and waits for its goroutine to exit.
func (w *decodeWorker) Close() {
	w.closed = true // a result queued on the UI goroutine is dropped: its window is gone
	close(w.quit)
	<-w.exited
}

func (w *decodeWorker) loop() {
	defer close(w.exited)
	var buf []float32
	// The decoder used for the current model: its snapshot when it has
	// one, else the model itself.
	var (
		forModel Decoder
		dec      Decoder
		snap     *vae.DecoderSnapshot
	)
	defer func() {
		if snap != nil {
			snap.Close()
		}
	}()
	for {
		select {
		case <-w.quit:
			return
		case <-w.wake:
		}
		w.mu.Lock()
		if !w.pending {
			w.mu.Unlock()
			continue
		}
		m, z, asked, seq, inter := w.model, append([]float32(nil), w.latest...), w.asked, w.seq, w.inter
		w.pending = false
		w.mu.Unlock()

		if m != forModel {
			if snap != nil {
				snap.Close()
				snap = nil
			}
			forModel, dec = m, m
			if s, ok := m.(snapshotter); ok {
				snap = s.NewDecoderSnapshot()
				dec = snap
			}
		}
		var r decodedResult
		if dec != nil && len(z) == dec.Latent() {
			sh := dec.Image()
			if len(buf) != sh.Size() {
				buf = make([]float32, sh.Size())
			}
			if err := dec.DecodeInto(buf, z); err == nil {
				// A fresh image each time: Fyne keys textures by it.
				r = decodedResult{seq: seq, img: imaging.Picture(buf, sh.Side, sh.Channels), z: z, asked: asked, interactive: inter}
			}
		}
		if snap != nil && snap.Stale() {
			w.retryStale(m, z, seq)
		}
		w.mu.Lock()
		var ch chan decodedResult
		if w.waiter != nil && w.waitSeq == seq {
			ch, w.waiter = w.waiter, nil
		}
		w.mu.Unlock()
		if ch != nil {
			ch <- r // buffered; the waiting callback shows it
			continue
		}
		if r.img != nil {
			w.do(func() { w.hand(r) })
		}
	}
}

// staleRetry is how soon a decode made with a stale snapshot (the model
// was busy publishing or evaluating) is made again.
const staleRetry = 20 * time.Millisecond

// retryStale asks again for z's image (request seq) shortly, unless a
// newer request has come, so the image catches up with weights the
// snapshot could not take.
func (w *decodeWorker) retryStale(m Decoder, z []float32, seq uint64) {
	time.AfterFunc(staleRetry, func() {
		w.mu.Lock()
		if w.seq == seq && !w.pending {
			w.request(m, z, false)
		}
		w.mu.Unlock()
		w.poke()
	})
}

// latencyStats keeps recent interactive decodes: when each was asked for
// and how long until its image was on the UI.
type latencyStats struct {
	mu sync.Mutex
	ts []DecodeTiming
}

// DecodeTiming is one interactive decode: when it was asked for (the drag
// or slider callback) and how long until its image was on the UI.
type DecodeTiming struct {
	Asked   time.Time
	Latency time.Duration
}

func (s *latencyStats) add(asked time.Time, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ts) >= 4096 {
		s.ts = s.ts[1:]
	}
	s.ts = append(s.ts, DecodeTiming{asked, d})
}

// snapshot returns a copy of the recorded latencies.
func (s *latencyStats) snapshot() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]time.Duration, len(s.ts))
	for i, t := range s.ts {
		out[i] = t.Latency
	}
	return out
}

// timings returns a copy of the recorded decodes.
func (s *latencyStats) timings() []DecodeTiming {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]DecodeTiming(nil), s.ts...)
}
