//go:build js

// The browser build of VAE Explorer (make web): the same window in a
// canvas, drawn by Fyne's web driver. There is no CLI and no file system in
// a page: saving is a download, opening is the browser's file picker or a
// drop on the page, and the data to train on comes from the server that
// served it (vae-explorer serve). This file is the page's side of
// ui.Browser.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"syscall/js"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"vaeexplorer/assets"
	"vaeexplorer/ui"
	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
	"vaeexplorer/vae/engine"
	"vaeexplorer/vae/imaging"
)

// appID must match FyneApp.toml; Fyne keys preferences by it.
const appID = "io.github.vaeexplorer"

func main() {
	mark("go-main")
	// Start-up allocates much once (fonts, widgets, the model); the page's
	// one thread collects less often until the window and model are up.
	debug.SetGCPercent(400)
	time.AfterFunc(15*time.Second, func() { debug.SetGCPercent(100) })
	// Fyne would look for FyneApp.toml next to an executable; a page has
	// none.
	fyneapp.SetMetadata(fyne.AppMetadata{ID: appID, Name: "VAE Explorer", Version: version})
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	eng := &engine.Engine{Downloader: dataset.Downloader{
		Server: js.Global().Get("location").Get("origin").String() + "/data/",
	}}
	e := ui.NewExplorer(a, eng, ui.Options{
		Browser:   &ui.Browser{Download: download, AfterFrame: afterFrame, PickFiles: pickFiles, OnDrop: onDrop},
		OnStarted: started,
		ModelPath: pageModel(),
	})
	mark("explorer-built")
	expose(e)
	e.Window.ShowAndRun()
}

// pageModel is the bundled model the page's address names
// (index.html?model=bundled-8d opens the 8-D model; a link can share it),
// or "": the default.
func pageModel() string {
	q := js.Global().Get("URLSearchParams").New(js.Global().Get("location").Get("search"))
	name := q.Call("get", "model")
	if name.IsNull() {
		return ""
	}
	if _, ok := assets.BundledName(name.String()); !ok {
		js.Global().Get("console").Call("warn", "vae-explorer: ?model= names a bundled model (bundled, bundled-mlp, bundled-conv, bundled-8d), not "+name.String())
		return ""
	}
	return name.String()
}

// expose gives the page two functions, for the browser tests and
// benchmark: vaeExplorerProbe() is the window's state as JSON (ui.Probe);
// vaeExplorerDecodes() lists the interactive decodes as {asked, shown} in
// the page's performance.now() milliseconds. They run on the page's one
// thread, between the app's steps.
func expose(e *ui.Explorer) {
	js.Global().Set("vaeExplorerProbe", js.FuncOf(func(js.Value, []js.Value) any {
		b, _ := json.Marshal(e.Probe())
		return string(b)
	}))
	js.Global().Set("vaeExplorerDecodes", js.FuncOf(func(js.Value, []js.Value) any {
		now := js.Global().Get("performance").Call("now").Float()
		t := time.Now()
		var out []any
		for _, d := range e.Point.DecodeTimings() {
			asked := now - float64(t.Sub(d.Asked))/1e6
			out = append(out, map[string]any{"asked": asked, "shown": asked + float64(d.Latency)/1e6})
		}
		return js.ValueOf(out)
	}))
}

// started tells the page the window is up (it removes its loading
// message; the browser tests time the first frame from it).
func started() {
	mark("on-started")
	if f := js.Global().Get("vaeExplorerStarted"); f.Type() == js.TypeFunction {
		f.Invoke()
	}
}

// mark records a moment of start-up in the page's performance timeline
// (the browser benchmark prints them).
func mark(name string) { js.Global().Get("performance").Call("mark", name) }

// afterFrame runs f on a new goroutine after the browser's next two
// animation frames: the first starts the frame the app drew, the second
// comes once that one is done (software WebGL takes a few hundred
// milliseconds over a first frame).
func afterFrame(f func()) {
	var cb js.Func
	frames := 0
	cb = js.FuncOf(func(js.Value, []js.Value) any {
		if frames++; frames < 2 {
			js.Global().Call("requestAnimationFrame", cb)
			return nil
		}
		cb.Release()
		go f()
		return nil
	})
	js.Global().Call("requestAnimationFrame", cb)
}

// download hands data to the browser as a file: a Blob, an object URL and
// a click on a temporary link, the browser's own way to save a file.
func download(name, mimeType string, data []byte) error {
	arr := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(arr, data)
	blob := js.Global().Get("Blob").New([]any{arr}, map[string]any{"type": mimeType})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	doc := js.Global().Get("document")
	a := doc.Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	a.Get("style").Set("display", "none")
	doc.Get("body").Call("appendChild", a)
	a.Call("click")
	a.Call("remove")
	// The download has the data once it started; the URL can go later.
	js.Global().Call("setTimeout", js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		return nil
	}), 60000)
	return nil
}

// maxPicked bounds a file read from the page: the larger of the image and
// model limits (the engine checks each kind's own).
const maxPicked = max(imaging.MaxFileBytes, vae.MaxCheckpointBytes)

// pickFiles shows the browser's file picker (a hidden file input, clicked
// while the user's click still counts) and reads the chosen files.
func pickFiles(exts []string, got func([]ui.PickedFile)) error {
	if ua := js.Global().Get("navigator").Get("userActivation"); ua.Truthy() && !ua.Get("isActive").Bool() {
		// The browser shows a picker only right after a click or key
		// press (a few seconds); later it would silently do nothing.
		return errors.New("the browser opens its file picker only right after a click or key press, and the app was busy too long: choose Open again")
	}
	doc := js.Global().Get("document")
	in := doc.Call("createElement", "input")
	in.Set("type", "file")
	in.Set("multiple", true)
	in.Set("accept", strings.Join(exts, ","))
	in.Get("style").Set("display", "none")
	var onChange js.Func
	onChange = js.FuncOf(func(js.Value, []js.Value) any {
		onChange.Release()
		readFiles(in.Get("files"), got)
		in.Call("remove")
		return nil
	})
	in.Call("addEventListener", "change", onChange)
	doc.Get("body").Call("appendChild", in)
	in.Call("click")
	return nil
}

// onDrop has files dropped anywhere on the page read and handed to got.
func onDrop(got func([]ui.PickedFile)) {
	win := js.Global()
	win.Call("addEventListener", "dragover", js.FuncOf(func(_ js.Value, args []js.Value) any {
		args[0].Call("preventDefault") // else the browser opens the file itself
		return nil
	}))
	win.Call("addEventListener", "drop", js.FuncOf(func(_ js.Value, args []js.Value) any {
		ev := args[0]
		ev.Call("preventDefault")
		if dt := ev.Get("dataTransfer"); !dt.IsNull() && !dt.IsUndefined() {
			readFiles(dt.Get("files"), got)
		}
		return nil
	}))
}

// readFiles reads a FileList's files (each's arrayBuffer promise) and
// hands them to got, on a new goroutine, once all have arrived.
func readFiles(list js.Value, got func([]ui.PickedFile)) {
	n := list.Get("length").Int()
	if n == 0 {
		return
	}
	files := make([]ui.PickedFile, n)
	left := n
	arrived := func() {
		if left--; left == 0 {
			go got(files)
		}
	}
	for i := range n {
		f := list.Call("item", i)
		files[i].Name = f.Get("name").String()
		if size := f.Get("size").Float(); size > maxPicked {
			files[i].Err = fmt.Errorf("%.0f MB, more than the limit of %d MB for a file opened here", size/1e6, maxPicked>>20)
			arrived()
			continue
		}
		var ok, fail js.Func
		ok = js.FuncOf(func(_ js.Value, args []js.Value) any {
			arr := js.Global().Get("Uint8Array").New(args[0])
			files[i].Data = make([]byte, arr.Get("length").Int())
			js.CopyBytesToGo(files[i].Data, arr)
			ok.Release()
			fail.Release()
			arrived()
			return nil
		})
		fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
			files[i].Err = fmt.Errorf("the browser could not read it: %s", args[0].Call("toString").String())
			ok.Release()
			fail.Release()
			arrived()
			return nil
		})
		f.Call("arrayBuffer").Call("then", ok, fail)
	}
}
