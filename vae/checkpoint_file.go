package vae

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"vaeexplorer/vae/atomicfile"
	"vaeexplorer/vae/msg"
	"vaeexplorer/vae/safefile"
)

// ErrOtherFormat says a model file would be written in our format under
// a name that says another (a .safetensors or .onnx file): the app would
// then read it as that format and refuse it, and the file it replaced
// would be gone.
var ErrOtherFormat = errors.New("a name of another format")

// CheckSaveName refuses a path to save a checkpoint to whose name says
// another format; the CLI asks before any work, Save and SaveIfUnchanged
// before writing.
func CheckSaveName(path string) error {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".safetensors", ".onnx":
		return fmt.Errorf("%s: %w: models are saved as .vae files (they keep the history, statistics and vectors); "+
			"save under a .vae name, and write PyTorch's safetensors with export (Model > Export for PyTorch (safetensors)… in the app)", msg.Name(path), ErrOtherFormat)
	}
	return nil
}

// Checkpoint files: saving atomically (also only-if-unchanged) and loading.

// Save writes the model to path atomically: a temporary file in the same
// folder, synced, then renamed over path. On any failure path is untouched.
func (m *Model) Save(path string) error {
	if err := CheckSaveName(path); err != nil {
		return err
	}
	data, err := m.MarshalBinary()
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return WriteFileAtomic(path, data)
}

// SaveIfUnchanged is Save for a read-modify-write: it writes path only if
// path is still at version was (atomicfile.Stat before the model was
// read), else fails with atomicfile.ErrChanged, so a change another
// process made meanwhile is never silently undone.
func (m *Model) SaveIfUnchanged(path string, was atomicfile.Version) error {
	if err := CheckSaveName(path); err != nil {
		return err
	}
	data, err := m.MarshalBinary()
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := atomicfile.WriteIfUnchanged(path, was, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

// WriteFileAtomic writes data to path through a synced temporary file and
// a rename, so readers see the old file or the new one, never a part.
func WriteFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

// WriteAtomic is WriteFileAtomic for content produced by write.
func WriteAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

// Load reads a checkpoint file.
func Load(path string) (*Model, error) {
	data, err := safefile.ReadFile(path, MaxCheckpointBytes, func(n int64) error {
		return ckptErr("%d bytes, more than the limit of %d", n, MaxCheckpointBytes)
	})
	if err != nil {
		return nil, err
	}
	m, err := UnmarshalModel(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
