package ui

import (
	"cmp"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/imaging"
)

// Against what a selection's concept vector is measured.
const (
	vsRest   = "from the rest"
	vsSecond = "from the 2nd"
)

// sheetMax is how many selected images the sheet shows.
const sheetMax = 64

// SelectPanel is the selection tool: the held-out images a lasso on the
// plane selected, as a sheet, with their count per class; their mean code
// as the point, or a concept vector from the rest (or from a second
// selection kept for it) to them; and an export of the images and their
// codes. The selection is the session's.
type SelectPanel struct {
	widget.BaseWidget
	toolNames

	View      *widgets.ImageView
	Info      *widget.Label
	MeanBtn   *widget.Button
	KeepBtn   *widget.Button
	VectorBtn *widget.Button
	Against   *widget.Select
	ClearBtn  *widget.Button
	ExportBtn *widget.Button

	env *toolEnv
	// images are the held-out images behind the codes (an error says why
	// there are none: the sheet then shows the codes' decodes).
	images func() (*dataset.Set, error)
	// OnVector hands a concept vector to the vectors tool.
	OnVector func(v vae.Vector)
	jobs     *latest
	shown    []int // the sheet's images, by held-out index
	cols     int
	side     int
	box      fyne.CanvasObject
}

func newSelectPanel(env *toolEnv, images func() (*dataset.Set, error)) *SelectPanel {
	p := &SelectPanel{env: env, images: images, jobs: newLatest(env.do), toolNames: toolNames{"Select", "Selection"}}
	p.View = widgets.NewImageView(nil, 120)
	p.View.OnTapped = p.tapped
	p.Info = widget.NewLabel("")
	p.Info.Wrapping = fyne.TextWrapWord
	p.MeanBtn = widget.NewButtonWithIcon("Mean to point", theme.MoveDownIcon(), p.meanToPoint)
	p.KeepBtn = widget.NewButtonWithIcon("Keep as second", theme.ContentCopyIcon(), p.keepSecond)
	p.VectorBtn = widget.NewButtonWithIcon("Vector", theme.ContentRedoIcon(), p.vector)
	p.Against = widget.NewSelect([]string{vsRest, vsSecond}, nil)
	p.Against.Selected = vsRest
	p.ClearBtn = widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), func() { env.session.SetSelection(nil, nil) })
	p.ExportBtn = widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), p.export)
	hint := caption("Ctrl+drag on the plane to draw a lasso around held-out codes; click an image to move the point to its code")
	hint.Wrapping = fyne.TextWrapWord
	p.box = container.NewBorder(
		container.NewVBox(hint, p.Info),
		container.NewVBox(
			container.NewGridWithColumns(2, p.MeanBtn, p.KeepBtn),
			container.NewGridWithColumns(2, p.VectorBtn, p.Against),
			container.NewGridWithColumns(2, p.ClearBtn, p.ExportBtn)),
		nil, nil, p.View)
	env.session.OnSelection(func() { env.later(p, p.Update, true) })
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer lays out the sheet and its controls.
func (p *SelectPanel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.box) }

func (p *SelectPanel) Panel() fyne.CanvasObject { return p }

// Shown shows the current selection.
func (p *SelectPanel) Shown() { p.Update() }

// ModelChanged shows the selection's images as the new weights code them.
func (p *SelectPanel) ModelChanged() { p.env.later(p, p.Update, true) }

// Update shows the selection: its count per class and its sheet.
func (p *SelectPanel) Update() {
	m := p.env.session.Model()
	a, b := p.env.session.Selection()
	p.enable(len(a) > 0, len(b) > 0)
	if m == nil || m.HeldOut() == nil || len(a) == 0 {
		p.Info.SetText("Nothing selected.")
		p.shown = nil
		p.View.SetImage(nil)
		return
	}
	h := m.HeldOut()
	p.Info.SetText(p.summary(h.Labels, a, b, classNames(m.Config())))
	shown := a[:min(len(a), sheetMax)]
	cols := int(math.Ceil(math.Sqrt(float64(len(shown))))) // about square: the biggest tiles the area allows
	set, imgErr := p.images()
	L, sh := m.Latent(), m.Image()
	codes := vae.Gather(h.Means, L, shown)
	p.jobs.Run(func() func() {
		var pix []float32
		var err error
		if imgErr == nil {
			pix = vae.SelectedSet(set, shown).Floats()
		} else {
			pix, err = m.Decode(codes) // no images at hand: what the codes decode to
		}
		var img image.Image
		if err == nil {
			img = imaging.TileC(pix, sh.Side, sh.Channels, cols, 2)
		}
		return func() {
			if err != nil {
				p.env.onErr(fmt.Errorf("selection: %w", err))
				return
			}
			p.shown, p.cols, p.side = shown, cols, sh.Side
			p.View.SetImage(img)
		}
	})
	if imgErr != nil {
		p.Info.SetText(p.Info.Text + "\nShown decoded from their codes: " + imgErr.Error())
	}
}

// summary is the selection's size and count per class, largest first,
// and the second selection's size.
func (p *SelectPanel) summary(labels []uint8, a, b []int, names []string) string {
	counts := vae.ClassCounts(labels, a)
	ls := make([]uint8, 0, len(counts))
	for l := range counts {
		ls = append(ls, l)
	}
	slices.SortFunc(ls, func(x, y uint8) int { return cmp.Or(cmp.Compare(counts[y], counts[x]), cmp.Compare(x, y)) })
	parts := make([]string, len(ls))
	for i, l := range ls {
		name := fmt.Sprint(l)
		if int(l) < len(names) {
			name = names[l]
		}
		parts[i] = fmt.Sprintf("%s: %d", name, counts[l])
	}
	s := fmt.Sprintf("%d selected (%s)", len(a), strings.Join(parts, ", "))
	if len(a) > sheetMax {
		s += fmt.Sprintf("; the first %d shown", sheetMax)
	}
	if len(b) > 0 {
		s += fmt.Sprintf(". Second selection: %d", len(b))
	}
	return s
}

func (p *SelectPanel) enable(any, second bool) {
	for _, w := range []*widget.Button{p.MeanBtn, p.KeepBtn, p.VectorBtn, p.ExportBtn} {
		enableIf(w, any)
	}
	enableIf(p.ClearBtn, any || second)
}

// enableIf enables w when on, else disables it.
func enableIf(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// tapped moves the point to the code of the image clicked.
func (p *SelectPanel) tapped(fx, fy float64) {
	m := p.env.session.Model()
	if m == nil || len(p.shown) == 0 {
		return
	}
	k := widgets.CellAt(p.View.Image, fx, fy, p.side, 2, p.cols)
	if k < 0 || k >= len(p.shown) {
		return
	}
	i, L := p.shown[k], m.Latent()
	p.env.session.SetPoint(m.HeldOut().Means[i*L:(i+1)*L], PointChange{Interactive: true, Picked: true})
	p.env.status(fmt.Sprintf("Held-out image #%d: the point is at its code", i))
}

// selected is the selection's codes, nil when none.
func (p *SelectPanel) selected() (Model, []int) {
	m := p.env.session.Model()
	a, _ := p.env.session.Selection()
	if m == nil || m.HeldOut() == nil || len(a) == 0 {
		return nil, nil
	}
	return m, a
}

// meanToPoint moves the point to the selection's mean code.
func (p *SelectPanel) meanToPoint() {
	m, a := p.selected()
	if m == nil {
		return
	}
	L := m.Latent()
	z := vae.MeanOf(vae.Gather(m.HeldOut().Means, L, a), L)
	p.env.session.SetPoint(z, PointChange{Interactive: true})
	p.env.status(fmt.Sprintf("The point is at the mean code of the %d selected images", len(a)))
}

// keepSecond keeps the selection as the second one (a lasso then selects
// anew; the vector can go from the second to the new one).
func (p *SelectPanel) keepSecond() {
	a, _ := p.env.session.Selection()
	p.Against.SetSelected(vsSecond)
	p.env.session.SetSelection(nil, a)
	p.env.status(fmt.Sprintf("%d images kept as the second selection (ringed in magenta): draw a lasso around others", len(a)))
}

// vector makes the concept vector from the rest (or the second selection)
// to the selection and hands it to the vectors tool.
func (p *SelectPanel) vector() {
	m, a := p.selected()
	if m == nil {
		return
	}
	h, L := m.HeldOut(), m.Latent()
	from, what := vae.Rest(len(h.Labels), a), "the rest of the held-out images"
	if p.Against.Selected == vsSecond {
		_, from = p.env.session.Selection()
		what = "the second selection"
		if len(from) == 0 {
			p.env.onErr(fmt.Errorf("there is no second selection: press Keep as second, then draw a lasso around other images"))
			return
		}
	}
	z, err := vae.ConceptVector(vae.Gather(h.Means, L, a), vae.Gather(h.Means, L, from), L)
	if err != nil {
		p.env.onErr(err)
		return
	}
	v := vae.Vector{Name: "selection", Description: fmt.Sprintf("from %s (%d) to the selection (%d)", what, len(from), len(a)), Z: z}
	if p.OnVector != nil {
		p.OnVector(v)
	}
}

// export writes the selected images as PNG class folders and their codes
// as codes.csv into a new folder inside the one the user chooses, all or
// nothing; in a page (no folders), codes.csv is downloaded.
func (p *SelectPanel) export() {
	m, a := p.selected()
	if m == nil {
		return
	}
	h, L := m.HeldOut(), m.Latent()
	if !p.env.docs.folders() {
		saveDialog(p.env, "selection-codes.csv", ".csv", func(w io.Writer) error { return vae.WriteCodesCSV(w, h, a, L) })
		return
	}
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			p.exportInto(newFolderIn(u.Path(), fmt.Sprintf("selection-%d", len(a))), nil)
		}
	}, p.env.win)
}

// exportInto writes the selection into dir (new), loading the held-out
// images first when they are not; done, when set, runs after.
func (p *SelectPanel) exportInto(dir string, done func(error)) {
	m, a := p.selected()
	if m == nil {
		return
	}
	h, L := m.HeldOut(), m.Latent()
	finish := func(err error) {
		if err != nil {
			p.env.onErr(fmt.Errorf("export the selection: %w", err))
		} else {
			p.env.status(fmt.Sprintf("Wrote %d images (class folders) and codes.csv to %s", len(a), dir))
		}
		if done != nil {
			done(err)
		}
	}
	p.env.data(func(_ *dataset.Data, err error) {
		set, err2 := p.images()
		if err = cmp.Or(err, err2); err != nil {
			finish(err)
			return
		}
		p.env.status(fmt.Sprintf("Writing %d images and their codes to %s…", len(a), dir))
		go func() {
			err := vae.WriteSelection(dir, set, a, h, L, nil)
			p.env.do(func() { finish(err) })
		}()
	})
}

// newFolderIn is parent/name, or parent/name-2, -3 … when taken.
func newFolderIn(parent, name string) string {
	dir := filepath.Join(parent, name)
	for k := 2; ; k++ {
		if _, err := os.Lstat(dir); os.IsNotExist(err) {
			return dir
		}
		dir = filepath.Join(parent, fmt.Sprintf("%s-%d", name, k))
	}
}
