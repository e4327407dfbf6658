package dataset

// Data is a loaded dataset: its training and held-out images and its
// name; for an image folder, also what reading it found.
type Data struct {
	Name        string
	Train, Test *Set
	Report      *FolderReport // nil for idx datasets
}

// Mode is how the data's images were made model inputs: an image folder's
// preprocessing, "" for idx datasets.
func (d *Data) Mode() string {
	if d.Report == nil {
		return ""
	}
	return d.Report.Mode
}
