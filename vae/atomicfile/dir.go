package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrDirTaken is WriteDir's refusal of a target folder that holds
// something: a folder is written whole or not at all, never merged.
var ErrDirTaken = errors.New("is not empty; choose an empty or new folder (nothing was written)")

// WriteDir writes the folder dir all or nothing: fill writes the content
// into a new hidden folder beside dir, which is renamed to dir when fill
// succeeds and removed when it fails. dir must not exist or be empty, and
// it is checked again at the rename under the parent folder's lock: of
// two writes racing for one new folder, the second fails with ErrDirTaken
// and leaves nothing. A write that is killed leaves only the hidden
// folder, removed by the next WriteDir of the same target (its process
// is gone; see abandoned).
func WriteDir(dir string, fill func(tmp string) error) (err error) {
	dir = filepath.Clean(dir)
	if err := CheckEmpty(dir); err != nil {
		return err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	pattern := tempPattern(filepath.Base(dir))
	removeStale(parent, pattern)
	tmp, err := os.MkdirTemp(parent, tempPrefix(pattern)+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err = os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		return err
	}
	if err = fill(tmp); err != nil {
		return err
	}
	syncDir(tmp)
	unlock := lockDir(parent)
	defer unlock()
	if err = CheckEmpty(dir); err != nil {
		return err
	}
	// rename replaces an empty folder and fails on one that is not.
	if err = renameDir(tmp, dir); err != nil {
		if errors.Is(err, os.ErrExist) || errors.Is(err, errNotEmpty) {
			return fmt.Errorf("%s %w", dir, ErrDirTaken)
		}
		return err
	}
	syncDir(parent)
	return nil
}

// checkEmpty refuses a dir that is a file or a folder holding anything.
func CheckEmpty(dir string) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is %s, not a folder; give a new folder (nothing was written)", dir, kindOf(dir, st))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s %w", dir, ErrDirTaken)
	}
	return nil
}

// kindOf says what the thing at path is, for a message.
func kindOf(path string, st os.FileInfo) string {
	m := st.Mode()
	switch {
	case m&os.ModeSymlink != 0:
		if t, err := os.Stat(path); err == nil && t.IsDir() {
			return "a symbolic link to a folder (it would be replaced, not written into: give the folder itself)"
		}
		return "a symbolic link"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "a file"
}
