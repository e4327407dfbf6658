package ui

import (
	"fmt"

	"vaeexplorer/ui/widgets"
	"vaeexplorer/vae"
	"vaeexplorer/vae/dataset"
)

// Thumbnails: the held-out images themselves at their codes' places
// instead of dots. The plane control owns the choice (remembered) and
// the sheet; the images come from the loaded dataset, when it is the one
// the model's codes were measured on (vae.HeldOutImages).

// heldOutImages is the held-out images behind the model's codes, from
// the loaded dataset (an error says why there are none).
func (c *PlaneControl) heldOutImages() (*dataset.Set, error) {
	m := c.s.Model()
	if m == nil {
		return nil, fmt.Errorf("no model")
	}
	return vae.HeldOutImages(m.HeldOut(), m.Config(), m.Image(), c.data())
}

// SetThumbnails turns thumbnails on or off. On, it loads the dataset the
// training panel names when no data is loaded.
func (c *PlaneControl) SetThumbnails(on bool) {
	if c.Thumbs.Checked != on {
		c.Thumbs.SetChecked(on) // its OnChanged comes back here
		return
	}
	c.prefs.SetBool(prefThumbs, on)
	if c.OnThumbs != nil {
		c.OnThumbs()
	}
	c.thumbLoad, c.thumbErr = nil, "" // asked again: load again if need be, say why not
	c.refreshThumbs()
}

// refreshThumbs shows the sheet of the model's held-out images (kept
// while the model and data are the same), or dots when thumbnails are
// off or the images are not at hand; turned on without them, the status
// line says why.
func (c *PlaneControl) refreshThumbs() {
	if !c.prefs.Bool(prefThumbs) {
		c.plane.SetThumbnails(nil)
		return
	}
	set, err := c.heldOutImages()
	if m := c.s.Raw(); err != nil && c.data() == nil && c.load != nil && m != nil && m.HeldOut() != nil && c.thumbLoad != m {
		// Thumbnails were on when the app closed, or the model changed:
		// load the data once for this model.
		c.thumbLoad = m
		c.load(func(_ *dataset.Data, err error) {
			if err != nil {
				c.onErr(fmt.Errorf("thumbnails: %w", err))
			}
			c.refreshThumbs()
		})
		return
	}
	if err != nil {
		c.plane.SetThumbnails(nil)
		if c.s.Model() != nil && err.Error() != c.thumbErr {
			c.status("Thumbnails: " + err.Error())
		}
		c.thumbErr = err.Error()
		return
	}
	c.thumbErr = ""
	if t := c.plane.Thumbnails(); t != nil && len(t.Pix) == len(set.Pix) && &t.Pix[0] == &set.Pix[0] {
		return // the same images
	}
	c.plane.SetThumbnails(&widgets.Thumbs{Side: set.Cols, Channels: set.Depth(), Pix: set.Pix})
}
