package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestOnlyRegularFilesOpen(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, []byte("x"), 0o644)
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	os.Symlink(loop, loop)
	f, st, err := Open(file)
	if err != nil || st.Size() != 1 {
		t.Fatalf("a regular file: %v", err)
	}
	f.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, p := range []string{dir, fifo, "/dev/zero"} {
			if _, _, err := Open(p); !errors.Is(err, ErrNotRegular) {
				t.Errorf("%s: %v", p, err)
			}
		}
		if _, _, err := Open(loop); !errors.Is(err, syscall.ELOOP) {
			t.Errorf("a symlink loop: %v", err)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("opening a named pipe blocked")
	}
}
