package ui

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// The model card's disentanglement: for a model whose data has
// attributes (an attribute file's), the MIG and a heat map of attributes
// by latent dimensions, each cell the share of the attribute's entropy
// the dimension carries (vae.MIG), measured on the held-out codes against
// the loaded data's attributes when they are the codes' images.

// disentanglement is the card's MIG line and heat map, or "" and nil
// when the model's data has no attributes at hand.
func disentanglement(m Model, data *dataset.Data) (string, image.Image) {
	if m == nil || data == nil || data.Test == nil || data.Test.Attrs == nil {
		return "", nil
	}
	h := m.HeldOut()
	set, err := vae.HeldOutImages(h, m.Config(), m.Image(), data)
	if err != nil || set.Attrs == nil {
		return "", nil
	}
	d, err := vae.MIG(h.Means, m.Latent(), set.Attrs)
	if err != nil {
		return "", nil
	}
	return fmt.Sprintf("MIG %.3f over %d attributes (%d held-out images); below, each attribute's information in each dimension:", d.MIG, len(d.Attributes), set.N), migChart(d)
}

// migChart draws the attribute x dimension matrix: one row per attribute
// (its name on the left), one column per dimension (its index under it),
// inferno colours from 0 to the largest share, the best dimension of each
// attribute outlined.
func migChart(d *vae.Disentanglement) *image.RGBA {
	const cell, rowH, nameW, label = 12, 11, 92, 12
	A, L := len(d.Attributes), d.Latent
	img := image.NewRGBA(image.Rect(0, 0, nameW+L*cell, A*rowH+label))
	draw.Draw(img, img.Bounds(), image.Transparent, image.Point{}, draw.Src)
	grey := image.NewUniform(color.RGBA{0x90, 0x90, 0x90, 0xff})
	dr := &font.Drawer{Dst: img, Src: grey, Face: basicfont.Face7x13}
	top := 0.0
	for _, v := range d.Normalized {
		top = max(top, v)
	}
	for a, info := range d.Attributes {
		name := info.Name
		if len(name) > 13 {
			name = name[:12] + "."
		}
		dr.Dot = fixed.P(0, a*rowH+rowH-1)
		dr.DrawString(name)
		for j := range L {
			t := 0.0
			if top > 0 {
				t = d.Normalized[a*L+j] / top
			}
			c := imaging.Inferno(t)
			for y := a*rowH + 1; y < (a+1)*rowH; y++ {
				for x := nameW + j*cell; x < nameW+(j+1)*cell-1; x++ {
					img.SetRGBA(x, y, c)
				}
			}
		}
		if info.Dim >= 0 { // the best dimension, outlined
			x0, y0 := nameW+info.Dim*cell, a*rowH+1
			for x := x0; x < x0+cell-1; x++ {
				img.SetRGBA(x, y0, color.RGBA{0x3b, 0x82, 0xf6, 0xff})
				img.SetRGBA(x, y0+rowH-2, color.RGBA{0x3b, 0x82, 0xf6, 0xff})
			}
		}
	}
	for j := range L {
		if L >= 10 && j%2 == 1 {
			continue // two digits do not fit a cell: every other index
		}
		s := fmt.Sprint(j)
		dr.Dot = fixed.P(nameW+j*cell+(cell-7*len(s))/2, A*rowH+label-1)
		dr.DrawString(s)
	}
	return img
}
