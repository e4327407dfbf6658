package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func typeKey(e *Explorer, k fyne.KeyName) { e.Window.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: k}) }

// Enter answers a dialog with its default button and Escape with its
// cancel button; keys meant for the window do nothing behind a dialog.
func TestEnterAndEscapeAnswerDialogs(t *testing.T) {
	e, _ := newTestExplorer(t, newFakeModel(2, 100))
	first := e.Model()
	overlays := e.Window.Canvas().Overlays()

	e.Session.MarkDirty()
	e.Models.New() // asks: the model has unsaved training
	if overlays.Top() == nil {
		t.Fatal("no dialog asked about the unsaved model")
	}
	typeKey(e, fyne.KeyEscape)
	if overlays.Top() != nil || e.Model() != first {
		t.Fatalf("Escape: dialog still shown %v, model replaced %v", overlays.Top() != nil, e.Model() != first)
	}

	e.Models.New()
	typeKey(e, fyne.KeySpace) // would pause or resume training behind the dialog
	if overlays.Top() == nil {
		t.Fatal("Space closed the dialog")
	}
	typeKey(e, fyne.KeyReturn)
	if overlays.Top() != nil || e.Model() == first {
		t.Fatalf("Enter: dialog still shown %v, model kept %v", overlays.Top() != nil, e.Model() == first)
	}

	// A progress dialog's one button cancels: Escape presses it, Enter
	// does not.
	cancelled := 0
	d := progressDialog("Working", widget.NewLabel("…"), e.Window)
	d.SetOnClosed(func() { cancelled++ })
	d.Show()
	typeKey(e, fyne.KeyReturn)
	if cancelled != 0 || overlays.Top() == nil {
		t.Fatal("Enter cancelled a progress dialog")
	}
	typeKey(e, fyne.KeyEscape)
	if cancelled != 1 || overlays.Top() != nil {
		t.Fatalf("Escape: cancelled %d times, dialog shown %v", cancelled, overlays.Top() != nil)
	}
}

// A form dialog's entry submits on Enter, as its default button does.
func TestEnterInAFormEntrySubmits(t *testing.T) {
	e, _ := newTestExplorer(t, newFakeModel(2, 100))
	e.showAugment()
	top := e.Window.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no augmentation dialog")
	}
	var entries []*widget.Entry
	entriesIn(top, &entries)
	if len(entries) == 0 {
		t.Fatal("no entries found in the dialog")
	}
	for _, en := range entries {
		if en.OnSubmitted == nil {
			t.Errorf("entry %q does not submit on Enter", en.Text)
		}
	}
	// Export waits for a folder: Enter with none keeps the form open.
	export := func() *widget.Button {
		var bs []*widget.Button
		buttonsIn(top, &bs)
		for _, b := range bs {
			if b.Text == "Export" {
				return b
			}
		}
		t.Fatal("no Export button")
		return nil
	}
	if !export().Disabled() {
		t.Error("Export is on with no folder chosen")
	}
	typeKey(e, fyne.KeyReturn)
	if e.Window.Canvas().Overlays().Top() != top {
		t.Fatal("Enter closed the form with no folder chosen")
	}
	folder := entries[len(entries)-1]
	test.Type(folder, t.TempDir())
	if export().Disabled() {
		t.Errorf("Export is off with the folder %q", folder.Text)
	}
}

// entriesIn collects the entries in o's tree.
func entriesIn(o fyne.CanvasObject, out *[]*widget.Entry) {
	var kids []fyne.CanvasObject
	switch v := o.(type) {
	case *widget.Entry:
		*out = append(*out, v)
		return
	case *widget.PopUp:
		kids = []fyne.CanvasObject{v.Content}
	case *container.Scroll:
		kids = []fyne.CanvasObject{v.Content}
	case *fyne.Container:
		kids = v.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(v).Objects()
	}
	for _, k := range kids {
		entriesIn(k, out)
	}
}
