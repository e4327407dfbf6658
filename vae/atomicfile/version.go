package atomicfile

import (
	"errors"
	"os"
	"time"
)

// ErrChanged is WriteIfUnchanged's refusal: the file changed since it was
// read, and writing would undo that change.
var ErrChanged = errors.New("changed by another program since it was read; nothing was written (run again on the new file)")

// Version identifies one content of a file as far as the file system
// tells: which file (device and inode: a rename over it makes another),
// its size and its modification time. The zero Version is "no file".
type Version struct {
	dev, ino uint64
	size     int64
	mtime    time.Time
}

// Stat returns path's Version; a missing file is the zero Version.
func Stat(path string) (Version, error) {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return Version{}, nil
	}
	if err != nil {
		return Version{}, err
	}
	v := Version{size: st.Size(), mtime: st.ModTime()}
	v.dev, v.ino = fileID(st)
	return v, nil
}
