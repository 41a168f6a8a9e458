package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"referraldesk/referral"
)

// jtext is a JSON value read as text whatever its JSON type, because real
// feeds send numbers as strings and strings as numbers. An object or array
// where text belongs is remembered (bad) so the record's report can name the
// field instead of the whole record failing.
type jtext struct {
	s      string
	quoted bool   // it was a JSON string
	bad    string // the JSON kind found when it was not a scalar
}

func (t *jtext) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case '"':
		t.quoted = true
		// The decoder hands over a whole, valid string literal. Most have no
		// escapes and are valid UTF-8: their text is the bytes between the
		// quotes, and json.Unmarshal (a second scan and decoder per field,
		// most of the cost of reading a feed) would give the same string.
		if inner := b[1 : len(b)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			t.s = string(inner)
			return nil
		}
		return json.Unmarshal(b, &t.s)
	case 'n':
		t.s = ""
	case '{':
		t.bad = "an object"
	case '[':
		t.bad = "a list"
	default: // number, true, false: as written
		t.s = string(b)
	}
	return nil
}

// jlist is a JSON value that may be one scalar or a list of them ("day": 1 or
// "day": [1, 3]; "types": ["O"] or "types": "O,D").
type jlist struct {
	items []string
	given bool
	bad   string
}

func (l *jlist) UnmarshalJSON(b []byte) error {
	l.given = true
	if b[0] == '[' {
		var items []jtext
		if err := json.Unmarshal(b, &items); err != nil {
			l.bad = "a list of lists or objects"
			return nil
		}
		for _, it := range items {
			if it.bad != "" {
				l.bad = "a list holding " + it.bad
				continue
			}
			l.items = append(l.items, it.s)
		}
		return nil
	}
	var t jtext
	t.UnmarshalJSON(b)
	if t.bad != "" {
		l.bad = t.bad
	} else if b[0] != 'n' {
		l.items = []string{t.s}
	}
	return nil
}

// text returns a field's text, noting on the draft a value of the wrong kind.
func (d *draft) text(field string, t jtext) string {
	if t.bad != "" {
		d.note(field, "expected text, found %s; left out", t.bad)
	}
	return t.s
}

func (d *draft) list(field string, l jlist) []string {
	if l.bad != "" {
		d.note(field, "expected a value or a list of values, found %s; left out", l.bad)
	}
	return l.items
}

// jsonError explains a JSON file that cannot be read, with where it broke.
func jsonError(dec *json.Decoder, what string, err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return referral.Errorf(referral.EINVALID, "the %s file is empty", what)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return referral.Errorf(referral.EINVALID, "the %s file ends in the middle of a record (byte %d); it may be cut short — download it again", what, dec.InputOffset())
	case errors.As(err, &syn):
		return referral.Errorf(referral.EINVALID, "the %s file is not valid JSON at byte %d: %s", what, syn.Offset, syn.Error())
	case errors.As(err, new(*json.UnmarshalTypeError)):
		return referral.Errorf(referral.EINVALID, "the %s file is JSON of the wrong shape near byte %d: %v", what, dec.InputOffset(), err)
	}
	var ref *referral.Error
	if errors.As(err, &ref) {
		return err
	}
	return fmt.Errorf("read %s file: %w", what, err)
}

// expectDelim reads the next token and requires it to be delim.
func expectDelim(dec *json.Decoder, delim json.Delim, what, shape string) error {
	tok, err := dec.Token()
	if err != nil {
		return jsonError(dec, what, err)
	}
	if tok != delim {
		return referral.Errorf(referral.EINVALID, "the %s file is JSON of the wrong shape: expected %s, found %s", what, shape, describeToken(tok))
	}
	return nil
}

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		if v == '[' {
			return "a list"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return fmt.Sprintf("the text %q", referral.Truncate(v, 40))
	case nil:
		return "null"
	case json.Number:
		return "the number " + referral.Truncate(string(v), 20)
	}
	return fmt.Sprintf("the value %v", tok)
}

// expectEnd requires nothing but white space after the document.
func expectEnd(dec *json.Decoder, what string) error {
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			return referral.Errorf(referral.EINVALID, "the %s file has more data after its end (byte %d)", what, dec.InputOffset())
		}
		return jsonError(dec, what, err)
	}
	return nil
}

// decodeRecords streams the elements of the JSON array the decoder is in,
// calling each with a fresh decode target. An element that is not an object
// is skipped and reported; broken JSON stops everything.
func decodeRecords[T any](p *parser, dec *json.Decoder, what string, each func(i int, rec *T) error) error {
	for i := 0; dec.More(); i++ {
		// Decoded through a pointer so that a null record stays nil: it is
		// empty, not a meeting that lacks a name.
		var rec *T
		if err := dec.Decode(&rec); err != nil {
			var typ *json.UnmarshalTypeError
			if !errors.As(err, &typ) {
				return jsonError(dec, what, err)
			}
			r := &recordCtx{p: p, index: i}
			r.skip("record", "expected a meeting (a JSON object), found %s", typ.Value)
		} else if rec == nil {
			p.res.Empty++
			r := &recordCtx{p: p, index: i}
			r.skip("record", "the record is empty (null)")
		} else if err := each(i, rec); err != nil {
			return err
		}
		if err := p.tick(); err != nil {
			return err
		}
	}
	_, err := dec.Token() // the closing ]
	if err != nil {
		return jsonError(dec, what, err)
	}
	return nil
}
