// Package widgets holds the explorer's widgets that know nothing of the
// engine: the latent plane (a raster-backed, draggable, zoomable plot of
// points), the loss plot, a value slider, an image view, the tool
// switcher, an eliding label with a tooltip, and the class palette.
// Package ui composes them around its controllers.
package widgets
