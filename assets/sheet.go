package assets

import (
	"embed"
	"fmt"
)

// sheetTexts holds the fixed texts of the referral sheet, one JSON file per
// language. They are data rather than Go strings so a translator can review
// and change them without reading code.
//
//go:embed sheet/*.json
var sheetTexts embed.FS

// SheetTexts returns the fixed texts of the referral sheet in language lang
// ("en" or "es") as JSON; the PDF renderer defines their shape.
func SheetTexts(lang string) ([]byte, error) {
	b, err := sheetTexts.ReadFile("sheet/" + lang + ".json")
	if err != nil {
		return nil, fmt.Errorf("sheet texts for language %q: %w", lang, err)
	}
	return b, nil
}
