//go:build smoke

package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vaeexplorer/vae/vaetest"
)

// BenchmarkAppWhileTraining measures the real app under Xvfb while it
// trains (on full MNIST when it can be found, see benchData): its training
// speed against `vae-explorer train` run just before on the same data,
// with the window idle and while xdotool drags the point in circles, and
// the time from each mouse event to its decoded image, also with a
// CPU-bound process running beside the app, and while hovering.
//
//	VAE_SMOKE_BIN=bin/vae-explorer go test -tags 'smoke openblas' -run '^$' -bench AppWhileTraining -benchtime 1x ./app
func BenchmarkAppWhileTraining(b *testing.B) {
	bin := smokeBinary(b)
	data := benchData(b)
	display := startXvfb(b)
	for i := 0; i < b.N; i++ {
		// Headless, app idle, headless, app dragged (A B A B): the machine
		// is shared, so the CLI's figure is the median of both runs.
		h1 := headlessSpeed(b, bin, data)
		idle := runApp(b, bin, display, data, appRun{epochs: 3})
		h2 := headlessSpeed(b, bin, data)
		drag := runApp(b, bin, display, data, appRun{drag: 10 * time.Second})
		headless := median(append(h1, h2...))
		hog := exec.Command("yes")
		if err := hog.Start(); err != nil {
			b.Fatal(err)
		}
		loaded := runApp(b, bin, display, data, appRun{drag: 5 * time.Second})
		hover := runApp(b, bin, display, data, appRun{drag: 5 * time.Second, hover: true})
		hog.Process.Kill()
		hog.Wait()

		b.ReportMetric(headless, "img/s-headless")
		b.ReportMetric(idle.speed()/headless, "idle/headless")
		b.ReportMetric(drag.speed()/headless, "dragging/headless")
		b.ReportMetric(drag.latency[0], "ms-drag-median")
		b.ReportMetric(drag.latency[2], "ms-drag-p99")
		b.ReportMetric(drag.latency[3], "ms-drag-max")
		b.ReportMetric(loaded.latency[2], "ms-loaded-drag-p99")
		b.ReportMetric(loaded.latency[3], "ms-loaded-drag-max")
		b.ReportMetric(hover.latency[2], "ms-hover-p99")
		b.ReportMetric(hover.latency[3], "ms-hover-max")
		b.Logf("data %s: headless epochs %v then %v; app idle epochs %v; dragging epochs %v, latency median/p90/p99/max %v ms; with a CPU hog %v ms",
			data, h1, h2, idle.epochs, drag.epochs, drag.latency, loaded.latency)
	}
}

// benchData is $VAE_BENCH_DATA, else what the tests use (vaetest.Dir:
// VAE_MNIST_DIR, full MNIST from the Go module cache, mnist-8k).
func benchData(b *testing.B) string {
	if d := os.Getenv("VAE_BENCH_DATA"); d != "" {
		return d
	}
	d, what := vaetest.Dir()
	if d == "" {
		b.Fatal("no data: set VAE_BENCH_DATA or VAE_MNIST_DIR, or run make mnist")
	}
	b.Logf("data: %s (%s)", d, what)
	return d
}

// headlessSpeed is `vae-explorer train`'s images per second in each of
// two epochs.
func headlessSpeed(b *testing.B, bin, data string) []float64 {
	out, err := exec.Command(bin, "train", "--data", data, "--epochs", "2", "--out", filepath.Join(b.TempDir(), "m.vae"), "--json").Output()
	if err != nil {
		b.Fatalf("train: %v", err)
	}
	var speeds []float64
	for _, line := range strings.Split(string(out), "\n") {
		var ev struct {
			Epoch    int     `json:"epoch"`
			ImgPerS  float64 `json:"img_per_s"`
			IsSummar bool    `json:"summary"`
		}
		if json.Unmarshal([]byte(line), &ev) == nil && ev.Epoch > 0 && !ev.IsSummar {
			speeds = append(speeds, ev.ImgPerS)
		}
	}
	if len(speeds) == 0 {
		b.Fatalf("train printed no epochs:\n%s", out)
	}
	return speeds
}

type appRun struct {
	epochs int           // wait for this many epochs (idle)
	drag   time.Duration // or drag for this long after the first epoch
	hover  bool          // move without a button: hover previews instead of a drag
}

type appResult struct {
	epochs  []float64  // img/s of the epochs measured
	latency [4]float64 // median, p90, p99, max in ms
}

// speed is the median of the measured epochs' img/s.
func (r appResult) speed() float64 { return median(r.epochs) }

var (
	epochLine   = regexp.MustCompile(`timing: epoch (\d+) (\d+) img/s`)
	latencyLine = regexp.MustCompile(`median ([\d.]+) ms, p90 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms`)
)

// runApp starts the app on data, trains (Ctrl+T) and measures.
func runApp(b *testing.B, bin, display, data string, r appRun) appResult {
	home := b.TempDir()
	app := exec.Command(bin, "--data", data, "--model", "bundled-mlp") // the headless figure is the mlp's
	app.Env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8", "VAE_EXPLORER_TIMING=1", "VAE_EXPLORER_TRACE=1",
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	var logs syncBuffer
	app.Stdout, app.Stderr = &logs, &logs
	if err := app.Start(); err != nil {
		b.Fatal(err)
	}
	defer app.Process.Kill()
	wait := func(what string, ok func(string) bool, limit time.Duration) {
		deadline := time.Now().Add(limit)
		for !ok(logs.String()) {
			if time.Now().After(deadline) {
				b.Fatalf("%s: timed out\n%s", what, logs.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	layout := regexp.MustCompile(`trace: layout left (\d+) centre (\d+) right \d+ plot (\d+)`)
	wait("window", func(s string) bool { return layout.MatchString(s) && strings.Contains(s, "window shown") }, 60*time.Second)
	time.Sleep(time.Second)
	out, _ := xcmd(display, "xdotool", "search", "--name", "^VAE Explorer").Output()
	win := strings.Fields(string(out))[0]
	xcmd(display, "xdotool", "key", "--window", win, "ctrl+t").Run()
	epochs := func(s string) [][]string { return epochLine.FindAllStringSubmatch(s, -1) }
	var first int
	if r.drag > 0 {
		wait("first epoch", func(s string) bool { return len(epochs(s)) >= 1 }, 120*time.Second)
		first = len(epochs(logs.String()))
		m := layout.FindAllStringSubmatch(logs.String(), -1)
		last := m[len(m)-1]
		left, _ := strconv.Atoi(last[1])
		centre, _ := strconv.Atoi(last[2])
		side, _ := strconv.Atoi(last[3])
		cx, cy, rad := left+10+centre/2, 30+6+side/2, side/4
		args := []string{"mousemove", strconv.Itoa(cx + rad), strconv.Itoa(cy), "mousedown", "1"}
		if r.hover {
			args = args[:3]
		}
		for k := 1; k <= int(r.drag/(12*time.Millisecond)); k++ {
			a := float64(k) / 15
			args = append(args, "mousemove", strconv.Itoa(cx+int(float64(rad)*math.Cos(a))), strconv.Itoa(cy+int(float64(rad)*math.Sin(a))), "sleep", "0.012")
		}
		if !r.hover {
			args = append(args, "mouseup", "1")
		}
		if out, err := xcmd(display, "xdotool", args...).CombinedOutput(); err != nil {
			b.Fatalf("xdotool: %v %s", err, out)
		}
	} else {
		wait("epochs", func(s string) bool { return len(epochs(s)) >= r.epochs }, 180*time.Second)
		first = 1 // the first epoch includes the start-up
	}
	all := epochs(logs.String())
	app.Process.Signal(syscall.SIGTERM)
	app.Wait()
	var res appResult
	// While dragging: the epochs that began and ended during the drag
	// (the first to end during it began before).
	if r.drag > 0 {
		first++
	}
	for _, m := range all[min(first, len(all)):] {
		v, _ := strconv.ParseFloat(m[2], 64)
		res.epochs = append(res.epochs, v)
	}
	if lm := latencyLine.FindStringSubmatch(logs.String()); lm != nil {
		for k := range res.latency {
			res.latency[k], _ = strconv.ParseFloat(lm[k+1], 64)
		}
	} else if r.drag > 0 {
		b.Fatalf("no latency figures:\n%s", logs.String())
	}
	return res
}
