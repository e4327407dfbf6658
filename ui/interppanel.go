package ui

import (
	"fmt"
	"image"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// InterpPanel decodes the path between two latent codes (plane points,
// dropped images, held-out digits): a strip of 5 to 30 images by linear or
// spherical interpolation, an animation that plays it forward and back,
// and PNG and animated GIF export.
type InterpPanel struct {
	widget.BaseWidget
	toolNames

	A, B      *sourcePicker
	Steps     *widget.Slider
	Mode      *widget.RadioGroup
	Strip     *widgets.ImageView
	Frame     *widgets.ImageView
	Play      *widget.Button
	PNGBtn    *widget.Button
	GIFBtn    *widget.Button
	Info      *widget.Label
	stepsLb   *widget.Label
	env       *toolEnv
	frames    [][]float32 // decoded path, one image per step
	shape     vae.Shape   // the frames' image shape
	path      []float32   // the path's codes, one per step
	jobs      *latest
	stopAnim  chan struct{} // non-nil while animating
	animFrame int
	box       fyne.CanvasObject
}

// Interpolation modes.
const (
	modeLerp  = "Linear"
	modeSlerp = "Spherical"
)

func newInterpPanel(env *toolEnv) *InterpPanel {
	p := &InterpPanel{env: env, jobs: newLatest(env.do), toolNames: toolNames{"Path", "Interpolation"}}
	p.A = newSourcePicker(env, srcHeldPrefix+"1")
	p.B = newSourcePicker(env, srcHeldPrefix+"7")
	p.A.OnChanged, p.B.OnChanged = p.Update, p.Update
	p.Steps = widget.NewSlider(5, 30)
	p.Steps.Step = 1
	p.Steps.Value = 10 // set directly: no renderer built for a hidden panel
	p.stepsLb = widget.NewLabel("10")
	p.Steps.OnChanged = func(v float64) { p.stepsLb.SetText(fmt.Sprint(int(v))) }
	p.Steps.OnChangeEnded = func(float64) { p.Update() }
	p.Mode = widget.NewRadioGroup([]string{modeLerp, modeSlerp}, func(string) { p.Update() })
	p.Mode.Horizontal = false
	p.Mode.Selected = modeLerp
	p.Strip = widgets.NewImageView(nil, 60)
	p.Strip.OnTapped = func(fx, fy float64) { // a frame: move the point to its code
		L := p.env.session.Latent()
		i := widgets.CellAt(p.Strip.Image, fx, fy, p.shape.Side, 2, 10)
		if L > 0 && i >= 0 && (i+1)*L <= len(p.path) {
			p.env.session.SetPoint(p.path[i*L:(i+1)*L], PointChange{Interactive: true})
		}
	}
	p.Frame = widgets.NewImageView(nil, 140)
	p.Info = caption("")
	p.Play = widget.NewButtonWithIcon("Animate", theme.MediaPlayIcon(), p.ToggleAnimation)
	p.PNGBtn = widget.NewButtonWithIcon("PNG…", theme.DocumentSaveIcon(), p.exportPNG)
	p.GIFBtn = widget.NewButtonWithIcon("GIF…", theme.DocumentSaveIcon(), p.exportGIF)
	form := widget.NewForm(
		widget.NewFormItem("From", p.A.box),
		widget.NewFormItem("To", p.B.box),
		widget.NewFormItem("Steps", container.NewBorder(nil, nil, nil, p.stepsLb, p.Steps)),
		widget.NewFormItem("Path", p.Mode),
	)
	p.box = container.NewBorder(form,
		container.NewVBox(p.Info, p.Play, container.NewGridWithColumns(2, p.PNGBtn, p.GIFBtn)),
		nil, nil,
		container.NewBorder(p.Strip, nil, nil, nil, p.Frame))
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer lays out the controls, strip and animation frame.
func (p *InterpPanel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.box) }

func (p *InterpPanel) Panel() fyne.CanvasObject { return p }

// Hidden stops the animation.
func (p *InterpPanel) Hidden() { p.StopAnimation() }

// Overlay is the path through the frames' codes.
func (p *InterpPanel) Overlay() Overlay { return Overlay{Path: p.path} }

// ModelChanged offers the model's held-out codes and decodes the path
// again (when shown).
func (p *InterpPanel) ModelChanged() {
	p.RefreshSources()
	p.env.later(p, p.Update, true)
}

// DropsChanged offers the analysed images as endpoints.
func (p *InterpPanel) DropsChanged() { p.RefreshSources() }

// RefreshSources updates the endpoint choices (new drops, a new model).
func (p *InterpPanel) RefreshSources() {
	p.A.Refresh()
	p.B.Refresh()
}

// Update decodes the path off the UI goroutine.
func (p *InterpPanel) Update() {
	m := p.env.session.Model()
	if m == nil || p.Mode == nil || p.Strip == nil {
		return // still being built
	}
	a, an, errA := p.A.Code()
	b, bn, errB := p.B.Code()
	if errA != nil || errB != nil {
		p.Info.SetText(fmt.Sprint(firstErr(errA, errB)))
		return
	}
	steps, slerp := int(p.Steps.Value), p.Mode.Selected == modeSlerp
	p.jobs.Run(func() func() {
		path, err := vae.Path(a, b, steps, slerp)
		var pix []float32
		if err == nil {
			pix, err = m.Decode(path)
		}
		return func() {
			if err != nil {
				p.Info.SetText("Interpolation: " + err.Error())
			} else {
				p.path = path
				p.env.overlayChanged(p)
				p.frames, p.shape = p.frames[:0], m.Image()
				size := p.shape.Size()
				for i := 0; i < steps; i++ {
					p.frames = append(p.frames, pix[i*size:(i+1)*size])
				}
				p.Strip.SetImage(strip(pix, p.shape, 10))
				p.animFrame = min(p.animFrame, steps-1)
				p.Frame.SetImage(p.frame(p.animFrame))
				p.Info.SetText(fmt.Sprintf("%s → %s, %d steps, %s; distance %.2f", an, bn, steps, p.Mode.Selected, dist32(a, b)))
			}
		}
	})
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func dist32(a, b []float32) float64 {
	d := make([]float32, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return vae.Norm(d)
}

// ToggleAnimation plays the path forward and back at 12 frames a second in
// the large view, or stops it.
func (p *InterpPanel) ToggleAnimation() {
	if p.stopAnim != nil {
		p.StopAnimation()
		return
	}
	if len(p.frames) == 0 {
		return
	}
	stop := make(chan struct{})
	p.stopAnim = stop
	p.Play.SetText("Stop")
	p.Play.SetIcon(theme.MediaStopIcon())
	go func() { // exits when stop closes
		t := time.NewTicker(time.Second / 12)
		defer t.Stop()
		dir := 1
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			p.env.do(func() {
				if p.stopAnim != stop || len(p.frames) == 0 {
					return
				}
				n := len(p.frames)
				next := p.animFrame + dir
				if next < 0 || next >= n {
					dir = -dir
					next = p.animFrame + dir
				}
				p.animFrame = max(0, min(next, n-1))
				p.Frame.SetImage(p.frame(p.animFrame))
			})
		}
	}()
}

// StopAnimation stops a running animation.
func (p *InterpPanel) StopAnimation() {
	if p.stopAnim == nil {
		return
	}
	close(p.stopAnim)
	p.stopAnim = nil
	p.Play.SetText("Animate")
	p.Play.SetIcon(theme.MediaPlayIcon())
}

// frame is frame i as a picture.
func (p *InterpPanel) frame(i int) image.Image {
	return imaging.Picture(p.frames[i], p.shape.Side, p.shape.Channels)
}

func (p *InterpPanel) pix() []float32 {
	var all []float32
	for _, f := range p.frames {
		all = append(all, f...)
	}
	return all
}

func (p *InterpPanel) exportPNG() {
	if len(p.frames) == 0 {
		return
	}
	savePNGDialog(p.env, fmt.Sprintf("interpolation-%d.png", len(p.frames)), strip(p.pix(), p.shape, len(p.frames)))
}

func (p *InterpPanel) exportGIF() {
	if len(p.frames) == 0 {
		return
	}
	frames, sh := append([][]float32(nil), p.frames...), p.shape
	saveDialog(p.env, fmt.Sprintf("interpolation-%d.gif", len(frames)), ".gif", func(w io.Writer) error {
		return imaging.WriteGIFC(w, frames, sh.Side, sh.Channels, 8, 8, true)
	})
}
