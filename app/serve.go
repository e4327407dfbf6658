//go:build !js

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
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
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one). The default answers this machine only; "+
		"0.0.0.0:8080 serves the browser version and the datasets' files, read only, to every machine that can reach this one")
	idle := fs.Duration("idle-timeout", defaultIdleTimeout, "close keep-alive connections idle this long")
	mnist := fs.String("mnist", "", "folder holding MNIST's four files (default: the download cache, then the Go module cache)")
	fashion := fs.String("fashion", "", "folder holding Fashion-MNIST's four files (default: the download cache, then Debian's package)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput("unexpected argument %q (serve takes flags only; see vae-explorer serve --help)", clipArg(pos[0]))
	}
	if *idle <= 0 {
		return badInput("--idle-timeout %v: give a positive duration, such as 60s", *idle)
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
	h, closeRoots, err := newWebHandler(*dir, sets, hostOf(*addr), c.stderr)
	if err != nil {
		ln.Close()
		return badInput("%v", err)
	}
	defer closeRoots()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, IdleTimeout: *idle}
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
	// Through the folder's os.Root, as they are served: a symlink that
	// leads out of it is not listed.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", dataset.ErrNoData, err)
	}
	defer root.Close()
	var files []string
	for _, n := range dataset.FileNames {
		found := ""
		for _, f := range []string{n + ".gz", n} {
			if st, err := root.Stat(f); err == nil && st.Mode().IsRegular() {
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
