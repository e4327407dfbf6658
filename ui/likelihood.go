package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// likelihoodCard is the model card's importance-weighted estimate of
// -log p(x): computed on demand (it decodes K samples per held-out image),
// shown until the weights change.
type likelihoodCard struct {
	e      *Explorer
	result *widget.Label
	button *widget.Button
	// gen counts weight changes, so a result that finishes after the
	// model moved on is dropped.
	gen int
	// cancel stops the estimate running, as its dialog's Cancel does.
	cancel func()
}

// likelihoodKs are the sample counts offered, with what each costs.
var likelihoodKs = []string{"50", "1000", "5000"}

func newLikelihoodCard(e *Explorer) *likelihoodCard {
	c := &likelihoodCard{e: e, result: widget.NewLabel("")}
	c.result.Wrapping = fyne.TextWrapWord
	c.result.Hide()
	c.button = widget.NewButton("Estimate log-likelihood…", c.ask)
	clear := func() {
		c.gen++
		c.result.SetText("")
		c.result.Hide()
	}
	e.Session.OnModel(clear)
	e.Session.OnWeights(clear)
	return c
}

func (c *likelihoodCard) objects() fyne.CanvasObject {
	return container.NewVBox(c.result, c.button)
}

// ask chooses K and how many held-out images, then runs the estimate.
func (c *likelihoodCard) ask() {
	k := widget.NewSelect(likelihoodKs, nil)
	k.SetSelected(likelihoodKs[0])
	n := widget.NewSelect([]string{"1000", "all"}, nil)
	n.SetSelected("1000")
	hint := widget.NewLabel("The IWAE bound (Burda et al. 2016): K importance samples of z per held-out image of the " +
		"dataset chosen in the Dataset section. At or below the -ELBO, tighter as K grows. " +
		"K = 1000 on 10,000 images decodes ten million samples: minutes.")
	hint.Wrapping = fyne.TextWrapWord
	d := dialog.NewForm("Estimate log-likelihood", "Estimate", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Samples per image (K)", k),
		widget.NewFormItem("Held-out images", n),
		widget.NewFormItem("", hint),
	}, func(ok bool) {
		if !ok {
			return
		}
		kv, _ := strconv.Atoi(k.Selected)
		nv, _ := strconv.Atoi(n.Selected) // "all": 0
		c.run(kv, nv)
	}, c.e.Window)
	d.Resize(fyne.NewSize(480, 300))
	d.Show()
}

// run estimates with k samples on the first n held-out images (0: all)
// behind a progress dialog whose Cancel stops it.
func (c *likelihoodCard) run(k, n int) {
	e := c.e
	bar := widget.NewProgressBar()
	what := widget.NewLabel("Loading the dataset…")
	ctx, cancel := context.WithCancel(context.Background())
	d := progressDialog("Estimating log-likelihood", container.NewVBox(what, bar), e.Window)
	d.SetOnClosed(cancel)
	c.cancel = func() { d.Hide() }
	d.Resize(fyne.NewSize(420, 160))
	d.Show()
	m, gen := e.Session.Model(), c.gen
	finish := func(l vae.Likelihood, data string, err error) {
		cancelled := ctx.Err() != nil // before Hide, which cancels
		d.Hide()
		switch {
		case cancelled:
			e.setStatus("Log-likelihood estimate cancelled")
		case err != nil:
			e.showError(fmt.Errorf("log-likelihood: %w", err))
		case gen == c.gen:
			c.show(l, data)
		}
	}
	e.loadData(ctx, func(frac float64, text string) {
		bar.SetValue(frac)
		what.SetText(text)
	}, func(data *dataset.Data, err error) {
		if err == nil {
			err = vae.CheckImages(data.Test, m.Image(), data.Name)
		}
		if err != nil || ctx.Err() != nil {
			finish(vae.Likelihood{}, "", err)
			return
		}
		lm, ok := m.(likelihoodModel)
		if !ok {
			finish(vae.Likelihood{}, "", errNoEncoder)
			return
		}
		pix, labels := data.Test.Floats(), data.Test.Labels
		if size := m.Image().Size(); n > 0 && n*size < len(pix) {
			pix, labels = pix[:n*size], labels[:n]
		}
		estimate := lm.LogLikelihood
		if gm, ok := m.(labelledLikelihood); ok { // a conditional model's is given each image's label
			estimate = func(ctx context.Context, images []float32, k int, seed int64, progress func(done, total int)) (vae.Likelihood, error) {
				return gm.LogLikelihoodGiven(ctx, images, labels, k, seed, progress)
			}
		}
		start, shown := time.Now(), time.Time{}
		go func() {
			l, err := estimate(ctx, pix, k, 1, func(done, total int) {
				if time.Since(shown) < 100*time.Millisecond {
					return
				}
				shown = time.Now()
				left := time.Duration(float64(time.Since(start)) * float64(total-done) / float64(max(done, 1)))
				e.do(func() {
					bar.SetValue(float64(done) / float64(total))
					what.SetText(fmt.Sprintf("K = %d: %d of %d images, %s left", k, done, total, left.Round(time.Second)))
				})
			})
			e.do(func() { finish(l, data.Name, err) })
		}()
	})
}

// likelihoodModel is a model that can estimate -log p(x) (it has an
// encoder).
type likelihoodModel interface {
	LogLikelihood(ctx context.Context, images []float32, k int, seed int64, progress func(done, total int)) (vae.Likelihood, error)
}

// labelledLikelihood estimates -log p(x | label) for a conditional
// model (*vae.Model; labels are ignored by other models).
type labelledLikelihood interface {
	LogLikelihoodGiven(ctx context.Context, images []float32, labels []uint8, k int, seed int64, progress func(done, total int)) (vae.Likelihood, error)
}

func (c *likelihoodCard) show(l vae.Likelihood, data string) {
	c.result.SetText(fmt.Sprintf("-log p(x) <= %.1f ± %.1f nats\n(IWAE, K = %d, %d held-out images of %s)",
		l.NLL, l.StdErr, l.K, l.N, strings.TrimSuffix(data, " (download)")))
	c.result.Show()
	c.e.setStatus(fmt.Sprintf("Log-likelihood estimate: %.2f ± %.2f nats (K = %d)", l.NLL, l.StdErr, l.K))
}
