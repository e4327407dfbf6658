package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"vaeexplorer/vae/imaging"
)

func TestHoverPreviewsTheDecodeUnderTheMouse(t *testing.T) {
	m := newFakeModel(2, 500)
	e, loop := newTestExplorer(t, m)
	loop.until(t, "the first decode", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
	point := e.Session.Point()
	hovered := func(x, y float64) bool {
		pix, err := m.Decode([]float32{float32(x), float32(y)})
		return err == nil && e.Point.Decoded.Image != nil && nearImage(e.Point.Decoded.Image, imaging.Gray28(pix), 1)
	}
	e.Plane.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: e.Plane.ToPos(2.5, -1.5)}})
	loop.until(t, "the hovered code's decode", func() bool { return hovered(2.5, -1.5) }, 5*time.Second)
	if !strings.HasPrefix(e.Point.Readout.Text, "hover z = (2.50, -1.50)") {
		t.Fatalf("readout while hovering: %q", e.Point.Readout.Text)
	}
	if p := e.Session.Point(); p[0] != point[0] || p[1] != point[1] {
		t.Fatalf("hovering moved the point to %v", p)
	}
	// Leaving the plane shows the point again.
	e.Plane.MouseOut()
	loop.until(t, "the point's decode", func() bool { return decodedMatchesEngine(e, m) }, 5*time.Second)
	if strings.HasPrefix(e.Point.Readout.Text, "hover") {
		t.Fatalf("readout after leaving: %q", e.Point.Readout.Text)
	}
	// Turned off in the widgets.View menu: hovering previews nothing (the decoded
	// view decodes the hovered code only while there is one), so the
	// point's image stays.
	e.prefs.SetBool(prefHover, false)
	e.Plane.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: e.Plane.ToPos(-3, 3)}})
	if e.PlaneCtl.Hovered() != nil {
		t.Fatal("a hovered code with the option off")
	}
	loop.drain()
	if !decodedMatchesEngine(e, m) {
		t.Fatal("hover decoded with the option off")
	}
}
