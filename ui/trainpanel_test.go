package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"vaeexplorer/vae"
	"vaeexplorer/vae/vaetest"
)

// texts lists the texts a widget draws.
func TestTrainPanelReadsAndChecksTheForm(t *testing.T) {
	a := newApp(t)
	w := a.NewWindow("t")
	state := trainIdle
	p := newTrainPanel(w, func() trainState { return state }, nil, true)
	cfg, limit, err := p.Config()
	if err != nil || cfg.Latent != 2 || cfg.Hidden != 512 || cfg.Epochs != 10 || limit != 0 {
		t.Fatalf("defaults: %+v %d %v", cfg, limit, err)
	}
	tr := newTraining(nil, NewSession(), nil)
	check := func() error {
		r, err := p.Request()
		if err != nil {
			return err
		}
		_, err = tr.Check(r)
		return err
	}
	for _, c := range []struct {
		set  func()
		want string
	}{
		{func() { p.LR.SetText("fast") }, `Learning rate: "fast" is not a number`},
		{func() { p.LR.SetText("0.001"); p.Latent.SetText("99") }, "latent size 99 out of range"},
		{func() { p.Latent.SetText("2"); p.Epochs.SetText("0") }, "at least 1 epoch"},
		{func() { p.Epochs.SetText("3"); p.Limit.SetText("-5") }, "image limit -5 is negative"},
	} {
		c.set()
		if err := check(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	state = trainPaused
	p.ShowState(state)
	if !p.Epochs.Disabled() || p.ResumeBtn.Disabled() || !p.TrainBtn.Disabled() {
		t.Error("paused: form should be locked, Resume on, Train off")
	}
}

// The panel refuses each bad run of vaetest.BadRuns with the message the
// CLI gives (app's TestTrainRefusesLikeThePanel runs the same table).
func TestTrainPanelRefusesLikeTheCLI(t *testing.T) {
	a := newApp(t)
	p := newTrainPanel(a.NewWindow("t"), func() trainState { return trainIdle }, nil, true)
	tr := newTraining(nil, NewSession(), nil)
	for _, c := range vaetest.BadRuns {
		p.SetConfig(vae.DefaultConfig())
		p.Epochs.SetText("1")
		p.Limit.SetText("0")
		p.Side.SetText("")
		p.Colour.SetSelected(colourAuto)
		p.Dataset.SetSelected(DataFolder)
		p.Folder = t.TempDir()
		entries := map[string]*widget.Entry{"epochs": p.Epochs, "latent": p.Latent, "hidden": p.Hidden,
			"batch": p.Batch, "lr": p.LR, "beta": p.Beta, "limit": p.Limit, "size": p.Side}
		for k, v := range c.Fields {
			switch e := entries[k]; {
			case e != nil:
				e.SetText(v)
			case k == "arch":
				p.Arch.SetSelected(v)
			default:
				t.Fatalf("%s: no field for %q", c.Name, k)
			}
		}
		r, err := p.Request()
		if err == nil {
			_, err = tr.Check(r)
		}
		if err == nil || !strings.Contains(err.Error(), c.Want) {
			t.Errorf("%s: panel says %v, want %q", c.Name, err, c.Want)
		}
	}
}

// Moving the point (a drag event) must not remake the static layers: the
// scatter texture and the marks stay the same objects.

// The faces `make faces` drew are a choice of their own once they exist,
// and choosing them trains on their images folder; without them the
// choice is not there.
func TestTrainPanelOffersTheFacesMakeFacesDrew(t *testing.T) {
	a := newApp(t)
	dir := t.TempDir()
	t.Setenv("FACES_DIR", dir)
	p := newTrainPanel(a.NewWindow("t"), func() trainState { return trainIdle }, nil, true)
	for _, o := range p.Dataset.Options {
		if o == DataFaces {
			t.Fatalf("an empty %s is offered as faces: %q", dir, p.Dataset.Options)
		}
	}
	img := filepath.Join(dir, "img_align_celeba")
	if err := os.Mkdir(img, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "list_attr_celeba.txt"), []byte("0\nSmiling\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var remembered string
	p = newTrainPanel(a.NewWindow("t"), func() trainState { return trainIdle }, func(d string) { remembered = d }, true)
	p.Dataset.SetSelected(DataFaces)
	if name, folder := p.Source(); name != "" || folder != img || remembered != img {
		t.Fatalf("faces chosen: source %q %q, remembered %q; want the folder %s", name, folder, remembered, img)
	}
	if p.Side.Disabled() || p.chooseFd.Disabled() {
		t.Error("the image options are off for the faces folder")
	}
	p.SetFolder(img) // as the remembered folder comes back
	if p.Dataset.Selected != DataFaces {
		t.Errorf("the faces folder shows as %q", p.Dataset.Selected)
	}
}
