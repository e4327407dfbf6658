package vae

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"vaeexplorer/vae/msg"

	"vaeexplorer/vae/dataset"
)

// Formats AugmentInto writes.
const (
	// AugmentIdx is an idx dataset folder: the new images as its training
	// files, the source's held-out images as its t10k files (grey only).
	AugmentIdx = "idx"
	// AugmentPNG is a PNG file per image in a folder per class.
	AugmentPNG = "png"
)

// AugmentResult is what AugmentInto wrote.
type AugmentResult struct {
	Images   int            // images generated
	PerClass map[string]int // by class label
	Files    []string       // the idx files written (none for PNG folders)
}

// CheckAugment says what is wrong with augmenting into dir in format with
// a model of images sh, before any data is read or decoded: the options
// first, then a folder that already holds what this would write is
// refused.
func CheckAugment(sh Shape, opt AugmentOptions, format, dir string) error {
	switch {
	case dir == "":
		return fmt.Errorf("augmentation: choose the folder to write into")
	case format != AugmentIdx && format != AugmentPNG:
		return fmt.Errorf("augmentation format %s: want %s or %s", msg.Quote(format), AugmentIdx, AugmentPNG)
	case opt.Check() != nil:
		return opt.Check() // the flags before the folder
	case format == AugmentIdx && sh.Channels != 1:
		return fmt.Errorf("idx files hold grey images and this model makes %s ones; write PNG class folders instead", sh)
	}
	return dataset.CheckOutDir(dir)
}

// AugmentInto generates opt.PerClass images per class around train's codes
// (see Augment) and writes them into dir in format (AugmentIdx with test
// as the held-out files, or AugmentPNG). progress gets the fraction done
// and what is being done; decoding is most of an idx folder's time, half
// of a PNG folder's. The CLI's augment and the app's export both run it.
func (m *Model) AugmentInto(ctx context.Context, train, test *dataset.Set, opt AugmentOptions, format, dir string, progress func(frac float64, what string)) (*AugmentResult, error) {
	if err := CheckAugment(m.Image(), opt, format, dir); err != nil {
		return nil, err
	}
	decodeShare := 0.9
	if format == AugmentPNG {
		decodeShare = 0.5
	}
	report := func(what string, lo, share float64) func(done, total int) {
		return func(n, total int) {
			if progress != nil && total > 0 {
				progress(lo+share*float64(n)/float64(total), fmt.Sprintf("%s %d of %d images", what, n, total))
			}
		}
	}
	gen, err := m.Augment(ctx, train, opt, report("Decoded", 0, decodeShare))
	if err != nil {
		return nil, err
	}
	res := &AugmentResult{Images: gen.N, PerClass: map[string]int{}}
	for _, l := range gen.Labels {
		res.PerClass[strconv.Itoa(int(l))]++
	}
	switch format {
	case AugmentIdx:
		if err := dataset.ExportDir(dir, gen, test); err != nil {
			return nil, err
		}
		for _, f := range dataset.FileNames {
			res.Files = append(res.Files, filepath.Join(dir, f+".gz"))
		}
	case AugmentPNG:
		if err := dataset.ExportPNGDir(dir, gen, report("Wrote", decodeShare, 1-decodeShare)); err != nil {
			return nil, err
		}
	}
	return res, nil
}
