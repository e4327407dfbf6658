//go:build smoke

package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"vaeexplorer/vae/dataset"
)

// syncBuffer is a bytes.Buffer the app's output goroutines and the test
// can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRealWindowTrainingKeepsLayoutAndPoint clicks the plane in the real
// window, starts training with Ctrl+T and checks, from the app's trace,
// that no panel changed width when training started, at each epoch or
// when it ended, and that the point stayed where the click put it.
func TestRealWindowTrainingKeepsLayoutAndPoint(t *testing.T) {
	bin := smokeBinary(t)
	data := t.TempDir()
	if err := dataset.SaveDir(data, dataset.Synthetic(1500, 1), dataset.Synthetic(300, 2)); err != nil {
		t.Fatal(err)
	}
	display := startXvfb(t)
	app := startApp(t, bin, display, t.TempDir(), "--data", data)
	logs, win := app.logs, app.win
	waitForDrawing(t, display, win)
	layout := regexp.MustCompile(`trace: layout left (\d+) centre (\d+) right (\d+) plot (\d+)`)
	m := layout.FindAllStringSubmatch(logs.String(), -1)
	if len(m) == 0 {
		t.Fatalf("no layout traced:\n%s", logs.String())
	}
	last := m[len(m)-1]
	left, _ := strconv.Atoi(last[1])
	centre, _ := strconv.Atoi(last[2])
	side, _ := strconv.Atoi(last[4])
	if side < 520 {
		t.Errorf("plotted square %d px at 1280x800, want at least 520", side)
	}
	layoutsBefore := len(m)

	// Click inside the plotted square, up and right of its centre (the
	// menu bar is about 30 px; the square starts 6 px below the panel).
	cx := left + 10 + centre/2 + side/5
	cy := 30 + 6 + side/2 - side/6
	for _, c := range [][]string{{"mousemove", strconv.Itoa(cx), strconv.Itoa(cy)}, {"click", "1"}, {"key", "--window", win, "ctrl+t"}} {
		if out, err := xcmd(display, "xdotool", c...).CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v %s", c, err, out)
		}
		time.Sleep(300 * time.Millisecond)
	}
	// Two epochs, then stop.
	deadline := time.Now().Add(90 * time.Second)
	for strings.Count(logs.String(), "trace: weights") < 2 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	xcmd(display, "xdotool", "key", "--window", win, "ctrl+period").Run()
	time.Sleep(2 * time.Second)
	app.quit(t)
	out := logs.String()
	if n := strings.Count(out, "trace: weights"); n < 2 {
		t.Fatalf("training did not reach two epochs:\n%s", out)
	}
	if m := layout.FindAllStringSubmatch(out, -1); len(m) != layoutsBefore {
		t.Errorf("the panels changed width after training started:\n%s", out)
	}
	points := regexp.MustCompile(`point (\([^)]*\))`).FindAllStringSubmatch(out, -1)
	if len(points) < 3 {
		t.Fatalf("points not traced:\n%s", out)
	}
	t.Logf("trace:\n%s", regexp.MustCompile(`(?m)^trace: .*$`).FindAllString(out, -1))
	first := points[0][1]
	if first == "(0.00, 0.00)" {
		t.Fatalf("the click did not move the point:\n%s", out)
	}
	for _, p := range points {
		if p[1] != first {
			t.Errorf("the point moved from %s to %s while training:\n%s", first, p[1], out)
			break
		}
	}
}

// runningApp is the app started on an X display with a HOME of its own,
// its output gathered.
type runningApp struct {
	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan error
	win    string // its window, once shown
}

// startApp starts bin with args on display, HOME set to home, traces on,
// and waits for its window; it is killed when the test ends.
func startApp(t *testing.T, bin, display, home string, args ...string) *runningApp {
	t.Helper()
	a := &runningApp{cmd: exec.Command(bin, args...), logs: &syncBuffer{}, exited: make(chan error, 1)}
	a.cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8", "VAE_EXPLORER_TRACE=1",
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	a.cmd.Stdout, a.cmd.Stderr = a.logs, a.logs
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.exited <- a.cmd.Wait() }()
	t.Cleanup(func() { a.cmd.Process.Kill() })
	a.win = waitForWindow(t, display, a.exited, a.logs)
	return a
}

// quit asks the app to quit (SIGTERM) and waits for it.
func (a *runningApp) quit(t *testing.T) {
	t.Helper()
	a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-a.exited:
	case <-time.After(20 * time.Second):
		t.Fatal("app did not exit")
	}
}

// smokeBinary is VAE_SMOKE_BIN, or the app built into a temporary folder.
func smokeBinary(t testing.TB) string {
	if bin := os.Getenv("VAE_SMOKE_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "vae-explorer")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// TestRealWindowSpaceAndMenusAfterTraining is the new user's trap: a
// select that has the focus when training starts (Ctrl+T) is disabled but
// kept the focus, so Space opened its list instead of pausing, and after
// Stop the menus opened invisibly. Here: the dataset select takes the
// focus, Ctrl+T, Space pauses and Space resumes, Stop, then the Model
// menu must be drawn.
func TestRealWindowSpaceAndMenusAfterTraining(t *testing.T) {
	bin := smokeBinary(t)
	data := t.TempDir()
	if err := dataset.SaveDir(data, dataset.Synthetic(3000, 1), dataset.Synthetic(300, 2)); err != nil {
		t.Fatal(err)
	}
	display := startXvfb(t)
	home := t.TempDir()
	// The model card closed: the dataset select sits right under its
	// section's header.
	prefs := filepath.Join(home, ".config", "fyne", "io.github.vaeexplorer")
	if err := os.MkdirAll(prefs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prefs, "preferences.json"), []byte(`{"view.sections":[0,1,0]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	app := startApp(t, bin, display, home, "--data", data)
	logs, win := app.logs, app.win
	waitForDrawing(t, display, win)
	m := regexp.MustCompile(`trace: layout left (\d+)`).FindAllStringSubmatch(logs.String(), -1)
	if len(m) == 0 {
		t.Fatalf("no layout traced:\n%s", logs.String())
	}
	left, _ := strconv.Atoi(m[len(m)-1][1])
	run := func(args ...string) {
		t.Helper()
		if out, err := xcmd(display, "xdotool", args...).CombinedOutput(); err != nil {
			t.Fatalf("xdotool %v: %v %s", args, err, out)
		}
		time.Sleep(400 * time.Millisecond)
	}
	waitTrace := func(what string, n int) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for strings.Count(logs.String(), what) < n && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if strings.Count(logs.String(), what) < n {
			t.Fatalf("%q traced fewer than %d times:\n%s", what, n, logs.String())
		}
	}
	const buttonsY, datasetY = 89, 248                                           // the Train/Stop row; the dataset select (menu bar included)
	run("mousemove", strconv.Itoa(left/2), strconv.Itoa(datasetY), "click", "1") // its list opens
	run("key", "--window", win, "Escape")                                        // closes; the select keeps the focus
	run("key", "--window", win, "ctrl+t")
	waitTrace("trace: training 2 ", 1)
	run("key", "--window", win, "space")
	waitTrace("trace: training 3 ", 1) // paused
	run("key", "--window", win, "space")
	waitTrace("trace: training 2 ", 2)                                             // running again
	run("mousemove", strconv.Itoa(3*left/4), strconv.Itoa(buttonsY), "click", "1") // Stop
	waitTrace("trace: training 0 ", 1)

	menu := image.Rect(8, 36, 230, 400) // where the Model menu drops down
	before := grabWindow(t, display, win)
	run("mousemove", "36", "14", "click", "1")
	after := grabWindow(t, display, win)
	changed, total := 0, 0
	for y := menu.Min.Y; y < menu.Max.Y; y += 2 {
		for x := menu.Min.X; x < menu.Max.X; x += 2 {
			total++
			if colourDistance(before.At(x, y), after.At(x, y)) > 6 {
				changed++
			}
		}
	}
	t.Logf("%d of %d pixels changed under the menu", changed, total)
	// The menu's panel is a shade lighter than the panels under it: most
	// pixels change where it is drawn, almost none where it is not.
	if changed*2 < total {
		dir, _ := os.MkdirTemp("", "menu-trap-")
		for name, img := range map[string]image.Image{"before.png": before, "after.png": after} {
			if f, err := os.Create(filepath.Join(dir, name)); err == nil {
				png.Encode(f, img)
				f.Close()
			}
		}
		t.Errorf("the Model menu after training: %d of %d pixels under it changed; it is not drawn (screenshots in %s)", changed, total, dir)
	}
	run("key", "--window", win, "Escape")
	app.quit(t)
}

// grabWindow is a screenshot of the window.
func grabWindow(t *testing.T, display, win string) image.Image {
	t.Helper()
	out, err := xcmd(display, "import", "-window", win, "png:-").Output()
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	return img
}

// colourDistance is the largest difference of two colours' channels, 0-255.
func colourDistance(a, b color.Color) int {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	d := func(x, y uint32) int { return max(int(x>>8), int(y>>8)) - min(int(x>>8), int(y>>8)) }
	return max(d(r1, r2), d(g1, g2), d(b1, b2))
}

// TestRealWindowOpensONNXModels opens an ONNX decoder with its encoder
// beside it, then one alone, in the real window: each opens (traced), and
// the window draws.
func TestRealWindowOpensONNXModels(t *testing.T) {
	bin := smokeBinary(t)
	models := t.TempDir()
	if out, err := exec.Command("/usr/bin/python3", "../scripts/onnx_testmodels.py", models).CombinedOutput(); err != nil {
		t.Fatalf("exporting the test models (python3-torch: make deps-test): %v\n%s", err, out)
	}
	alone := filepath.Join(t.TempDir(), "generator.onnx")
	b, err := os.ReadFile(filepath.Join(models, "conv_dec_13.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, b, 0o644); err != nil {
		t.Fatal(err)
	}
	display := startXvfb(t)
	for _, c := range []struct{ path, want string }{
		{filepath.Join(models, "conv_dec_13.onnx"), `trace: model "conv_dec_13.onnx (ONNX)" latent 4 image 32x32x1`},
		{alone, `trace: model "generator.onnx (ONNX)" latent 4 image 32x32x1`},
	} {
		app := startApp(t, bin, display, t.TempDir(), "--model", c.path)
		logs := app.logs
		waitForDrawing(t, display, app.win)
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(logs.String(), c.want) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if !strings.Contains(logs.String(), c.want) {
			t.Errorf("%s: no %q traced:\n%s", c.path, c.want, logs.String())
		}
		app.quit(t)
	}
}

// TestRealWindowDragsThroughAUMAPView opens the 8-D model on its UMAP
// view and drags the point across the plane: the decoded image changes.
func TestRealWindowDragsThroughAUMAPView(t *testing.T) {
	bin := smokeBinary(t)
	display := startXvfb(t)
	home := t.TempDir()
	prefs := filepath.Join(home, ".config", "fyne", "io.github.vaeexplorer")
	if err := os.MkdirAll(prefs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prefs, "preferences.json"), []byte(`{"view.projection":"UMAP"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	app := startApp(t, bin, display, home, "--model", "bundled-8d")
	waitForDrawing(t, display, app.win)
	want := `trace: axes "UMAP 1 (unitless)"`
	deadline := time.Now().Add(60 * time.Second)
	for strings.Count(app.logs.String(), want) < 3 && time.Now().Before(deadline) { // the start, then converging
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(app.logs.String(), want) {
		t.Fatalf("no UMAP view traced:\n%s", app.logs.String())
	}
	m := regexp.MustCompile(`trace: layout left (\d+) centre (\d+) right (\d+) plot (\d+)`).FindAllStringSubmatch(app.logs.String(), -1)
	if len(m) == 0 {
		t.Fatal("no layout traced")
	}
	last := m[len(m)-1]
	left, _ := strconv.Atoi(last[1])
	centre, _ := strconv.Atoi(last[2])
	side, _ := strconv.Atoi(last[4])
	cx, cy := left+10+centre/2, 30+6+side/2
	// The decoded image: the top of the right panel, centred in it.
	right, _ := strconv.Atoi(last[3])
	img := image.Rect(1280-right/2-40, 80, 1280-right/2+40, 170)
	before := grabWindow(t, display, app.win)
	args := []string{"mousemove", strconv.Itoa(cx - side/4), strconv.Itoa(cy - side/4), "mousedown", "1"}
	for k := 1; k <= 20; k++ {
		args = append(args, "mousemove", strconv.Itoa(cx-side/4+k*side/40), strconv.Itoa(cy-side/4+k*side/40), "sleep", "0.02")
	}
	args = append(args, "mouseup", "1")
	if out, err := xcmd(display, "xdotool", args...).CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v %s", err, out)
	}
	time.Sleep(500 * time.Millisecond)
	after := grabWindow(t, display, app.win)
	changed := 0
	for y := img.Min.Y; y < img.Max.Y; y++ {
		for x := img.Min.X; x < img.Max.X; x++ {
			if colourDistance(before.At(x, y), after.At(x, y)) > 40 {
				changed++
			}
		}
	}
	if changed < 100 {
		t.Errorf("dragging in the UMAP view changed %d pixels of the decoded image", changed)
	}
	app.quit(t)
}
