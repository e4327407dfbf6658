package dataset

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// celebaHeader is CelebA's attribute line, exactly.
const celebaHeader = "5_o_Clock_Shadow Arched_Eyebrows Attractive Bags_Under_Eyes Bald Bangs Big_Lips Big_Nose Black_Hair Blond_Hair Blurry Brown_Hair Bushy_Eyebrows Chubby Double_Chin Eyeglasses Goatee Gray_Hair Heavy_Makeup High_Cheekbones Male Mouth_Slightly_Open Mustache Narrow_Eyes No_Beard Oval_Face Pale_Skin Pointy_Nose Receding_Hairline Rosy_Cheeks Sideburns Smiling Straight_Hair Wavy_Hair Wearing_Earrings Wearing_Hat Wearing_Lipstick Wearing_Necklace Wearing_Necktie Young"

// fakeCelebA writes a small CelebA in its exact layout: root/
// img_align_celeba/000001.jpg …, list_attr_celeba.txt and
// list_eval_partition.txt beside it. Image i smiles when i is even, wears
// glasses when i%3 == 0; its brightness tells which it is. The attribute
// file lists n-1 of the n images (the last is missing), has one bad line,
// and the partition puts every fifth image in the test split.
func fakeCelebA(t *testing.T, n int) (root, images string) {
	t.Helper()
	root = t.TempDir()
	images = filepath.Join(root, "img_align_celeba")
	if err := os.MkdirAll(images, 0o755); err != nil {
		t.Fatal(err)
	}
	names := strings.Fields(celebaHeader)
	smile, glasses := indexOf(names, "Smiling"), indexOf(names, "Eyeglasses")
	var attr, part strings.Builder
	fmt.Fprintf(&attr, "%d\n%s\n", n, celebaHeader)
	for i := range n {
		file := fmt.Sprintf("%06d.jpg", i+1)
		img := image.NewRGBA(image.Rect(0, 0, 40, 48)) // CelebA's aligned faces are not square either
		for p := range img.Pix {
			img.Pix[p] = uint8(10 * i)
		}
		img.Set(0, 0, color.RGBA{uint8(10 * i), 0, 0, 255})
		f, err := os.Create(filepath.Join(images, file))
		if err != nil {
			t.Fatal(err)
		}
		jpeg.Encode(f, img, &jpeg.Options{Quality: 100})
		f.Close()
		if i == n-1 {
			continue // not in the attribute file
		}
		fmt.Fprintf(&attr, "%s", file)
		for a := range names {
			v := -1
			if (a == smile && i%2 == 0) || (a == glasses && i%3 == 0) {
				v = 1
			}
			fmt.Fprintf(&attr, " %2d", v)
		}
		attr.WriteString("\n")
		fmt.Fprintf(&part, "%s %d\n", file, map[bool]int{true: 2, false: 0}[i%5 == 4])
	}
	attr.WriteString("broken.jpg 1 -1\n")
	os.WriteFile(filepath.Join(root, AttrFileName), []byte(attr.String()), 0o644)
	os.WriteFile(filepath.Join(root, PartitionFileName), []byte(part.String()), 0o644)
	return root, images
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// CelebA's layout loads: the attribute file beside the images gives each
// image its attributes, the partition file the split; the missing file
// and the bad line are reported as skipped.
func TestCelebALayoutLoadsWithAttributes(t *testing.T) {
	const n = 21
	_, images := fakeCelebA(t, n)
	train, test, rep, err := LoadImageFolder(context.Background(), images, FolderOptions{Side: 16, Channels: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Layout != "partition" || len(rep.Attributes) != 40 || train.Attrs == nil || test.Attrs == nil {
		t.Fatalf("layout %q, %d attributes", rep.Layout, len(rep.Attributes))
	}
	// Images 4, 9, 14, 19 are the test split; 20 is not listed.
	if test.N != 4 || train.N != n-1-4 {
		t.Fatalf("train %d, test %d", train.N, test.N)
	}
	if len(rep.Skipped) != 2 || !strings.Contains(rep.SkippedLines(5)[0]+rep.SkippedLines(5)[1], "not listed") {
		t.Errorf("skipped %v", rep.Skipped)
	}
	smile, glasses := train.Attrs.Index("Smiling"), train.Attrs.Index("Eyeglasses")
	for _, s := range []*Set{train, test} {
		for k := range s.N {
			i := int(s.Pix[k*s.ImageLen()+s.ImageLen()/2]+5) / 10 // which image, by its brightness
			if s.Attrs.Has(k, smile) != (i%2 == 0) || s.Attrs.Has(k, glasses) != (i%3 == 0) {
				t.Fatalf("image %d: smiling %v, glasses %v", i, s.Attrs.Has(k, smile), s.Attrs.Has(k, glasses))
			}
		}
	}
	if !strings.Contains(rep.Summary(), "40 attributes from list_attr_celeba.txt") {
		t.Errorf("summary %q", rep.Summary())
	}
}

func TestReadAttributesRefusesAndSkips(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "empty"},
		{"Smiling Eyeglasses\n", "not the number of images"},
		{"3\n", "no line of attribute names"},
		{"3\nA B A\n", "named twice"},
	} {
		if _, err := ReadAttributes(strings.NewReader(c.in), "x.txt"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		}
	}
	f, err := ReadAttributes(strings.NewReader("4\nA B\n1.jpg 1 -1\n2.jpg 1\n3.jpg 1 2\n\n4.png -1 0\n1.jpg -1 -1\n"), "x.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 2 || f.Rows["1.jpg"][0] != 1 || f.Rows["4.png"][1] != -1 || len(f.Bad) != 3 {
		t.Fatalf("rows %v, bad %v", f.Rows, f.Bad)
	}
	if !strings.Contains(f.Bad[0].Path, "line 4") || !strings.Contains(f.Bad[1].Reason, `"2"`) || !strings.Contains(f.Bad[2].Reason, "twice") {
		t.Errorf("bad lines %v", f.Bad)
	}
	p, bad, err := ReadPartition(strings.NewReader("a.jpg 0\nb.jpg 2\nc.jpg 7\nd.jpg\n"), "p.txt")
	if err != nil || p["b.jpg"] != 2 || len(p) != 2 || len(bad) != 2 {
		t.Fatalf("partition %v, bad %v, %v", p, bad, err)
	}
}

// CelebA's images folder is called by the folder it is in.
func TestFolderNameOfCelebAsLayout(t *testing.T) {
	for dir, want := range map[string]string{
		"/home/u/.cache/vae-explorer/faces/img_align_celeba": "faces",
		"/data/celeba/img_align_celeba/":                     "celeba",
		"img_align_celeba":                                   "img_align_celeba",
		"/data/emoji":                                        "emoji",
	} {
		if got := FolderName(dir); got != want {
			t.Errorf("FolderName(%q) = %q, want %q", dir, got, want)
		}
	}
}
