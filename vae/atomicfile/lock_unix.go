//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// lockDir takes an exclusive advisory lock (flock) on dir and returns its
// release. Where the file system has no locks, it goes on unlocked.
func lockDir(dir string) (unlock func()) {
	d, err := os.Open(dir)
	if err != nil {
		return func() {}
	}
	if err := syscall.Flock(int(d.Fd()), syscall.LOCK_EX); err != nil {
		d.Close()
		return func() {}
	}
	return func() {
		syscall.Flock(int(d.Fd()), syscall.LOCK_UN)
		d.Close()
	}
}

func fileID(st os.FileInfo) (dev, ino uint64) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Dev), s.Ino
	}
	return 0, 0
}

// errNotEmpty is what rename onto a folder that holds something fails with.
var errNotEmpty error = syscall.ENOTEMPTY

// renameDir renames the folder tmp to dir, replacing dir when it is an
// empty folder (rename(2) does; os.Rename refuses any existing folder).
func renameDir(tmp, dir string) error {
	if err := syscall.Rename(tmp, dir); err != nil {
		return &os.LinkError{Op: "rename", Old: tmp, New: dir, Err: err}
	}
	return nil
}

// processGone says whether no process has the ID pid.
func processGone(pid int) bool { return syscall.Kill(pid, 0) == syscall.ESRCH }
