package vae

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"vaeexplorer/vae/msg"

	"vaeexplorer/vae/dataset"
)

// Augmentation modes.
const (
	// AugmentMean decodes codes drawn around each class's mean code:
	// mean + sigma * (the class's per-dimension spread) * N(0, I).
	AugmentMean = "mean"
	// AugmentJitter decodes real images' codes moved by sigma * N(0, I):
	// variations of actual digits.
	AugmentJitter = "jitter"
)

// AugmentOptions say what Augment generates.
type AugmentOptions struct {
	PerClass int     // images per class, 1..100000
	Mode     string  // AugmentMean or AugmentJitter
	Sigma    float64 // spread: a multiple of the class's spread (mean), latent units (jitter)
	Seed     int64
}

// Bounds on what Augment makes: images per class, and in all (200,000
// images are 157 MB of pixels).
const (
	MaxAugmentPerClass = 100000
	MaxAugmentImages   = 200000
)

// Check says what is wrong with the options: images per class, mode,
// sigma.
func (opt AugmentOptions) Check() error {
	switch {
	case opt.PerClass < 1 || opt.PerClass > MaxAugmentPerClass:
		return fmt.Errorf("images per class %d: want 1..%d", opt.PerClass, MaxAugmentPerClass)
	case opt.Mode != AugmentMean && opt.Mode != AugmentJitter:
		return fmt.Errorf("augmentation mode %s: want %q or %q", msg.Quote(opt.Mode), AugmentMean, AugmentJitter)
	case !(opt.Sigma >= 0 && opt.Sigma <= 10):
		return fmt.Errorf("sigma %g: want 0..10", opt.Sigma)
	}
	return nil
}

// Augment generates opt.PerClass new labelled images for every class in
// set, decoding codes near the class's own codes, and reports progress
// (images done of total) as it goes. Images come class by class in turn (0,
// 1, ..., 9, 0, 1, ...), so any prefix is balanced. Same seed, same images.
func (m *Model) Augment(ctx context.Context, set *dataset.Set, opt AugmentOptions, progress func(done, total int)) (*dataset.Set, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
	if set == nil || set.N == 0 {
		return nil, errors.New("augmentation needs labelled images to start from")
	}
	if err := CheckImages(set, m.shape, "the images to start from"); err != nil {
		return nil, err
	}
	var seen [256]bool
	classes := 0
	for _, l := range set.Labels {
		if !seen[l] {
			seen[l] = true
			classes++
		}
	}
	if opt.PerClass*classes > MaxAugmentImages {
		return nil, fmt.Errorf("%d images per class for %d classes is %d images, more than the limit of %d; ask for at most %d per class",
			opt.PerClass, classes, opt.PerClass*classes, MaxAugmentImages, MaxAugmentImages/classes)
	}
	L := m.Latent()
	means, _, err := m.EncodeSet(set)
	if err != nil {
		return nil, err
	}
	z, labels := augmentCodes(means, set.Labels, L, opt)
	total := len(labels)
	sh, size := m.shape, m.size
	out := &dataset.Images{N: total, Rows: sh.Side, Cols: sh.Side, Channels: sh.Channels, Pix: make([]uint8, total*size)}
	const chunk = 256
	buf := make([]float32, chunk*size)
	for k := 0; k < total; k += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(chunk, total-k)
		if err := m.DecodeInto(buf[:n*size], z[k*L:(k+n)*L]); err != nil {
			return nil, err
		}
		for i, v := range buf[:n*size] {
			out.Pix[k*size+i] = uint8(math.Round(float64(min(max(v, 0), 1)) * 255))
		}
		if progress != nil {
			progress(k+n, total)
		}
	}
	return &dataset.Set{Images: out, Labels: labels, Classes: set.Classes}, nil
}

// augmentCodes draws opt.PerClass codes per class from the images' latent
// means and labels, in class order round robin.
func augmentCodes(means []float32, imgLabels []uint8, L int, opt AugmentOptions) (z []float32, labels []uint8) {
	byClass := map[uint8][]int{}
	for i, l := range imgLabels {
		byClass[l] = append(byClass[l], i)
	}
	classes := make([]uint8, 0, len(byClass))
	for l := range byClass {
		classes = append(classes, l)
	}
	slices.Sort(classes)
	// Per class: the mean code and per-dimension standard deviation.
	centre, spread := map[uint8][]float64{}, map[uint8][]float64{}
	for _, l := range classes {
		mu, sd := make([]float64, L), make([]float64, L)
		for _, i := range byClass[l] {
			for j := 0; j < L; j++ {
				mu[j] += float64(means[i*L+j])
			}
		}
		n := float64(len(byClass[l]))
		for j := range mu {
			mu[j] /= n
		}
		for _, i := range byClass[l] {
			for j := 0; j < L; j++ {
				d := float64(means[i*L+j]) - mu[j]
				sd[j] += d * d
			}
		}
		for j := range sd {
			sd[j] = math.Sqrt(sd[j] / n)
		}
		centre[l], spread[l] = mu, sd
	}

	total := opt.PerClass * len(classes)
	rng := rand.New(rand.NewSource(opt.Seed))
	z = make([]float32, total*L)
	labels = make([]uint8, total)
	for k := 0; k < total; k++ {
		l := classes[k%len(classes)]
		labels[k] = l
		row := z[k*L : (k+1)*L]
		switch opt.Mode {
		case AugmentMean:
			for j := range row {
				row[j] = float32(centre[l][j] + opt.Sigma*spread[l][j]*rng.NormFloat64())
			}
		case AugmentJitter:
			src := byClass[l][rng.Intn(len(byClass[l]))]
			for j := range row {
				row[j] = means[src*L+j] + float32(opt.Sigma*rng.NormFloat64())
			}
		}
	}
	return z, labels
}
