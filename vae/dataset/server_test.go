package dataset

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFromServer: with Server set, Open reads MNIST from the server's
// index and files into memory (what the browser build does), reporting
// progress; a server without the set, or with a broken file, is a clear
// error.
func TestFromServer(t *testing.T) {
	train, test := Synthetic(300, 1), Synthetic(50, 2)
	files := map[string][]byte{}
	put := func(name string, write func(*bytes.Buffer) error) {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		files[name] = b.Bytes()
	}
	put("train-images-idx3-ubyte.gz", func(b *bytes.Buffer) error { return WriteImages(b, train.Images) })
	put("train-labels-idx1-ubyte.gz", func(b *bytes.Buffer) error { return WriteLabels(b, train.Labels) })
	put("t10k-images-idx3-ubyte.gz", func(b *bytes.Buffer) error { return WriteImages(b, test.Images) })
	put("t10k-labels-idx1-ubyte.gz", func(b *bytes.Buffer) error { return WriteLabels(b, test.Labels) })
	index := map[string]any{"sets": []map[string]any{{"name": "mnist", "label": "MNIST",
		"files": []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}}}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/data/index.json" {
			json.NewEncoder(w).Encode(index)
			return
		}
		if b, ok := files[strings.TrimPrefix(r.URL.Path, "/data/mnist/")]; ok {
			w.Write(b)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	d := Downloader{Server: srv.URL + "/data/", Dir: t.TempDir()}
	var last int64
	tr, te, label, err := d.Open(context.Background(), "", NameMNIST, func(done, total int64, file string) { last = done })
	if err != nil {
		t.Fatal(err)
	}
	if label != "mnist" || tr.N != 300 || te.N != 50 || !bytes.Equal(tr.Pix, train.Pix) || !bytes.Equal(te.Labels, test.Labels) {
		t.Errorf("read %s: %d + %d images", label, tr.N, te.N)
	}
	if last == 0 {
		t.Error("no progress reported")
	}
	if _, _, _, err := d.Open(context.Background(), "", NameFashion, nil); err == nil || !strings.Contains(err.Error(), "offers no fashion-mnist") {
		t.Errorf("a set the server lacks: %v", err)
	}
	files["t10k-labels-idx1-ubyte.gz"] = files["train-labels-idx1-ubyte.gz"] // 300 labels for 50 images
	if _, _, _, err := d.Open(context.Background(), "", NameMNIST, nil); err == nil || !strings.Contains(err.Error(), "300 labels for 50 images") {
		t.Errorf("mismatched labels: %v", err)
	}
	d.Server = srv.URL + "/nothing/"
	if _, _, _, err := d.Open(context.Background(), "", NameMNIST, nil); err == nil || !strings.Contains(err.Error(), "lists no datasets") {
		t.Errorf("no index: %v", err)
	}
}
