// Package msg makes what a file or a user gave safe to quote in a
// message: cut to a readable length, and with the characters that would
// forge output escaped (a newline starts a fake line, ESC drives the
// terminal, bidi overrides reorder what is shown). The CLI, the app's
// dialogs and status line, and JSON all quote through it.
package msg

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxValue is how many characters of a quoted value a message keeps.
const MaxValue = 80

// MaxName is how many characters of a file name or path a message keeps.
const MaxName = 200

// MaxLine bounds a whole message.
const MaxLine = 2000

// Clip is s cut to at most n characters (runes, never inside one), with
// "…" when cut.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i, k := 0, 0
	for i < len(s) && k < n {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
		k++
	}
	if i >= len(s) {
		return s
	}
	return s[:i] + "…"
}

// Quote is a value for a message: cut to MaxValue characters and quoted
// as Go quotes strings (control characters escaped).
func Quote(s string) string { return strconv.Quote(Clip(s, MaxValue)) }

// Name is a file name or path for a message: unquoted, cut to MaxName
// characters, control and bidi characters escaped.
func Name(s string) string { return Escape(Clip(s, MaxName)) }

// Line is a whole message made safe to print as one line: newlines become
// "; ", other control and bidi characters are escaped, and it is cut to
// MaxLine characters.
func Line(s string) string {
	s = strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "; ")
	return Escape(Clip(s, MaxLine))
}

// Escape escapes the characters of s that would forge output (C0 and C1
// controls, DEL, line and paragraph separators, bidi controls, invalid
// UTF-8) as \n, \x1b, \u202e …; the rest stays as it is.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case forges(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+w])
		}
		i += w
	}
	return b.String()
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && w == 1) || forges(r) {
			return true
		}
		i += w
	}
	return false
}

// forges reports whether r would change how output looks beyond its own
// glyph.
func forges(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	case unicode.Is(unicode.Bidi_Control, r):
		return true
	}
	return false
}
