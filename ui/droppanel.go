package ui

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// Analysis is what the explorer learnt about one image file: its
// preprocessed input, latent Gaussian, reconstruction and how unusual its
// reconstruction error is among the held-out set's.
type Analysis struct {
	Path  string
	Input *imaging.Input
	Shape vae.Shape // of Input.Pixels and Recon
	vae.Analysis
	// Given is the class the user gave a conditional model's image (-1:
	// its most likely, by -ELBO).
	Given int
}

// Summary is the one-line description shown beside the pictures.
func (a *Analysis) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "reconstruction error %.1f nats", a.Error)
	if !math.IsNaN(a.Percentile) {
		fmt.Fprintf(&b, " · more unusual than %.0f%% of held-out images", a.Percentile)
	}
	return b.String()
}

// DropPanel lists the session's analysed images, newest first: the
// original, the model's input, the reconstruction and an error heatmap,
// with the error and its percentile. It is a view of the session's list.
type DropPanel struct {
	widget.BaseWidget
	toolNames

	OpenBtn, ClearBtn *widget.Button
	// OnGoTo is called when the user asks to put the plane's point on an
	// image's latent mean.
	OnGoTo func(*Analysis)
	// OnReclass is called when the user gives a conditional model's image
	// another class (-1: its most likely).
	OnReclass func(a *Analysis, class int)

	s    *Session
	list *fyne.Container
	hint *widget.Label
	box  fyne.CanvasObject
}

func newDropPanel(s *Session, onOpen, onClear func(), where string) *DropPanel {
	p := &DropPanel{s: s, toolNames: toolNames{"Images", "Images"}}
	s.OnDrops(p.rebuild)
	p.OpenBtn = widget.NewButtonWithIcon("Open images…", theme.FolderOpenIcon(), onOpen)
	p.ClearBtn = widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), onClear)
	p.hint = widget.NewLabel("Drop image files (PNG, JPEG, GIF, BMP, TIFF, WebP) on the " + where + ", or open them: each is made the model's input (an MNIST-style digit, or for models of image folders resized), encoded, placed on the plane and reconstructed.")
	p.hint.Wrapping = fyne.TextWrapWord
	p.list = container.NewVBox(p.hint)
	p.box = container.NewBorder(container.NewGridWithColumns(2, p.OpenBtn, p.ClearBtn), nil, nil, nil, container.NewVScroll(p.list))
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer lays out the buttons above the list.
func (p *DropPanel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.box) }

func (p *DropPanel) Panel() fyne.CanvasObject { return p }

// FillsArea: the list of images scrolls under its buttons.
func (p *DropPanel) FillsArea() {}

func (p *DropPanel) rebuild() {
	objs := []fyne.CanvasObject{}
	items := p.s.Drops()
	if len(items) == 0 {
		objs = append(objs, p.hint)
	}
	for _, a := range items {
		a := a
		pic := func(v *widgets.ImageView, caption string) fyne.CanvasObject {
			l := widget.NewLabelWithStyle(caption, fyne.TextAlignCenter, fyne.TextStyle{})
			l.SizeName = theme.SizeNameCaptionText
			return container.NewBorder(nil, l, nil, nil, v)
		}
		title := widget.NewLabelWithStyle(filepath.Base(a.Path), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title.Truncation = fyne.TextTruncateEllipsis
		info := widget.NewLabel(a.Summary() + fmt.Sprintf("\nlatent mean %s", fmtVec(a.Mean)))
		info.Wrapping = fyne.TextWrapWord
		goTo := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() {
			if p.OnGoTo != nil {
				p.OnGoTo(a)
			}
		})
		row := container.NewVBox(
			container.NewBorder(nil, nil, nil, goTo, title),
			container.NewGridWithColumns(4,
				pic(widgets.NewImageView(a.Input.Whole, 56), "original"),
				pic(widgets.NewImageView(imaging.Picture(a.Input.Pixels, a.Shape.Side, a.Shape.Channels), 56), "input"),
				pic(widgets.NewImageView(imaging.Picture(a.Recon, a.Shape.Side, a.Shape.Channels), 56), "recon"),
				pic(widgets.NewImageView(imaging.HeatmapC(a.Input.Pixels, a.Recon, a.Shape.Side, a.Shape.Channels), 56), "error"),
			),
			info,
		)
		if len(a.Scores) > 0 {
			row.Add(p.classRows(a))
		}
		row.Add(widget.NewSeparator())
		objs = append(objs, row)
	}
	p.list.Objects = objs
	p.list.Refresh()
}

// mostLikely is the class picker's choice of the class by -ELBO.
const mostLikely = "most likely"

// classRows are a conditional model's image's class: a picker (the most
// likely by -ELBO, or the user's), the chart "which class is this" (the
// classes' probabilities from their -ELBO), and its style redrawn as
// every class (the CVAE papers' analogy).
func (p *DropPanel) classRows(a *Analysis) fyne.CanvasObject {
	names := classNames(p.s.Raw().Config())
	name := func(k int) string {
		if k < len(names) {
			return names[k]
		}
		return fmt.Sprint(k)
	}
	opts := []string{mostLikely}
	for k := range a.Scores {
		opts = append(opts, name(k))
	}
	pick := widget.NewSelect(opts, nil)
	pick.Selected = mostLikely
	if a.Given >= 0 && a.Given+1 < len(opts) {
		pick.Selected = opts[a.Given+1]
	}
	pick.OnChanged = func(s string) {
		if p.OnReclass != nil {
			p.OnReclass(a, slices.Index(opts, s)-1)
		}
	}
	probs := vae.ClassProbabilities(a.Scores)
	chart := widgets.NewImageView(classChart(probs, a.Class, name), 54) // its own size: the names stay readable
	strip := widgets.NewImageView(imaging.TileC(a.Analogy, a.Shape.Side, a.Shape.Channels, len(a.Analogy)/a.Shape.Size(), 2), 28)
	cap := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.SizeName = theme.SizeNameCaptionText
		return l
	}
	return container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(fmt.Sprintf("Class %s, encoded as", name(a.Class))), nil, pick),
		cap("which class is this (from each class's -ELBO)"), chart,
		cap("its style as every class"), strip)
}

func fmtVec(v []float32) string {
	parts := make([]string, 0, min(len(v), 8))
	for i, x := range v {
		if i == 8 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%.2f", x))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// classChart draws a bar per class, its probability, the chosen class
// in the accent colour, each named under its bar (names cut to 3
// characters).
func classChart(probs []float64, chosen int, name func(int) string) *image.RGBA {
	const barW, gap, h, label = 16, 4, 40, 14
	img := image.NewRGBA(image.Rect(0, 0, max(1, len(probs)*(barW+gap)), h+label))
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{0x90, 0x90, 0x90, 0xff}), Face: basicfont.Face7x13}
	for k, pr := range probs {
		s := name(k)
		if len(s) > 3 {
			s = s[:3]
		}
		d.Dot = fixed.P(k*(barW+gap)+(barW-7*len(s))/2, h+label-2)
		d.DrawString(s)
		c := color.RGBA{0x80, 0x80, 0x80, 0xff}
		if k == chosen {
			c = color.RGBA{0x3b, 0x82, 0xf6, 0xff}
		}
		bh := max(1, int(float64(h-1)*pr))
		for y := h - bh; y < h; y++ {
			for x := k * (barW + gap); x < k*(barW+gap)+barW; x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	return img
}
