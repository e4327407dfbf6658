package dataset

import (
	"context"
	"errors"
	"fmt"
	"vaeexplorer/vae/msg"
)

// ErrUnknown is wrapped when a dataset name is not one this package knows.
var ErrUnknown = errors.New("unknown dataset")

// Names of the datasets Open fetches by name.
const (
	NameMNIST   = "mnist"
	NameFashion = "fashion"
)

// Open loads a dataset: the folder dir when it is not "" (idx files, or an
// image folder read with d.Folder's options, its report passed to
// d.OnFolder), else the dataset called name ("mnist", or "fashion":
// Debian's dataset-fashion-mnist when installed), downloaded into d's
// cache when it is not there yet, with progress (bytes, or for an image
// folder files). It returns the training and held-out sets and a label for
// the data (the folder, or the dataset's name). The CLI and the app both
// open data this way.
func (d *Downloader) Open(ctx context.Context, dir, name string, progress Progress) (train, test *Set, label string, err error) {
	if dir != "" && IsImageFolder(dir) {
		train, test, rep, err := LoadImageFolder(ctx, dir, d.Folder, func(done, total int) {
			if progress != nil {
				progress(int64(done), int64(total), "images")
			}
		})
		if rep != nil && d.OnFolder != nil {
			d.OnFolder(rep)
		}
		return train, test, dir, err
	}
	if dir != "" {
		train, test, err = LoadDir(dir)
		return train, test, dir, err
	}
	var src Source
	switch name {
	case NameMNIST:
		src = MNIST
	case NameFashion, "fashion-mnist":
		src = Fashion
		if d.Server != "" {
			break
		}
		if f := FindFashion(); f != "" {
			train, test, err = LoadDir(f)
			return train, test, NameFashion, err
		}
	default:
		return nil, nil, "", fmt.Errorf("%w %s (want %s or %s)", ErrUnknown, msg.Quote(name), NameMNIST, NameFashion)
	}
	if d.Server != "" {
		train, test, err = d.fromServer(ctx, src, progress)
		return train, test, src.Name, err
	}
	fetched, err := d.Fetch(ctx, src, progress)
	if err != nil {
		return nil, nil, "", fmt.Errorf("download %s: %w", src.Name, err)
	}
	train, test, err = LoadDir(fetched)
	return train, test, src.Name, err
}
