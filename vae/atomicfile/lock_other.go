//go:build !unix

package atomicfile

import "os"

// lockDir does nothing where there is no flock (the browser build has one
// process and no shared folders).
func lockDir(string) (unlock func()) { return func() {} }

func fileID(os.FileInfo) (dev, ino uint64) { return 0, 0 }

var errNotEmpty = os.ErrExist

// renameDir renames the folder tmp to dir, first removing dir when it is
// an empty folder (os.Remove fails on one that is not).
func renameDir(tmp, dir string) error {
	os.Remove(dir)
	return os.Rename(tmp, dir)
}

func processGone(int) bool { return false }
