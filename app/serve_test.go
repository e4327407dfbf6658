package main

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWebServer checks what vae-explorer serve sends: the types the
// browser build needs, the compressed copy the browser accepts, text
// compressed on the fly, the datasets' list and files, and nothing outside
// its folder.
func TestWebServer(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	write := func(p, s string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "index.html"), "<html>"+strings.Repeat("page ", 200)+"</html>")
	write(filepath.Join(dir, "app.wasm"), "\x00asm plain")
	write(filepath.Join(dir, "app.wasm.br"), "brotli bytes")
	write(filepath.Join(dir, "app.wasm.gz"), "gzip bytes")
	write(filepath.Join(data, "secret"), "not served")
	for _, n := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		write(filepath.Join(data, n), "idx:"+n)
	}
	sets, err := servedSets(data, "")
	if err != nil || len(sets) == 0 || sets[0].Name != "mnist" {
		t.Fatalf("servedSets: %+v, %v", sets, err)
	}
	h, closeRoots, err := newWebHandler(dir, sets[:1], nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer closeRoots()
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(path, accept string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", accept) // set: the client adds no gzip of its own
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, c := range []struct{ path, accept, enc, ctype, body string }{
		{"/app.wasm", "gzip, deflate, br, zstd", "br", "application/wasm", "brotli bytes"},
		{"/app.wasm", "gzip", "gzip", "application/wasm", "gzip bytes"},
		{"/app.wasm", "br;q=0, gzip", "gzip", "application/wasm", "gzip bytes"},
		{"/app.wasm", "identity", "", "application/wasm", "\x00asm plain"},
		{"/data/mnist/train-labels-idx1-ubyte", "gzip, br", "", "application/octet-stream", "idx:train-labels-idx1-ubyte"},
		{"/data/mnist/t10k-images-idx3-ubyte.gz", "gzip, br", "", "application/octet-stream", "idx:t10k-images-idx3-ubyte.gz"},
	} {
		resp, body := get(c.path, c.accept)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != c.enc || resp.Header.Get("Content-Type") != c.ctype || body != c.body {
			t.Errorf("%s (Accept-Encoding %q): %d, encoding %q, type %q, body %q", c.path, c.accept, resp.StatusCode,
				resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"), body)
		}
	}
	// The page: text, gzip on the fly.
	resp, body := get("/", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("/: %v", resp.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if page, _ := io.ReadAll(zr); !strings.HasPrefix(string(page), "<html>page") {
		t.Errorf("/ gunzipped: %q", page[:20])
	}
	// The datasets' list.
	_, body = get("/data/index.json", "")
	var idx struct {
		Sets []servedSet `json:"sets"`
	}
	if err := json.Unmarshal([]byte(body), &idx); err != nil || len(idx.Sets) != 1 || len(idx.Sets[0].Files) != 4 ||
		idx.Sets[0].Files[1] != "train-labels-idx1-ubyte" {
		t.Errorf("index.json: %s (%v)", body, err)
	}
	// Nothing else: other files of the data folder, paths out of the web
	// folder, missing files.
	for _, p := range []string{"/data/mnist/secret", "/../" + filepath.Base(data) + "/secret", "/%2e%2e/secret", "/missing.js"} {
		// (The mux answers a path with .. by redirecting to its clean
		// form, which is inside the folder.)
		if resp, body := get(p, ""); (resp.StatusCode != 404 && resp.StatusCode != 307) || strings.Contains(body, "not served") {
			t.Errorf("%s: %d %q, want 404 or a redirect", p, resp.StatusCode, body)
		}
	}
}

// TestServeRefusesWhatIsMissing: no build, or a named dataset folder
// without the files, is a clear error before listening.
func TestServeRefusesWhatIsMissing(t *testing.T) {
	code, _, stderr := runCLI(t, "serve", "--dir", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "make web") {
		t.Errorf("serve without a build: %d %q", code, stderr)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("x"), 0o644)
	code, _, stderr = runCLI(t, "serve", "--dir", dir, "--mnist", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "train-images-idx3-ubyte") {
		t.Errorf("serve --mnist EMPTY: %d %q", code, stderr)
	}
}
