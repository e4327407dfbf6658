package ui

import (
	"context"
	"fmt"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// measureHeldOut gives a model that has no held-out statistics (one
// imported from PyTorch) those of the training panel's dataset: the
// scatter, the anomaly percentiles and the model card need them. Without
// a dataset it says what is missing and how to get it.
func (e *Explorer) measureHeldOut(m Model) {
	hm, ok := m.(vae.HeldOutMeasurer)
	if !ok {
		return
	}
	name := e.Session.Name()
	e.loadData(context.Background(), func(frac float64, what string) {
		e.setStatus(fmt.Sprintf("%s has no held-out statistics yet: %s (%.0f%%)", name, what, 100*frac))
	}, func(d *dataset.Data, err error) {
		if err != nil {
			e.showError(fmt.Errorf("%s has no held-out statistics (the scatter and anomaly percentiles need them) and the dataset could not be loaded: %w; choose a dataset in the Training panel, then open the model again", name, err))
			return
		}
		e.setStatus(fmt.Sprintf("%s has no held-out statistics yet: measuring them on %d images of %s…", name, d.Test.N, d.Name))
		go func() {
			err := hm.MeasureHeldOut(d.Test)
			e.do(func() {
				switch {
				case err != nil:
					e.showError(fmt.Errorf("%s: held-out statistics: %w", name, err))
				case e.Session.Model() == m:
					e.Session.WeightsChanged()
					e.setStatus(fmt.Sprintf("%s: held-out statistics measured on %d images of %s", name, d.Test.N, d.Name))
				}
			})
		}()
	})
}
