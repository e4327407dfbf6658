package msg

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClipCutsAtCharacters(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 80, "short"},
		{strings.Repeat("a", 100), 80, strings.Repeat("a", 80) + "…"},
		{strings.Repeat("é", 100), 80, strings.Repeat("é", 80) + "…"}, // 2 bytes each: not cut inside one
		{strings.Repeat("é", 50), 80, strings.Repeat("é", 50)},
	} {
		if got := Clip(c.s, c.n); got != c.want || !utf8.ValidString(got) {
			t.Errorf("Clip(%.10q…, %d) = %.20q…", c.s, c.n, got)
		}
	}
}

// What a hostile name holds comes out as visible escapes, on one line.
func TestEscapeDefusesWhatForgesOutput(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain/naïve 名前.png", "plain/naïve 名前.png"},
		{"a\nvae-explorer dataset: FORGED", `a\nvae-explorer dataset: FORGED`},
		{"\x1b]0;title\a\x1b[2J", `\x1b]0;title\a\x1b[2J`},
		{"evil\u202egnp.exe", `evil\u202egnp.exe`},
		{"c1\u009b31m", `c1\u009b31m`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"line\u2028sep", `line\u2028sep`},
	} {
		got := Escape(c.in)
		if got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
		for _, r := range got {
			if forges(r) {
				t.Errorf("Escape(%q) kept %U", c.in, r)
			}
		}
	}
	if got := Line(strings.Repeat("x", 1<<20) + "\n"); len(got) > MaxLine+4 {
		t.Errorf("a 1 MB message is %d bytes", len(got))
	}
	if got := Quote(strings.Repeat("A", 1<<20)); len(got) != 80+len("…")+2 {
		t.Errorf("a 1 MB value quoted in %d bytes", len(got))
	}
}
