//go:build !js

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"vaeexplorer/vae/vaetest"
)

// The CLI refuses each bad run of vaetest.BadRuns with the message the
// training panel gives (ui's TestTrainPanelRefusesLikeTheCLI runs the same
// table), before reading any data: one line, exit 2.
func TestTrainRefusesLikeThePanel(t *testing.T) {
	data := t.TempDir() // never read: every run is refused first
	for _, c := range vaetest.BadRuns {
		args := []string{"train", "--data", data, "--epochs", "1", "--out", filepath.Join(t.TempDir(), "m.vae")}
		for k, v := range c.Fields {
			args = append(args, "--"+k, v)
		}
		code, _, stderr := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, c.Want) {
			t.Errorf("%s: exit %d, %q; want 2 and %q", c.Name, code, stderr, c.Want)
		}
	}
}
