package vae

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"sync"
	"time"

	"vaeexplorer/vae/dataset"
)

// EventKind tells what a training Event reports.
type EventKind int

const (
	EventStep  EventKind = iota // a batch was trained
	EventEpoch                  // an epoch ended and was evaluated
	EventDone                   // training ended; Err says how
	// EventCodes: held-out statistics were measured outside an epoch's
	// end: a new model's inside its first epoch (a preview of the codes
	// for the scatter), or after a stop inside an epoch (it comes after
	// EventDone).
	EventCodes
)

// Event is what the trainer reports, on Trainer.Events. Losses are in nats
// per image.
type Event struct {
	Kind          EventKind
	Epoch, Epochs int // Epoch counts from 1
	Step, Steps   int // step within the epoch (from 1), steps per epoch

	Loss, Rec, KL float64 // EventStep: this batch; EventEpoch: epoch means
	Beta          float64 // KL weight in use

	Test Eval // EventEpoch: held-out -ELBO and its terms

	ImgPerSec float64
	Progress  float64       // 0..1 over the whole run
	Elapsed   time.Duration // since Start, pauses excluded
	ETA       time.Duration // estimated time left

	Err error // EventDone: nil when all epochs ran, context.Canceled when stopped
}

// eventBuffer is the capacity of the event channel. Step events are
// dropped when fewer than eventReserve slots are free, so the rarer epoch
// and done events still fit and the trainer never waits for a consumer.
const (
	eventBuffer  = 1024
	eventReserve = 128
)

// publishEvery is how often the trainer copies its weights into the model
// while an epoch runs, so decoding shows training progress.
const publishEvery = 100 * time.Millisecond

// previewAfter is the least time into a new model's first epoch before its
// held-out codes are previewed (see EventCodes): a short epoch needs none.
const previewAfter = 2 * time.Second

// ErrDiverged is wrapped when training stops on a non-finite loss.
var ErrDiverged = errors.New("training diverged")

// Trainer trains a Model's weights on a dataset in its own goroutine. It
// trains a private copy of the weights and publishes them into the Model
// (under the model's lock) every publishEvery and at each epoch's end, so
// the Model stays usable for inference throughout. On a non-finite loss it
// stops and the model keeps the last good weights.
type Trainer struct {
	model       *Model
	cfg         Config
	train, test *dataset.Set

	events chan Event
	done   chan struct{}
	err    error
	// midEpoch: steps of an unfinished epoch ran (the run's goroutine
	// only).
	midEpoch bool

	// PreviewAfter: a new model's held-out codes are measured once inside
	// its first epoch, a quarter of the way through and at least this
	// long after the start (see EventCodes); set it before Start.
	PreviewAfter time.Duration

	pauseMu sync.Mutex
	paused  bool
	resume  chan struct{} // closed on Resume
}

// NewTrainer prepares to train m on train, measuring held-out -ELBO on
// test after each epoch. cfg.Epochs more epochs run, beyond those in the
// model's history; cfg's training settings (LR, Batch, Beta, Warmup, Seed,
// Epochs) override the model's, its shape settings must match.
func NewTrainer(m *Model, cfg Config, train, test *dataset.Set) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.checkTrainingMemory(); err != nil {
		return nil, err
	}
	mc := m.Config()
	if cfg.Condition != mc.Condition {
		return nil, fmt.Errorf("training settings are conditioned on %d classes, the model on %d", cfg.Condition, mc.Condition)
	}
	if cfg.Arch != mc.Arch || cfg.Latent != mc.Latent || cfg.Hidden != mc.Hidden || cfg.Loss != mc.Loss || cfg.Image() != mc.Image() {
		return nil, fmt.Errorf("training settings %s/L=%d/H=%d/%s/%s do not match the model's %s/L=%d/H=%d/%s/%s",
			cfg.Arch, cfg.Latent, cfg.Hidden, cfg.Loss, cfg.Image(), mc.Arch, mc.Latent, mc.Hidden, mc.Loss, mc.Image())
	}
	for _, s := range []*dataset.Set{train, test} {
		if s == nil || s.N == 0 {
			return nil, errors.New("training needs a training set and a test set with images in them")
		}
		if err := CheckImages(s, m.shape, "the training data"); err != nil {
			return nil, err
		}
		if mc.Conditional() {
			if err := m.checkLabels(s.Labels, s.N); err != nil {
				return nil, fmt.Errorf("the data's labels: %w", err)
			}
		}
	}
	return &Trainer{model: m, cfg: cfg, train: train, test: test, PreviewAfter: previewAfter,
		events: make(chan Event, eventBuffer), done: make(chan struct{})}, nil
}

// NewTrainer prepares to train m (see the function NewTrainer).
func (m *Model) NewTrainer(cfg Config, train, test *dataset.Set) (*Trainer, error) {
	return NewTrainer(m, cfg, train, test)
}

// Events delivers progress. It is closed after the EventDone event.
func (t *Trainer) Events() <-chan Event { return t.events }

// Done is closed when training has ended.
func (t *Trainer) Done() <-chan struct{} { return t.done }

// Wait blocks until training ends and returns why it ended: nil, the
// context's error, or the failure.
func (t *Trainer) Wait() error {
	<-t.done
	return t.err
}

// Pause holds training after the current step. Resume continues it.
func (t *Trainer) Pause() {
	t.pauseMu.Lock()
	defer t.pauseMu.Unlock()
	if !t.paused {
		t.paused = true
		t.resume = make(chan struct{})
	}
}

// Resume continues paused training.
func (t *Trainer) Resume() {
	t.pauseMu.Lock()
	defer t.pauseMu.Unlock()
	if t.paused {
		t.paused = false
		close(t.resume)
	}
}

// Paused reports whether training is paused.
func (t *Trainer) Paused() bool {
	t.pauseMu.Lock()
	defer t.pauseMu.Unlock()
	return t.paused
}

// waitIfPaused blocks while paused, returning the time spent, or the
// context's error.
func (t *Trainer) waitIfPaused(ctx context.Context) (time.Duration, error) {
	t.pauseMu.Lock()
	paused, resume := t.paused, t.resume
	t.pauseMu.Unlock()
	if !paused {
		return 0, nil
	}
	start := time.Now()
	select {
	case <-resume:
		return time.Since(start), nil
	case <-ctx.Done():
		return time.Since(start), ctx.Err()
	}
}

// Start runs training in a new goroutine, which exits when training ends
// (all epochs, ctx cancelled, or an error). Start may be called once.
func (t *Trainer) Start(ctx context.Context) {
	go func() {
		err := t.run(ctx)
		t.emit(Event{Kind: EventDone, Err: err}, true)
		if errors.Is(err, context.Canceled) && t.midEpoch {
			// Stopped inside an epoch: the model keeps the weights it
			// learnt, and its held-out statistics (the scatter, the
			// anomaly percentiles) are measured for them, as after an
			// epoch, then reported (EventCodes) after the end, so a
			// watcher sees the stop at once (in a browser, measuring
			// takes tens of seconds). Wait returns after it. The CLI and
			// the app both stop this way.
			if merr := t.model.MeasureHeldOut(t.test); merr != nil {
				err = fmt.Errorf("stopped; measuring the held-out images failed: %w", merr)
			} else {
				t.emit(Event{Kind: EventCodes}, true)
			}
		}
		t.err = err
		close(t.events)
		close(t.done)
	}()
}

func (t *Trainer) emit(ev Event, important bool) {
	if !important && cap(t.events)-len(t.events) <= eventReserve {
		return
	}
	select {
	case t.events <- ev:
	default: // a consumer that has stopped listening loses events, not us
	}
}

func (t *Trainer) run(ctx context.Context) (err error) {
	cfg := t.cfg
	size := t.model.size
	m := t.model
	params := m.Params()
	rng := rand.New(rand.NewSource(cfg.Seed))
	nt, err := buildNet(netTrain, cfg, params, cfg.Batch)
	if err != nil {
		return err
	}
	defer nt.close()
	opt := newAdam(params, cfg.LR)
	weights := make([][]float32, len(params.List))
	grads := make([][]float32, len(params.List))
	for i, p := range params.List {
		weights[i] = p.Data
	}

	n := t.train.N
	steps := (n + cfg.Batch - 1) / cfg.Batch
	labels := make([]uint8, cfg.Batch) // a conditional model's classes of the batch

	firstEpoch := len(m.History())
	preview := firstEpoch == 0 // a new model: its first codes inside epoch 1
	var previewTime time.Duration
	start := time.Now()
	var paused time.Duration
	var evalTime time.Duration // held-out evaluation, not counted in img/s
	lastPublish := start
	totalSteps := steps * cfg.Epochs
	// One BLAS thread while the user interacts (see NoteInteraction); as
	// many as OpenBLAS chose otherwise.
	threads := chosenBLASThreads()
	cur := blasThreads()
	defer func() {
		if cur != threads {
			setBLASThreads(threads)
		}
	}()

	// Stopped or finished, the model ends with the newest weights; after
	// a divergence it keeps what it had.
	defer func() {
		if !errors.Is(err, ErrDiverged) && params.allFinite() == nil {
			m.setWeights(params)
		}
	}()

	for e := 0; e < cfg.Epochs; e++ {
		epoch := firstEpoch + e
		epochStart := time.Now()
		epochPaused := paused
		nt.st.beta = float32(cfg.betaAt(epoch))
		perm := rng.Perm(n)
		var sumLoss float64
		for s := 0; s < steps; s++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			d, err := t.waitIfPaused(ctx)
			paused += d
			if err != nil {
				return err
			}
			want := threads
			if m.interacting() {
				want = 1
			}
			if want != cur {
				setBLASThreads(want)
				cur = want
			}
			lo, hi := s*cfg.Batch, min((s+1)*cfg.Batch, n)
			rows := hi - lo
			for r, idx := range perm[lo:hi] {
				t.train.ImageInto(idx, nt.xBuf[r*size:(r+1)*size])
				if nt.y != nil {
					labels[r] = t.train.Labels[idx]
				}
			}
			if err := nt.fillClasses(labels, 0, rows); err != nil {
				return err
			}
			// Padding rows of a short last batch repeat the first image;
			// the loss masks them out.
			for r := rows; r < cfg.Batch; r++ {
				copy(nt.xBuf[r*size:(r+1)*size], nt.xBuf[:size])
			}
			for i := range nt.epsBuf {
				nt.epsBuf[i] = float32(rng.NormFloat64())
			}
			nt.st.n = rows
			m.compute.Lock()
			err = nt.run()
			if err != nil {
				m.compute.Unlock()
				return fmt.Errorf("epoch %d step %d: %w", epoch+1, s+1, err)
			}
			loss := float64(nt.loss.Value().Data().(float32))
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				m.compute.Unlock()
				return fmt.Errorf("%w at epoch %d step %d: the loss became %v; the model keeps its last good weights (check the data for NaNs, or try a lower learning rate)",
					ErrDiverged, epoch+1, s+1, loss)
			}
			for i, g := range nt.grads {
				grads[i] = nodeData(g)
			}
			opt.lr = cfg.lrAt(e*steps+s, totalSteps)
			opt.step(weights, grads)
			m.compute.Unlock()
			Yield()
			sumLoss += loss * float64(rows)
			t.midEpoch = true

			now := time.Now()
			done := e*steps + s + 1
			elapsed := now.Sub(start) - paused
			ips := float64(e*n+hi) / (elapsed - evalTime).Seconds()
			if now.Sub(lastPublish) >= publishEvery {
				if params.allFinite() == nil {
					m.setWeights(params)
				}
				lastPublish = now
			}
			t.emit(Event{Kind: EventStep, Epoch: epoch + 1, Epochs: firstEpoch + cfg.Epochs, Step: s + 1, Steps: steps,
				Loss: loss, Rec: nt.st.rec / float64(rows), KL: nt.st.kl / float64(rows), Beta: float64(nt.st.beta),
				ImgPerSec: ips, Progress: float64(done) / float64(totalSteps), Elapsed: elapsed,
				ETA: eta(elapsed, done, totalSteps)}, false)
			if preview && e == 0 && 4*(s+1) >= steps && s+1 < steps && elapsed >= t.PreviewAfter {
				preview = false
				evalStart := time.Now()
				if params.allFinite() == nil {
					m.setWeights(params)
					if m.measureHeldOut(t.test) == nil {
						t.emit(Event{Kind: EventCodes, Epoch: epoch + 1, Epochs: firstEpoch + cfg.Epochs, Step: s + 1, Steps: steps,
							Progress: float64(done) / float64(totalSteps), Elapsed: elapsed}, true)
					}
				}
				evalTime += time.Since(evalStart)
				previewTime = time.Since(evalStart)
			}
		}

		if err := params.allFinite(); err != nil {
			return fmt.Errorf("%w at the end of epoch %d: %v; the model keeps its last good weights", ErrDiverged, epoch+1, err)
		}
		m.setWeights(params)
		lastPublish = time.Now()
		trainTime := time.Since(epochStart) - (paused - epochPaused) - previewTime // the preview is evaluation, not training
		previewTime = 0
		evalStart := time.Now()
		test, err := m.EvaluateSet(t.test, cfg.Seed+int64(epoch), nil)
		if err != nil {
			return fmt.Errorf("epoch %d: %w", epoch+1, err)
		}
		if err := m.measureHeldOut(t.test); err != nil {
			return fmt.Errorf("epoch %d: %w", epoch+1, err)
		}
		evalTime += time.Since(evalStart)
		t.midEpoch = false
		stats := EpochStats{Epoch: epoch + 1, TrainLoss: sumLoss / float64(n), TestELBO: test.ELBO, TestRec: test.Rec,
			TestKL: test.KL, ImgPerSec: float64(n) / trainTime.Seconds(), Seconds: trainTime.Seconds()}
		m.mu.Lock()
		m.history = append(m.history, stats)
		m.cfg.Epochs = len(m.history)
		m.cfg.Beta, m.cfg.LR, m.cfg.LRDecay, m.cfg.Batch, m.cfg.Warmup, m.cfg.Seed = cfg.Beta, cfg.LR, cfg.LRDecay, cfg.Batch, cfg.Warmup, cfg.Seed
		m.mu.Unlock()
		elapsed := time.Since(start) - paused
		done := (e + 1) * steps
		t.emit(Event{Kind: EventEpoch, Epoch: epoch + 1, Epochs: firstEpoch + cfg.Epochs, Step: steps, Steps: steps,
			Loss: stats.TrainLoss, Beta: float64(nt.st.beta), Test: test, ImgPerSec: stats.ImgPerSec,
			Progress: float64(done) / float64(totalSteps), Elapsed: elapsed, ETA: eta(elapsed, done, totalSteps)}, true)
	}
	return nil
}

func eta(elapsed time.Duration, done, total int) time.Duration {
	if done == 0 {
		return 0
	}
	return time.Duration(float64(elapsed) * float64(total-done) / float64(done))
}
