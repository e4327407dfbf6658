package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestMainWindowTitleAndSize(t *testing.T) {
	a := test.NewTempApp(t)
	m := NewMainWindow(a)
	defer m.Window.Close()
	if got := m.Window.Title(); got != Title {
		t.Fatalf("title = %q, want %q", got, Title)
	}
	if s := m.Window.Canvas().Size(); s.Width < 1000 || s.Height < 600 {
		t.Fatalf("window size %v, want at least 1000x600", s)
	}
}
