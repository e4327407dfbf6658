//go:build !js

package main

import (
	"fmt"

	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// classifyResult is classify's JSON for one image.
type classifyResult struct {
	File  string             `json:"file"`
	Class int                `json:"class"`
	Name  string             `json:"name"`
	ELBO  map[string]float64 `json:"neg_elbo"` // -ELBO given each class, by name
}

// classifyAccuracy is classify's JSON for a held-out set.
type classifyAccuracy struct {
	Data     string  `json:"data"`
	Images   int     `json:"images"`
	Correct  int     `json:"correct"`
	Accuracy float64 `json:"accuracy"`
}

// cmdClassify finds the most likely class of images by a conditional
// model's -ELBO given each class; with --data, of a held-out set, and its
// accuracy.
func cmdClassify(c *cli, args []string) error {
	fs := c.newFlags("classify")
	model := modelFlag(fs)
	data := fs.String("data", "", "classify this dataset's held-out images and report the accuracy (a folder, as train reads it)")
	name := fs.String("dataset", "", "the same for mnist or fashion")
	asJSON := jsonFlag(fs)
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if (len(files) == 0) == (*data == "" && *name == "") {
		return badInput("give image files, or --data DIR / --dataset NAME for a held-out set's accuracy")
	}
	m, err := model.load()
	if err != nil {
		return err
	}
	cfg := m.Config()
	if !cfg.Conditional() {
		return badInput("%s is not conditional: classify needs a model trained with --conditional", *model.path)
	}
	names := cfg.ClassNames()
	nameOf := func(k int) string {
		if k < len(names) {
			return names[k]
		}
		return fmt.Sprint(k)
	}
	if len(files) == 0 {
		_, test, label, err := c.loadData(*data, *name, *asJSON, vae.FolderOptionsFor(m))
		if err != nil {
			return err
		}
		if err := vae.CheckImages(test, m.Image(), label); err != nil {
			return badInput("%v", err)
		}
		scores, err := m.ClassScores(test.Floats())
		if err != nil {
			return err
		}
		best := vae.MostLikely(scores, cfg.Condition)
		r := classifyAccuracy{Data: label, Images: test.N}
		for i, k := range best {
			if k == int(test.Labels[i]) {
				r.Correct++
			}
		}
		r.Accuracy = float64(r.Correct) / float64(test.N)
		if *asJSON {
			c.printJSON(r)
		} else {
			fmt.Fprintf(c.stdout, "%d of %d held-out images of %s classified right by -ELBO: accuracy %.4f\n", r.Correct, r.Images, label, r.Accuracy)
		}
		return nil
	}
	// Read every image before printing anything: a bad file is the only
	// output.
	inputs := make([][]float32, len(files))
	for i, f := range files {
		in, err := imaging.PreprocessFileAs(f, vae.InputTarget(m))
		if err != nil {
			return err
		}
		inputs[i] = in.Pixels
	}
	for i, in := range inputs {
		cl, err := m.Classify(in)
		if err != nil {
			return err
		}
		r := classifyResult{File: files[i], Class: cl.Class, Name: nameOf(cl.Class), ELBO: map[string]float64{}}
		for k, s := range cl.Scores {
			r.ELBO[nameOf(k)] = s
		}
		if *asJSON {
			c.printJSON(r)
			continue
		}
		fmt.Fprintf(c.stdout, "%s: %s (-ELBO %.1f nats; next best %s)\n", files[i], r.Name, cl.Scores[cl.Class], nextBest(cl.Scores, cl.Class, nameOf))
	}
	return nil
}

// nextBest names the runner-up class and its score.
func nextBest(scores []float64, best int, name func(int) string) string {
	nb := -1
	for k, s := range scores {
		if k != best && (nb < 0 || s < scores[nb]) {
			nb = k
		}
	}
	if nb < 0 {
		return "none"
	}
	return fmt.Sprintf("%s at %.1f", name(nb), scores[nb])
}
