package ui

import (
	"errors"
	"fmt"
	"slices"

	"fyne.io/fyne/v2/widget"

	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// Where the vectors tool's vector comes from: the model's class means,
// an attribute (the data's labelled ones, or thickness, slant and width
// measured on its images), a vector stored in the model, or the
// selection tool's. The panel's layout and pictures are in vectorpanel.go.

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
	p.Source.lackAttr, p.Source.lack = "", nil // another model's held-out images
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
		if slices.Contains(m.Config().Attributes, attr) {
			p.findLacking(attr)
		}
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
				v.Description += " of " + vae.DataName(d.Name)
				p.vec = &v
				p.Update()
			})
		}()
	})
}

// findLacking offers the held-out images without the data's attribute
// attr as a source (the faces that do not smile), once the dataset the
// model's codes were measured on is loaded; the status line says why not
// when it cannot.
func (p *VectorPanel) findLacking(attr string) {
	if p.Source.lackAttr == attr {
		return
	}
	p.env.data(func(d *dataset.Data, err error) {
		m := p.env.session.Model()
		if err != nil || m == nil || p.Attr.Selected != attr {
			return // the vector says what is missing; or the choice moved on
		}
		idx, err := vae.HeldOutWithout(m.HeldOut(), m.Config(), m.Image(), d, attr)
		if err != nil {
			p.env.status(fmt.Sprintf("To apply %s to held-out images without it, choose %s under Dataset in the training panel (%v)", attr, vae.DataName(m.Config().Dataset), err))
			return
		}
		p.Source.SetLacking(attr, idx)
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
