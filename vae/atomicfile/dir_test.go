package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// entries lists dir's names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteDirIsAllOrNothing(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "aug")
	// A fill that fails half way (a full disk, say) leaves no folder and
	// no temporary.
	err := WriteDir(out, func(tmp string) error {
		for i := range 5 {
			if err := os.WriteFile(filepath.Join(tmp, strconv.Itoa(i)), []byte("x"), 0o644); err != nil {
				return err
			}
		}
		return errors.New("no space left on device")
	})
	if err == nil || len(entries(t, parent)) != 0 {
		t.Fatalf("a failed fill: %v, left %v", err, entries(t, parent))
	}
	// A good one appears whole, readable by others.
	if err := WriteDir(out, func(tmp string) error { return os.WriteFile(filepath.Join(tmp, "a"), []byte("x"), 0o644) }); err != nil {
		t.Fatal(err)
	}
	if got := entries(t, parent); len(got) != 1 || got[0] != "aug" || len(entries(t, out)) != 1 {
		t.Fatalf("after a good fill: %v", got)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o755 {
		t.Fatalf("folder mode %v", st.Mode())
	}
	// A folder that holds something is never merged into or replaced.
	ran := false
	err = WriteDir(out, func(string) error { ran = true; return nil })
	if !errors.Is(err, ErrDirTaken) || ran {
		t.Fatalf("a full target: %v (fill ran: %v)", err, ran)
	}
	// An empty one is taken.
	empty := filepath.Join(parent, "empty")
	os.Mkdir(empty, 0o755)
	if err := WriteDir(empty, func(tmp string) error { return os.WriteFile(filepath.Join(tmp, "b"), nil, 0o644) }); err != nil || len(entries(t, empty)) != 1 {
		t.Fatalf("an empty target: %v", err)
	}
}

func TestWriteDirRaceHasOneWinner(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "aug")
	// The second writer finishes while the first is still filling: the
	// first then finds the folder taken and leaves the winner intact.
	err := WriteDir(out, func(tmp string) error {
		os.WriteFile(filepath.Join(tmp, "first"), nil, 0o644)
		return WriteDir(out, func(tmp2 string) error { return os.WriteFile(filepath.Join(tmp2, "second"), nil, 0o644) })
	})
	if !errors.Is(err, ErrDirTaken) {
		t.Fatalf("the loser: %v", err)
	}
	if got := entries(t, out); len(got) != 1 || got[0] != "second" || len(entries(t, parent)) != 1 {
		t.Fatalf("after the race: %v in the folder, %v beside it", got, entries(t, parent))
	}
	// Many at once: one wins, the rest are told, nothing is mixed.
	out = filepath.Join(parent, "many")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = WriteDir(out, func(tmp string) error {
				for j := range 20 {
					os.WriteFile(filepath.Join(tmp, fmt.Sprintf("%d-%d", i, j)), nil, 0o644)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, ErrDirTaken):
			t.Fatal(err)
		}
	}
	if wins != 1 || len(entries(t, out)) != 20 {
		t.Fatalf("%d winners, %d files", wins, len(entries(t, out)))
	}
}

func TestStaleTemporaryFoldersAreRemoved(t *testing.T) {
	parent := t.TempDir()
	stale := filepath.Join(parent, tempPattern("aug")+"1")
	os.MkdirAll(filepath.Join(stale, "3"), 0o755)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	if err := WriteDir(filepath.Join(parent, "aug"), func(string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := entries(t, parent); len(got) != 1 {
		t.Fatalf("left %v", got)
	}
}

func TestReadModifyWriteNeverLosesAnUpdate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "count")
	WriteFile(path, []byte("0"))
	// Eight writers each add one, retrying when another got there first.
	// Without the check the count ends below eight.
	var wg sync.WaitGroup
	var mu sync.Mutex
	refused := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				was, err := Stat(path)
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := os.ReadFile(path)
				n, _ := strconv.Atoi(string(b))
				time.Sleep(time.Millisecond) // widen the window
				err = WriteIfUnchanged(path, was, func(w io.Writer) error {
					_, err := fmt.Fprint(w, n+1)
					return err
				})
				if !errors.Is(err, ErrChanged) {
					if err != nil {
						t.Error(err)
					}
					return
				}
				mu.Lock()
				refused++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if b, _ := os.ReadFile(path); string(b) != "8" {
		t.Fatalf("count %s after eight increments (%d refused)", b, refused)
	}
	if refused == 0 {
		t.Log("no writer was refused: the race did not happen this time")
	}
	// A file created since the (missing) version was taken is not replaced.
	fresh := filepath.Join(t.TempDir(), "new")
	was, _ := Stat(fresh)
	WriteFile(fresh, []byte("theirs"))
	if err := WriteIfUnchanged(fresh, was, func(w io.Writer) error { _, err := w.Write([]byte("mine")); return err }); !errors.Is(err, ErrChanged) {
		t.Fatalf("replaced a file created meanwhile: %v", err)
	}
	if b, _ := os.ReadFile(fresh); string(b) != "theirs" {
		t.Fatalf("content %q", b)
	}
}

// What stands where a new folder goes is named for what it is: a
// symbolic link to a folder is not "a file".
func TestCheckEmptyNamesWhatIsInTheWay(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	os.MkdirAll(filepath.Join(full, "x"), 0o755)
	link := filepath.Join(dir, "link")
	os.Symlink(full, link)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for p, want := range map[string]string{link: "a symbolic link to a folder", file: "is a file", full: "not empty"} {
		if err := CheckEmpty(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", filepath.Base(p), err, want)
		}
	}
}
