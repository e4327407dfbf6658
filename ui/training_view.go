package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"vaeexplorer/vae/msg"

	"fyne.io/fyne/v2/dialog"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// The explorer's side of training: the panel's buttons start, pause and
// stop the Training controller, and the views follow its hooks.

// StartTraining trains a model with the form's settings: a new one, or
// the current one when "Continue" is ticked. Data loads (or downloads)
// first, with its own progress; training then runs on its own goroutine.
// The user's point stays where it is.
func (e *Explorer) StartTraining() {
	if e.Training.State() != trainIdle {
		return
	}
	r, err := e.Train.Request()
	if err == nil {
		r, err = e.Training.Check(r)
	}
	if err != nil {
		e.showError(err)
		return
	}
	start := func() {
		e.saveForm()
		if err := e.Training.Start(r); err != nil {
			e.showError(err)
		}
	}
	if r.Continue {
		start()
	} else {
		e.Models.confirmDiscard(start)
	}
}

// PauseTraining holds training after the current step.
func (e *Explorer) PauseTraining() {
	if e.Training.Pause() {
		e.setStatus("Training paused: press Resume or Space to go on")
	}
}

// ResumeTraining continues paused training.
func (e *Explorer) ResumeTraining() {
	if e.Training.Resume() {
		e.setStatus("Training resumed")
	}
}

// TogglePause pauses running training or resumes paused training.
func (e *Explorer) TogglePause() {
	switch e.Training.State() {
	case trainRunning:
		e.PauseTraining()
	case trainPaused:
		e.ResumeTraining()
	}
}

// StopTraining stops training (or the data loading before it).
func (e *Explorer) StopTraining() {
	if e.Training.Stop() {
		e.Bar.Training.SetText("Stopping…")
	}
}

// loadData loads the dataset chosen in the training panel (or takes it
// from the cache), an image folder in the current model's shape, for the
// tools; progress and done run on the UI goroutine.
func (e *Explorer) loadData(ctx context.Context, progress func(frac float64, what string), done func(*dataset.Data, error)) {
	var opt dataset.FolderOptions
	if m := e.Session.Model(); m != nil {
		opt = vae.FolderOptionsFor(m)
	}
	name, folder := e.Train.Source()
	if !e.Training.Has(name, folder, opt) {
		e.setStatus("Loading " + e.Train.Dataset.Selected + "…")
	}
	e.Training.Load(ctx, name, folder, opt, progress, done)
}

// observeTraining has the views follow the Training controller.
func (e *Explorer) observeTraining() {
	t := e.Training
	t.OnState(func(st trainState) {
		e.Train.ShowState(st)
		unfocusDisabled(e.Window.Canvas())
		e.Bar.SetTraining(st)
		if st == trainRunning {
			if n, name := t.Images(); n > 0 {
				e.setStatus(fmt.Sprintf("Training on %d images of %s…", n, nameOr(name, "data")))
			}
		}
	})
	t.OnLoading(e.Bar.ShowLoading)
	t.OnData(func(d *dataset.Data) {
		msg := fmt.Sprintf("Loaded %s: %d training and %d held-out images", d.Name, d.Train.N, d.Test.N)
		if r := d.Report; r != nil {
			msg = fmt.Sprintf("Loaded %s: %s", d.Name, r.Summary())
			if len(r.Skipped) > 0 {
				dialog.ShowInformation(fmt.Sprintf("%d files skipped", len(r.Skipped)),
					"These files could not be read and were left out:\n"+strings.Join(r.SkippedLines(10), "\n"), e.Window)
			}
		}
		e.setStatus(msg)
		e.PlaneCtl.refreshThumbs()                       // the held-out images may be here now
		e.refreshDisentanglement()                       // and their attributes
		e.tools.later(e.Compare, e.Compare.Update, true) // the two models' MIG
	})
	t.OnSteps(func(evs []vae.Event) {
		for _, ev := range evs {
			e.Plot.AddStep(float64(ev.Epoch-1)+float64(ev.Step)/float64(ev.Steps), ev.Loss)
		}
		e.Plot.Refresh()
		if t.State() == trainRunning {
			e.Bar.ShowStep(evs[len(evs)-1])
		}
		e.Point.Decode(false) // the weights moved: show what the point decodes to now
	})
	t.OnEpoch(func(ev vae.Event) {
		e.Plot.AddEpoch(ev.Epoch, ev.Test.ELBO, ev.Test.Rec, ev.Test.KL)
		e.Plot.Refresh()
		e.Bar.ShowStep(ev)
		e.setStatus(fmt.Sprintf("Epoch %d of %d: held-out -ELBO %.1f nats (reconstruction %.1f + KL %.1f), %.0f img/s",
			ev.Epoch, ev.Epochs, ev.Test.ELBO, ev.Test.Rec, ev.Test.KL, ev.ImgPerSec))
		if os.Getenv("VAE_EXPLORER_TIMING") != "" {
			fmt.Fprintf(os.Stderr, "timing: epoch %d %.0f img/s held-out -ELBO %.2f\n", ev.Epoch, ev.ImgPerSec, ev.Test.ELBO)
		}
	})
	t.OnEnded(func(err error) {
		switch {
		case err == nil:
			e.Bar.Ended("Finished", true)
			e.setStatus("Training finished. " + e.docs.saveHint())
		case errors.Is(err, context.Canceled):
			e.Bar.Ended("Stopped", false)
			e.setStatus("Training stopped; the model keeps what it learnt so far.")
		default:
			e.Bar.Ended("Failed", false)
			e.showError(err)
			dialog.ShowError(errors.New(msg.Line(err.Error())), e.Window)
		}
	})
}
