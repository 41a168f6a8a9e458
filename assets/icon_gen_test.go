package assets

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"testing"
)

var updateIcon = flag.Bool("update-icon", false, "redraw icon.png")

// drawIcon draws the app icon: people sitting in a circle (a support group)
// around a warm centre, on a calm teal tile.
func drawIcon(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	teal := color.NRGBA{0x1f, 0x6f, 0x78, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	warm := color.NRGBA{0xf2, 0xb1, 0x4c, 0xff}
	s := float64(size)
	radius := s * 0.18 // corner radius of the tile
	c := s / 2
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			if !inRoundedSquare(px, py, s, radius) {
				continue
			}
			img.SetNRGBA(x, y, teal)
			if math.Hypot(px-c, py-c) < s*0.12 {
				img.SetNRGBA(x, y, warm)
			}
			for i := 0; i < 6; i++ {
				a := float64(i)*math.Pi/3 - math.Pi/2
				hx, hy := c+math.Cos(a)*s*0.34, c+math.Sin(a)*s*0.34 // head
				bx, by := c+math.Cos(a)*s*0.24, c+math.Sin(a)*s*0.24 // shoulders
				if math.Hypot(px-hx, py-hy) < s*0.05 || math.Hypot(px-bx, py-by) < s*0.065 {
					img.SetNRGBA(x, y, white)
				}
			}
		}
	}
	return img
}

func inRoundedSquare(x, y, s, r float64) bool {
	dx := math.Max(math.Max(r-x, x-(s-r)), 0)
	dy := math.Max(math.Max(r-y, y-(s-r)), 0)
	return dx*dx+dy*dy <= r*r
}

// TestIconIsDrawnByDrawIcon keeps icon.png and its source in step: change the
// drawing, then run go test ./assets -update-icon.
func TestIconIsDrawnByDrawIcon(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, drawIcon(512)); err != nil {
		t.Fatal(err)
	}
	if *updateIcon {
		if err := os.WriteFile("icon.png", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(buf.Bytes(), Icon) {
		t.Fatal("icon.png differs from drawIcon; run go test ./assets -update-icon")
	}
}
