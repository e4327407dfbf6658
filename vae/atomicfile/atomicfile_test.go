package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"vaeexplorer/vae/safefile"
)

func TestLongNamesAndStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	// The longest legal name: its temporary must fit too.
	long := filepath.Join(dir, strings.Repeat("n", 251)+".png")
	if err := WriteFile(long, []byte("data")); err != nil {
		t.Fatalf("a 255-byte name: %v", err)
	}
	// A temporary a killed write left an hour ago is removed by the next
	// write of the same file; a fresh one (another write in progress) is
	// kept.
	target := filepath.Join(dir, "m.vae")
	stale := filepath.Join(dir, tempPattern("m.vae")+"123")
	fresh := filepath.Join(dir, tempPattern("m.vae")+"456")
	os.WriteFile(stale, []byte("half"), 0o600)
	os.WriteFile(fresh, []byte("half"), 0o600)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	if err := WriteFile(target, []byte("model")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Error("a stale temporary was left")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a fresh temporary (a write in progress) was removed")
	}
}

func TestSpecialFilesAreNotReplaced(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	// (Not /dev/null: a regression would replace it on a machine that runs
	// the tests as root.)
	for _, p := range []string{fifo, dir} {
		if err := WriteFile(p, []byte("x")); !errors.Is(err, safefile.ErrNotRegular) {
			t.Errorf("%s: %v", p, err)
		}
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatal("the named pipe was replaced")
	}
}

// A temporary whose process is gone (a killed write's) is removed by the
// next write at once, not 15 minutes later; one of a live process (this
// one) is kept.
func TestAKilledWritesTemporaryGoesWithTheNextWrite(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	pattern := tempPattern("m.vae")
	dead := filepath.Join(dir, fmt.Sprintf("%s%d-123", pattern, cmd.Process.Pid))
	live := filepath.Join(dir, tempPrefix(pattern)+"456")
	os.WriteFile(dead, []byte("half"), 0o600)
	os.WriteFile(live, []byte("half"), 0o600)
	deadDir := filepath.Join(dir, fmt.Sprintf("%s%d-789", tempPattern("out"), cmd.Process.Pid))
	os.MkdirAll(filepath.Join(deadDir, "a"), 0o755)
	if err := WriteFile(filepath.Join(dir, "m.vae"), []byte("model")); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(filepath.Join(dir, "out"), func(tmp string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dead, deadDir} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a killed write's temporary was left", filepath.Base(p))
		}
	}
	if _, err := os.Stat(live); err != nil {
		t.Error("this process's temporary (a write in progress) was removed")
	}
}
