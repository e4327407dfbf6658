//go:build !js

package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressBar draws a one-line bar on a terminal stream, at most 10 times
// a second.
type progressBar struct {
	w     io.Writer
	label string
	last  time.Time
	drawn bool
}

func newProgressBar(w io.Writer, label string) *progressBar {
	return &progressBar{w: w, label: label}
}

func (b *progressBar) set(frac float64, status string) {
	if time.Since(b.last) < 100*time.Millisecond && frac < 1 {
		return
	}
	b.last = time.Now()
	const width = 30
	frac = min(max(frac, 0), 1)
	full := int(frac * width)
	bar := strings.Repeat("=", full)
	if full < width {
		bar += ">" + strings.Repeat(" ", width-full-1)
	}
	fmt.Fprintf(b.w, "\r\033[K%s [%s] %3.0f%%  %s", b.label, bar, frac*100, status)
	b.drawn = true
}

// clear removes the bar so a line can be printed; the next set redraws it.
func (b *progressBar) clear() {
	if b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
		b.drawn = false
		b.last = time.Time{}
	}
}

func (b *progressBar) finish() { b.clear() }

func fmtDuration(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
