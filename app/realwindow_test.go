//go:build smoke

package main

import (
	"bytes"
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
	home := t.TempDir()
	app := exec.Command(bin, "--data", data)
	app.Env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8", "VAE_EXPLORER_TRACE=1",
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	var logs syncBuffer
	app.Stdout, app.Stderr = &logs, &logs
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer app.Process.Kill()

	var buf bytes.Buffer
	win := waitForWindow(t, display, exited, &buf)
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
	app.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		t.Fatal("app did not exit")
	}
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
