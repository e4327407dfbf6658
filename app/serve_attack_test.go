//go:build !js

package main

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// servedProcess is a real `vae-explorer serve` on 127.0.0.1 and a free
// port, stopped at the end of the test.
func servedProcess(t *testing.T, args ...string) (base string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "VAE_TEST_RUN_MAIN=1") // this test binary as the command (TestMain)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n') // Serving DIR at http://ADDR/ (Ctrl-C stops)
	_, url, ok := strings.Cut(line, " at ")
	if err != nil || !ok {
		t.Fatalf("serve said %q (%v)", line, err)
	}
	go io.Copy(io.Discard, out)
	return strings.TrimSuffix(strings.Fields(url)[0], "/")
}

// request sends one request with a timeout (a FIFO must not hang it).
func request(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader("written?"))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// The server serves its folders and nothing else, as an attacker would
// try it: symlinks out of --dir (a file, a folder), a FIFO, an unreadable
// file, writes, a forged Host, an encoding refused in capitals, and idle
// connections held open.
func TestServeAsAnAttackerWould(t *testing.T) {
	parent := t.TempDir()
	web := filepath.Join(parent, "web")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(web, 0o755))
	write := func(p, s string) { must(os.WriteFile(p, []byte(s), 0o644)) }
	write(filepath.Join(parent, "secret.txt"), "SECRET beside the folder")
	write(filepath.Join(web, "index.html"), "<html>page</html>")
	write(filepath.Join(web, "inside.txt"), "inside")
	write(filepath.Join(web, "app.wasm"), "plain wasm")
	write(filepath.Join(web, "app.wasm.br"), "brotli wasm")
	write(filepath.Join(web, "app.wasm.gz"), "gzip wasm")
	write(filepath.Join(web, "locked.js"), "locked")
	must(os.Chmod(filepath.Join(web, "locked.js"), 0))
	must(os.Symlink("../secret.txt", filepath.Join(web, "leak.txt")))
	must(os.Symlink("..", filepath.Join(web, "up")))
	must(os.Symlink("inside.txt", filepath.Join(web, "link.txt"))) // stays inside: served
	must(syscall.Mkfifo(filepath.Join(web, "fifo.js"), 0o644))
	base := servedProcess(t, "--dir", web, "--idle-timeout", "1s")
	host := strings.TrimPrefix(base, "http://")

	for _, c := range []struct {
		path string
		code int
	}{
		{"/leak.txt", 404}, {"/up/secret.txt", 404}, {"/up/web/index.html", 404}, {"/fifo.js", 404},
		{"/link.txt", 200}, {"/inside.txt", 200}, {"/", 200},
	} {
		resp, body := request(t, "GET", base+c.path, nil)
		if resp.StatusCode != c.code || strings.Contains(body, "SECRET") {
			t.Errorf("GET %s: %d %q, want %d", c.path, resp.StatusCode, body, c.code)
		}
	}
	// Unreadable: refused without the server's paths (root reads it).
	if resp, body := request(t, "GET", base+"/locked.js", nil); strings.Contains(body, parent) || (resp.StatusCode != 403 && resp.StatusCode != 200) {
		t.Errorf("an unreadable file: %d %q", resp.StatusCode, body)
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		for _, p := range []string{"/data/index.json", "/data/mnist/train-images-idx3-ubyte.gz", "/index.html"} {
			resp, _ := request(t, m, base+p, nil)
			if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: %d, Allow %q; want 405 and GET, HEAD", m, p, resp.StatusCode, resp.Header.Get("Allow"))
			}
		}
	}
	if resp, _ := request(t, "HEAD", base+"/index.html", nil); resp.StatusCode != 200 {
		t.Errorf("HEAD: %d", resp.StatusCode)
	}
	for _, c := range []struct {
		accept, enc, body string
	}{
		{"br;Q=0, gzip;Q=0", "", "plain wasm"},
		{"BR; q=0.5, gzip;q=0", "br", "brotli wasm"},
		{"br;q=0, *", "gzip", "gzip wasm"},
		{"*;q=0", "", "plain wasm"},
	} {
		resp, body := request(t, "GET", base+"/app.wasm", map[string]string{"Accept-Encoding": c.accept})
		if resp.Header.Get("Content-Encoding") != c.enc || body != c.body {
			t.Errorf("Accept-Encoding %q: %q %q, want %q", c.accept, resp.Header.Get("Content-Encoding"), body, c.enc)
		}
	}
	for _, c := range []struct {
		host string
		code int
	}{
		{"evil.example", 403}, {"evil.example:" + strings.Split(host, ":")[1], 403}, {"localhost." + "evil.example", 403},
		{"localhost:1", 200}, {host, 200}, {"[::1]:80", 200},
	} {
		if resp, _ := request(t, "GET", base+"/", map[string]string{"Host": c.host}); resp.StatusCode != c.code {
			t.Errorf("Host %q: %d, want %d", c.host, resp.StatusCode, c.code)
		}
	}

	// An idle keep-alive connection is closed after --idle-timeout.
	conn, err := net.Dial("tcp", host)
	must(err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET /inside.txt HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
	must(err)
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	must(err)
	io.Copy(io.Discard, resp.Body)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	if _, err := r.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("idle connection: %v after %v, want closed by the server (EOF)", err, time.Since(start))
	}
}

// A file that cannot be read is refused without the server's path (that
// goes to its log).
func TestServeHidesItsPathsInErrors(t *testing.T) {
	var logged strings.Builder
	w := &webHandler{static: failingOpener{}, logger: newTestLogger(&logged)}
	for _, path := range []string{"/app.js", "/"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", path, nil)
		req.Host = "localhost"
		w.ServeHTTP(rec, req)
		if rec.Code != 403 || strings.Contains(rec.Body.String(), "/srv/secret") {
			t.Errorf("%s: %d %q", path, rec.Code, rec.Body.String())
		}
	}
	if !strings.Contains(logged.String(), "/srv/secret/web/app.js") {
		t.Errorf("the log: %q", logged.String())
	}
}

type failingOpener struct{}

func (failingOpener) Open(name string) (*os.File, fs.FileInfo, error) {
	return nil, nil, &fs.PathError{Op: "open", Path: "/srv/secret/web/" + name, Err: fs.ErrPermission}
}

// serve takes flags only, as every other command: a stray argument is
// bad usage, before anything listens.
func TestServeRefusesAStrayArgument(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("x"), 0o644)
	code, _, stderr := runCLI(t, "serve", "--dir", dir, "--addr", "127.0.0.1:0", "build/web")
	if code != 2 || !strings.Contains(stderr, `unexpected argument "build/web"`) {
		t.Errorf("serve with a stray argument: %d %q", code, stderr)
	}
}

func newTestLogger(w io.Writer) *log.Logger { return log.New(w, "", 0) }
