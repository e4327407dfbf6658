package main

import (
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vaeexplorer/vae"
	"vaeexplorer/vae/torchio"
)

// Names in an image folder cannot forge output: a newline in a file name
// starts no line of its own, terminal escapes arrive as visible text.
func TestHostileFileNamesStayOneHarmlessLine(t *testing.T) {
	root := filepath.Join(t.TempDir(), "shapes")
	writeShapeFolder(t, root, 60)
	for _, n := range []string{"bad\nvae-explorer dataset: FORGED.png", "\x1b]0;PWNED\a\x1b[2J.png", "rtl\u202egnp.png"} {
		if err := os.WriteFile(filepath.Join(root, "ring", n), []byte("not a png"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "idx")
	code, _, stderr := runCLI(t, "dataset", "--data", root, "--out", out)
	if code != 0 {
		t.Fatalf("dataset: %d %s", code, stderr)
	}
	stderr = strings.ReplaceAll(stderr, "\r\x1b[K", "") // the progress bar's own
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "vae-explorer dataset: FORGED") {
			t.Errorf("a forged line: %q", line)
		}
	}
	if strings.ContainsAny(stderr, "\x1b\a\u202e") || !strings.Contains(stderr, `\x1b]0;PWNED\a\x1b[2J.png`) || !strings.Contains(stderr, `bad\nvae-explorer dataset: FORGED.png`) {
		t.Errorf("the skipped files listed as %q", stderr)
	}
}

// writeSafetensors writes a safetensors file of the given header.
func writeSafetensors(t *testing.T, header map[string]any, data []byte) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	p := filepath.Join(t.TempDir(), "m.safetensors")
	if err := os.WriteFile(p, append(append(b, h...), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Values a file holds are cut when a message quotes them: a 1 MB
// architecture name, a 900 KB tensor name, a 300 KB class list.
func TestAttackerSizedValuesAreCutInMessages(t *testing.T) {
	tensor := func(shape ...int) map[string]any {
		n := 4
		for _, d := range shape {
			n *= d
		}
		return map[string]any{"dtype": "F32", "shape": shape, "data_offsets": []int{0, n}}
	}
	classes := make([]string, 40000)
	for i := range classes {
		classes[i] = "class" + strings.Repeat("x", 3)
	}
	for name, c := range map[string]struct {
		header map[string]any
		size   int
	}{
		"1 MB arch":          {map[string]any{"fc1.weight": tensor(4, 784), "__metadata__": map[string]string{"arch": strings.Repeat("A", 1<<20), "latent": "2", "hidden": "4"}}, 4 * 4 * 784},
		"900 KB tensor name": {map[string]any{strings.Repeat("T", 900<<10): tensor(2)}, 8},
		"1 MB latent":        {map[string]any{"fc1.weight": tensor(4, 784), "__metadata__": map[string]string{"arch": "mlp", "latent": strings.Repeat("9x", 1<<19), "hidden": "4"}}, 4 * 4 * 784},
		"300 KB classes":     {map[string]any{"fc1.weight": tensor(4, 784), "__metadata__": map[string]string{"arch": "mlp", "latent": "2", "hidden": "4", "classes": strings.Join(classes, "\n")}}, 4 * 4 * 784},
	} {
		p := writeSafetensors(t, c.header, make([]byte, c.size))
		code, _, stderr := runCLI(t, "sample", "--model", p, "--out", filepath.Join(t.TempDir(), "s.png"))
		if code != 2 || len(stderr) > 600 || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, %d bytes on stderr: %.300q", name, code, len(stderr), stderr)
		}
	}
}

// A class folder named "two<newline>lines" keeps one line per class in
// classes.txt, and the same classes, in order, through a model and its
// safetensors export and back.
func TestClassNamesWithNewlinesSurviveRoundTrips(t *testing.T) {
	root := filepath.Join(t.TempDir(), "shapes")
	writeShapeFolder(t, root, 60)
	if err := os.Rename(filepath.Join(root, "ring"), filepath.Join(root, "two\nlines")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "idx")
	if code, _, stderr := runCLI(t, "dataset", "--data", root, "--out", out); code != 0 {
		t.Fatalf("dataset: %d %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "classes.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 4 || !slicesContain(lines, `two\nlines`) {
		t.Fatalf("classes.txt: %q", lines)
	}
	m := filepath.Join(t.TempDir(), "m.vae")
	trainSmall(t, root, m)
	st := filepath.Join(t.TempDir(), "m.safetensors")
	if code, _, stderr := runCLI(t, "export", "--model", m, "--out", st); code != 0 {
		t.Fatalf("export: %d %s", code, stderr)
	}
	var classes [2][]string
	ours, err := vae.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := torchio.Load(st)
	if err != nil {
		t.Fatal(err)
	}
	classes[0], classes[1] = ours.Config().Classes, theirs.Config().Classes
	if len(classes[0]) != 4 || strings.Join(classes[0], "|") != strings.Join(classes[1], "|") || !slicesContain(classes[1], `two\nlines`) {
		t.Errorf("classes of the model %q, of its export %q", classes[0], classes[1])
	}
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// A model file is written in the format its name says, or refused before
// any work: our format under a .safetensors name replaced the user's
// PyTorch file with bytes the app then refused. And every model file
// --model opens resumes.
func TestWritesKeepTheFormatTheirNameSays(t *testing.T) {
	dir := t.TempDir()
	st := filepath.Join(dir, "m.safetensors")
	if code, _, stderr := runCLI(t, "export", "--out", st); code != 0 {
		t.Fatalf("export: %d %s", code, stderr)
	}
	before, _ := os.ReadFile(st)
	data := dataDir(t, 300)
	for _, args := range [][]string{
		{"vector", "compute", "--model", st, "--classes", "4,9", "--out", st},
		{"vector", "compute", "--model", st, "--classes", "4,9", "--out", filepath.Join(dir, "x.onnx")},
		{"train", "--data", data, "--epochs", "1", "--hidden", "16", "--out", filepath.Join(dir, "x.safetensors")},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, "models are saved as .vae files") {
			t.Errorf("%s: %d %q", strings.Join(args, " "), code, stderr)
		}
	}
	if after, _ := os.ReadFile(st); string(after) != string(before) {
		t.Error("the PyTorch file was replaced")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files made: %v", entries)
	}
	// The exported file resumes, into a .vae.
	out := filepath.Join(dir, "resumed.vae")
	if code, _, stderr := runCLI(t, "train", "--resume", st, "--data", data, "--epochs", "1", "--out", out, "--json"); code != 0 {
		t.Fatalf("resume from safetensors: %d %s", code, stderr)
	}
	if _, err := vae.Load(out); err != nil {
		t.Fatal(err)
	}
}
