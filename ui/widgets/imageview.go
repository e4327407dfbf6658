package widgets

import (
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// ImageView shows a small image (a 28x28 digit, a grid) scaled up with
// nearest-neighbour sampling, keeping its aspect, at least MinSide points
// on its shorter side.
type ImageView struct {
	widget.BaseWidget

	// Image is what is shown; set it with SetImage. Give a new image each
	// time: Fyne uploads it as a texture keyed by the value.
	Image   image.Image
	MinSide float32
	// OnTapped, when set, is called with a tap's place on the image, as
	// fractions of its width and height (taps beside it are ignored).
	OnTapped func(fx, fy float64)
}

var (
	_ fyne.Widget   = (*ImageView)(nil)
	_ fyne.Tappable = (*ImageView)(nil)
)

// Tapped reports where on the image the tap fell.
func (v *ImageView) Tapped(ev *fyne.PointEvent) {
	if v.OnTapped == nil || v.Image == nil {
		return
	}
	b := v.Image.Bounds()
	if b.Dx() == 0 || b.Dy() == 0 {
		return
	}
	// The image is scaled to fit, keeping its aspect, centred.
	size := v.Size()
	k := min(size.Width/float32(b.Dx()), size.Height/float32(b.Dy()))
	w, h := k*float32(b.Dx()), k*float32(b.Dy())
	x0, y0 := (size.Width-w)/2, (size.Height-h)/2
	fx, fy := float64((ev.Position.X-x0)/w), float64((ev.Position.Y-y0)/h)
	if fx < 0 || fy < 0 || fx >= 1 || fy >= 1 {
		return
	}
	v.OnTapped(fx, fy)
}

// CellAt is the index of the cell (fx, fy) falls in, for an image of cols
// x rows cells of side pixels with pad pixels between them, or -1 on a
// gap.
func CellAt(img image.Image, fx, fy float64, side, pad, cols int) int {
	b := img.Bounds()
	x, y := int(fx*float64(b.Dx())), int(fy*float64(b.Dy()))
	c, r := x/(side+pad), y/(side+pad)
	if x%(side+pad) >= side || y%(side+pad) >= side || c >= cols {
		return -1
	}
	return r*cols + c
}

// NewImageView returns a view of img (which may be nil) at least minSide
// points wide.
func NewImageView(img image.Image, minSide float32) *ImageView {
	v := &ImageView{Image: img, MinSide: minSide}
	v.ExtendBaseWidget(v)
	return v
}

// SetImage shows img.
func (v *ImageView) SetImage(img image.Image) {
	v.Image = img
	v.Refresh()
}

// CreateRenderer returns the view's renderer.
func (v *ImageView) CreateRenderer() fyne.WidgetRenderer {
	v.ExtendBaseWidget(v)
	img := canvas.NewImageFromImage(v.Image)
	img.ScaleMode = canvas.ImageScalePixels
	img.FillMode = canvas.ImageFillContain
	return &imageViewRenderer{WidgetRenderer: widget.NewSimpleRenderer(img), v: v, img: img}
}

type imageViewRenderer struct {
	fyne.WidgetRenderer
	v   *ImageView
	img *canvas.Image
}

func (r *imageViewRenderer) MinSize() fyne.Size {
	return fyne.NewSquareSize(r.v.MinSide)
}

func (r *imageViewRenderer) Refresh() {
	r.img.Image = r.v.Image
	r.img.Refresh()
}
