package ui

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

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
			widget.NewSeparator(),
		)
		objs = append(objs, row)
	}
	p.list.Objects = objs
	p.list.Refresh()
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
