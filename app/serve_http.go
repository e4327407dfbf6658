//go:build !js

package main

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// What vae-explorer serve promises (README, Robustness):
//   - it serves regular files whose real path is inside --dir or a
//     dataset's folder, opened through os.Root: a symlink or a symlinked
//     folder that leads out, a FIFO, a device or a folder is a 404;
//   - GET and HEAD only: any other method is a 405 with an Allow header;
//   - a Host header other than localhost, an IP address or the name given
//     in --addr is refused (403): a page of another site that rebinds its
//     DNS name to 127.0.0.1 cannot read the server;
//   - errors name no path of the server's (the log on stderr does);
//   - idle keep-alive connections are closed after --idle-timeout.

// fileOpener opens a served file by its slash-separated name inside a
// folder, or says it is not there (fs.ErrNotExist) or not readable.
type fileOpener interface {
	Open(name string) (*os.File, fs.FileInfo, error)
}

// rootOpener opens regular files inside its os.Root. O_NONBLOCK: opening
// a FIFO for reading would wait for a writer; it is refused as it is no
// regular file.
type rootOpener struct{ root *os.Root }

func (o rootOpener) Open(name string) (*os.File, fs.FileInfo, error) {
	f, err := o.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, nil, err
		}
		return nil, nil, fs.ErrNotExist // missing, or out of the folder
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, fs.ErrNotExist
	}
	return f, st, nil
}

// webHandler is what serve answers with: the checks every request passes,
// then dir's files and the datasets'.
type webHandler struct {
	static fileOpener
	sets   map[string]fileOpener // by the set's URL name
	files  map[string]bool       // "name/file": the files the sets offer
	index  []byte                // /data/index.json
	hosts  []string              // names besides localhost and IP addresses
	logger *log.Logger
}

// newWebHandler serves dir's files and, under /data/, the sets' files with
// their list at /data/index.json, answering to the host names in hosts as
// well as localhost and IP addresses. close releases the folders.
func newWebHandler(dir string, sets []servedSet, hosts []string, logTo io.Writer) (h http.Handler, close func(), err error) {
	var roots []*os.Root
	close = func() {
		for _, r := range roots {
			r.Close()
		}
	}
	open := func(d string) (fileOpener, error) {
		r, err := os.OpenRoot(d)
		if err != nil {
			return nil, err
		}
		roots = append(roots, r)
		return rootOpener{r}, nil
	}
	w := &webHandler{sets: map[string]fileOpener{}, files: map[string]bool{}, hosts: hosts, logger: log.New(logTo, "vae-explorer serve: ", log.LstdFlags)}
	if w.static, err = open(dir); err != nil {
		close()
		return nil, nil, err
	}
	for _, s := range sets {
		if w.sets[s.Name], err = open(s.dir); err != nil {
			close()
			return nil, nil, err
		}
		for _, f := range s.Files {
			w.files[s.Name+"/"+f] = true
		}
	}
	w.index, _ = json.Marshal(struct {
		Sets []servedSet `json:"sets"`
	}{append([]servedSet{}, sets...)})
	return w, close, nil
}

func (w *webHandler) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if !w.allowedHost(r.Host) {
		http.Error(rw, "this server answers to localhost and IP addresses only (vae-explorer serve --addr NAME:PORT adds a name)", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rw.Header().Set("Allow", "GET, HEAD")
		http.Error(rw, "method not allowed: this server only reads", http.StatusMethodNotAllowed)
		return
	}
	name := path.Clean("/" + r.URL.Path)
	switch {
	case name == "/data/index.json":
		rw.Header().Set("Content-Type", "application/json")
		rw.Header().Set("Cache-Control", "no-cache")
		rw.Write(w.index)
	case strings.HasPrefix(name, "/data/"):
		set, file, _ := strings.Cut(strings.TrimPrefix(name, "/data/"), "/")
		if !w.files[set+"/"+file] {
			http.NotFound(rw, r)
			return
		}
		// Sent as they are: a .gz file stays gzip for the app to read,
		// not a transfer encoding.
		rw.Header().Set("Content-Type", "application/octet-stream")
		w.serveFile(rw, r, w.sets[set], file)
	default:
		w.serveStatic(rw, r, name)
	}
}

// allowedHost says whether a request's Host header names this server:
// localhost, an IP address (a DNS rebinding attack needs a name), or a
// name given in --addr. A request without one (HTTP/1.0) is no browser's.
func (w *webHandler) allowedHost(hostport string) bool {
	if hostport == "" {
		return true
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(host) != nil {
		return true
	}
	for _, h := range w.hosts {
		if strings.EqualFold(host, h) {
			return true
		}
	}
	return false
}

// serveFile sends name from o, or says why not without the server's
// paths (the log has them).
func (w *webHandler) serveFile(rw http.ResponseWriter, r *http.Request, o fileOpener, name string) {
	f, st, err := o.Open(name)
	if err != nil {
		w.refuse(rw, r, name, err)
		return
	}
	defer f.Close()
	http.ServeContent(rw, r, "", st.ModTime(), f)
}

func (w *webHandler) refuse(rw http.ResponseWriter, r *http.Request, name string, err error) {
	if errors.Is(err, fs.ErrNotExist) {
		http.NotFound(rw, r)
		return
	}
	w.logger.Printf("%s: %v", strconv.Quote(name), err)
	if errors.Is(err, fs.ErrPermission) {
		http.Error(rw, "this file cannot be read", http.StatusForbidden)
		return
	}
	http.Error(rw, "this file cannot be read", http.StatusInternalServerError)
}

// The types the browser build's files need, set here rather than taken from
// the system's MIME table (application/wasm is what streaming compilation
// requires).
var webTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".wasm": "application/wasm",
	".png":  "image/png",
	".json": "application/json",
	".size": "text/plain; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

// serveStatic sends one of dir's files; where make web left a compressed
// copy (name.br, name.gz) and the browser accepts it, that copy, else text
// compressed on the fly.
func (w *webHandler) serveStatic(rw http.ResponseWriter, r *http.Request, name string) {
	if strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	name = strings.TrimPrefix(name, "/")
	ext := path.Ext(name)
	ctype, ok := webTypes[ext]
	if !ok {
		ctype = mime.TypeByExtension(ext)
	}
	f, st, err := w.static.Open(name)
	if err != nil {
		w.refuse(rw, r, name, err)
		return
	}
	defer f.Close()
	h := rw.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-cache") // revalidated: a new make web shows at once
	h.Add("Vary", "Accept-Encoding")
	accept := r.Header.Get("Accept-Encoding")
	for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !acceptsEncoding(accept, enc.token) {
			continue
		}
		cf, cst, err := w.static.Open(name + enc.ext)
		if err != nil {
			continue
		}
		defer cf.Close()
		if cst.ModTime().Before(st.ModTime()) {
			continue // older than the file: a stale copy
		}
		h.Set("Content-Encoding", enc.token)
		http.ServeContent(rw, r, "", cst.ModTime(), cf)
		return
	}
	if compressible(ctype) && acceptsEncoding(accept, "gzip") && r.Method == http.MethodGet {
		h.Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(rw)
		io.Copy(zw, f)
		zw.Close()
		return
	}
	http.ServeContent(rw, r, "", st.ModTime(), f)
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || ctype == "application/json"
}

// acceptsEncoding reports whether an Accept-Encoding header allows token:
// listed, or covered by "*", with a q-value above 0 (RFC 9110 12.4.2: the
// "q" is case-insensitive; a q that is no number counts as 0).
func acceptsEncoding(header, token string) bool {
	q, star := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		v := 1.0
		for _, p := range strings.Split(params, ";") {
			k, val, ok := strings.Cut(p, "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || f < 0 || f > 1 {
				f = 0
			}
			v = f
		}
		switch {
		case strings.EqualFold(name, token):
			q = v
		case name == "*":
			star = v
		}
	}
	if q < 0 {
		q = star
	}
	return q > 0
}

// serveTimeouts: how long a request's headers may take, and how long an
// idle keep-alive connection stays open by default.
const (
	readHeaderTimeout  = 10 * time.Second
	defaultIdleTimeout = 60 * time.Second
)

// hostOf is the host name of a listen address, when it is a name (not an
// IP address, not empty): the name the server also answers to.
func hostOf(addr string) []string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil || h == "" || net.ParseIP(strings.Trim(h, "[]")) != nil {
		return nil
	}
	return []string{h}
}
