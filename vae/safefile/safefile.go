// Package safefile opens input files only when they are regular files: a
// named pipe (whose open blocks until a writer comes), a device such as
// /dev/zero (which never ends), a directory or a symlink loop given as a
// model, an image or a dataset file is refused with a clear error before
// anything is opened.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrNotRegular is wrapped when a path names something other than a
// regular file.
var ErrNotRegular = errors.New("not a regular file")

// Open opens path for reading after checking that it is a regular file
// (following symlinks), and returns it with its size and mode.
func Open(path string) (*os.File, os.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s: %w (%s); give a file", path, ErrNotRegular, describe(st.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return f, st, nil
}

func describe(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeDevice != 0, m&os.ModeCharDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "not a plain file"
}

// ReadFile reads the regular file at path, refusing one larger than limit
// bytes (tooLarge makes that error, so callers keep their own error kinds)
// and reading into one buffer of the file's size, not growing one.
func ReadFile(path string, limit int64, tooLarge func(size int64) error) ([]byte, error) {
	f, st, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %w", path, tooLarge(st.Size()))
	}
	data := make([]byte, st.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}
