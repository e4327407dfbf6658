// Package atomicfile writes files so that readers see the old contents or
// the new, never a part: a temporary file in the same folder, synced, then
// renamed over the target, and the folder synced. A write that fails (a
// full disk, a crash) leaves the target as it was and no temporary file.
// Folders are written the same way (WriteDir): built beside the target,
// renamed into place when complete. Every rename happens under an
// exclusive lock on the folder, so a read-modify-write (WriteIfUnchanged)
// or a folder claim never silently undoes another process's.
package atomicfile

import (
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"vaeexplorer/vae/safefile"
)

// tempPattern is the pattern of the hidden temporary names for path's
// base name: short enough for any legal name (the base is cut to 40 bytes
// and told apart by a hash of the whole), and the same for every write to
// the same target, so temporaries a killed write left can be found.
func tempPattern(base string) string {
	h := fnv.New32a()
	h.Write([]byte(base))
	short := base
	if len(short) > 40 {
		short = short[:40]
	}
	return fmt.Sprintf(".%s.%08x.tmp-", short, h.Sum32())
}

// staleAfter is the age past which a temporary of the same target is
// taken for one a killed write left behind when it cannot be told from
// its name (see abandoned).
const staleAfter = 15 * time.Minute

// tempPrefix is the start of a new temporary's name for pattern: the
// writing process's ID follows it, so a temporary whose process is gone
// is known for a killed write's at once.
func tempPrefix(pattern string) string { return fmt.Sprintf("%s%d-", pattern, os.Getpid()) }

// abandoned says whether the temporary at path (named pattern + PID +
// "-" + …) was left by a write that is no more: its process is gone; or,
// when the name holds no process ID or that ID is taken by a process
// (maybe another one), it is older than staleAfter. This process's own
// temporaries are writes in progress.
func abandoned(path, pattern string, st os.FileInfo) bool {
	rest := strings.TrimPrefix(filepath.Base(path), pattern)
	if pid, _, ok := strings.Cut(rest, "-"); ok {
		if n, err := strconv.Atoi(pid); err == nil && n > 0 {
			if n == os.Getpid() {
				return false
			}
			if processGone(n) {
				return true
			}
		}
	}
	return time.Since(st.ModTime()) > staleAfter
}

// Write writes path with the content write produces. A new file gets mode
// 0644; an existing one keeps its mode. Something at path that is not a
// regular file (a named pipe, a device such as /dev/null, a folder) is
// never replaced: Write refuses it.
func Write(path string, write func(io.Writer) error) error {
	return write1(path, nil, write)
}

// WriteIfUnchanged is Write for a read-modify-write: it replaces path only
// if path is still at version was (from Stat, taken before reading it),
// else it fails with ErrChanged and writes nothing. The check and the
// rename happen under the folder's lock.
func WriteIfUnchanged(path string, was Version, write func(io.Writer) error) error {
	return write1(path, &was, write)
}

func write1(path string, was *Version, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if st, serr := os.Stat(path); serr == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("%s: %w; it is not replaced: write to a file", path, safefile.ErrNotRegular)
	}
	pattern := tempPattern(filepath.Base(path))
	removeStale(dir, pattern)
	f, err := os.CreateTemp(dir, tempPrefix(pattern)+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// CreateTemp makes the file private (0600); the target keeps its old
	// permissions, or gets the usual 0644.
	mode := os.FileMode(0o644)
	if st, serr := os.Stat(path); serr == nil {
		mode = st.Mode().Perm()
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	unlock := lockDir(dir)
	defer unlock()
	if was != nil {
		now, serr := Stat(path)
		if serr != nil {
			return serr
		}
		if now != *was {
			return fmt.Errorf("%s: %w", path, ErrChanged)
		}
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// removeStale removes temporaries of the same target (files or folders)
// left by a write that was killed (see abandoned).
func removeStale(dir, pattern string) {
	old, _ := filepath.Glob(filepath.Join(dir, glob(pattern)+"*"))
	for _, o := range old {
		st, err := os.Lstat(o)
		if err != nil || !abandoned(o, pattern, st) {
			continue
		}
		switch {
		case st.Mode().IsRegular():
			os.Remove(o)
		case st.IsDir():
			os.RemoveAll(o)
		}
	}
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// WriteFile writes data to path.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// glob escapes the pattern characters in s.
func glob(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', '\\':
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(b)
}
