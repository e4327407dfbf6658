package ui

import (
	"errors"
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
	"vaeexplorer/vae/dataset"
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

// vectorModel is a model that computes and stores concept vectors (it
// has an encoder).
type vectorModel interface {
	Model
	Vectors() []vae.Vector
	SetVector(v vae.Vector) error
	ClassVector(from, to uint8) (vae.Vector, error)
	AttributeVector(attr string, set *dataset.Set) (vae.Vector, error)
	// FolderVectorFrom is the vector between two folders' images (the
	// CLI's vector compute --from --to runs it too).
	FolderVectorFrom(name, fromDir, toDir string) (v vae.Vector, nFrom, nTo int, err error)
}

// vectors is the session's model as a vectorModel, nil when there is none
// or it cannot.
func (p *VectorPanel) vectors() vectorModel {
	vm, _ := p.env.session.Model().(vectorModel)
	return vm
}

// RefreshSources updates the choices that depend on the model and drops.
func (p *VectorPanel) RefreshSources() {
	p.Source.Refresh()
	var names []string
	if m := p.vectors(); m != nil {
		for _, v := range m.Vectors() {
			names = append(names, v.Name)
		}
	}
	p.Stored.Options = names
	if len(names) > 0 && p.Stored.Selected == "" {
		p.Stored.SetSelected(names[0])
	}
	p.Stored.Refresh()
	p.refreshClasses()
	p.refreshAttributes()
	p.resolve()
}

// refreshAttributes offers the model's data attributes (an attribute
// file's: Smiling, Eyeglasses …) first, then the pixel attributes.
func (p *VectorPanel) refreshAttributes() {
	m := p.env.session.Model()
	if m == nil {
		return
	}
	opts := append(slices.Clone(m.Config().Attributes), vae.AttrThickness, vae.AttrSlant, vae.AttrWidth)
	if slices.Equal(opts, p.Attr.Options) {
		return
	}
	p.Attr.Options = opts
	if !slices.Contains(opts, p.Attr.Selected) || len(m.Config().Attributes) > 0 {
		p.Attr.Selected = opts[0]
	}
	p.Attr.Refresh()
	// A model of data with attributes and not two classes (faces): its
	// vectors are its attributes'.
	if len(m.Config().Attributes) > 0 && len(p.From.Options) < 2 && p.Kind.Selected == vecClasses {
		p.Kind.SetSelected(vecAttribute)
	}
}

// refreshClasses offers the model's classes (digits for MNIST, an image
// folder's class names), keeping the choice when it is still one.
func (p *VectorPanel) refreshClasses() {
	m := p.env.session.Model()
	if m == nil {
		return
	}
	names := classNames(m.Config())
	if slices.Equal(names, p.From.Options) {
		return
	}
	from, to := "", ""
	if len(names) > 1 {
		from, to = names[0], names[1]
	}
	if len(names) > 9 && names[4] == "4" { // MNIST: the 4 -> 9 of the examples
		from, to = "4", "9"
	}
	for _, s := range []*widget.Select{p.From, p.To} {
		s.Options = names
		s.Refresh()
	}
	p.From.SetSelected(from)
	p.To.SetSelected(to)
}

func storedVector(m vectorModel, name string) (vae.Vector, bool) {
	for _, v := range m.Vectors() {
		if v.Name == name {
			return v, true
		}
	}
	return vae.Vector{}, false
}

// resolve finds the chosen vector (computing an attribute vector on the
// loaded dataset when the model stores none) and updates the pictures.
func (p *VectorPanel) resolve() {
	if p.env.session.Model() == nil || p.Kind == nil || p.Strength == nil || p.Row == nil {
		return // still being built
	}
	m := p.vectors()
	if m == nil {
		p.fail(errNoEncoder)
		return
	}
	p.vec = nil
	switch p.Kind.Selected {
	case vecClasses:
		from, to := slices.Index(p.From.Options, p.From.Selected), slices.Index(p.To.Options, p.To.Selected)
		if from < 0 || to < 0 {
			p.fail(errors.New("choose the two classes"))
			return
		}
		v, err := m.ClassVector(uint8(from), uint8(to))
		if err != nil {
			p.fail(err)
			return
		}
		p.vec = &v
	case vecAttribute:
		attr := p.Attr.Selected
		if v, ok := storedVector(m, attr); ok {
			p.vec = &v
			break
		}
		p.computeAttribute(m, attr)
		return
	case vecSelection:
		if p.given == nil || len(p.given.Z) != p.env.session.Latent() {
			p.fail(fmt.Errorf("no selection vector yet: draw a lasso on the plane (Ctrl+drag), then press Vector in the Selection tool"))
			return
		}
		v := *p.given
		p.vec = &v
	case vecStored:
		v, ok := storedVector(m, p.Stored.Selected)
		if !ok {
			p.fail(fmt.Errorf("the model stores no vectors yet: make one from two folders, or store a class or attribute vector"))
			return
		}
		p.vec = &v
	}
	p.Update()
}

// computeAttribute measures attr on the loaded dataset's held-out images
// (loading the training panel's dataset if none is) off the UI goroutine.
func (p *VectorPanel) computeAttribute(m vectorModel, attr string) {
	if p.computing {
		return
	}
	p.computing = true
	p.Info.SetText(fmt.Sprintf("The model stores no %s vector: measuring it on the dataset…", attr))
	p.env.data(func(d *dataset.Data, err error) {
		if err != nil {
			p.computing = false
			p.fail(fmt.Errorf("a %s vector is measured on a dataset's images and none could be loaded: %w", attr, err))
			return
		}
		go func() {
			v, err := m.AttributeVector(attr, d.Test)
			p.env.do(func() {
				p.computing = false
				if err != nil {
					p.fail(err)
					return
				}
				if p.env.session.Model() != Model(m) || p.Kind.Selected != vecAttribute || p.Attr.Selected != attr {
					p.resolve() // the choice moved on meanwhile
					return
				}
				v.Description += " of " + d.Name
				p.vec = &v
				p.Update()
			})
		}()
	})
}

// UseVector shows v, a selection's concept vector, applied to the plane
// point.
func (p *VectorPanel) UseVector(v vae.Vector) {
	p.given = &v
	if p.Kind.Selected != vecSelection {
		p.Kind.SetSelected(vecSelection) // resolves
	} else {
		p.resolve()
	}
	if p.Source.Select.Selected != srcPoint {
		p.Source.Select.SetSelected(srcPoint)
	}
}

func (p *VectorPanel) fail(err error) {
	p.vec = nil
	p.Info.SetText(err.Error())
	p.setArrow(nil, nil)
}

func (p *VectorPanel) Panel() fyne.CanvasObject { return p }

// Shown draws the vector's arrow on the plane.
func (p *VectorPanel) Shown() { p.Update() }

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
