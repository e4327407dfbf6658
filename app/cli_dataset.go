//go:build !js

package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"vaeexplorer/vae"
	"vaeexplorer/vae/atomicfile"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// cmdDataset writes an image folder, made the shape and the way training
// makes it (the same held-out split), as an idx dataset
// folder: idx3 files for grey images, idx4 (channels last) for colour,
// and classes.txt. Scripts (scripts/torch_reference.py) train on exactly
// what `train --data IMAGE_FOLDER` trains on.
func cmdDataset(c *cli, args []string) error {
	fs := c.newFlags("dataset")
	data := fs.String("data", "", "the image folder (class sub-folders, or train/ and test/ holding them) (required)")
	out := fs.String("out", "", "folder to write (required; new or empty)")
	size := fs.Int("size", 0, "image side S (default: from the data)")
	channels := fs.Int("channels", 0, "1 (grey) or 3 (colour) (default: from the data)")
	prep := fs.String("preprocess", imaging.ModeResize, "resize or digit")
	asJSON := jsonFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return badInput("unexpected argument %q", pos[0])
	case *data == "" || *out == "":
		return badInput("--data IMAGE_FOLDER and --out DIR are required")
	case !dataset.IsImageFolder(*data):
		return badInput("%s: not an image folder (no image files or class sub-folders in it)", *data)
	case *channels != 0 && *channels != 1 && *channels != 3:
		return badInput("--channels %d: want 1 (grey) or 3 (colour)", *channels)
	}
	if err := vae.CheckFolderOptions(dataset.FolderOptions{Side: *size, Channels: *channels, Mode: *prep}); err != nil {
		return usageErr{err} // before anything is read or made
	}
	if err := dataset.CheckOutDir(*out); err != nil {
		return usageErr{err}
	}
	train, test, _, err := c.loadData(*data, "", false, dataset.FolderOptions{Side: *size, Channels: *channels, Mode: *prep})
	if err != nil {
		return err
	}
	err = atomicfile.WriteDir(*out, func(tmp string) error {
		if err := dataset.SaveDir(tmp, train, test); err != nil {
			return err
		}
		return atomicfile.Write(filepath.Join(tmp, "classes.txt"), func(w io.Writer) error {
			_, err := io.WriteString(w, strings.Join(train.Classes, "\n")+"\n")
			return err
		})
	})
	if err != nil {
		return err
	}
	c.wrote(*asJSON, map[string]any{"out": *out, "train": train.N, "test": test.N, "shape": train.Shape(), "classes": train.Classes},
		fmt.Sprintf("wrote %s: %d training and %d held-out images of %s", *out, train.N, test.N, train.Shape()))
	return nil
}
