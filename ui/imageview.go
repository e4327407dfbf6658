package ui

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
}

var _ fyne.Widget = (*ImageView)(nil)

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
