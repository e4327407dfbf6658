package vaetest

// BadRun is a training request both the CLI's train and the app's
// training panel must refuse, with the message Want in their error: the
// settings by the CLI's flag names (the panel's tests map them to its
// fields), a new model trained on an image folder.
type BadRun struct {
	Name   string
	Fields map[string]string
	Want   string
}

// BadRuns are the bad requests the CLI and the panel refuse alike (see
// vae.CheckRun).
var BadRuns = []BadRun{
	{"no epochs", map[string]string{"epochs": "0"}, "epochs 0: train at least 1 epoch"},
	{"negative limit", map[string]string{"limit": "-5"}, "image limit -5 is negative"},
	{"latent too large", map[string]string{"latent": "99"}, "latent size 99 out of range 1..64"},
	{"no hidden units", map[string]string{"hidden": "0"}, "hidden size 0 out of range"},
	{"batch too large", map[string]string{"batch": "100000"}, "batch size 100000 out of range"},
	{"learning rate", map[string]string{"lr": "20"}, "learning rate 20 must be in (0, 10)"},
	{"beta", map[string]string{"beta": "-1"}, "beta -1 out of range 0..1000"},
	{"side too small", map[string]string{"size": "6"}, "image side 6 out of range 8..128"},
	{"side not for conv", map[string]string{"size": "30", "arch": "conv"}, "the conv architecture needs a side divisible by 4"},
}
