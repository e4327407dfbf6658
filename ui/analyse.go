package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"

	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// Images analyses image files with the session's model, off the UI
// goroutine: each is made the model's input, encoded, reconstructed and
// scored, and the session's list of analysed images takes the good ones
// (the images tool, the plane's marks and the pickers follow it). After
// new weights it analyses the listed images again.
type Images struct {
	eng    imageReader
	s      *Session
	do     func(func())
	status func(string)
	onErr  func(error)
	// openModel opens a model file dropped among the images.
	openModel func(path string)
	// OnFailures, when set, lists the files of one drop that could not be
	// analysed when there are several (the status line has room for one).
	OnFailures func(errs []error)
}

func newImages(eng imageReader, s *Session, do func(func()), status func(string), onErr func(error), openModel func(string)) *Images {
	c := &Images{eng: eng, s: s, do: do, status: status, onErr: onErr, openModel: openModel}
	s.OnModel(c.reanalyse)   // the listed images, seen by the new model
	s.OnWeights(c.reanalyse) // and by new weights
	return c
}

// analyser is a model that can encode and reconstruct one image.
type analyser interface {
	Analyse(image []float32) (*vae.Analysis, error)
}

// analyse encodes a preprocessed image with m: latent Gaussian,
// reconstruction from the mean, its error and percentile; a conditional
// model's image given class (-1: its most likely class).
func analyse(m Model, path string, in *imaging.Input, class int) (*Analysis, error) {
	am, ok := m.(analyser)
	if !ok {
		return nil, fmt.Errorf("%s: this model has no encoder, so images cannot be placed on its plane", filepath.Base(path))
	}
	var a *vae.Analysis
	var err error
	if r, ok := m.(vae.Reconstructor); ok && class >= 0 && m.Config().Conditional() {
		a, err = vae.AnalyseAs(r, in.Pixels, class)
	} else {
		a, err = am.Analyse(in.Pixels)
	}
	if err != nil {
		return nil, err
	}
	return &Analysis{Path: path, Input: in, Shape: m.Image(), Analysis: *a, Given: class}, nil
}

// Reclass analyses a listed image of a conditional model again given
// class (-1: its most likely), in its place in the list.
func (c *Images) Reclass(it *Analysis, class int) {
	m := c.s.Model()
	go func() {
		a, err := analyse(m, it.Path, it.Input, class)
		c.do(func() {
			if err != nil {
				c.onErr(err)
				return
			}
			if m != c.s.Model() {
				return
			}
			items := c.s.Drops()
			for i, old := range items {
				if old == it {
					items[i] = a
				}
			}
			c.s.SetDrops(items)
		})
	}()
}

// isModelFile tells model files (ours, PyTorch's safetensors, ONNX) from
// images by name.
func isModelFile(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".vae" || ext == ".safetensors" || ext == ".onnx"
}

// URIs analyses dropped files; only local files are read, and a model
// file dropped is opened.
func (c *Images) URIs(uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() != "file" {
			c.onErr(fmt.Errorf("%s: only local files can be dropped", u.String()))
			continue
		}
		if isModelFile(u.Path()) {
			c.openModel(u.Path())
			continue
		}
		paths = append(paths, u.Path())
	}
	if len(paths) > 0 {
		c.Files(paths)
	}
}

// Files reads, encodes and reconstructs image files. A bad file gets a
// message and changes nothing. done, if not nil, is called on the UI
// goroutine when all files are handled.
func (c *Images) Files(paths []string, done ...func()) {
	m := c.s.Model()
	c.each(m, len(paths), func(i int) (string, *imaging.Input, error) {
		in, err := c.eng.Preprocess(m, paths[i])
		return paths[i], in, err
	}, done...)
}

// Data analyses files' contents (a page's picked and dropped files).
func (c *Images) Data(files []PickedFile) {
	m := c.s.Model()
	c.each(m, len(files), func(i int) (string, *imaging.Input, error) {
		if err := files[i].Err; err != nil {
			return files[i].Name, nil, fmt.Errorf("%s: %w", files[i].Name, err)
		}
		in, err := c.eng.PreprocessData(m, files[i].Name, files[i].Data)
		return files[i].Name, in, err
	})
}

// each makes n inputs with prep (a name, the input or why not) and
// analyses them with m off the UI goroutine, then lists the good ones.
func (c *Images) each(m Model, n int, prep func(i int) (string, *imaging.Input, error), done ...func()) {
	go func() {
		var good []*Analysis
		var errs []error
		for i := range n {
			name, in, err := prep(i)
			if err == nil {
				var a *Analysis
				if a, err = analyse(m, name, in, -1); err == nil {
					good = append(good, a)
					continue
				}
			}
			errs = append(errs, err)
		}
		c.do(func() {
			if m == c.s.Model() { // the model did not change meanwhile
				c.s.AddDrops(good...)
				if len(good) > 0 {
					a := good[len(good)-1]
					c.status(fmt.Sprintf("%s: %s", filepath.Base(a.Path), a.Summary()))
				}
			}
			switch {
			case len(errs) == 1:
				c.onErr(errs[0])
			case len(errs) > 1:
				c.onErr(fmt.Errorf("%d files could not be read; first: %w", len(errs), errs[0]))
				if c.OnFailures != nil {
					c.OnFailures(errs)
				}
			}
			for _, f := range done {
				f()
			}
		})
	}()
}

// reanalyse encodes the listed images again with the current weights,
// keeping the list's order.
func (c *Images) reanalyse() {
	items := c.s.Drops()
	if len(items) == 0 {
		return
	}
	m := c.s.Model()
	go func() {
		fresh := make([]*Analysis, 0, len(items))
		for _, it := range items {
			if a, err := analyse(m, it.Path, it.Input, it.Given); err == nil {
				fresh = append(fresh, a)
			}
		}
		c.do(func() {
			if m == c.s.Model() {
				c.s.SetDrops(fresh)
			}
		})
	}()
}

// Clear empties the list of analysed images.
func (c *Images) Clear() { c.s.SetDrops(nil) }
