package main

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedIconsAreWhatTheGeneratorDraws: the PNGs in assets/ are
// reproducible from this code (an edit to one without the other fails),
// and the main icon is at least 512×512 (issue 5; fyne package needs it).
func TestCommittedIconsAreWhatTheGeneratorDraws(t *testing.T) {
	files := map[string]int{"../icon.png": 512}
	for _, n := range []int{16, 32, 48, 64, 128, 256, 512} {
		files[filepath.Join("..", "icons", fmt.Sprintf("postino-%d.png", n))] = n
	}
	for path, size := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if b := got.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Fatalf("%s is %v, want %d×%d", path, b.Size(), size, size)
		}
		want := render(size)
		if !samePixels(got, want) {
			t.Errorf("%s differs from what icongen draws at %d px: run go run ./assets/icongen", path, size)
		}
	}
}

func samePixels(a image.Image, b *image.NRGBA) bool {
	for y := 0; y < b.Rect.Dy(); y++ {
		for x := 0; x < b.Rect.Dx(); x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}
