package vae

import (
	"errors"
	"fmt"
	"vaeexplorer/vae/msg"

	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// The rules of a training run that the CLI (train) and the app's training
// panel both apply, written once: each says what is wrong in words that
// name the setting, so both refuse the same request with the same
// message.

// CheckRun says what is wrong with a run of cfg on at most limit images
// (0: all) before any data is read. folder is how an image folder would
// be read for a new model (zero values: from the data); its side, when
// given, must suit the architecture.
func CheckRun(cfg Config, limit int, folder dataset.FolderOptions) error {
	var errs []error
	if cfg.Epochs < 1 {
		errs = append(errs, fmt.Errorf("epochs %d: train at least 1 epoch", cfg.Epochs))
	}
	if limit < 0 {
		errs = append(errs, fmt.Errorf("image limit %d is negative (0 trains on all images)", limit))
	}
	if err := CheckFolderOptions(folder); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if folder.Side != 0 {
		// Before reading anything: the architecture may not take it.
		return cfg.WithImage(Shape{Side: folder.Side, Channels: max(folder.Channels, 1)}).Validate()
	}
	return cfg.Validate()
}

// CheckFolderOptions says what is wrong with how an image folder is to be
// read: a side (0: from the data), channels (0: from the data, 1 grey, 3
// colour), a preprocessing.
func CheckFolderOptions(o dataset.FolderOptions) error {
	switch {
	case o.Side != 0 && (o.Side < MinSide || o.Side > MaxSide):
		return fmt.Errorf("image side %d out of range %d..%d (or from the data)", o.Side, MinSide, MaxSide)
	case o.Channels != 0 && o.Channels != 1 && o.Channels != 3:
		return fmt.Errorf("%d channels: images have 1 (grey) or 3 (colour)", o.Channels)
	case o.Mode != "" && o.Mode != imaging.ModeResize && o.Mode != imaging.ModeDigit:
		return fmt.Errorf("preprocessing %s: want %s or %s", msg.Quote(o.Mode), imaging.ModeResize, imaging.ModeDigit)
	}
	return nil
}

// Continuing is run's settings (epochs, learning rate, beta …) for
// continuing to train a model configured as model: the model's shape,
// loss, classes and preprocessing cannot change.
func (run Config) Continuing(model Config) Config {
	run.Arch, run.Latent, run.Hidden, run.Loss = model.Arch, model.Latent, model.Hidden, model.Loss
	run = run.WithImage(model.Image())
	run.Classes, run.Preprocess, run.Condition, run.Attributes = model.Classes, model.Preprocess, model.Condition, model.Attributes
	return run
}

// ForData is cfg for a new model of train's images (named label): their
// shape, for an image folder read with mode its classes and
// preprocessing, and when conditional the classes it is conditioned on
// (ConditionFor: data of one class is refused). It says when the images
// cannot make a model, or when training it would need too much memory.
func (cfg Config) ForData(train *dataset.Set, label, mode string, conditional bool) (Config, error) {
	if train.Rows != train.Cols {
		return cfg, fmt.Errorf("%s: images are %s; models read square images", label, train.Shape())
	}
	cfg = cfg.WithImage(Shape{Side: train.Rows, Channels: train.Depth()})
	cfg.Classes, cfg.Preprocess = nil, ""
	if train.Classes != nil {
		cfg.Classes, cfg.Preprocess = train.Classes, mode
	}
	cfg.Dataset = label
	cfg.Attributes = nil
	if train.Attrs != nil {
		cfg.Attributes = train.Attrs.Names
	}
	cfg.Condition = 0
	if conditional {
		k, err := ConditionFor(train)
		if err != nil {
			return cfg, fmt.Errorf("%s: %w", label, err)
		}
		cfg.Condition = k
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	// Before a model is made: the app would otherwise have replaced the
	// model on show by an untrained one when the trainer refuses.
	return cfg, cfg.checkTrainingMemory()
}
