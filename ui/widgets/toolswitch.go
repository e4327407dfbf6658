package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// ToolItem is one tool as the switcher shows it: its button's label and
// its panel.
type ToolItem interface {
	Name() string
	Panel() fyne.CanvasObject
}

// ToolSwitcher shows every tool as a button, in rows of three, with the
// active one marked, and the active tool's panel below: all tools stay in
// view at any width the side panel has (a tab bar hid the last ones).
type ToolSwitcher struct {
	items   []ToolItem
	Buttons []*widget.Button
	bar     *fyne.Container
	content *fyne.Container
	current int
	// OnSelected is called after the user or Select switches tools.
	OnSelected func(i int)
}

// NewToolSwitcher shows tools, the first one active.
func NewToolSwitcher[T ToolItem](tools []T) *ToolSwitcher {
	items := make([]ToolItem, len(tools))
	for i, it := range tools {
		items[i] = it
	}
	t := &ToolSwitcher{items: items}
	var buttons []fyne.CanvasObject
	var panels []fyne.CanvasObject
	for i, it := range items {
		b := widget.NewButton(it.Name(), func() { t.Select(i) })
		t.Buttons = append(t.Buttons, b)
		buttons = append(buttons, b)
		panels = append(panels, it.Panel())
	}
	t.bar = container.NewGridWithColumns(3, buttons...)
	t.content = container.New(visibleStack{}, panels...)
	t.mark(0) // the window lays it out when it shows
	return t
}

// Bar is the row of tool buttons.
func (t *ToolSwitcher) Bar() fyne.CanvasObject { return t.bar }

// Content is where the active tool's panel shows.
func (t *ToolSwitcher) Content() fyne.CanvasObject { return t.content }

// Index is the active tool's index.
func (t *ToolSwitcher) Index() int { return t.current }

// Current is the active tool's panel.
func (t *ToolSwitcher) Current() fyne.CanvasObject { return t.items[t.current].Panel() }

// Select makes tool i the active one.
func (t *ToolSwitcher) Select(i int) {
	if i < 0 || i >= len(t.items) {
		return
	}
	t.mark(i)
	for _, b := range t.Buttons {
		b.Refresh()
	}
	// Lay out and draw the panel now shown, and only it: refreshing the
	// container would refresh every hidden panel too (building their
	// renderers and measuring their text, a second of the browser's one
	// thread at start-up).
	t.content.Layout.Layout(t.content.Objects, t.content.Size())
	t.items[i].Panel().Refresh()
	canvas.Refresh(t.content)
	if t.OnSelected != nil {
		t.OnSelected(i)
	}
}

// mark makes tool i the current one: its button marked, its panel the
// only one visible.
func (t *ToolSwitcher) mark(i int) {
	t.current = i
	for k, b := range t.Buttons {
		if k == i {
			b.Importance = widget.HighImportance
			t.items[k].Panel().Show()
		} else {
			b.Importance = widget.MediumImportance
			t.items[k].Panel().Hide()
		}
	}
}

// visibleStack stacks its objects like Fyne's stack layout but sizes only
// the visible ones: the hidden tools are not laid out at start-up or on
// every resize (their text measured for nothing; in a browser, on its one
// thread, that cost a second at start-up).
type visibleStack struct{}

func (visibleStack) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		if o.Visible() {
			o.Resize(size)
			o.Move(fyne.NewPos(0, 0))
		}
	}
}

func (visibleStack) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objects {
		if o.Visible() {
			m = m.Max(o.MinSize())
		}
	}
	return m
}
