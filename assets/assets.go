// Package assets holds the files embedded in the binary: the application
// icon and the bundled pretrained model. It depends on nothing, so both the
// headless CLI and the desktop app can use it.
package assets

import _ "embed"

// IconPNG is the application icon, a 256x256 PNG.
//
//go:embed icon.png
var IconPNG []byte
