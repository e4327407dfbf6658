package vae

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"vaeexplorer/vae/dataset"
)

// Diagnostics of the latent space a practitioner asks for first: how much
// each dimension carries (its KL to the prior) and how many are in use.

// ActiveThreshold is the variance over the data of a dimension's posterior
// mean above which the dimension counts as active (Burda et al. 2016).
const ActiveThreshold = 0.01

// DimKL returns each latent dimension's KL divergence to N(0, 1), in nats,
// averaged over n codes given by their means and log-variances (n x L).
func DimKL(mean, logvar []float32, L int) []float64 {
	kl := make([]float64, L)
	n := len(mean) / L
	if n == 0 {
		return kl
	}
	for i := range n {
		for j := range L {
			mu, lv := float64(mean[i*L+j]), float64(logvar[i*L+j])
			kl[j] += 0.5 * (mu*mu + math.Exp(lv) - lv - 1)
		}
	}
	for j := range kl {
		kl[j] /= float64(n)
	}
	return kl
}

// Activity returns, for each latent dimension, the variance over the codes
// of its posterior mean (means holds n x L values).
func Activity(means []float32, L int) []float64 {
	n := len(means) / L
	act := make([]float64, L)
	if n < 2 {
		return act
	}
	for j := range L {
		var s, ss float64
		for i := range n {
			v := float64(means[i*L+j])
			s += v
			ss += v * v
		}
		mu := s / float64(n)
		act[j] = (ss - float64(n)*mu*mu) / float64(n-1)
	}
	return act
}

// ActiveUnits counts the dimensions whose activity exceeds
// ActiveThreshold.
func ActiveUnits(activity []float64) int {
	k := 0
	for _, a := range activity {
		if a > ActiveThreshold {
			k++
		}
	}
	return k
}

// CheckImages says, naming the data, when a dataset's images are not of
// the shape a model reads (other shapes would be taken as several images
// each, or parts of one).
func CheckImages(s *dataset.Set, sh Shape, what string) error {
	if s == nil || s.N == 0 {
		return fmt.Errorf("%s holds no images", what)
	}
	if s.Rows != sh.Side || s.Cols != sh.Side || s.Depth() != sh.Channels {
		return fmt.Errorf("%s: images are %s; the model reads %s images (train a model for this shape, or choose data of that shape)",
			what, s.Shape(), ShapeName(sh))
	}
	return nil
}

// ShapeName is a shape as dataset.Images.Shape writes it: "28x28" for
// grey, "32x32x3" for colour.
func ShapeName(sh Shape) string {
	if sh.Channels == 1 {
		return fmt.Sprintf("%dx%d", sh.Side, sh.Side)
	}
	return sh.String()
}

// HeldOutImages is the held-out images behind a model's held-out codes h:
// the first len(h.Labels) images of d's held-out set, when they are of
// the model's shape sh and their labels agree code for code (10,000
// labels in order do not agree by chance; the data's name may: the
// bundled models name the folder they were trained from, the app calls
// the same data "mnist"). Thumbnails, picks and selections show these
// images; other data would put the wrong picture beside a code, so the
// error says what differs and what to load.
func HeldOutImages(h *HeldOut, cfg Config, sh Shape, d *dataset.Data) (*dataset.Set, error) {
	if h == nil || len(h.Labels) == 0 {
		return nil, fmt.Errorf("the model has no held-out codes: train it, or open it with its dataset chosen")
	}
	want := DataName(cfg.Dataset)
	if d == nil || d.Test == nil {
		return nil, fmt.Errorf("the held-out images are not loaded: choose %s in the training panel", want)
	}
	if err := CheckImages(d.Test, sh, DataName(d.Name)+"'s held-out set"); err != nil {
		return nil, err
	}
	n := len(h.Labels)
	if d.Test.N < n || !slices.Equal(d.Test.Labels[:n], h.Labels) {
		return nil, fmt.Errorf("the loaded data, %s, is not what the model's %d codes were measured on (%s): choose that in the training panel", DataName(d.Name), n, want)
	}
	return d.Test.Subset(n), nil
}

// DataName is a dataset label as people say it: "MNIST", "Fashion-MNIST",
// an image folder's name, or "the model's dataset" when there is none.
func DataName(label string) string {
	low := strings.ToLower(label)
	switch {
	case label == "":
		return "the model's dataset"
	case low == dataset.NameMNIST || strings.Contains(low, "!go!m!n!i!s!t") || strings.Contains(low, "gomnist"):
		return "MNIST" // also the Go module's copy the bundled models were trained from
	case low == dataset.NameFashion || low == "fashion-mnist" || strings.Contains(low, "fashion"):
		return "Fashion-MNIST"
	}
	return dataset.FolderName(label)
}
