package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// Augmentation output formats.
const (
	augIdx = "idx dataset folder"
	augPNG = "PNG class folders"
)

// showAugment asks how many images to generate per class, how, and where
// to write them, then runs Augment with a progress dialog.
func (e *Explorer) showAugment() {
	per := widget.NewEntry()
	per.SetText("100")
	sigma := widget.NewEntry()
	sigma.SetText("1")
	mode := widget.NewSelect([]string{vae.AugmentMean, vae.AugmentJitter}, func(m string) {
		// Each mode's usual spread, unless the user typed another.
		if m == vae.AugmentJitter && sigma.Text == "1" {
			sigma.SetText("0.3")
		} else if m == vae.AugmentMean && sigma.Text == "0.3" {
			sigma.SetText("1")
		}
	})
	mode.SetSelected(vae.AugmentMean)
	format := widget.NewRadioGroup([]string{augIdx, augPNG}, nil)
	format.SetSelected(augIdx)
	if m := e.Session.Model(); m != nil && m.Image().Channels != 1 {
		// idx files hold grey images only.
		format.SetSelected(augPNG)
		format.Disable()
	}
	// The folder is typed or chosen; Export stays off until there is one
	// (the dialog closed on Export and the form was lost).
	folder := widget.NewEntry()
	folder.SetPlaceHolder("type or choose a folder")
	folder.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("choose the folder to write into")
		}
		return nil
	}
	choose := widget.NewButton("Choose…", func() {
		dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				folder.SetText(u.Path())
			}
		}, e.Window)
	})
	source := e.Train.Dataset.Selected
	if e.Train.folderChosen() {
		source = e.Train.Folder
	}
	hint := widget.NewLabel(fmt.Sprintf("Seeds the classes with the training images of the dataset chosen in the Dataset section (%s). "+
		"mean: codes around each class's mean, sigma times its spread; jitter: real images' codes moved by sigma. "+
		"An idx folder also gets the source's held-out files, so it trains like any dataset.", source))
	hint.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem("Images per class", per),
		widget.NewFormItem("Mode", mode),
		widget.NewFormItem("Sigma", sigma),
		widget.NewFormItem("Format", format),
		widget.NewFormItem("Into folder", folder), // the form validates it: an item of its own
		widget.NewFormItem("", container.NewHBox(choose)),
		widget.NewFormItem("", hint),
	}
	d := dialog.NewForm("Export augmented images", "Export", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		n, err1 := strconv.Atoi(strings.TrimSpace(per.Text))
		s, err2 := strconv.ParseFloat(strings.TrimSpace(sigma.Text), 64)
		switch {
		case err1 != nil:
			e.showError(fmt.Errorf("images per class: %q is not a whole number", per.Text))
		case err2 != nil:
			e.showError(fmt.Errorf("sigma: %q is not a number", sigma.Text))
		default:
			e.runAugmentDialog(vae.AugmentOptions{PerClass: n, Mode: mode.Selected, Sigma: s, Seed: 1}, format.Selected == augPNG, strings.TrimSpace(folder.Text))
		}
	}, e.Window)
	submitOnEnter(d.Submit, per, sigma, folder)
	d.Resize(fyne.NewSize(560, 420))
	d.Show()
}

// runAugmentDialog runs Augment behind a progress dialog whose Cancel
// stops it.
func (e *Explorer) runAugmentDialog(opt vae.AugmentOptions, pngs bool, dir string) {
	// Until a step reports its share (reading a dataset does not), the bar
	// moves without a figure rather than sitting at 0 %.
	bar, busy := widget.NewProgressBar(), widget.NewProgressBarInfinite()
	bar.Hide()
	what := widget.NewLabel("Loading the dataset…")
	var cancel func()
	d := progressDialog("Exporting augmented images", container.NewVBox(what, bar, busy), e.Window)
	d.SetOnClosed(func() {
		if cancel != nil {
			cancel()
		}
	})
	d.Resize(fyne.NewSize(420, 160))
	d.Show()
	cancel = e.Augment(opt, pngs, dir, func(frac float64, text string) {
		if frac > 0 && frac < 1 && busy.Visible() {
			busy.Stop()
			busy.Hide()
			bar.Show()
		}
		bar.SetValue(frac)
		what.SetText(text)
	}, func(n int, err error) {
		cancel = nil
		busy.Stop()
		d.Hide()
		if err != nil {
			if !strings.HasPrefix(err.Error(), "augmentation") { // the engine's own messages say it
				err = fmt.Errorf("augmentation: %w", err)
			}
			e.showError(err)
			return
		}
		e.setStatus(fmt.Sprintf("Wrote %d new images to %s", n, dir))
	})
}

// augmenter is a model that can generate labelled images around a
// dataset's class codes and write them into a folder (vae.Model's
// AugmentInto, which the CLI's augment runs too).
type augmenter interface {
	AugmentInto(ctx context.Context, train, test *dataset.Set, opt vae.AugmentOptions, format, dir string, progress func(frac float64, what string)) (*vae.AugmentResult, error)
}

// Augment generates opt.PerClass images per class from the training
// panel's dataset with the current model and writes them into dir (an
// idx dataset folder, or PNG class folders), off the UI goroutine.
// progress and done run on the UI goroutine; the returned function
// cancels. A folder that already holds what this would write is refused
// before anything runs.
func (e *Explorer) Augment(opt vae.AugmentOptions, pngs bool, dir string, progress func(frac float64, what string), done func(n int, err error)) (cancel func()) {
	ctx, cancel := context.WithCancel(context.Background())
	m := e.Session.Model()
	am, ok := m.(augmenter)
	if !ok {
		done(0, errNoEncoder)
		return cancel
	}
	format := vae.AugmentIdx
	if pngs {
		format = vae.AugmentPNG
	}
	if err := vae.CheckAugment(m.Image(), opt, format, dir); err != nil {
		done(0, err)
		return cancel
	}
	e.loadData(ctx, progress, func(d *dataset.Data, err error) {
		if err != nil {
			done(0, err)
			return
		}
		go func() {
			res, err := am.AugmentInto(ctx, d.Train, d.Test, opt, format, dir, func(frac float64, what string) {
				e.do(func() { progress(frac, what) })
			})
			n := 0
			if res != nil {
				n = res.Images
			}
			e.do(func() { done(n, err) })
		}()
	})
	return cancel
}
