package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2/dialog"

	"vaeexplorer/vae"
)

// plotFlushEvery is how often step events reach the plot and the decoded
// image while training: often enough to look live, rarely enough that
// the UI goroutine stays free for the mouse.
const plotFlushEvery = 150 * time.Millisecond

// StartTraining trains a model with the form's settings: a new one, or
// the current one when "Continue" is ticked. Data loads (or downloads)
// first, with its own progress; training then runs on its own goroutine.
func (e *Explorer) StartTraining() {
	if e.Train.State() != trainIdle {
		return
	}
	cfg, limit, err := e.Train.Config()
	if err != nil {
		e.showError(err)
		return
	}
	cont := e.Train.Continue.Checked
	if cont {
		mc := e.model.Config()
		cfg.Arch, cfg.Latent, cfg.Hidden, cfg.Loss = mc.Arch, mc.Latent, mc.Hidden, mc.Loss
	}
	start := func() {
		e.saveForm()
		ctx, cancel := context.WithCancel(context.Background())
		e.cancelTrain = cancel
		e.Train.SetState(trainLoading)
		e.Train.Progress.SetValue(0)
		e.loadTrainData(ctx, func(frac float64, what string) {
			e.Train.Progress.SetValue(frac)
			e.Train.Status.SetText(what)
		}, func(d *Data, err error) {
			if err != nil {
				e.trainingEnded(err)
				return
			}
			e.beginTraining(ctx, cfg, limit, cont, d)
		})
	}
	if cont {
		start()
	} else {
		e.confirmDiscard(start)
	}
}

// loadTrainData loads the dataset chosen in the training panel off the UI
// goroutine (or takes it from the cache), reporting progress and then the
// result on the UI goroutine.
func (e *Explorer) loadTrainData(ctx context.Context, progress func(frac float64, what string), done func(*Data, error)) {
	choice, folder := e.Train.Dataset.Selected, e.Train.Folder
	key := choice + "\x00" + folder
	if e.data != nil && e.dataKey == key {
		done(e.data, nil)
		return
	}
	e.setStatus("Loading " + choice + "…")
	go func() {
		d, err := e.engine.LoadData(ctx, choice, folder, func(frac float64, what string) {
			e.do(func() { progress(frac, what) })
		})
		e.do(func() {
			if err == nil {
				e.data, e.dataKey = d, key
				e.setStatus(fmt.Sprintf("Loaded %s: %d training and %d held-out images", d.Name, d.Train.N, d.Test.N))
			}
			done(d, err)
		})
	}()
}

// beginTraining runs on the UI goroutine once the data is in.
func (e *Explorer) beginTraining(ctx context.Context, cfg vae.Config, limit int, cont bool, d *Data) {
	if ctx.Err() != nil {
		e.trainingEnded(ctx.Err())
		return
	}
	train := d.Train.Subset(limit)
	cfg.Dataset = d.Name
	m := e.model
	if !cont {
		var err error
		if m, err = e.engine.NewModel(cfg); err != nil {
			e.trainingEnded(err)
			return
		}
		e.SetModel(m, "")
		e.modelName = "unsaved model"
	}
	t, err := e.engine.Train(ctx, m, cfg, &Data{Name: d.Name, Train: train, Test: d.Test})
	if err != nil {
		e.trainingEnded(err)
		return
	}
	e.trainer = t
	e.dirty = true
	e.updateTitle()
	e.Train.SetState(trainRunning)
	e.setStatus(fmt.Sprintf("Training on %d images of %s…", train.N, nameOr(d.Name, "data")))
	e.pumpDone = make(chan struct{})
	go e.pump(t, e.pumpDone)
}

// pump carries training events to the UI goroutine: steps batched every
// plotFlushEvery, epochs and the end at once. It exits when the trainer's
// event channel closes.
func (e *Explorer) pump(t Trainer, done chan struct{}) {
	defer close(done)
	var steps []vae.Event
	last := time.Now()
	flush := func() {
		batch := steps
		steps = nil
		last = time.Now()
		e.do(func() { e.showSteps(batch) })
	}
	for ev := range t.Events() {
		switch ev.Kind {
		case vae.EventStep:
			steps = append(steps, ev)
			if time.Since(last) >= plotFlushEvery {
				flush()
			}
		case vae.EventEpoch:
			if len(steps) > 0 {
				flush()
			}
			e.do(func() { e.showEpoch(ev) })
		case vae.EventDone:
			if len(steps) > 0 {
				flush()
			}
			e.do(func() { e.trainingEnded(ev.Err) })
		}
	}
}

func (e *Explorer) showSteps(evs []vae.Event) {
	if len(evs) == 0 || e.trainer == nil {
		return
	}
	for _, ev := range evs {
		e.Plot.AddStep(float64(ev.Epoch-1)+float64(ev.Step)/float64(ev.Steps), ev.Loss)
	}
	e.Plot.Refresh()
	ev := evs[len(evs)-1]
	e.Train.Progress.SetValue(ev.Progress)
	if e.Train.State() == trainRunning {
		e.Train.Status.SetText(fmt.Sprintf("Epoch %d of %d · step %d/%d · loss %.1f · %.0f img/s · ETA %s",
			ev.Epoch, ev.Epochs, ev.Step, ev.Steps, ev.Loss, ev.ImgPerSec, fmtETA(ev.ETA)))
	}
	e.requestDecode() // the weights moved: show what the point decodes to now
}

func (e *Explorer) showEpoch(ev vae.Event) {
	e.Plot.AddEpoch(ev.Epoch, ev.Test.ELBO, ev.Test.Rec, ev.Test.KL)
	e.Plot.Refresh()
	e.Train.Progress.SetValue(ev.Progress)
	e.refreshModelViews()
	e.reanalyse()
	e.setStatus(fmt.Sprintf("Epoch %d of %d: held-out -ELBO %.1f nats (reconstruction %.1f + KL %.1f), %.0f img/s",
		ev.Epoch, ev.Epochs, ev.Test.ELBO, ev.Test.Rec, ev.Test.KL, ev.ImgPerSec))
}

// trainingEnded runs on the UI goroutine when training (or loading its
// data) ends for any reason.
func (e *Explorer) trainingEnded(err error) {
	stopped := errors.Is(err, context.Canceled)
	e.trainer = nil
	if e.cancelTrain != nil {
		e.cancelTrain()
		e.cancelTrain = nil
	}
	e.Train.SetState(trainIdle)
	if e.closing {
		return
	}
	switch {
	case err == nil:
		e.Train.Progress.SetValue(1)
		e.setStatus("Training finished. Save the model with Ctrl+S.")
		e.Train.Status.SetText("Finished")
	case stopped:
		e.setStatus("Training stopped; the model keeps what it learnt so far.")
		e.Train.Status.SetText("Stopped")
	default:
		e.showError(err)
		e.Train.Status.SetText("Failed: " + err.Error())
		dialog.ShowError(err, e.Window)
	}
	e.refreshModelViews()
}

// PauseTraining holds training after the current step.
func (e *Explorer) PauseTraining() {
	if e.trainer == nil || e.Train.State() != trainRunning {
		return
	}
	e.trainer.Pause()
	e.Train.SetState(trainPaused)
	e.Train.Status.SetText("Paused")
	e.setStatus("Training paused: press Resume or Space to go on")
}

// ResumeTraining continues paused training.
func (e *Explorer) ResumeTraining() {
	if e.trainer == nil || e.Train.State() != trainPaused {
		return
	}
	e.trainer.Resume()
	e.Train.SetState(trainRunning)
	e.setStatus("Training resumed")
}

// TogglePause pauses running training or resumes paused training.
func (e *Explorer) TogglePause() {
	switch e.Train.State() {
	case trainRunning:
		e.PauseTraining()
	case trainPaused:
		e.ResumeTraining()
	}
}

// StopTraining stops training (or the data loading before it).
func (e *Explorer) StopTraining() {
	if e.cancelTrain != nil {
		e.cancelTrain()
		e.Train.Status.SetText("Stopping…")
	}
}

func fmtETA(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
