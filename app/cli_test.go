package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/gif"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// dataDir writes a small generated dataset as the four idx files.
func dataDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for split, s := range map[string]*dataset.Set{"train": dataset.Synthetic(n, 1), "t10k": dataset.Synthetic(n/4, 2)} {
		write := func(name string, f func(*os.File) error) {
			fh, err := os.Create(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			if err := f(fh); err != nil {
				t.Fatal(err)
			}
		}
		write(split+"-images-idx3-ubyte.gz", func(f *os.File) error { return dataset.WriteImages(f, s.Images) })
		write(split+"-labels-idx1-ubyte.gz", func(f *os.File) error { return dataset.WriteLabels(f, s.Labels) })
	}
	return dir
}

// runCLI runs the binary's entry point in-process.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func trainSmall(t *testing.T, data, out string, extra ...string) {
	t.Helper()
	args := append([]string{"train", "--data", data, "--epochs", "1", "--hidden", "32", "--out", out, "--json"}, extra...)
	if code, _, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
}

func TestTrainJSON(t *testing.T) {
	data := dataDir(t, 400)
	out := filepath.Join(t.TempDir(), "m.vae")
	code, stdout, stderr := runCLI(t, "train", "--data", data, "--epochs", "2", "--hidden", "32", "--limit", "300", "--out", out, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d JSON lines, want 2 epochs + summary:\n%s", len(lines), stdout)
	}
	for i, l := range lines[:2] {
		var v map[string]float64
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"epoch", "train_loss", "test_elbo", "test_rec", "test_kl", "img_per_s", "seconds"} {
			if _, ok := v[k]; !ok {
				t.Errorf("epoch line %d lacks %q: %s", i, k, l)
			}
		}
		if v["epoch"] != float64(i+1) || !(v["test_elbo"] > 0) {
			t.Errorf("epoch line %d: %s", i, l)
		}
	}
	var sum map[string]any
	json.Unmarshal([]byte(lines[2]), &sum)
	if sum["summary"] != true || sum["epochs"] != 2.0 || sum["stopped"] != false {
		t.Errorf("summary %s", lines[2])
	}
	m, err := vae.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Config().Hidden != 32 || len(m.History()) != 2 || m.HeldOut() == nil {
		t.Errorf("saved model: %+v, %d epochs", m.Config(), len(m.History()))
	}

	// Resuming continues the history.
	code, stdout, stderr = runCLI(t, "train", "--data", data, "--epochs", "1", "--resume", out, "--out", out, "--json")
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	if m, _ := vae.Load(out); len(m.History()) != 3 {
		t.Errorf("resumed model has %d epochs, want 3", len(m.History()))
	}
	if !strings.Contains(stdout, `"epoch":3`) {
		t.Errorf("resumed run does not number its epoch 3: %s", stdout)
	}
}

func TestTrainStopsAndSavesOnCancel(t *testing.T) {
	data := dataDir(t, 2000)
	out := filepath.Join(t.TempDir(), "m.vae")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(300 * time.Millisecond)
		cancel()
	}()
	var o, e bytes.Buffer
	code := runCommand(ctx, findCommand("train"), []string{"--data", data, "--epochs", "10000", "--hidden", "32", "--out", out, "--json"}, &o, &e)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e.String())
	}
	if !strings.Contains(o.String(), `"stopped":true`) {
		t.Errorf("summary does not say stopped: %s", o.String())
	}
	if _, err := vae.Load(out); err != nil {
		t.Fatalf("the model saved on stop does not load: %v", err)
	}
}

func TestCommandErrors(t *testing.T) {
	data := dataDir(t, 200)
	tmp := t.TempDir()
	model := filepath.Join(tmp, "m.vae")
	trainSmall(t, data, model)
	corrupt := filepath.Join(tmp, "corrupt.vae")
	good, _ := os.ReadFile(model)
	bad := bytes.Clone(good)
	bad[len(bad)/2] ^= 1
	os.WriteFile(corrupt, bad, 0o644)
	future := filepath.Join(tmp, "future.vae")
	fut := bytes.Clone(good)
	fut[8] = 9
	os.WriteFile(future, fut, 0o644)
	text := filepath.Join(tmp, "note.png")
	os.WriteFile(text, []byte("not a picture"), 0o644)
	empty := t.TempDir()
	existing := filepath.Join(tmp, "keep.png")
	os.WriteFile(existing, []byte("old contents"), 0o644)

	cases := []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"train", "--data", data}, "--out MODEL is required"},
		{[]string{"train", "--data", filepath.Join(tmp, "nope"), "--out", model}, "nope"},
		{[]string{"train", "--data", empty, "--out", model}, "missing train-images-idx3-ubyte"},
		{[]string{"train", "--data", data, "--loss", "hinge", "--out", model}, `unknown loss "hinge"`},
		{[]string{"train", "--data", data, "--out", tmp}, "is a folder"},
		{[]string{"train", "--data", data, "--resume", model, "--latent", "5", "--out", model}, "--latent differs"},
		{[]string{"train", "--dataset", "cifar", "--out", model}, `unknown dataset "cifar"`},
		{[]string{"train", "--out", model}, "no data"},
		{[]string{"eval", "--model", corrupt, "--data", data}, "corrupt.vae: invalid checkpoint: section TENS fails its checksum"},
		{[]string{"eval", "--model", future, "--data", data}, "newer than this VAE Explorer reads"},
		{[]string{"eval", "--model", filepath.Join(tmp, "missing.vae"), "--data", data}, "missing.vae: no such file"},
		{[]string{"grid", "--model", model, "--dims", "0,7", "--out", existing}, "--dims"},
		{[]string{"grid", "--model", model, "--n", "0", "--out", existing}, "grid of 0 points"},
		{[]string{"sample", "--model", model, "--n", "5000", "--out", existing}, "--n 5000"},
		{[]string{"reconstruct", "--model", model, "--out", tmp, text}, "note.png: not an image"},
		{[]string{"reconstruct", "--model", model, "--out", tmp}, "no image files"},
		{[]string{"interpolate", "--model", model, "--out", existing, text}, "want two image files"},
		{[]string{"interpolate", "--model", model, text, text}, "--out FILE.png or --gif FILE.gif is required"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"grid", "--bogus"}, "flag provided but not defined: -bogus"},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, c.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", c.args, code, stderr)
		}
		if !strings.Contains(stderr, c.want) {
			t.Errorf("%v: stderr %q does not say %q", c.args, stderr, c.want)
		}
		if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
			t.Errorf("%v: stack trace on stderr", c.args)
		}
		if strings.Count(strings.TrimSpace(stderr), "\n") > 1 && c.args[0] != "grid" {
			t.Errorf("%v: more than one line on stderr: %q", c.args, stderr)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "old contents" {
		t.Error("a failed command overwrote its output file")
	}
	if b, _ := os.ReadFile(model); !bytes.Equal(b, good) {
		t.Error("a failed train overwrote the model")
	}
}

// modelAndDigits trains a small model on generated digits in a new folder
// and saves two digits as PNGs beside it, the second inverted (dark ink
// on white).
func modelAndDigits(t *testing.T) (data, tmp, model, imgA, imgB string) {
	t.Helper()
	data = dataDir(t, 200)
	tmp = t.TempDir()
	model = filepath.Join(tmp, "m.vae")
	trainSmall(t, data, model)
	set := dataset.Synthetic(2, 9)
	imgA, imgB = filepath.Join(tmp, "a digit.png"), filepath.Join(tmp, "b.png")
	for i, p := range []string{imgA, imgB} {
		pix := set.Image(i)
		if i == 1 {
			inv := make([]float32, len(pix))
			for j, v := range pix {
				inv[j] = 1 - v
			}
			pix = inv
		}
		f, _ := os.Create(p)
		png.Encode(f, grayImage(pix))
		f.Close()
	}
	return data, tmp, model, imgA, imgB
}

func TestImageCommands(t *testing.T) {
	_, tmp, model, imgA, imgB := modelAndDigits(t)

	check := func(path string, w, h int) {
		t.Helper()
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Errorf("%s is %dx%d, want %dx%d", path, b.Dx(), b.Dy(), w, h)
		}
	}
	for _, c := range []struct {
		args []string
		out  string
		w, h int
	}{
		{[]string{"grid", "--model", model, "--n", "7"}, "grid.png", 7 * 28, 7 * 28},
		{[]string{"grid", "--model", model, "--n", "5", "--quantile"}, "gridq.png", 5 * 28, 5 * 28},
		{[]string{"sample", "--model", model, "--n", "9", "--seed", "4"}, "sample.png", 3*28 + 4, 3*28 + 4},
		{[]string{"interpolate", "--model", model, imgA, imgB, "--steps", "6", "--slerp"}, "interp.png", 6*28 + 10, 28},
	} {
		out := filepath.Join(tmp, c.out)
		if code, _, stderr := runCLI(t, append(c.args, "--out", out)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr)
		}
		check(out, c.w, c.h)
	}

	gifPath := filepath.Join(tmp, "interp.gif")
	if code, _, stderr := runCLI(t, "interpolate", "--model", model, imgA, imgB, "--steps", "5", "--gif", gifPath); code != 0 {
		t.Fatalf("interpolate --gif: exit %d: %s", code, stderr)
	}
	gf, err := os.Open(gifPath)
	if err != nil {
		t.Fatal(err)
	}
	anim, err := gif.DecodeAll(gf)
	gf.Close()
	if err != nil || len(anim.Image) != 8 || anim.Image[0].Bounds().Dx() != 8*28 {
		t.Fatalf("interpolation GIF: %v", err) // 5 forward + 3 back
	}

	outDir := filepath.Join(tmp, "recon")
	code, stdout, stderr := runCLI(t, "reconstruct", "--model", model, "--out", outDir, imgA, imgB)
	if code != 0 {
		t.Fatalf("reconstruct: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d JSON lines, want 2", len(lines))
	}
	var r reconResult
	if err := json.Unmarshal([]byte(lines[1]), &r); err != nil {
		t.Fatal(err)
	}
	if r.File != imgB || len(r.LatentMean) != 2 || len(r.LatentLogvar) != 2 || !(r.ReconError > 0) || r.Percentile == nil || !r.Inverted {
		t.Errorf("reconstruct line %+v", r)
	}
	for _, o := range []string{"a_digit-input.png", "a_digit-recon.png", "a_digit-error.png", "b-input.png"} {
		check(filepath.Join(outDir, o), 28, 28)
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, c := range commands {
		code, _, stderr := runCLI(t, c.name, "--help")
		if code != 0 || !strings.Contains(stderr, "Usage: vae-explorer "+c.name) {
			t.Errorf("%s --help: exit %d, %q", c.name, code, stderr)
		}
	}
	if code, stdout, _ := runCLI(t, "--version"); code != 0 || !strings.HasPrefix(stdout, "vae-explorer ") {
		t.Errorf("--version: %d %q", code, stdout)
	}
	if code, stdout, _ := runCLI(t, "--help"); code != 0 || !strings.Contains(stdout, "reconstruct") {
		t.Errorf("--help: %d %q", code, stdout)
	}
}

func TestBundledModelsLoad(t *testing.T) {
	for name, arch := range map[string]string{"": vae.ArchConv, "bundled": vae.ArchConv, "bundled-mlp": vae.ArchMLP, "bundled-conv": vae.ArchConv} {
		m, err := loadModel(name)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		h := m.History()
		if m.Config().Arch != arch || m.Latent() != 2 || m.HeldOut() == nil || len(h) != 30 || h[29].TestELBO > 175 {
			t.Fatalf("bundled %s model: latent %d, held-out %v, %d epochs", arch, m.Latent(), m.HeldOut() != nil, len(h))
		}
		// The pixel-attribute vectors are stored, so they work offline.
		for _, v := range []string{vae.AttrThickness, vae.AttrSlant, vae.AttrWidth} {
			if _, ok := m.Vector(v); !ok {
				t.Errorf("bundled %s model lacks the %s vector", arch, v)
			}
		}
	}
	// A conv model works through every command that reads one.
	tmp := t.TempDir()
	if code, _, stderr := runCLI(t, "grid", "--model", "bundled-conv", "--n", "4", "--out", filepath.Join(tmp, "g.png")); code != 0 {
		t.Fatalf("grid with the conv model: %d %s", code, stderr)
	}
}

func grayImage(pix []float32) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 28, 28))
	for i, v := range pix {
		g.Pix[i] = uint8(v*255 + 0.5)
	}
	return g
}

// TestMain lets a test start this test binary as the real command: with
// VAE_TEST_RUN_MAIN=1 it runs main's logic on its arguments instead of
// the tests (used to send a real SIGINT to a training run).
func TestMain(m *testing.M) {
	if os.Getenv("VAE_TEST_RUN_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestSIGINTDuringTrainingSavesAUsableModel(t *testing.T) {
	data := dataDir(t, 2000)
	out := filepath.Join(t.TempDir(), "m.vae")
	cmd := exec.Command(os.Args[0], "train", "--data", data, "--epochs", "100000", "--hidden", "32", "--out", out, "--json")
	cmd.Env = append(os.Environ(), "VAE_TEST_RUN_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() { // the first epoch's line: training is under way
		cmd.Process.Kill()
		t.Fatalf("no epoch line: %s", stderr.String())
	}
	cmd.Process.Signal(os.Interrupt)
	var last string
	for sc.Scan() {
		last = sc.Text()
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGINT: %v: %s", err, stderr.String())
	}
	if !strings.Contains(last, `"stopped":true`) {
		t.Fatalf("summary %q does not say stopped", last)
	}
	m, err := vae.Load(out)
	if err != nil {
		t.Fatalf("the model saved on SIGINT: %v", err)
	}
	if len(m.History()) < 1 || m.HeldOut() == nil {
		t.Fatalf("saved model has %d epochs, held-out %v", len(m.History()), m.HeldOut() != nil)
	}
}

func TestVectorAndAnomalyCommands(t *testing.T) {
	data := dataDir(t, 400)
	tmp := t.TempDir()
	model := filepath.Join(tmp, "m.vae")
	trainSmall(t, data, model)
	img := filepath.Join(tmp, "d.png")
	f, _ := os.Create(img)
	png.Encode(f, grayImage(dataset.Synthetic(3, 7).Image(2)))
	f.Close()

	if code, _, stderr := runCLI(t, "vector", "compute", "--model", model, "--attr", "thickness", "--data", data, "--out", model); code != 0 {
		t.Fatalf("compute: %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "vector", "compute", "--model", model, "--classes", "4,9", "--out", model); code != 0 {
		t.Fatalf("compute classes: %d %s", code, stderr)
	}
	code, stdout, _ := runCLI(t, "vector", "list", "--model", model, "--json")
	var vs []vae.Vector
	if code != 0 || json.Unmarshal([]byte(stdout), &vs) != nil || len(vs) != 2 || vs[0].Name != "thickness" || vs[1].Name != "4->9" {
		t.Fatalf("list: %d %s", code, stdout)
	}
	out := filepath.Join(tmp, "apply.png")
	if code, _, stderr := runCLI(t, "vector", "apply", "--model", model, "--name", "thickness", "--steps", "5", img, "--out", out); code != 0 {
		t.Fatalf("apply: %d %s", code, stderr)
	}
	if g, err := decodePNGFile(out); err != nil || g.Bounds().Dx() != 5*28+8 || g.Bounds().Dy() != 28 {
		t.Fatalf("apply sheet: %v", err)
	}
	sheet := filepath.Join(tmp, "anom.png")
	code, stdout, stderr := runCLI(t, "anomalies", "--model", model, "--data", data, "--top", "12", "--out", sheet, "--json")
	if code != 0 {
		t.Fatalf("anomalies: %d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var first, last map[string]float64
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[len(lines)-1]), &last)
	if len(lines) != 12 || first["recon_error"] < last["recon_error"] || first["rank"] != 1 {
		t.Fatalf("anomalies not ranked worst first: %s", stdout)
	}
	if g, err := decodePNGFile(sheet); err != nil || g.Bounds().Dy() != 4*28+3*2 {
		t.Fatalf("anomaly sheet: %v", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"vector"}, "want an action"},
		{[]string{"vector", "frob"}, `unknown action "frob"`},
		{[]string{"vector", "apply", "--model", model, "--name", "nope", img, "--out", out}, `no vector "nope"`},
		{[]string{"vector", "compute", "--model", model, "--out", model}, "say what the vector is"},
		{[]string{"vector", "compute", "--model", model, "--attr", "colour", "--data", data, "--out", model}, `unknown attribute "colour"`},
		{[]string{"anomalies", "--model", model}, "no data: give --data DIR"},
	} {
		if code, _, stderr := runCLI(t, c.args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q (want %q)", c.args, code, stderr, c.want)
		}
	}
}

func decodePNGFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

func TestAugmentCommand(t *testing.T) {
	data := dataDir(t, 200)
	tmp := t.TempDir()
	model := filepath.Join(tmp, "m.vae")
	trainSmall(t, data, model)
	out := filepath.Join(tmp, "aug")
	code, stdout, stderr := runCLI(t, "augment", "--model", model, "--data", data, "--per-class", "6", "--out", out, "--json")
	if code != 0 {
		t.Fatalf("augment: %d %s", code, stderr)
	}
	var sum struct {
		Images   int            `json:"images"`
		PerClass map[string]int `json:"per_class"`
		Files    []string       `json:"files"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil || len(sum.Files) != 4 {
		t.Fatalf("summary %q: %v", stdout, err)
	}
	train, test, err := dataset.LoadDir(out)
	if err != nil {
		t.Fatalf("the written folder does not load: %v", err)
	}
	_, srcTest, _ := dataset.LoadDir(data)
	if train.N != sum.Images || train.N != 6*len(sum.PerClass) || test.N != srcTest.N {
		t.Errorf("%d generated, %d held out; summary %+v", train.N, test.N, sum)
	}
	// The folder trains like any other.
	trainSmall(t, out, filepath.Join(tmp, "m2.vae"))

	pngs := filepath.Join(tmp, "pngs")
	if code, _, stderr := runCLI(t, "augment", "--model", model, "--data", data, "--per-class", "3", "--format", "png", "--mode", "jitter", "--sigma", "0.2", "--out", pngs); code != 0 {
		t.Fatalf("augment png: %d %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(pngs, "*", "*.png"))
	if len(files) != 3*len(sum.PerClass) {
		t.Errorf("%d PNG files, want %d", len(files), 3*len(sum.PerClass))
	}
	if g, err := decodePNGFile(files[0]); err != nil || g.Bounds().Dx() != 28 || !strings.HasPrefix(filepath.Base(files[0]), filepath.Base(filepath.Dir(files[0]))+"-") {
		t.Errorf("%s: %v", files[0], err)
	}
	before, _ := os.ReadFile(filepath.Join(out, "train-images-idx3-ubyte.gz"))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"augment", "--model", model, "--data", data}, "--out DIR is required"},
		{[]string{"augment", "--model", model, "--data", data, "--out", out}, "already holds"},
		{[]string{"augment", "--model", model, "--data", data, "--format", "png", "--out", pngs}, "is not empty"},
		{[]string{"augment", "--model", model, "--data", data, "--format", "jpeg", "--out", filepath.Join(tmp, "x")}, `augmentation format "jpeg": want idx or png`},
		{[]string{"augment", "--model", model, "--data", data, "--per-class", "0", "--out", filepath.Join(tmp, "x")}, "images per class 0: want 1..100000"},
		{[]string{"augment", "--model", model, "--data", data, "--mode", "blur", "--out", filepath.Join(tmp, "x")}, `mode "blur"`},
		{[]string{"augment", "--model", model, "--data", data, "--out", model}, "is a file"},
	} {
		if code, _, stderr := runCLI(t, c.args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q (want %q)", c.args, code, stderr, c.want)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(out, "train-images-idx3-ubyte.gz")); !bytes.Equal(before, after) {
		t.Error("a refused augment changed the existing folder")
	}
	if _, err := os.Stat(filepath.Join(tmp, "x")); !os.IsNotExist(err) {
		t.Error("a refused augment created its folder")
	}
}

func TestBadFlagsAreOneLine(t *testing.T) {
	for _, args := range [][]string{
		{"grid", "--bogus"}, {"grid", "--n", "abc"}, {"train", "--epochs=x"}, {"vector", "compute", "--nope"}, {"eval", "-zzz"},
	} {
		code, stdout, stderr := runCLI(t, args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 2 || len(lines) != 1 || !strings.Contains(stderr, "--help") || stdout != "" {
			t.Errorf("%v: exit %d, %d lines on stderr:\n%s", args, code, len(lines), stderr)
		}
	}
	// --help still lists the flags.
	if code, _, stderr := runCLI(t, "grid", "--help"); code != 0 || !strings.Contains(stderr, "-quantile") {
		t.Errorf("grid --help: exit %d\n%s", code, stderr)
	}
}

func TestOtherImageSizesAreRefused(t *testing.T) {
	// A valid idx dataset of 56x56 images: 4 model rows each, which once
	// ran the label index out of range.
	big := func(n int) *dataset.Set {
		im := &dataset.Images{N: n, Rows: 56, Cols: 56, Pix: make([]uint8, n*56*56)}
		for i := range im.Pix {
			im.Pix[i] = uint8(i * 31)
		}
		return &dataset.Set{Images: im, Labels: make([]uint8, n)}
	}
	dir := t.TempDir()
	if err := dataset.SaveDir(dir, big(20), big(10)); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "m.vae")
	for _, args := range [][]string{
		{"anomalies", "--data", dir, "--top", "5"},
		{"vector", "compute", "--attr", "thickness", "--data", dir, "--out", out},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, "56x56") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused vector compute wrote its output")
	}
	for _, args := range [][]string{{"bench", "--epochs", "0"}, {"bench", "--rounds", "0"}} {
		if code, _, stderr := runCLI(t, args...); code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

func TestNumbersMustBeFiniteAndInRange(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.png")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"grid", "--range", "NaN", "--out", out}, "finite"},
		{[]string{"grid", "--range", "1e300", "--out", out}, "0.01..100"},
		{[]string{"sample", "--temperature", "Inf", "--out", out}, "finite"},
		{[]string{"vector", "apply", "--name", "4->9", "--min=-Inf", "--out", out, "x.png"}, "finite"},
		{[]string{"vector", "apply", "--name", "4->9", "--max", "1e9", "--out", out, "x.png"}, "-100..100"},
		{[]string{"vector", "apply", "--name", "265->4", "--out", out, "x.png"}, "0 to 255"},
		{[]string{"vector", "apply", "--name", "4->9junk", "--out", out, "x.png"}, "no vector"},
	} {
		code, _, stderr := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q: %s", c.args, code, c.want, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused command wrote its output")
	}
}

func TestSpecialFilesAreBadInput(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.vae")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.png")
	os.Symlink(loop, loop)
	file := filepath.Join(dir, "plain")
	os.WriteFile(file, []byte("x"), 0o644)
	out := filepath.Join(t.TempDir(), "out")
	// A dataset folder whose held-out images file is cut short, and one
	// whose gzip checksum is wrong.
	gz := func(mangle func([]byte) []byte) string {
		d := t.TempDir()
		if err := dataset.SaveDir(d, dataset.Synthetic(40, 1), dataset.Synthetic(20, 2)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(d, "t10k-images-idx3-ubyte.gz")
		b, _ := os.ReadFile(p)
		os.WriteFile(p, mangle(b), 0o644)
		return d
	}
	outFifo := filepath.Join(dir, "out.png")
	if err := syscall.Mkfifo(outFifo, 0o644); err != nil {
		t.Fatal(err)
	}
	truncated := gz(func(b []byte) []byte { return b[:len(b)/2] })
	crc := gz(func(b []byte) []byte { b[len(b)-6] ^= 0xff; return b })
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, args := range [][]string{
			{"eval", "--model", dir, "--data", dir},
			{"eval", "--model", fifo, "--data", dir},
			{"eval", "--model", "/dev/zero", "--data", dir},
			{"eval", "--model", loop, "--data", dir},
			{"reconstruct", "--out", out, fifo},
			{"reconstruct", "--out", out, loop},
			{"reconstruct", "--out", out, "/dev/zero"},
			{"eval", "--data", file},
			{"eval", "--data", truncated},
			{"eval", "--data", crc},
			{"grid", "--out", outFifo},
		} {
			if code, _, stderr := runCLI(t, args...); code != 2 {
				t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("a special file blocked the CLI")
	}
	if st, err := os.Lstat(outFifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatal("an output named pipe was replaced by a file")
	}
}
