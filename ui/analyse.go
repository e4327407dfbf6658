package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"

	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// analyse encodes a preprocessed image with m: latent Gaussian,
// reconstruction from the mean, its error and percentile.
func analyse(m Model, path string, in *imaging.Input) (*Analysis, error) {
	am, ok := m.(analyser)
	if !ok {
		return nil, fmt.Errorf("%s: this model has no encoder, so images cannot be placed on its plane", filepath.Base(path))
	}
	a, err := am.Analyse(in.Pixels)
	if err != nil {
		return nil, err
	}
	return &Analysis{Path: path, Input: in, Shape: m.Image(), Analysis: *a}, nil
}

// AnalyseURIs analyses dropped files; only local files are read.
func (e *Explorer) AnalyseURIs(uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() != "file" {
			e.showError(fmt.Errorf("%s: only local files can be dropped", u.String()))
			continue
		}
		if isModelFile(u.Path()) { // a model dropped: open it
			e.OpenModel(u.Path())
			continue
		}
		paths = append(paths, u.Path())
	}
	if len(paths) > 0 {
		e.AnalyseFiles(paths)
	}
}

// isModelFile tells model files (ours, PyTorch's safetensors) from images
// by name.
func isModelFile(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".vae" || ext == ".safetensors"
}

// analyser is a model that can encode and reconstruct one image.
type analyser interface {
	Analyse(image []float32) (*vae.Analysis, error)
}

// AnalyseFiles reads, encodes and reconstructs image files off the UI
// goroutine, then lists them and marks them on the plane. A bad file gets
// a message and changes nothing. done, if not nil, is called on the UI
// goroutine when all files are handled.
func (e *Explorer) AnalyseFiles(paths []string, done ...func()) {
	m := e.Session.Model()
	e.analyseEach(m, len(paths), func(i int) (string, *imaging.Input, error) {
		in, err := e.engine.Preprocess(m, paths[i])
		return paths[i], in, err
	}, done...)
}

// analyseEach makes n inputs with prep (a name, the input or why not) and
// analyses them with m off the UI goroutine, then lists them and marks
// them on the plane (see AnalyseFiles).
func (e *Explorer) analyseEach(m Model, n int, prep func(i int) (string, *imaging.Input, error), done ...func()) {
	go func() {
		var good []*Analysis
		var errs []error
		for i := range n {
			name, in, err := prep(i)
			if err == nil {
				var a *Analysis
				if a, err = analyse(m, name, in); err == nil {
					good = append(good, a)
					continue
				}
			}
			errs = append(errs, err)
		}
		e.do(func() {
			if m == e.Session.Model() { // the model did not change meanwhile
				e.Session.AddDrops(good...)
				if len(good) > 0 {
					a := good[len(good)-1]
					e.setStatus(fmt.Sprintf("%s: %s", filepath.Base(a.Path), a.Summary()))
				}
			}
			if err := errors.Join(errs...); err != nil {
				e.showError(err)
			}
			for _, f := range done {
				f()
			}
		})
	}()
}

// reanalyse re-encodes the listed images with the current weights (after
// an epoch), keeping the list's order.
func (e *Explorer) reanalyse() {
	items := e.Session.Drops()
	if len(items) == 0 {
		return
	}
	m := e.Session.Model()
	go func() {
		fresh := make([]*Analysis, 0, len(items))
		for _, it := range items {
			if a, err := analyse(m, it.Path, it.Input); err == nil {
				fresh = append(fresh, a)
			}
		}
		e.do(func() {
			if m != e.Session.Model() {
				return
			}
			e.Session.SetDrops(fresh)
		})
	}()
}

// clearDrops empties the list of analysed images.
func (e *Explorer) clearDrops() { e.Session.SetDrops(nil) }
