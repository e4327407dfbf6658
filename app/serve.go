//go:build !js

package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"vaeexplorer/vae/dataset"
)

// cmdServe serves the browser build (make web) and the datasets this
// machine has, for training in the browser: make web-serve.
func cmdServe(c *cli, args []string) error {
	fs := c.newFlags("serve")
	dir := fs.String("dir", "build/web", "the folder make web wrote")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	mnist := fs.String("mnist", "", "folder holding MNIST's four files (default: the download cache, then the Go module cache)")
	fashion := fs.String("fashion", "", "folder holding Fashion-MNIST's four files (default: the download cache, then Debian's package)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(*dir, "index.html")); err != nil {
		return badInput("%s: no index.html here: build the browser version first with `make web` (or give --dir)", *dir)
	}
	sets, err := servedSets(*mnist, *fashion)
	if err != nil {
		return usageErr{err}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return badInput("listen on %s: %v (another server on that port? choose another with --addr, e.g. make web-serve WEB_PORT=8081)", *addr, err)
	}
	fmt.Fprintf(c.stdout, "Serving %s at http://%s/ (Ctrl-C stops)\n", *dir, ln.Addr())
	for _, s := range sets {
		fmt.Fprintf(c.stdout, "  %s for training: %s\n", s.Label, s.dir)
	}
	if len(sets) == 0 {
		fmt.Fprintln(c.stdout, "  no dataset for training found (make mnist, or give --mnist DIR)")
	}
	srv := &http.Server{Handler: newWebHandler(*dir, sets), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-c.ctx.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// servedSet is a dataset the server offers the browser build.
type servedSet struct {
	Name  string   `json:"name"`  // the URL folder: /data/NAME/
	Label string   `json:"label"` // as the app names it
	Files []string `json:"files"` // the four idx files, as named on disk
	dir   string
}

// servedSets finds MNIST and Fashion-MNIST: the folders given, else the
// places the desktop app would use without downloading.
func servedSets(mnistDir, fashionDir string) ([]servedSet, error) {
	var d dataset.Downloader
	var out []servedSet
	for _, c := range []struct {
		src   dataset.Source
		label string
		given string
		other func() string
	}{
		{dataset.MNIST, "MNIST", mnistDir, func() string { return d.ModuleCopy(dataset.MNIST) }},
		{dataset.Fashion, "Fashion-MNIST", fashionDir, dataset.FindFashion},
	} {
		dirs := []string{c.given}
		if c.given == "" {
			cache, _ := d.CacheDir(c.src)
			dirs = []string{cache, c.other()}
		}
		for _, dir := range dirs {
			files, err := idxFiles(dir)
			if err == nil {
				out = append(out, servedSet{Name: c.src.Name, Label: c.label, Files: files, dir: dir})
				break
			}
			if c.given != "" {
				return nil, fmt.Errorf("--%s %s: %w", strings.ToLower(strings.TrimSuffix(c.label, "-MNIST")), dir, err)
			}
		}
	}
	return out, nil
}

// idxFiles names the four idx files in dir (each as name.gz or name).
func idxFiles(dir string) ([]string, error) {
	if dir == "" {
		return nil, dataset.ErrNoData
	}
	var files []string
	for _, n := range dataset.FileNames {
		found := ""
		for _, f := range []string{n + ".gz", n} {
			if st, err := os.Stat(filepath.Join(dir, f)); err == nil && st.Mode().IsRegular() {
				found = f
				break
			}
		}
		if found == "" {
			return nil, fmt.Errorf("%w: missing %s (or %s.gz); give the folder holding %s", dataset.ErrNoData, n, n, strings.Join(dataset.FileNames, ", "))
		}
		files = append(files, found)
	}
	return files, nil
}

// newWebHandler serves dir's static files and, under /data/, the sets'
// files with their list at /data/index.json.
func newWebHandler(dir string, sets []servedSet) http.Handler {
	mux := http.NewServeMux()
	index, _ := json.Marshal(struct {
		Sets []servedSet `json:"sets"`
	}{append([]servedSet{}, sets...)})
	mux.HandleFunc("/data/index.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(index)
	})
	for _, s := range sets {
		for _, f := range s.Files {
			p := filepath.Join(s.dir, f)
			mux.HandleFunc("/data/"+s.Name+"/"+f, func(w http.ResponseWriter, r *http.Request) {
				// Sent as they are: a .gz file stays gzip for the app to
				// read, not a transfer encoding.
				w.Header().Set("Content-Type", "application/octet-stream")
				http.ServeFile(w, r, p)
			})
		}
	}
	mux.Handle("/", staticHandler(dir))
	return mux
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

// staticHandler serves dir's files; where make web left a compressed copy
// (name.br, name.gz) and the browser accepts it, that copy, else text
// compressed on the fly.
func staticHandler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := path.Clean("/" + r.URL.Path)
		if strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		ext := path.Ext(name)
		ctype, ok := webTypes[ext]
		if !ok {
			ctype = mime.TypeByExtension(ext)
		}
		file := filepath.Join(dir, filepath.FromSlash(name))
		st, err := os.Stat(file)
		if err != nil || !st.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Cache-Control", "no-cache") // revalidated: a new make web shows at once
		h.Add("Vary", "Accept-Encoding")
		accept := r.Header.Get("Accept-Encoding")
		for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
			if !acceptsEncoding(accept, enc.token) {
				continue
			}
			if cst, err := os.Stat(file + enc.ext); err == nil && cst.Mode().IsRegular() && !cst.ModTime().Before(st.ModTime()) {
				f, err := os.Open(file + enc.ext)
				if err != nil {
					break
				}
				defer f.Close()
				h.Set("Content-Encoding", enc.token)
				http.ServeContent(w, r, "", cst.ModTime(), f)
				return
			}
		}
		if compressible(ctype) && acceptsEncoding(accept, "gzip") && r.Method == http.MethodGet {
			f, err := os.Open(file)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			defer f.Close()
			h.Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			io.Copy(zw, f)
			zw.Close()
			return
		}
		f, err := os.Open(file)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		http.ServeContent(w, r, "", st.ModTime(), f)
	})
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || ctype == "application/json"
}

// acceptsEncoding reports whether an Accept-Encoding header allows token
// (listed without q=0).
func acceptsEncoding(header, token string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), token) {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
