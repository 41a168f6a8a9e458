package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"referraldesk/referral"
)

// Sheets is the referral.SheetRenderer the app uses: PDFs drawn by Render,
// previews rasterised from that same PDF so the screen shows exactly what
// prints.
type Sheets struct{}

var _ referral.SheetRenderer = Sheets{}

// RenderPDF writes the sheet as a PDF.
func (Sheets) RenderPDF(ctx context.Context, w io.Writer, s referral.Sheet) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return Render(w, s)
}

// Preview draws the sheet's pages as images at about dpi dots per inch.
func (Sheets) Preview(ctx context.Context, s referral.Sheet, dpi int) ([]image.Image, error) {
	var buf bytes.Buffer
	if err := Render(&buf, s); err != nil {
		return nil, err
	}
	return Rasterize(ctx, buf.Bytes(), dpi)
}

// rasterizer is poppler's pdftoppm. Go has no well-kept PDF rasteriser, and
// drawing the sheet a second way for the screen could drift from the print.
const rasterizer = "pdftoppm"

// Rasterize turns each page of a PDF into an image with pdftoppm (Debian
// package poppler-utils). The PDF and the page images live in a private
// temporary folder that is removed before Rasterize returns.
func Rasterize(ctx context.Context, doc []byte, dpi int) ([]image.Image, error) {
	bin, err := exec.LookPath(rasterizer)
	if err != nil {
		return nil, referral.Errorf(referral.ENOTFOUND,
			"the preview needs the pdftoppm program (Debian package poppler-utils); Save PDF and Print still work")
	}
	dir, err := os.MkdirTemp("", "referraldesk-preview-")
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "sheet.pdf")
	if err := os.WriteFile(in, doc, 0o600); err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-r", fmt.Sprint(dpi), "-png", in, filepath.Join(dir, "page"))
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("preview: pdftoppm: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	pages, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil || len(pages) == 0 {
		return nil, errors.New("preview: pdftoppm wrote no pages")
	}
	// page-1.png … page-9.png sort before page-10.png only by length first.
	sort.Slice(pages, func(i, j int) bool {
		if len(pages[i]) != len(pages[j]) {
			return len(pages[i]) < len(pages[j])
		}
		return pages[i] < pages[j]
	})
	images := make([]image.Image, len(pages))
	for i, p := range pages {
		if images[i], err = decodePNG(p); err != nil {
			return nil, fmt.Errorf("preview: page %d: %w", i+1, err)
		}
	}
	return images, nil
}

func decodePNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}
