package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"vaeexplorer/vae/dataset"
)

// LoadData reads a dataset: the one named (dataset.NameMNIST,
// dataset.NameFashion), else folder (idx files, or an image folder read
// with opt), reporting progress in [0, 1] with what is being done.
func (e *Engine) LoadData(ctx context.Context, name, folder string, opt dataset.FolderOptions, progress func(frac float64, what string)) (*dataset.Data, error) {
	if name != "" {
		folder = ""
	} else if folder == "" {
		return nil, errors.New("choose a folder first: one holding the four MNIST-format idx files, or images (in class sub-folders, or train/ and test/ with them)")
	}
	d := e.Downloader // a copy: its folder options are this call's
	d.Folder = opt
	var report *dataset.FolderReport
	d.OnFolder = func(r *dataset.FolderReport) { report = r }
	train, test, label, err := d.Open(ctx, folder, name, func(done, total int64, file string) {
		switch file {
		case "images":
			progress(float64(done)/float64(total), fmt.Sprintf("Reading images: %d of %d", done, total))
			return
		case "Go module cache": // found there: no download, the files are read next
			progress(0, fmt.Sprintf("Reading %s (from the Go module cache)…", name))
			return
		}
		progress(float64(done)/float64(total), fmt.Sprintf("Downloading %s: %.1f of %.1f MB", file, float64(done)/1e6, float64(total)/1e6))
	})
	if err != nil {
		if report != nil && len(report.Skipped) > 0 {
			return nil, fmt.Errorf("%w\n%s", err, strings.Join(report.SkippedLines(10), "\n"))
		}
		return nil, err
	}
	return &dataset.Data{Name: label, Train: train, Test: test, Report: report}, nil
}
