package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
)

// Probe is what the window shows, for the browser build's page: its tests
// and benchmark read it (window.vaeExplorerProbe) to find the point on the
// plane and to know when a model, a decode or training has arrived. Call
// it on the UI goroutine (in a browser there is one thread).
type Probe struct {
	Model    string     `json:"model"`
	Status   string     `json:"status"`
	Training string     `json:"training"` // the status bar's training text
	State    string     `json:"state"`    // idle, loading, running, paused
	Point    []float32  `json:"point"`
	PointAt  [2]float32 `json:"pointAt"` // the point on the plane, in window coordinates
	Plot     [3]float32 `json:"plot"`    // the plane's square: x, y, side (window coordinates)
	Decoded  [4]float32 `json:"decoded"` // the decoded image: x, y, width, height (window coordinates)
	Scale    float32    `json:"scale"`   // window coordinates to device pixels
	Scatter  int        `json:"scatter"` // encoded images on the plane
	Steps    int        `json:"steps"`   // loss plot: training steps and epochs drawn
	Epochs   int        `json:"epochs"`
	Decodes  int        `json:"decodes"` // interactive decodes shown
	Images   int        `json:"images"`  // opened or dropped images analysed
	// Buttons: the training buttons' centres (window coordinates), by
	// label, for a test to click.
	Buttons map[string][2]float32 `json:"buttons"`
}

// Probe reports the window's state.
func (e *Explorer) Probe() Probe {
	p := Probe{
		Model:    e.Session.Name(),
		Status:   e.Status(),
		Training: e.Bar.Training.Text,
		State:    e.Training.State().String(),
		Point:    e.Session.Point(),
		Scatter:  e.Plane.ScatterLen(),
		Decodes:  len(e.Point.DecodeLatencies()),
		Images:   len(e.Session.Drops()),
	}
	if e.Session.Model() == nil {
		p.Model = ""
	}
	p.Steps, p.Epochs = e.Plot.Len()
	if d := fyne.CurrentApp().Driver(); d != nil {
		at := d.AbsolutePositionForObject(e.Plane)
		pos := e.Plane.ToPos(e.Plane.X, e.Plane.Y)
		p.PointAt = [2]float32{at.X + pos.X, at.Y + pos.Y}
		o, side := widgets.PlotRect(e.Plane.Size())
		p.Plot = [3]float32{at.X + o.X, at.Y + o.Y, side}
		dv := e.Point.Decoded
		at = d.AbsolutePositionForObject(dv)
		p.Decoded = [4]float32{at.X, at.Y, dv.Size().Width, dv.Size().Height}
		p.Scale = e.Window.Canvas().Scale()
		p.Buttons = map[string][2]float32{}
		for _, b := range []*widget.Button{e.Train.TrainBtn, e.Train.PauseBtn, e.Train.ResumeBtn, e.Train.StopBtn} {
			at := d.AbsolutePositionForObject(b)
			p.Buttons[b.Text] = [2]float32{at.X + b.Size().Width/2, at.Y + b.Size().Height/2}
		}
	}
	return p
}
