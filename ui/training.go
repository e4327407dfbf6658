package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// trainState is where training stands; the buttons follow it.
type trainState int

const (
	trainIdle trainState = iota
	trainLoading
	trainRunning
	trainPaused
)

func (st trainState) String() string {
	return [...]string{"idle", "loading", "running", "paused"}[st]
}

// plotFlushEvery is how often step events reach the plot, the progress and
// the decoded image while training: often enough to look live, rarely
// enough that repainting the window (every flush repaints all of it) does
// not eat the training's CPU. Measured on MNIST under Xvfb: at 150 ms the
// app trained at 0.6 of the headless speed, at 400 ms 0.86.
const plotFlushEvery = 400 * time.Millisecond

// Training runs training and owns everything about it: where it stands,
// the running job, the goroutine that carries its events to the UI, and
// the dataset it loaded (kept for the tools that need the same images).
// Only its methods change that state; the training panel, the status bar,
// the loss plot and the session observe it through the On… hooks. Use it
// on the UI goroutine.
type Training struct {
	eng dataTrainer
	do  func(func())
	s   *Session

	state trainState
	job   *trainJob // the run, nil when idle
	data  *dataset.Data
	keys  []string // what data was loaded from (dataset, folder, how it was read)
	// the run's images and dataset, for its status line
	images   int
	dataName string
	closed   atomic.Bool // the window is closing: ends change nothing more (Close may come from another goroutine in tests)

	stateObs []func(trainState)
	stepObs  []func([]vae.Event)
	epochObs []func(vae.Event)
	loadObs  []func(frac float64, what string)
	endObs   []func(err error)
	dataObs  []func(*dataset.Data)
}

// trainJob is a training run: its trainer (nil while the data loads), how
// to stop it, and the goroutine that carries its events to the UI.
type trainJob struct {
	run      vae.TrainingRun
	cancel   func()
	pumpDone chan struct{} // closed when the event pump exits (nil before it starts)
}

// TrainRequest is what the training panel asks for: the run's settings,
// how many images to train on (0: all), where the data comes from and,
// for a new model, how an image folder is read.
type TrainRequest struct {
	Config   vae.Config
	Limit    int
	Name     string // dataset.NameMNIST …, or "" for Folder
	Folder   string
	Read     dataset.FolderOptions
	Continue bool // train the session's model on; else a new one
	// Conditional makes the new model a conditional one (the data must
	// be labelled, of two classes or more).
	Conditional bool
}

func newTraining(eng dataTrainer, s *Session, do func(func())) *Training {
	return &Training{eng: eng, s: s, do: do}
}

// OnState registers f to run when training changes state.
func (t *Training) OnState(f func(trainState)) { t.stateObs = append(t.stateObs, f) }

// OnLoading registers f to receive the data's loading progress.
func (t *Training) OnLoading(f func(frac float64, what string)) { t.loadObs = append(t.loadObs, f) }

// OnSteps registers f to receive training steps, batched.
func (t *Training) OnSteps(f func([]vae.Event)) { t.stepObs = append(t.stepObs, f) }

// OnEpoch registers f to run after each epoch.
func (t *Training) OnEpoch(f func(vae.Event)) { t.epochObs = append(t.epochObs, f) }

// OnEnded registers f to run when a run (or the loading before it) ends:
// err is nil when it finished, context.Canceled when stopped.
func (t *Training) OnEnded(f func(err error)) { t.endObs = append(t.endObs, f) }

// OnData registers f to run when a dataset was loaded.
func (t *Training) OnData(f func(*dataset.Data)) { t.dataObs = append(t.dataObs, f) }

// Images is how many images of which dataset the run trains on.
func (t *Training) Images() (n int, data string) { return t.images, t.dataName }

// State is where training stands.
func (t *Training) State() trainState { return t.state }

// Data is the dataset loaded last (nil before any).
func (t *Training) Data() *dataset.Data { return t.data }

func (t *Training) setState(st trainState) {
	if t.state == st {
		return
	}
	t.state = st
	for _, f := range t.stateObs {
		f(st)
	}
}

// Check says what is wrong with r before anything is read.
func (t *Training) Check(r TrainRequest) (TrainRequest, error) {
	if r.Continue {
		m := t.s.Model()
		if m == nil {
			return r, errors.New("no model to continue")
		}
		r.Config = r.Config.Continuing(m.Config())
		r.Read = vae.FolderOptionsFor(m)
		return r, vae.CheckRun(r.Config, r.Limit, dataset.FolderOptions{})
	}
	read := r.Read
	if r.Name != "" {
		read = dataset.FolderOptions{} // no image folder: its settings do not apply
	}
	return r, vae.CheckRun(r.Config, r.Limit, read)
}

// Start loads the data (or takes it from the cache), then trains: a new
// model of r's settings, or the session's model when r.Continue. The run
// goes on its own goroutine; its events come back through the hooks.
func (t *Training) Start(r TrainRequest) error {
	if t.state != trainIdle {
		return errors.New("training is running: stop it first")
	}
	r, err := t.Check(r)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.job = &trainJob{cancel: cancel}
	t.setState(trainLoading)
	t.Load(ctx, r.Name, r.Folder, r.Read, func(frac float64, what string) {
		for _, f := range t.loadObs {
			f(frac, what)
		}
	}, func(d *dataset.Data, err error) {
		if err != nil {
			t.ended(err)
			return
		}
		t.begin(ctx, r, d)
	})
	return nil
}

// Load loads a dataset off the UI goroutine (or takes it from the cache),
// an image folder read with opt, reporting progress and then the result
// on the UI goroutine.
func (t *Training) Load(ctx context.Context, name, folder string, opt dataset.FolderOptions, progress func(frac float64, what string), done func(*dataset.Data, error)) {
	if t.Has(name, folder, opt) {
		done(t.data, nil)
		return
	}
	go func() {
		d, err := t.eng.LoadData(ctx, name, folder, opt, func(frac float64, what string) {
			t.do(func() { progress(frac, what) })
		})
		t.do(func() {
			if err == nil {
				// Also under the shape it was read at: the tools ask
				// for a folder in the model's shape, which a folder read
				// at its own ("auto") side and colours gave.
				t.data, t.keys = d, []string{dataKey(name, folder, opt)}
				if name == "" && d.Train != nil {
					t.keys = append(t.keys, dataKey(name, folder, dataset.FolderOptions{Side: d.Train.Rows, Channels: d.Train.Depth(), Mode: d.Mode()}))
				}
				for _, f := range t.dataObs {
					f(d)
				}
			}
			done(d, err)
		})
	}()
}

// Has says whether that data is loaded (Load gives it at once).
func (t *Training) Has(name, folder string, opt dataset.FolderOptions) bool {
	return t.data != nil && slices.Contains(t.keys, dataKey(name, folder, opt))
}

// dataKey names a dataset, or an image folder read with opt.
func dataKey(name, folder string, opt dataset.FolderOptions) string {
	key := name + "\x00" + folder
	if name == "" {
		key += fmt.Sprintf("\x00%d/%d/%s", opt.Side, opt.Channels, opt.Mode)
	}
	return key
}

// begin runs on the UI goroutine once the data is in.
func (t *Training) begin(ctx context.Context, r TrainRequest, d *dataset.Data) {
	if ctx.Err() != nil || t.job == nil {
		t.ended(context.Canceled)
		return
	}
	cfg := r.Config
	cfg.Dataset = d.Name
	m := t.s.Raw()
	if !r.Continue {
		var err error
		if cfg, err = cfg.ForData(d.Train, d.Name, d.Mode(), r.Conditional); err != nil {
			t.ended(err)
			return
		}
		if m, err = t.eng.NewModel(cfg); err != nil {
			t.ended(err)
			return
		}
		t.s.SetModel(m, "", "unsaved model")
	}
	train := d.Train.Subset(r.Limit)
	run, err := t.eng.Train(ctx, m, cfg, &dataset.Data{Name: d.Name, Train: train, Test: d.Test})
	if err != nil {
		t.ended(err)
		return
	}
	t.job.run = run
	t.job.pumpDone = make(chan struct{})
	t.images, t.dataName = train.N, d.Name
	t.s.MarkDirty()
	t.setState(trainRunning)
	go t.pump(run, t.job.pumpDone)
}

// pump carries training events to the UI goroutine: steps batched every
// plotFlushEvery, epochs and the end at once. It exits when the run's
// event channel closes.
func (t *Training) pump(run vae.TrainingRun, done chan struct{}) {
	defer close(done)
	var steps []vae.Event
	last := time.Now()
	flush := func() {
		batch := steps
		steps = nil
		last = time.Now()
		t.do(func() { t.steps(batch) })
	}
	for ev := range run.Events() {
		switch ev.Kind {
		case vae.EventStep:
			steps = append(steps, ev)
			if time.Since(last) >= plotFlushEvery {
				flush()
			}
		case vae.EventCodes:
			// A new model's first codes inside its first epoch, or the
			// codes of a run stopped inside an epoch (after its end).
			t.do(func() {
				if !t.closed.Load() {
					t.s.WeightsChanged()
				}
			})
		case vae.EventEpoch:
			if len(steps) > 0 {
				flush()
			}
			t.do(func() {
				for _, f := range t.epochObs {
					f(ev)
				}
				t.s.EpochEnded()
			})
		case vae.EventDone:
			if len(steps) > 0 {
				flush()
			}
			t.do(func() { t.ended(ev.Err) })
		}
	}
}

func (t *Training) steps(evs []vae.Event) {
	if len(evs) == 0 || t.state == trainIdle {
		return
	}
	for _, f := range t.stepObs {
		f(evs)
	}
}

// ended runs on the UI goroutine when training (or loading its data) ends
// for any reason.
func (t *Training) ended(err error) {
	if t.job != nil {
		t.job.cancel()
		t.job = nil
	}
	t.setState(trainIdle)
	if t.closed.Load() {
		return
	}
	for _, f := range t.endObs {
		f(err)
	}
	t.s.WeightsChanged()
}

// Pause holds training after the current step.
func (t *Training) Pause() bool {
	if t.job == nil || t.job.run == nil || t.state != trainRunning {
		return false
	}
	t.job.run.Pause()
	t.setState(trainPaused)
	return true
}

// Resume continues paused training.
func (t *Training) Resume() bool {
	if t.job == nil || t.job.run == nil || t.state != trainPaused {
		return false
	}
	t.job.run.Resume()
	t.setState(trainRunning)
	return true
}

// Stop stops training (or the data loading before it); it reports
// whether there was anything to stop. The end arrives through OnEnded.
func (t *Training) Stop() bool {
	if t.job == nil {
		return false
	}
	t.job.cancel()
	return true
}

// Close stops training and returns a channel closed once its goroutines
// are done (closed at once when none runs).
func (t *Training) Close() <-chan struct{} {
	t.closed.Store(true)
	j := t.job
	if j != nil {
		j.cancel()
	}
	if j == nil || j.pumpDone == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return j.pumpDone
}
