package ui

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/imaging"
)

// Vector kinds the panel offers.
const (
	vecClasses   = "Classes"
	vecAttribute = "Attribute"
	vecStored    = "Stored"
	vecSelection = "Selection"
)

// VectorPanel applies a concept vector to a code: class to class ("4 ->
// 9", from the held-out class means), a pixel attribute (thickness, slant,
// width: stored in the model, or measured on the loaded dataset), or one
// stored in the model (users make their own from two folders of images).
// A strength slider from -3 to 3 moves the code along the vector; the
// original and edited decodes sit side by side above a strip of strengths
// -3..3, and the plane shows the move as an arrow.
type VectorPanel struct {
	widget.BaseWidget
	toolNames

	Kind       *widget.Select
	From, To   *widget.Select
	Attr       *widget.Select
	Stored     *widget.Select
	Source     *sourcePicker
	Strength   *widget.Slider
	Original   *widgets.ImageView
	Edited     *widgets.ImageView
	Row        *widgets.ImageView
	Info       *widget.Label
	FoldersBtn *widget.Button
	StoreBtn   *widget.Button

	env        *toolEnv
	strengthLb *widget.Label
	choice     *fyne.Container // the kind's own controls
	vec        *vae.Vector     // the vector in use, nil until one resolves
	given      *vae.Vector     // the selection tool's vector (vecSelection)
	from, to   []float32       // the arrow drawn on the plane while shown
	computing  bool
	jobs       *latest
	box        fyne.CanvasObject
}

func newVectorPanel(env *toolEnv) *VectorPanel {
	p := &VectorPanel{env: env, jobs: newLatest(env.do), toolNames: toolNames{"Vectors", "Concept vectors"}}
	digits := make([]string, 10)
	for i := range digits {
		digits[i] = strconv.Itoa(i)
	}
	p.From = widget.NewSelect(digits, func(string) { p.resolve() })
	p.To = widget.NewSelect(digits, func(string) { p.resolve() })
	p.From.PlaceHolder, p.To.PlaceHolder = "–", "–" // a select is as wide as its placeholder: keep them narrow
	p.Attr = widget.NewSelect([]string{vae.AttrThickness, vae.AttrSlant, vae.AttrWidth}, func(string) { p.resolve() })
	p.Stored = widget.NewSelect(nil, func(string) { p.resolve() })
	p.choice = container.NewStack()
	p.Kind = widget.NewSelect([]string{vecClasses, vecAttribute, vecStored, vecSelection}, func(string) { p.showKind(); p.resolve() })
	p.Source = newSourcePicker(env, srcHeldPrefix+"4")
	p.Source.OnChanged = p.Update
	p.Strength = widget.NewSlider(-3, 3)
	p.Strength.Step = 0.1
	p.strengthLb = widget.NewLabel("+1.0")
	p.Strength.OnChanged = func(v float64) {
		p.strengthLb.SetText(fmt.Sprintf("%+.1f", v))
		p.Update()
	}
	p.Original = widgets.NewImageView(nil, 72)
	p.Edited = widgets.NewImageView(nil, 72)
	p.Row = widgets.NewImageView(nil, 40)
	p.Info = caption("")
	p.FoldersBtn = &widget.Button{Text: "From two folders…", Icon: theme.FolderOpenIcon(), OnTapped: p.fromFolders}
	if !env.docs.folders() {
		p.FoldersBtn.Text = desktopOnly("From two folders")
		p.FoldersBtn.Disable() // before ExtendBaseWidget: no renderer built for a hidden panel
	}
	p.FoldersBtn.ExtendBaseWidget(p.FoldersBtn)
	p.StoreBtn = widget.NewButtonWithIcon("Store in model", theme.DocumentSaveIcon(), p.store)

	// Rows of label and control rather than a form, so the panel fits a
	// narrow side panel.
	row := func(label string, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(label), nil, o)
	}
	form := container.NewVBox(
		row("Vector", p.Kind),
		p.choice,
		row("Apply to", p.Source.box),
		row("Strength", container.NewBorder(nil, nil, nil, p.strengthLb, p.Strength)),
	)
	pics := container.NewGridWithColumns(2,
		container.NewBorder(nil, caption("original"), nil, nil, p.Original),
		container.NewBorder(nil, caption("edited"), nil, nil, p.Edited))
	p.box = container.NewBorder(form,
		container.NewVBox(p.Info, p.FoldersBtn, p.StoreBtn),
		nil, nil,
		container.NewBorder(nil, container.NewBorder(nil, caption("strength -3 … +3"), nil, nil, p.Row), nil, nil, pics))
	// Set directly: SetSelected would build each select's renderer now
	// (the panel is hidden at start-up), and run the callbacks before
	// there is a model.
	p.From.Selected, p.To.Selected = "4", "9"
	p.Attr.Selected = vae.AttrThickness
	p.Strength.Value = 1
	p.Kind.Selected = vecClasses
	p.showKind()
	p.ExtendBaseWidget(p)
	return p
}

// CreateRenderer lays out the controls and pictures.
func (p *VectorPanel) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(p.box) }

func (p *VectorPanel) showKind() {
	switch p.Kind.Selected {
	case vecClasses:
		p.choice.Objects = []fyne.CanvasObject{container.NewGridWithColumns(2,
			container.NewBorder(nil, nil, widget.NewLabel("from"), nil, p.From),
			container.NewBorder(nil, nil, widget.NewLabel("to"), nil, p.To))}
	case vecAttribute:
		p.choice.Objects = []fyne.CanvasObject{p.Attr}
	case vecSelection:
		p.choice.Objects = nil // the Info line describes it
	default:
		p.choice.Objects = []fyne.CanvasObject{p.Stored}
	}
	p.choice.Refresh()
}

func (p *VectorPanel) fail(err error) {
	p.jobs.Drop() // a decode of the vector before must not cover the message
	p.vec = nil
	p.Info.SetText(err.Error())
	p.setArrow(nil, nil)
}

func (p *VectorPanel) Panel() fyne.CanvasObject { return p }

// Shown draws the vector's arrow on the plane; it looks again for a
// vector that could not be found, and for the held-out images without
// the attribute (the dataset may have been chosen meanwhile).
func (p *VectorPanel) Shown() {
	if p.vec == nil && !p.computing {
		p.resolve() // it failed before: the data it needs may be there now
		return
	}
	if m := p.env.session.Model(); m != nil && p.Kind.Selected == vecAttribute && slices.Contains(m.Config().Attributes, p.Attr.Selected) {
		p.findLacking(p.Attr.Selected)
	}
	p.Update()
}

// Overlay is the arrow from the source code to the edited one.
func (p *VectorPanel) Overlay() Overlay { return Overlay{From: p.from, To: p.to} }

func (p *VectorPanel) setArrow(from, to []float32) {
	p.from, p.to = from, to
	p.env.overlayChanged(p)
}

// ModelChanged and DropsChanged offer the new choices when the tool
// shows: resolving a vector may load a dataset to measure an attribute
// on, which a hidden tool must not start.
func (p *VectorPanel) ModelChanged() { p.env.later(p, p.RefreshSources, true) }
func (p *VectorPanel) DropsChanged() { p.env.later(p, p.RefreshSources, true) }

// DimsChanged draws the arrow on the new axes (when shown).
func (p *VectorPanel) DimsChanged() { p.env.later(p, p.Update, false) }

// Update decodes the source code moved by the current strength, and the
// strip of strengths -3..3, off the UI goroutine.
func (p *VectorPanel) Update() {
	m := p.env.session.Model()
	if m == nil || p.vec == nil || p.Row == nil {
		return
	}
	z, name, err := p.Source.Code()
	if err != nil {
		p.fail(err)
		return
	}
	v, s := *p.vec, p.Strength.Value
	edited := vae.AddScaled(z, v.Z, s)
	p.setArrow(z, edited)
	p.jobs.Run(func() func() {
		zs := append(append([]float32(nil), z...), edited...)
		for k := -3; k <= 3; k++ {
			zs = append(zs, vae.AddScaled(z, v.Z, float64(k))...)
		}
		pix, err := m.Decode(zs)
		return func() {
			if err != nil {
				p.fail(err)
				return
			}
			sh := m.Image()
			n := sh.Size()
			p.Original.SetImage(imaging.Picture(pix[:n], sh.Side, sh.Channels))
			p.Edited.SetImage(imaging.Picture(pix[n:2*n], sh.Side, sh.Channels))
			p.Row.SetImage(strip(pix[2*n:], sh, 7))
			p.Info.SetText(fmt.Sprintf("%s (|v| %.2f): %s\napplied to %s at strength %+.1f", v.Name, vae.Norm(v.Z), v.Description, name, s))
		}
	})
}

// store keeps the current vector in the model (saved with it).
func (p *VectorPanel) store() {
	m := p.vectors()
	if m == nil || p.vec == nil {
		return
	}
	if err := m.SetVector(*p.vec); err != nil {
		p.env.onErr(err)
		return
	}
	p.env.session.MarkDirty()
	p.RefreshSources()
	p.env.status(fmt.Sprintf("Stored vector %q in the model; save the model to keep it", p.vec.Name))
}

// fromFolders asks for two folders of images (without, then with the
// concept) and a name, and stores their mean-code difference.
func (p *VectorPanel) fromFolders() {
	pick := func(title string, then func(string)) {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				then(u.Path())
			}
		}, p.env.win)
		d.SetConfirmText(title)
		d.Show()
	}
	pick("Images without the concept", func(from string) {
		pick("Images with the concept", func(to string) {
			name := widget.NewEntry()
			name.SetText(filepath.Base(from) + "->" + filepath.Base(to))
			d := dialog.NewForm("Name the vector", "Compute", "Cancel",
				[]*widget.FormItem{widget.NewFormItem("Name", name)}, func(ok bool) {
					if ok {
						p.ComputeFromFolders(name.Text, from, to)
					}
				}, p.env.win)
			submitOnEnter(d.Submit, name)
			d.Show()
		})
	})
}

// ComputeFromFolders computes the vector from the images in folder from
// towards those in folder to, stores it as name and selects it.
func (p *VectorPanel) ComputeFromFolders(name, from, to string) {
	m := p.vectors()
	if m == nil {
		return
	}
	p.env.status(fmt.Sprintf("Computing %q from %s and %s…", name, from, to))
	go func() {
		v, nFrom, nTo, err := m.FolderVectorFrom(name, from, to)
		if err == nil {
			err = m.SetVector(v)
		}
		p.env.do(func() {
			if err != nil {
				p.env.onErr(fmt.Errorf("vector %q: %w", name, err))
				return
			}
			p.env.session.MarkDirty()
			p.env.status(fmt.Sprintf("Stored vector %q (%d and %d images); save the model to keep it", name, nFrom, nTo))
			if p.env.session.Model() != Model(m) {
				return
			}
			p.RefreshSources()
			p.Stored.SetSelected(v.Name)
			p.Kind.SetSelected(vecStored)
		})
	}()
}
