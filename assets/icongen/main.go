// Command icongen draws Postino's icon with Go's image packages, so the
// artwork is ours, reproducible and reviewable as code:
//
//	go run ./assets/icongen
//
// writes assets/icon.png (512×512, used by FyneApp.toml and the window)
// and assets/icons/postino-N.png at the sizes desktops ask for. The
// design is a white envelope on a blue rounded square with a green check
// badge: "mail settings, verified". Shapes are few and thick so the icon
// stays readable at 32 px; each size is rendered from the geometry (not
// scaled down from 512) with 4×4 supersampling for smooth edges.
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
)

// rgba is a straight (non-premultiplied) colour with float channels.
type rgba struct{ r, g, b, a float64 }

var (
	bgTop    = rgba{0.16, 0.45, 0.86, 1} // blue, lighter at the top
	bgBottom = rgba{0.08, 0.28, 0.66, 1}
	paper    = rgba{1, 1, 1, 1}
	fold     = rgba{0.70, 0.78, 0.92, 1} // the flap's lines
	badge    = rgba{0.13, 0.66, 0.33, 1} // green
	tick     = rgba{1, 1, 1, 1}
)

// Geometry in unit coordinates (0..1, y down).
const (
	bgRadius = 0.22
	envX0    = 0.17
	envY0    = 0.27
	envX1    = 0.83
	envY1    = 0.73
	envR     = 0.05
	foldW    = 0.045 // stroke width of the flap lines
	badgeCX  = 0.74
	badgeCY  = 0.72
	badgeR   = 0.19
	ringW    = 0.035 // blue ring separating badge and envelope
	tickW    = 0.055
)

func main() {
	dir := "assets"
	if _, err := os.Stat(dir); err != nil {
		log.Fatalf("run from the repository root: %v", err)
	}
	if err := write(filepath.Join(dir, "icon.png"), 512); err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "icons"), 0o755); err != nil {
		log.Fatal(err)
	}
	for _, n := range []int{16, 32, 48, 64, 128, 256, 512} {
		if err := write(filepath.Join(dir, "icons", fmt.Sprintf("postino-%d.png", n)), n); err != nil {
			log.Fatal(err)
		}
	}
}

func write(path string, size int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, render(size)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// render draws the icon at size×size pixels.
func render(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4 // samples per axis
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var acc rgba
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/ss) / float64(size)
					c := sample(x, y)
					// Accumulate premultiplied so transparent corners blend right.
					acc.r += c.r * c.a
					acc.g += c.g * c.a
					acc.b += c.b * c.a
					acc.a += c.a
				}
			}
			n := float64(ss * ss)
			a := acc.a / n
			var out color.NRGBA
			if a > 0 {
				out = color.NRGBA{
					R: to8(acc.r / n / a), G: to8(acc.g / n / a), B: to8(acc.b / n / a), A: to8(a),
				}
			}
			img.SetNRGBA(px, py, out)
		}
	}
	return img
}

// sample returns the colour at one point, painting back to front.
func sample(x, y float64) rgba {
	var c rgba
	if roundedRect(x, y, 0.02, 0.02, 0.98, 0.98, bgRadius) {
		c = mix(bgTop, bgBottom, y)
	}
	if roundedRect(x, y, envX0, envY0, envX1, envY1, envR) {
		c = paper
		// The flap: a V from the top corners to the middle, and the two
		// lower folds, drawn as strokes.
		midX, midY := (envX0+envX1)/2, envY0+(envY1-envY0)*0.55
		if segDist(x, y, envX0+0.02, envY0+0.02, midX, midY) < foldW/2 ||
			segDist(x, y, envX1-0.02, envY0+0.02, midX, midY) < foldW/2 {
			c = fold
		}
	}
	d := math.Hypot(x-badgeCX, y-badgeCY)
	if d < badgeR+ringW {
		c = mix(bgTop, bgBottom, y)
	}
	if d < badgeR {
		c = badge
		if segDist(x, y, badgeCX-0.095, badgeCY+0.005, badgeCX-0.03, badgeCY+0.07) < tickW/2 ||
			segDist(x, y, badgeCX-0.03, badgeCY+0.07, badgeCX+0.10, badgeCY-0.07) < tickW/2 {
			c = tick
		}
	}
	return c
}

func roundedRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(x, x1-r))
	cy := math.Max(y0+r, math.Min(y, y1-r))
	return math.Hypot(x-cx, y-cy) <= r
}

// segDist is the distance from (x, y) to the segment (ax, ay)-(bx, by).
func segDist(x, y, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := ((x-ax)*dx + (y-ay)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-(ax+t*dx), y-(ay+t*dy))
}

func mix(a, b rgba, t float64) rgba {
	return rgba{a.r + (b.r-a.r)*t, a.g + (b.g-a.g)*t, a.b + (b.b-a.b)*t, a.a + (b.a-a.a)*t}
}

func to8(v float64) uint8 { return uint8(math.Round(math.Max(0, math.Min(1, v)) * 255)) }
