package ui

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae/imaging"
)

// classRowMax is how many classes the all-classes row shows.
const classRowMax = 20

// ClassView is the class a conditional model draws, beside the point: a
// picker with the class names, and a row with the point's code decoded
// as every class (its style, each class), the chosen one framed; a click
// on a tile picks that class. Hidden for other models. It is a view of
// the session's class.
type ClassView struct {
	s      *Session
	Picker *widget.Select
	Row    *widgets.ImageView
	Box    *fyne.Container
	jobs   *latest
	shown  int // the classes the row shows
	side   int
}

// classDecoder decodes codes of given classes (*vae.Model, and a
// conditional model given a class).
type classDecoder interface {
	DecodeGiven(z []float32, labels []uint8) ([]float32, error)
}

func newClassView(s *Session, do func(func())) *ClassView {
	v := &ClassView{s: s, jobs: newLatest(do)}
	v.Picker = widget.NewSelect(nil, func(name string) {
		if i := slices.Index(v.Picker.Options, name); i >= 0 {
			s.SetClass(i)
		}
	})
	v.Picker.PlaceHolder = "class"
	v.Row = widgets.NewImageView(nil, 28)
	v.Row.OnTapped = v.tapped
	v.Box = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("Class"), nil, v.Picker),
		v.Row)
	v.Box.Hide()
	s.OnModel(v.modelChanged)
	s.OnClass(func() { v.showClass(); v.Update() })
	s.OnPoint(func(PointChange) { v.Update() })
	s.OnWeights(v.Update)
	return v
}

// modelChanged offers a conditional model's classes, by name.
func (v *ClassView) modelChanged() {
	k := v.s.Classes()
	if k == 0 {
		v.Box.Hide()
		return
	}
	names := classNames(v.s.Raw().Config())
	opts := make([]string, k)
	for i := range opts {
		opts[i] = fmt.Sprint(i)
		if i < len(names) && names[i] != opts[i] {
			opts[i] = fmt.Sprintf("%d: %s", i, names[i])
		}
	}
	v.Picker.Options = opts
	v.showClass()
	v.Box.Show()
	v.Update()
}

// showClass selects the session's class in the picker (without calling
// back).
func (v *ClassView) showClass() {
	if c := v.s.Class(); c < len(v.Picker.Options) {
		v.Picker.Selected = v.Picker.Options[c]
		v.Picker.Refresh()
	}
}

// Update decodes the point as every class off the UI goroutine.
func (v *ClassView) Update() {
	m, ok := v.s.Raw().(classDecoder)
	k := min(v.s.Classes(), classRowMax)
	if !ok || k == 0 {
		return
	}
	z, L, sh, class := v.s.Point(), v.s.Latent(), v.s.Model().Image(), v.s.Class()
	v.jobs.Run(func() func() {
		codes := make([]float32, 0, k*L)
		labels := make([]uint8, k)
		for i := range k {
			codes = append(codes, z...)
			labels[i] = uint8(i)
		}
		pix, err := m.DecodeGiven(codes, labels)
		var img image.Image
		if err == nil {
			img = frameTile(imaging.TileC(pix, sh.Side, sh.Channels, k, 2), sh.Side, 2, class)
		}
		return func() {
			if err != nil {
				return // the point view says what is wrong
			}
			v.shown, v.side = k, sh.Side
			v.Row.SetImage(img)
		}
	})
}

// tapped picks the class of the tile clicked.
func (v *ClassView) tapped(fx, fy float64) {
	if v.shown == 0 || v.Row.Image == nil {
		return
	}
	if i := widgets.CellAt(v.Row.Image, fx, fy, v.side, 2, v.shown); i >= 0 && i < v.shown {
		v.s.SetClass(i)
	}
}

// frameTile is a row of tiles (side pixels, pad apart) with tile i framed
// in the accent colour.
func frameTile(src image.Image, side, pad, i int) image.Image {
	b := src.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, src, b.Min, draw.Src)
	c := color.RGBA{0x3b, 0x82, 0xf6, 0xff}
	x0 := i * (side + pad)
	for t := range side {
		for _, p := range [][2]int{{x0 + t, 0}, {x0 + t, side - 1}, {x0, t}, {x0 + side - 1, t}} {
			dst.SetRGBA(p[0], p[1], c)
		}
	}
	return dst
}
