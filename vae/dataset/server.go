package dataset

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// ServerIndex is what a server offering datasets lists at Server +
// "index.json" (vae-explorer serve writes it): each set's URL folder
// (Server + Name + "/") and its four idx files.
type ServerIndex struct {
	Sets []struct {
		Name  string   `json:"name"`
		Label string   `json:"label"`
		Files []string `json:"files"`
	} `json:"sets"`
}

// maxServedFile bounds one file read from a server (Fashion-MNIST's
// largest is 26 MB compressed, 47 MB not).
const maxServedFile = 256 << 20

// fromServer reads src's training and test splits from d.Server, into
// memory: the browser build has no disk. The server says which files it
// has (index.json); they are read as idx files, gzip-compressed or not.
func (d *Downloader) fromServer(ctx context.Context, src Source, progress Progress) (train, test *Set, err error) {
	client := d.Client
	if client == nil {
		client = http.DefaultClient
	}
	get := func(url string, max int64, got func(n, total int64)) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", url, err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: %s", url, resp.Status)
		}
		if resp.ContentLength > max {
			return nil, fmt.Errorf("%s: %d MB, more than the limit of %d MB", url, resp.ContentLength>>20, max>>20)
		}
		var buf bytes.Buffer
		r := io.LimitReader(resp.Body, max+1)
		chunk := make([]byte, 256<<10)
		for {
			n, err := r.Read(chunk)
			buf.Write(chunk[:n])
			if got != nil {
				got(int64(buf.Len()), resp.ContentLength)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", url, err)
			}
		}
		if int64(buf.Len()) > max {
			return nil, fmt.Errorf("%s: more than the limit of %d MB", url, max>>20)
		}
		return buf.Bytes(), nil
	}
	raw, err := get(d.Server+"index.json", 1<<20, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("the server lists no datasets (%w): serve the page with `make web-serve` (vae-explorer serve)", err)
	}
	var idx ServerIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, nil, fmt.Errorf("%sindex.json: %w", d.Server, err)
	}
	var files []string
	for _, s := range idx.Sets {
		if s.Name == src.Name {
			files = s.Files
		}
	}
	if len(files) != len(FileNames) {
		return nil, nil, fmt.Errorf("the server offers no %s: run `make mnist` (or put its four files where `vae-explorer serve --%s DIR` finds them) and serve the page again",
			src.Name, strings.TrimSuffix(src.Name, "-mnist"))
	}
	// Progress in bytes over the four files, the sizes pinned for the
	// standard files, else as each answer says.
	var total, done int64
	for _, f := range src.Files {
		total += f.Size
	}
	data := map[string][]byte{}
	for _, name := range files {
		base := strings.TrimSuffix(name, ".gz")
		b, err := get(d.Server+src.Name+"/"+name, maxServedFile, func(n, size int64) {
			if progress != nil {
				progress(min(done+n, total), total, name)
			}
		})
		if err != nil {
			return nil, nil, err
		}
		done += int64(len(b))
		data[base] = b
	}
	read := func(split Split) (*Set, error) {
		images, labels := string(split)+"-images-idx3-ubyte", string(split)+"-labels-idx1-ubyte"
		limit, what := MaxPixels, ""
		if split == Test {
			limit, what = MaxHeldOutBytes, " for held-out images"
		}
		im, err := readImages(bytes.NewReader(data[images]), limit, what, -1)
		if err != nil {
			return nil, fmt.Errorf("%s%s/%s: %w", d.Server, src.Name, images, err)
		}
		lb, err := ReadLabels(bytes.NewReader(data[labels]))
		if err != nil {
			return nil, fmt.Errorf("%s%s/%s: %w", d.Server, src.Name, labels, err)
		}
		if len(lb) != im.N {
			return nil, fmt.Errorf("%s%s: %w: %d labels for %d images", d.Server, src.Name, ErrFormat, len(lb), im.N)
		}
		return &Set{Images: im, Labels: lb}, nil
	}
	if train, err = read(Train); err != nil {
		return nil, nil, err
	}
	delete(data, "train-images-idx3-ubyte") // the compressed copy, no longer needed
	if test, err = read(Test); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}
