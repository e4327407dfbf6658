package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// startCLI starts the CLI as a process of its own (see TestMain).
func startCLI(t *testing.T, stderr *bytes.Buffer, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "VAE_TEST_RUN_MAIN=1")
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// Two processes storing vectors in one model at once: each either stores
// its vector or fails saying the file changed; no exit 0 loses its vector.
func TestConcurrentVectorStoresLoseNothing(t *testing.T) {
	data := dataDir(t, 2000)
	model := filepath.Join(t.TempDir(), "m.vae")
	trainSmall(t, data, model)
	attrs := []string{vae.AttrThickness, vae.AttrSlant, vae.AttrWidth}
	var errs [3]bytes.Buffer
	var cmds []*exec.Cmd
	for i, a := range attrs {
		cmds = append(cmds, startCLI(t, &errs[i], "vector", "compute", "--model", model, "--attr", a, "--data", data, "--out", model))
	}
	m0, stored := 0, []string{}
	for i, cmd := range cmds {
		err := cmd.Wait()
		switch {
		case err == nil:
			stored = append(stored, attrs[i])
		case strings.Contains(errs[i].String(), "changed by another program"):
			m0++
		default:
			t.Fatalf("%s: %v: %s", attrs[i], err, errs[i].String())
		}
	}
	m, err := vae.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, v := range m.Vectors() {
		have[v.Name] = true
	}
	for _, a := range stored {
		if !have[a] {
			t.Errorf("%s exited 0 but its vector is not in the model (it has %v)", a, m.Vectors())
		}
	}
	if len(stored) == 0 {
		t.Fatal("no run stored its vector")
	}
	t.Logf("%d stored, %d refused", len(stored), m0)
}

// Two trainings started together with one --out: the first to finish
// writes it, the other fails saying another program changed it (exit 1),
// and the file is the first run's model, whole.
func TestTwoTrainingsToOneFileOneWins(t *testing.T) {
	data := dataDir(t, 3000) // a second or two each: both have started long before either saves
	out := filepath.Join(t.TempDir(), "same.vae")
	var errs [2]bytes.Buffer
	var cmds []*exec.Cmd
	for i := range errs {
		cmds = append(cmds, startCLI(t, &errs[i], "train", "--data", data, "--epochs", "2", "--hidden", "16", "--seed", fmt.Sprint(i+1), "--out", out, "--json"))
	}
	won, lost := 0, 0
	for i, cmd := range cmds {
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
			won++
		case errors.As(err, &ee) && ee.ExitCode() == 1 && strings.Contains(errs[i].String(), "changed by another program"):
			lost++
		default:
			t.Fatalf("run %d: %v: %s", i, err, errs[i].String())
		}
	}
	if won != 1 || lost != 1 {
		t.Fatalf("%d runs saved, %d refused; want one of each", won, lost)
	}
	if _, err := vae.Load(out); err != nil {
		t.Fatalf("the winner's file: %v", err)
	}
}

// augment killed while writing leaves nothing under the target name, and
// a rerun then writes the folder.
func TestKilledAugmentLeavesNoFolder(t *testing.T) {
	data := dataDir(t, 400)
	tmp := t.TempDir()
	model := filepath.Join(tmp, "m.vae")
	trainSmall(t, data, model)
	out := filepath.Join(tmp, "aug")
	var stderr bytes.Buffer
	cmd := startCLI(t, &stderr, "augment", "--model", model, "--data", data, "--per-class", "3000", "--format", "png", "--out", out)
	// Kill it once it is writing: the hidden folder beside the target
	// holds a class folder.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if ms, _ := filepath.Glob(filepath.Join(tmp, ".aug.*", "*", "*.png")); len(ms) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("augment never started writing: %s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	var exit *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &exit) {
		t.Fatalf("augment finished before it was killed (%v): make it longer", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a killed augment left %s", out)
	}
	if code, _, stderr := runCLI(t, "augment", "--model", model, "--data", data, "--per-class", "2", "--out", out); code != 0 {
		t.Fatalf("the rerun: %d %s", code, stderr)
	}
	if train, _, err := dataset.LoadDir(out); err != nil || train.N != 20 {
		t.Fatalf("the rerun's folder: %v", err)
	}
	// The killed run's hidden folder went with the rerun: no process held
	// it any more.
	if left, _ := filepath.Glob(filepath.Join(tmp, ".aug.*")); len(left) > 0 {
		t.Errorf("the killed run's temporary is still there: %v", left)
	}
}
