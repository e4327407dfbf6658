package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"vaeexplorer/vae/dataset"
)

// hostileCase is one file that declares far more than it holds, or more
// than the app takes, and the CLI command that reads it.
type hostileCase struct {
	name string
	args []string
	want string // in the one-line error; "" for a file that is accepted
}

// pngDeclaring is a PNG signature and IHDR declaring w x h at a bit depth,
// colour type and interlace method, then a little zlib data and IEND.
func pngDeclaring(w, h uint32, depth, colour, interlace byte) []byte {
	return pngOf(w, h, depth, colour, interlace, []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
}

// pngOf is a PNG of w x h at a bit depth, colour type and interlace
// method with idat as its one IDAT chunk.
func pngOf(w, h uint32, depth, colour, interlace byte, idat []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := append([]byte(typ), data...)
		b.Write(c)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9], ihdr[12] = depth, colour, interlace
	chunk("IHDR", ihdr)
	chunk("IDAT", idat)
	chunk("IEND", nil)
	return b.Bytes()
}

// gzipBomb is an idx image file declaring n 28x28 images that inflates to
// mb megabytes (gzip members of 1 MB of zeros, concatenated).
func gzipBomb(n, mb int) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	binary.Write(zw, binary.BigEndian, []uint32{0x803, uint32(n), 28, 28})
	zw.Close()
	var one bytes.Buffer
	zw = gzip.NewWriter(&one)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	for range mb {
		b.Write(one.Bytes())
	}
	return b.Bytes()
}

// hostileCorpus writes the files into dir and returns the cases.
func hostileCorpus(t *testing.T, dir string) []hostileCase {
	t.Helper()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// An idx folder whose training images are a 1 GB gzip bomb.
	good := filepath.Join(dir, "good")
	if err := dataset.SaveDir(good, dataset.Synthetic(40, 1), dataset.Synthetic(10, 2)); err != nil {
		t.Fatal(err)
	}
	bombDir := filepath.Join(dir, "bomb")
	for _, f := range []string{"train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		b, _ := os.ReadFile(filepath.Join(good, f))
		write(filepath.Join("bomb", f), b)
	}
	write("bomb/train-images-idx3-ubyte.gz", gzipBomb(10_000, 1024))
	// The same as held-out images, declaring 500,000 of them.
	testBomb := filepath.Join(dir, "testbomb")
	for _, f := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		b, _ := os.ReadFile(filepath.Join(good, f))
		write(filepath.Join("testbomb", f), b)
	}
	write("testbomb/t10k-images-idx3-ubyte.gz", gzipBomb(500_000, 1024))
	// 256 label values, for augment's per-class flag.
	many := dataset.Synthetic(512, 3)
	for i := range many.Labels {
		many.Labels[i] = uint8(i)
	}
	classes := filepath.Join(dir, "classes")
	if err := dataset.SaveDir(classes, many, dataset.Synthetic(64, 4)); err != nil {
		t.Fatal(err)
	}
	// A checkpoint whose history section is 10 million empty objects.
	ck := write("history.vae", hostileCheckpoint(t))
	// The largest kind of image that passes: a 12.6-megapixel RGBA photo
	// of a bar (white paper, dark ink).
	photo := image.NewNRGBA(image.Rect(0, 0, 4096, 3072))
	for i := range photo.Pix {
		photo.Pix[i] = 255
	}
	draw.Draw(photo, image.Rect(1800, 600, 2300, 2500), image.NewUniform(color.Black), image.Point{}, draw.Src)
	var pb bytes.Buffer
	(&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&pb, photo)
	return []hostileCase{
		{"12.6-megapixel RGBA PNG (accepted)", []string{"reconstruct", "--out", filepath.Join(dir, "out"), write("photo.png", pb.Bytes())}, ""},
		{"PNG of 50,000,000x1 pixels", []string{"reconstruct", "--out", filepath.Join(dir, "out"), write("wide.png", pngDeclaring(50_000_000, 1, 8, 0, 0))}, "too large"},
		{"50-megapixel 16-bit RGBA PNG", []string{"reconstruct", "--out", filepath.Join(dir, "out"), write("deep.png", pngDeclaring(7071, 7071, 16, 6, 0))}, "too large"},
		{"idx training file inflating to 1 GB", []string{"eval", "--data", bombDir}, "more data follows"},
		{"idx held-out file declaring 500,000 images", []string{"eval", "--data", testBomb}, "for held-out images"},
		{"checkpoint history of 10 million empty objects", []string{"eval", "--model", ck, "--data", good}, "more than"},
		{"augment --per-class 20000 over 256 classes", []string{"augment", "--data", classes, "--per-class", "20000", "--out", filepath.Join(dir, "aug")}, "more than the limit"},
	}
}

// hostileCheckpoint is a valid bundled-format checkpoint whose HIST
// section (valid checksum) is a 30 MB array of empty objects.
func hostileCheckpoint(t *testing.T) []byte {
	t.Helper()
	tmp := t.TempDir()
	m := filepath.Join(tmp, "m.vae")
	trainSmall(t, dataDir(t, 64), m)
	good, _ := os.ReadFile(m)
	var out bytes.Buffer
	out.Write(good[:12]) // magic and version
	for off := 12; off < len(good); {
		tag := string(good[off : off+4])
		n := int(binary.LittleEndian.Uint64(good[off+4:]))
		payload := good[off+12 : off+12+n]
		if tag == "HIST" {
			payload = append(append([]byte("["), bytes.Repeat([]byte("{},"), 10_000_000-1)...), "{}]"...)
		}
		out.WriteString(tag)
		binary.Write(&out, binary.LittleEndian, uint64(len(payload)))
		out.Write(payload)
		binary.Write(&out, binary.LittleEndian, crc32.ChecksumIEEE(payload))
		off += 16 + n
	}
	return out.Bytes()
}

// Every hostile file is refused with status 2 and one clear line; the CLI
// run as a process of its own peaks below 512 MB resident (read from the
// kernel's rusage; under the race detector too, whose shadow memory only
// adds), and in-process it allocates at most 300 MB in all (an exact bound
// on its heap). With VAE_HOSTILE_DIR set the
// corpus is kept there, with the commands in run.txt, so the release
// binary's peak resident memory can be measured (scripts/hostile.sh).
func TestHostileFilesStayBounded(t *testing.T) {
	dir := os.Getenv("VAE_HOSTILE_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	cases := hostileCorpus(t, dir)
	var list strings.Builder
	for _, c := range cases {
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		start := time.Now()
		code, _, stderr := runCLI(t, c.args...)
		took := time.Since(start)
		runtime.ReadMemStats(&b)
		alloc := (b.TotalAlloc - a.TotalAlloc) >> 20
		t.Logf("%s: exit %d in %v, %d MB allocated: %s", c.name, code, took.Round(time.Millisecond), alloc, strings.TrimSpace(stderr))
		switch {
		case c.want == "" && code != 0:
			t.Errorf("%s: exit %d, %q", c.name, code, stderr)
		case c.want != "" && (code != 2 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0):
			t.Errorf("%s: exit %d, %q (want status 2 and %q on one line)", c.name, code, stderr, c.want)
		}
		if alloc > 300 {
			t.Errorf("%s: %d MB allocated", c.name, alloc)
		}
		rss, secs := peakRSS(t, c.args)
		t.Logf("%s: as a process, peak resident %d MB in %.2f s", c.name, rss>>20, secs)
		if rss > 512<<20 {
			t.Errorf("%s: peak resident memory %d MB", c.name, rss>>20)
		}
		fmt.Fprintf(&list, "%s\t%s\n", c.name, strings.Join(c.args, " "))
	}
	os.WriteFile(filepath.Join(dir, "run.txt"), []byte(list.String()), 0o644)
}

// peakRSS runs the CLI with args as a process of its own under
// /usr/bin/time and returns its peak resident memory in bytes and its
// wall time (a minute at most: a hang fails). Through time, not directly:
// a child forked from this (large) test process would inherit its peak.
func peakRSS(t *testing.T, args []string) (int64, float64) {
	t.Helper()
	return peakRSSOf(t, os.Args[0], args)
}

// peakRSSOf is peakRSS of the binary bin (this test binary, or a build of
// the app), with env added to its environment.
func peakRSSOf(t *testing.T, bin string, args []string, env ...string) (int64, float64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "time")
	cmd := exec.CommandContext(ctx, "/usr/bin/time", append([]string{"-f", "%M %e", "-o", out, bin}, args...)...)
	cmd.Env = append(append(os.Environ(), "VAE_TEST_RUN_MAIN=1"), env...)
	cmd.Run() // the exit status is checked in-process
	if ctx.Err() != nil {
		t.Fatalf("%v: still running after a minute", args)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("/usr/bin/time (Debian package time): %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var kb int64
	var secs float64
	if _, err := fmt.Sscanf(lines[len(lines)-1], "%d %g", &kb, &secs); err != nil {
		t.Fatalf("/usr/bin/time said %q", b)
	}
	return kb << 10, secs
}
