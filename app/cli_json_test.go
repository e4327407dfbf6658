//go:build !js

package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// Every command that writes files takes --json and then prints one JSON
// object saying what it wrote (without it, one line on stderr); a bad flag
// is one line and status 2.
func TestEveryWritingCommandSaysWhatItWrote(t *testing.T) {
	data, tmp, model, imgA, imgB := modelAndDigits(t)
	imgs := []string{imgA, imgB}
	out := func(name string) string { return filepath.Join(tmp, name) }
	for _, c := range []struct {
		name string
		args []string
	}{
		{"grid", []string{"grid", "--model", model, "--n", "4", "--out", out("g.png")}},
		{"sample", []string{"sample", "--model", model, "--n", "4", "--out", out("s.png")}},
		{"decode", []string{"decode", "--model", model, "--z", "0.5,-1", "--out", out("d.png")}},
		{"traverse", []string{"traverse", "--model", model, "--steps", "5", "--out", out("t.png")}},
		{"project", []string{"project", "--model", model, "--data", data, "--out", out("l.csv")}},
		{"interpolate", []string{"interpolate", "--model", model, "--steps", "3", "--out", out("i.png"), "--gif", out("i.gif"), imgs[0], imgs[1]}},
		{"vector apply", []string{"vector", "apply", "--model", model, "--name", "1->7", "--steps", "3", "--out", out("v.png"), imgs[0]}},
		{"export", []string{"export", "--model", model, "--out", out("m.safetensors")}},
		{"augment", []string{"augment", "--model", model, "--data", data, "--per-class", "2", "--out", out("aug")}},
	} {
		code, stdout, stderr := runCLI(t, append(c.args, "--json")...)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		var v map[string]any
		if code != 0 || len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &v) != nil {
			t.Errorf("%s --json: exit %d, stdout %q, stderr %q", c.name, code, stdout, stderr)
			continue
		}
		if v["out"] == nil && v["files"] == nil {
			t.Errorf("%s --json: %v names nothing written", c.name, v)
		}
		// Without --json: one line on stderr, nothing on stdout (the
		// files exist now: a second run writes them again).
		if c.name == "augment" {
			continue // its folder must be new
		}
		code, stdout, stderr = runCLI(t, c.args...)
		if code != 0 || stdout != "" || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.HasPrefix(stderr, "wrote ") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", c.name, code, stdout, stderr)
		}
		// A bad flag: one line, status 2.
		code, _, stderr = runCLI(t, append(c.args, "--no-such-flag")...)
		if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s with a bad flag: exit %d, %q", c.name, code, stderr)
		}
	}
}
