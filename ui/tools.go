package ui

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// toolEnv is what every tool (see tool) gets from the explorer: the
// session (model, point, dimensions, analysed images) and a few functions,
// so each tool is testable on its own.
type toolEnv struct {
	win     fyne.Window
	do      func(func()) // runs a function on the UI goroutine
	session *Session
	// data returns the loaded dataset, loading the one chosen in the
	// training panel first when needed; done runs on the UI goroutine.
	data   func(done func(*dataset.Data, error))
	onErr  func(error)
	status func(string)
	// later runs update now if t is shown, else when t is next shown:
	// decoding a hidden grid or sample sheet after every epoch would take
	// the training's CPU for nothing. A pending full update is not
	// replaced by a partial one.
	later func(t tool, update func(), full bool)
	// overlayChanged tells the plane that t's Overlay changed (drawn while
	// t is shown).
	overlayChanged func(t tool)
	docs           documents // where exports go, whether folders can be chosen
	// view is the part of the plane on screen (a grid over a projection
	// spans it).
	view func() widgets.View
}

// ---- choosing a latent code ----------------------------------------------------

// Latent code sources a picker offers.
const (
	srcPoint      = "Plane point"
	srcHeldIndex  = "Held-out image #"
	srcHeldPrefix = "Held-out image of class "
	srcImgPrefix  = "Image: "
	// srcLackPrefix + an attribute: the n-th held-out image without it
	// (the faces that do not smile, for the Smiling vector).
	srcLackPrefix = "Held-out image without "
)

// sourcePicker chooses a latent code: the plane's point (captured when
// chosen or with the capture button), a dropped image's mean, a held-out
// digit of a class, or a held-out digit by index. The model's held-out
// statistics give held-out codes without their images.
type sourcePicker struct {
	env     *toolEnv
	Select  *widget.Select
	Index   *widget.Entry
	Capture *widget.Button
	point   []float32 // the captured plane point
	initial string    // chosen whenever nothing is and it exists
	// lack is the held-out codes (indices) of the images without the
	// attribute lackAttr, offered when set.
	lackAttr string
	lack     []int
	box      *fyne.Container
	// OnChanged is called when the chosen code changes.
	OnChanged func()
}

func newSourcePicker(env *toolEnv, initial string) *sourcePicker {
	p := &sourcePicker{env: env, initial: initial}
	p.Index = newEntry("", "#") // narrow: "index" was cut
	p.Index.OnChanged = func(string) { p.changed() }
	p.Index.Hide()
	p.Capture = widget.NewButtonWithIcon("", theme.ContentPasteIcon(), func() { // capture the plane point
		p.point = env.session.Point()
		if p.Select.Selected != srcPoint {
			p.Select.SetSelected(srcPoint) // calls changed
			return
		}
		p.changed()
	})
	p.Select = widget.NewSelect(nil, func(s string) {
		if s == srcPoint && p.point == nil {
			p.point = env.session.Point()
		}
		if s == srcHeldIndex || strings.HasPrefix(s, srcLackPrefix) {
			p.Index.Show()
		} else {
			p.Index.Hide()
		}
		p.changed()
	})
	p.Select.PlaceHolder = "choose…" // a select is as wide as its placeholder
	p.setOptions()                   // not Refresh: the window lays the select out when it shows
	p.box = container.NewBorder(nil, nil, nil, container.NewHBox(p.Index, p.Capture), p.Select)
	return p
}

func (p *sourcePicker) changed() {
	if p.OnChanged != nil {
		p.OnChanged()
	}
}

// Refresh rebuilds the choices (after drops or a new model), keeping the
// current one when it still exists.
func (p *sourcePicker) Refresh() {
	p.setOptions()
	p.Select.Refresh()
}

// setOptions rebuilds the choices, keeping the current one when it still
// exists.
func (p *sourcePicker) setOptions() {
	opts := []string{srcPoint}
	if m := p.env.session.Model(); m != nil && m.HeldOut() != nil {
		seen := map[uint8]bool{}
		for _, l := range m.HeldOut().Labels {
			seen[l] = true
		}
		names := classNames(m.Config())
		for l := 0; l < 256; l++ {
			if !seen[uint8(l)] {
				continue
			}
			o := fmt.Sprintf("%s%d", srcHeldPrefix, l)
			if l < len(names) && names[l] != fmt.Sprint(l) {
				o += " (" + names[l] + ")"
			}
			opts = append(opts, o)
		}
		if p.lackAttr != "" {
			opts = append(opts, srcLackPrefix+p.lackAttr)
		}
		opts = append(opts, srcHeldIndex)
	}
	for _, a := range p.env.session.Drops() {
		opts = append(opts, srcImgPrefix+filepath.Base(a.Path))
	}
	p.Select.Options = opts
	if sel := p.Select.Selected; sel != "" {
		found := false
		for _, o := range opts {
			found = found || o == sel
		}
		if !found {
			p.Select.ClearSelected()
		}
	}
	if p.Select.Selected == "" {
		p.Select.SetSelected(p.initial) // a no-op until it is a choice
	}
	if p.Select.Selected == "" && len(opts) > 1 && strings.HasPrefix(p.initial, srcHeldPrefix) {
		p.Select.SetSelected(opts[1]) // the data has no such class: its first held-out image
	}
}

// SetLacking offers the held-out images without attribute attr (idx:
// their codes' indices), and chooses them when the held-out class images
// were chosen (they are one class, in a face folder): the seed article
// adds the Smiling vector to faces that do not smile.
func (p *sourcePicker) SetLacking(attr string, idx []int) {
	if attr == p.lackAttr && slices.Equal(idx, p.lack) {
		return
	}
	was := p.Select.Selected
	p.lackAttr, p.lack = attr, idx
	p.Refresh()
	if was == "" || strings.HasPrefix(was, srcHeldPrefix) || strings.HasPrefix(was, srcLackPrefix) {
		p.Select.SetSelected(srcLackPrefix + attr)
	}
}

// Code returns the chosen latent code and a short name for it, or an
// error saying what is missing.
func (p *sourcePicker) Code() ([]float32, string, error) {
	m := p.env.session.Model()
	if m == nil {
		return nil, "", fmt.Errorf("no model")
	}
	L := m.Latent()
	sel := p.Select.Selected
	switch {
	case sel == srcPoint:
		if len(p.point) != L {
			p.point = p.env.session.Point()
		}
		return append([]float32(nil), p.point...), "point " + fmtVec(p.point), nil
	case sel == srcHeldIndex || strings.HasPrefix(sel, srcHeldPrefix) || strings.HasPrefix(sel, srcLackPrefix):
		h := m.HeldOut()
		if h == nil {
			return nil, "", fmt.Errorf("the model has no held-out codes")
		}
		n := len(h.Labels)
		if strings.HasPrefix(sel, srcLackPrefix) {
			k := 0
			if t := strings.TrimSpace(p.Index.Text); t != "" {
				var err error
				if k, err = strconv.Atoi(t); err != nil || k < 0 || k >= len(p.lack) {
					return nil, "", fmt.Errorf("held-out image without %s %q: give a number from 0 to %d", p.lackAttr, p.Index.Text, len(p.lack)-1)
				}
			}
			if i := p.lack[k]; i < n {
				return append([]float32(nil), h.Means[i*L:(i+1)*L]...), fmt.Sprintf("held-out #%d (without %s)", i, p.lackAttr), nil
			}
			return nil, "", fmt.Errorf("the held-out images changed: choose again")
		}
		if sel == srcHeldIndex {
			i, err := strconv.Atoi(strings.TrimSpace(p.Index.Text))
			if err != nil || i < 0 || i >= n {
				return nil, "", fmt.Errorf("held-out image %q: give an index from 0 to %d", p.Index.Text, n-1)
			}
			return append([]float32(nil), h.Means[i*L:(i+1)*L]...), fmt.Sprintf("held-out #%d (a %d)", i, h.Labels[i]), nil
		}
		var c int
		fmt.Sscanf(strings.TrimPrefix(sel, srcHeldPrefix), "%d", &c)
		for i, l := range h.Labels {
			if int(l) == c {
				return append([]float32(nil), h.Means[i*L:(i+1)*L]...), fmt.Sprintf("held-out #%d (a %d)", i, l), nil
			}
		}
		return nil, "", fmt.Errorf("no held-out image of class %d", c)
	case strings.HasPrefix(sel, srcImgPrefix):
		name := strings.TrimPrefix(sel, srcImgPrefix)
		for _, a := range p.env.session.Drops() {
			if filepath.Base(a.Path) == name && len(a.Mean) == L {
				return append([]float32(nil), a.Mean...), name, nil
			}
		}
		return nil, "", fmt.Errorf("image %s is no longer in the list", name)
	}
	return nil, "", fmt.Errorf("choose where the code comes from")
}

// ---- export ----------------------------------------------------------------

// savePNGDialog asks where to save img (scaled up to about 800 pixels
// wide, nearest neighbour) and writes it there.
func savePNGDialog(env *toolEnv, name string, img image.Image) {
	scale := int(math.Max(1, math.Round(800/float64(img.Bounds().Dx()))))
	saveDialog(env, name, ".png", func(w io.Writer) error { return png.Encode(w, upscale(img, scale)) })
}

// saveDialog asks where to keep a file of ext (a download in a page)
// and writes it with write.
func saveDialog(env *toolEnv, name, ext string, write func(io.Writer) error) {
	env.docs.export(name, ext, write)
}

// strip tiles decoded images of shape sh in rows of at most cols, 2
// pixels apart.
func strip(pix []float32, sh vae.Shape, cols int) image.Image {
	n := len(pix) / sh.Size()
	return imaging.TileC(pix, sh.Side, sh.Channels, max(1, min(n, cols)), 2)
}

// newEntry is an entry with its first text and placeholder set as fields,
// not with SetText/SetPlaceHolder, which build and lay out its renderer at
// once (again when the window lays it out; for hidden panels for nothing).
func newEntry(text, placeholder string) *widget.Entry {
	e := &widget.Entry{Text: text, PlaceHolder: placeholder}
	e.ExtendBaseWidget(e)
	return e
}

// caption is a small centred label.
func caption(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{})
	l.Wrapping = fyne.TextWrapWord
	return l
}
