package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
)

// layout builds the window: training panel | plane | point and tools, with
// the status bar below.
func (e *Explorer) layout() fyne.CanvasObject {
	// Left: the training buttons always in view; the model card, the
	// dataset and the hyper-parameters in sections that open and close
	// (remembered), above the loss plot.
	t := e.Train
	buttons := container.NewGridWithColumns(2, t.TrainBtn, t.StopBtn, t.PauseBtn, t.ResumeBtn)
	e.sections = widget.NewAccordion(
		widget.NewAccordionItem("Model", container.NewVBox(e.modelInfo, e.klView, e.migInfo, e.migView, e.likelihood.objects())),
		widget.NewAccordionItem("Dataset", t.DatasetPart),
		widget.NewAccordionItem("Hyper-parameters", t.ParamsPart))
	e.sections.MultiOpen = true
	e.restoreSections()
	form := container.NewVScroll(e.sections)
	plotHead := container.NewBorder(nil, nil, heading("Loss"), e.LogScale)
	leftSplit := container.NewVSplit(form, container.NewBorder(plotHead, nil, nil, nil, e.Plot))
	leftSplit.Offset = 0.62
	left := container.NewBorder(container.NewVBox(panelHeader("Model and training", func() { e.shell.toggle(sideLeft) }), buttons), nil, nil, nil, leftSplit)

	// Centre: the plane, square, as large as the area allows.
	centre := container.NewBorder(container.NewVBox(e.PlaneCtl.MapControls(), e.Point.DimsRow), e.PlaneCtl.Legend, nil, nil, e.Plane)
	e.centre = centre

	// Right: the point (decoded image, sliders) above the tools.
	p := e.Point
	point := container.NewBorder(nil,
		container.NewVBox(p.Readout, e.Class.Box, p.Picked, container.NewGridWithColumns(2, p.Origin, p.Random), p.SliderArea),
		nil, nil, p.Decoded)
	// Each tool scrolls in its own frame when it needs more room than it
	// has (see frame), so switching tools never moves the divider above.
	rightSplit := container.NewVSplit(point, container.NewBorder(e.Tools.Bar(), nil, nil, nil, e.Tools.Content()))
	rightSplit.Offset = 0.38
	right := container.NewBorder(panelHeader("Point and tools", func() { e.shell.toggle(sideRight) }), nil, nil, nil, rightSplit)

	e.shell = newShell(left, centre, right)
	e.restorePanels()
	return container.NewBorder(nil, e.Bar.Box(), nil, nil, e.shell.Container())
}

func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// panelHeader is a side panel's title with a button that hides the panel.
func panelHeader(title string, hide func()) fyne.CanvasObject {
	b := widget.NewButtonWithIcon("", theme.VisibilityOffIcon(), hide)
	b.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, nil, b, heading(title))
}

// ---- the shell: side panels that keep their width -------------------------------

type side int

const (
	sideLeft side = iota
	sideRight
)

// shell lays out the left panel, the centre and the right panel side by
// side, with a divider between each. The side panels have the width the
// user gave them (dragging a divider) or, until then, a share of the
// window's width; never what their content asks for, so nothing a panel
// shows (a long file name, a legend, a new model) moves the dividers or
// grows the window. A hidden panel leaves its divider as a thin strip
// that brings it back when tapped.
type shell struct {
	left, centre, right fyne.CanvasObject
	divs                [2]*divider
	// widths the user chose (0: follow the window), and whether shown
	width [2]float32
	open  [2]bool
	box   *fyne.Container
	// OnChanged is called when the user moves a divider or shows or
	// hides a panel (to remember it).
	OnChanged func()
	// OnLayout, when set, is called after a layout that changed the
	// panels' widths, with the left, centre and right widths.
	OnLayout func(left, centre, right float32)
	laidOut  [3]float32
}

// Panel widths until the user drags a divider: a share of the window,
// within bounds.
var (
	panelShare = [2]float32{0.22, 0.26}
	panelMin   = [2]float32{245, 290}
	panelMax   = [2]float32{330, 430}
)

const dividerWidth = 8

func newShell(left, centre, right fyne.CanvasObject) *shell {
	s := &shell{left: left, centre: centre, right: right, open: [2]bool{true, true}}
	for i := range s.divs {
		sd := side(i)
		s.divs[i] = newDivider(func(dx float32) { s.drag(sd, dx) }, s.changed, func() { s.toggle(sd) })
	}
	s.box = container.New(s, left, s.divs[0], centre, s.divs[1], right)
	return s
}

// Container is the shell's canvas object.
func (s *shell) Container() *fyne.Container { return s.box }

// Width is a side panel's current width (0 when hidden).
func (s *shell) Width(sd side) float32 {
	if !s.open[sd] {
		return 0
	}
	if s.width[sd] > 0 {
		return s.width[sd]
	}
	w := s.box.Size().Width * panelShare[sd]
	return max(panelMin[sd], min(panelMax[sd], w))
}

// Open reports whether a side panel is shown.
func (s *shell) Open(sd side) bool { return s.open[sd] }

// SetOpen shows or hides a side panel.
func (s *shell) SetOpen(sd side, open bool) {
	s.open[sd] = open
	s.divs[sd].collapsed = !open
	s.divs[sd].Refresh()
	s.box.Refresh()
}

func (s *shell) toggle(sd side) {
	s.SetOpen(sd, !s.open[sd])
	s.changed()
}

// changed tells OnChanged: after a panel is shown or hidden, and when a
// divider drag ends (not at every mouse event of the drag).
func (s *shell) changed() {
	if s.OnChanged != nil {
		s.OnChanged()
	}
}

// drag moves a divider by dx, keeping the centre at least 200 wide.
func (s *shell) drag(sd side, dx float32) {
	if !s.open[sd] {
		return
	}
	w := s.Width(sd)
	if sd == sideRight {
		dx = -dx
	}
	other := s.Width(1 - sd)
	maxW := s.box.Size().Width - other - 2*dividerWidth - 200
	s.width[sd] = max(160, min(maxW, w+dx))
	s.box.Refresh()
}

// Layout places the five parts (fyne.Layout).
func (s *shell) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	lw, rw := s.Width(sideLeft), s.Width(sideRight)
	s.left.Move(fyne.NewPos(0, 0))
	s.left.Resize(fyne.NewSize(lw, size.Height))
	widgets.SetVisible(s.left, s.open[sideLeft])
	s.divs[0].Move(fyne.NewPos(lw, 0))
	s.divs[0].Resize(fyne.NewSize(dividerWidth, size.Height))
	cx := lw + dividerWidth
	cw := max(0, size.Width-lw-rw-2*dividerWidth)
	s.centre.Move(fyne.NewPos(cx, 0))
	s.centre.Resize(fyne.NewSize(cw, size.Height))
	s.divs[1].Move(fyne.NewPos(cx+cw, 0))
	s.divs[1].Resize(fyne.NewSize(dividerWidth, size.Height))
	s.right.Move(fyne.NewPos(cx+cw+dividerWidth, 0))
	s.right.Resize(fyne.NewSize(rw, size.Height))
	widgets.SetVisible(s.right, s.open[sideRight])
	if now := [3]float32{lw, cw, rw}; now != s.laidOut {
		s.laidOut = now
		if s.OnLayout != nil {
			s.OnLayout(lw, cw, rw)
		}
	}
}

// MinSize is fixed: the window's minimum size never depends on what the
// panels show (fyne.Layout).
func (s *shell) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(700, 480) }

// divider is the draggable strip between the centre and a side panel.
type divider struct {
	widget.BaseWidget
	onDrag    func(dx float32)
	onDragEnd func()
	onTap     func()
	collapsed bool
}

var (
	_ fyne.Draggable     = (*divider)(nil)
	_ fyne.Tappable      = (*divider)(nil)
	_ desktop.Cursorable = (*divider)(nil)
)

func newDivider(onDrag func(float32), onDragEnd, onTap func()) *divider {
	d := &divider{onDrag: onDrag, onDragEnd: onDragEnd, onTap: onTap}
	d.ExtendBaseWidget(d)
	return d
}

func (d *divider) Dragged(ev *fyne.DragEvent) { d.onDrag(ev.Dragged.DX) }
func (d *divider) DragEnd()                   { d.onDragEnd() }

// Tapped brings a hidden panel back.
func (d *divider) Tapped(*fyne.PointEvent) {
	if d.collapsed {
		d.onTap()
	}
}

func (d *divider) Cursor() desktop.Cursor {
	if d.collapsed {
		return desktop.PointerCursor
	}
	return desktop.HResizeCursor
}

func (d *divider) CreateRenderer() fyne.WidgetRenderer {
	line := canvas.NewRectangle(theme.Color(theme.ColorNameSeparator))
	grip := widget.NewIcon(theme.MenuExpandIcon())
	return &dividerRenderer{d: d, line: line, grip: grip}
}

type dividerRenderer struct {
	d    *divider
	line *canvas.Rectangle
	grip *widget.Icon
}

func (r *dividerRenderer) Destroy()                     {}
func (r *dividerRenderer) MinSize() fyne.Size           { return fyne.NewSize(dividerWidth, 10) }
func (r *dividerRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.line, r.grip} }

func (r *dividerRenderer) Layout(size fyne.Size) {
	r.line.Move(fyne.NewPos(size.Width/2-0.5, 0))
	r.line.Resize(fyne.NewSize(1, size.Height))
	r.grip.Move(fyne.NewPos(0, size.Height/2-dividerWidth/2))
	r.grip.Resize(fyne.NewSquareSize(dividerWidth))
}

func (r *dividerRenderer) Refresh() {
	r.line.FillColor = r.d.Theme().Color(theme.ColorNameSeparator, fyne.CurrentApp().Settings().ThemeVariant())
	if r.d.collapsed {
		r.line.FillColor = r.d.Theme().Color(theme.ColorNamePrimary, fyne.CurrentApp().Settings().ThemeVariant())
		r.grip.Show()
	} else {
		r.grip.Hide()
	}
	r.line.Refresh()
	r.Layout(r.d.Size())
}

var _ fyne.Layout = (*shell)(nil)
