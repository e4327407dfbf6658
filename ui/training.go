package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2/dialog"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// plotFlushEvery is how often step events reach the plot, the progress and
// the decoded image while training: often enough to look live, rarely
// enough that repainting the window (every flush repaints all of it) does
// not eat the training's CPU. Measured on MNIST under Xvfb: at 150 ms the
// app trained at 0.6 of the headless speed, at 400 ms 0.86.
const plotFlushEvery = 400 * time.Millisecond

// StartTraining trains a model with the form's settings: a new one, or
// the current one when "Continue" is ticked. Data loads (or downloads)
// first, with its own progress; training then runs on its own goroutine.
// The user's point stays where it is.
func (e *Explorer) StartTraining() {
	s := e.Session
	if s.Training() != trainIdle {
		return
	}
	cfg, limit, err := e.Train.Config()
	if err != nil {
		e.showError(err)
		return
	}
	cont := e.Train.Continue.Checked
	// An image folder is read at the panel's shape for a new model, at
	// the model's to continue it.
	folder, err := e.Train.FolderOptions()
	if err == nil && !cont && folder.Side != 0 && e.Train.Dataset.Selected == DataFolder {
		// Before reading anything: the architecture may not take it.
		err = cfg.WithImage(vae.Shape{Side: folder.Side, Channels: max(folder.Channels, 1)}).Validate()
	}
	if err != nil {
		e.showError(err)
		return
	}
	if cont {
		mc := s.Model().Config()
		cfg.Arch, cfg.Latent, cfg.Hidden, cfg.Loss = mc.Arch, mc.Latent, mc.Hidden, mc.Loss
		cfg = cfg.WithImage(mc.Image())
		cfg.Classes, cfg.Preprocess = mc.Classes, mc.Preprocess
		folder = modelFolder(s.Model())
	}
	start := func() {
		e.saveForm()
		ctx, cancel := context.WithCancel(context.Background())
		s.job = &trainJob{cancel: cancel}
		s.setTraining(trainLoading)
		e.loadTrainDataAs(ctx, folder, e.Bar.ShowLoading, func(d *Data, err error) {
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
// goroutine (or takes it from the cache), an image folder in the current
// model's shape, reporting progress and then the result on the UI
// goroutine.
func (e *Explorer) loadTrainData(ctx context.Context, progress func(frac float64, what string), done func(*Data, error)) {
	e.loadTrainDataAs(ctx, modelFolder(e.Session.Model()), progress, done)
}

// loadTrainDataAs is loadTrainData reading an image folder with opt.
func (e *Explorer) loadTrainDataAs(ctx context.Context, opt dataset.FolderOptions, progress func(frac float64, what string), done func(*Data, error)) {
	choice, folder := e.Train.Dataset.Selected, e.Train.Folder
	key := choice + "\x00" + folder
	if choice == DataFolder {
		key += fmt.Sprintf("\x00%d/%d/%s", opt.Side, opt.Channels, opt.Mode)
	}
	if e.data != nil && e.dataKey == key {
		done(e.data, nil)
		return
	}
	e.setStatus("Loading " + choice + "…")
	go func() {
		d, err := e.engine.LoadData(ctx, choice, folder, opt, func(frac float64, what string) {
			e.do(func() { progress(frac, what) })
		})
		e.do(func() {
			if err == nil {
				e.data, e.dataKey = d, key
				msg := fmt.Sprintf("Loaded %s: %d training and %d held-out images", d.Name, d.Train.N, d.Test.N)
				if r := d.Report; r != nil {
					msg = fmt.Sprintf("Loaded %s: %s", d.Name, r.Summary())
					if len(r.Skipped) > 0 {
						dialog.ShowInformation(fmt.Sprintf("%d files skipped", len(r.Skipped)),
							"These files could not be read and were left out:\n"+skippedList(r), e.Window)
					}
				}
				e.setStatus(msg)
			}
			done(d, err)
		})
	}()
}

// modelFolder reads image folders as m reads images: its shape and
// preprocessing (the default shape when there is no model).
func modelFolder(m Model) dataset.FolderOptions {
	if m == nil {
		return dataset.FolderOptions{}
	}
	t := targetOf(m)
	return dataset.FolderOptions{Side: t.Side, Channels: t.Channels, Mode: t.Mode}
}

// beginTraining runs on the UI goroutine once the data is in.
func (e *Explorer) beginTraining(ctx context.Context, cfg vae.Config, limit int, cont bool, d *Data) {
	s := e.Session
	if ctx.Err() != nil || s.job == nil {
		e.trainingEnded(context.Canceled)
		return
	}
	train := d.Train.Subset(limit)
	cfg.Dataset = d.Name
	m := s.Model()
	if !cont {
		// A new model reads the data's shape; an image folder's classes
		// and preprocessing go with it.
		cfg = cfg.WithImage(vae.Shape{Side: d.Train.Rows, Channels: d.Train.Depth()})
		cfg.Classes, cfg.Preprocess = nil, ""
		if r := d.Report; r != nil {
			cfg.Classes, cfg.Preprocess = r.Classes, r.Mode
		}
		if err := cfg.Validate(); err != nil {
			e.trainingEnded(err)
			return
		}
		var err error
		if m, err = e.engine.NewModel(cfg); err != nil {
			e.trainingEnded(err)
			return
		}
		s.SetModel(m, "", "unsaved model")
	}
	t, err := e.engine.Train(ctx, m, cfg, &Data{Name: d.Name, Train: train, Test: d.Test})
	if err != nil {
		e.trainingEnded(err)
		return
	}
	s.job.trainer = t
	s.job.pumpDone = make(chan struct{})
	s.MarkDirty()
	s.setTraining(trainRunning)
	e.setStatus(fmt.Sprintf("Training on %d images of %s…", train.N, nameOr(d.Name, "data")))
	go e.pump(t, s.job.pumpDone)
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
	if len(evs) == 0 || e.Session.Training() == trainIdle {
		return
	}
	for _, ev := range evs {
		e.Plot.AddStep(float64(ev.Epoch-1)+float64(ev.Step)/float64(ev.Steps), ev.Loss)
	}
	e.Plot.Refresh()
	if e.Session.Training() == trainRunning {
		e.Bar.ShowStep(evs[len(evs)-1])
	}
	e.requestDecode(false) // the weights moved: show what the point decodes to now
}

func (e *Explorer) showEpoch(ev vae.Event) {
	e.Plot.AddEpoch(ev.Epoch, ev.Test.ELBO, ev.Test.Rec, ev.Test.KL)
	e.Plot.Refresh()
	e.Bar.ShowStep(ev)
	e.Session.WeightsChanged()
	e.setStatus(fmt.Sprintf("Epoch %d of %d: held-out -ELBO %.1f nats (reconstruction %.1f + KL %.1f), %.0f img/s",
		ev.Epoch, ev.Epochs, ev.Test.ELBO, ev.Test.Rec, ev.Test.KL, ev.ImgPerSec))
	if os.Getenv("VAE_EXPLORER_TIMING") != "" {
		fmt.Fprintf(os.Stderr, "timing: epoch %d %.0f img/s held-out -ELBO %.2f\n", ev.Epoch, ev.ImgPerSec, ev.Test.ELBO)
	}
}

// trainingEnded runs on the UI goroutine when training (or loading its
// data) ends for any reason.
func (e *Explorer) trainingEnded(err error) {
	s := e.Session
	stopped := errors.Is(err, context.Canceled)
	if s.job != nil {
		s.job.cancel()
		s.job = nil
	}
	s.setTraining(trainIdle)
	if e.closing {
		return
	}
	switch {
	case err == nil:
		e.Bar.Ended("Finished", true)
		if e.browser != nil {
			e.setStatus("Training finished. Download the model with Ctrl+S.")
		} else {
			e.setStatus("Training finished. Save the model with Ctrl+S.")
		}
	case stopped:
		e.Bar.Ended("Stopped", false)
		e.setStatus("Training stopped; the model keeps what it learnt so far.")
	default:
		e.Bar.Ended("Failed", false)
		e.showError(err)
		dialog.ShowError(err, e.Window)
	}
	s.WeightsChanged()
}

// PauseTraining holds training after the current step.
func (e *Explorer) PauseTraining() {
	s := e.Session
	if s.job == nil || s.job.trainer == nil || s.Training() != trainRunning {
		return
	}
	s.job.trainer.Pause()
	s.setTraining(trainPaused)
	e.setStatus("Training paused: press Resume or Space to go on")
}

// ResumeTraining continues paused training.
func (e *Explorer) ResumeTraining() {
	s := e.Session
	if s.job == nil || s.job.trainer == nil || s.Training() != trainPaused {
		return
	}
	s.job.trainer.Resume()
	s.setTraining(trainRunning)
	e.setStatus("Training resumed")
}

// TogglePause pauses running training or resumes paused training.
func (e *Explorer) TogglePause() {
	switch e.Session.Training() {
	case trainRunning:
		e.PauseTraining()
	case trainPaused:
		e.ResumeTraining()
	}
}

// StopTraining stops training (or the data loading before it).
func (e *Explorer) StopTraining() {
	if j := e.Session.job; j != nil {
		j.cancel()
		e.Bar.Training.SetText("Stopping…")
	}
}
