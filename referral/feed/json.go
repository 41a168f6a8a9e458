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
	// invalid says the string held bytes that are not UTF-8, which the
	// decoder replaced with U+FFFD: a repair the report names.
	invalid bool
}

func (t *jtext) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case '"':
		t.quoted = true
		// The decoder hands over a whole, valid string literal. Most have no
		// escapes and are valid UTF-8: their text is the bytes between the
		// quotes, and json.Unmarshal (a second scan and decoder per field,
		// most of the cost of reading a feed) would give the same string.
		inner := b[1 : len(b)-1]
		valid := utf8.Valid(inner)
		if bytes.IndexByte(inner, '\\') < 0 && valid {
			t.s = string(inner)
			return nil
		}
		t.invalid = !valid
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
	items   []string
	given   bool
	bad     string
	invalid bool // an item held bytes that are not UTF-8 (see jtext)
}

func (l *jlist) UnmarshalJSON(b []byte) error {
	l.given = true
	if b[0] == '[' {
		if items, ok := listOfText(b); ok {
			l.items = items
			return nil
		}
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
			l.invalid = l.invalid || it.invalid
		}
		return nil
	}
	var t jtext
	t.UnmarshalJSON(b)
	if t.bad != "" {
		l.bad = t.bad
	} else if b[0] != 'n' {
		l.items = []string{t.s}
		l.invalid = t.invalid
	}
	return nil
}

// listOfText reads the usual list, plain strings such as ["O","D","TR"],
// without a second decoder: json.Unmarshal for every record's types and
// regions was a tenth of what reading a feed allocated. ok is false for any
// other list (a number, an escape, bytes that are not UTF-8, a nested
// value), which the decoder reads. b is one whole JSON list, as the decoder
// hands it over, so a quote with no backslash before it ends a string.
func listOfText(b []byte) (items []string, ok bool) {
	const space = " \t\r\n"
	s := bytes.TrimLeft(b[1:len(b)-1], space)
	for len(s) > 0 {
		if s[0] != '"' {
			return nil, false
		}
		end := bytes.IndexByte(s[1:], '"')
		if end < 0 {
			return nil, false
		}
		v := s[1 : 1+end]
		if bytes.IndexByte(v, '\\') >= 0 || !utf8.Valid(v) {
			return nil, false
		}
		items = append(items, string(v))
		s = bytes.TrimLeft(s[end+2:], space)
		if len(s) > 0 {
			if s[0] != ',' {
				return nil, false
			}
			s = bytes.TrimLeft(s[1:], space)
		}
	}
	return items, true
}

// text returns a field's text, noting on the draft a value of the wrong kind
// and characters repaired.
func (d *draft) text(field string, t jtext) string {
	if t.bad != "" {
		d.note(field, "expected text, found %s; left out", t.bad)
	}
	d.checkText(field, t.s, t.invalid)
	return t.s
}

func (d *draft) list(field string, l jlist) []string {
	if l.bad != "" {
		d.note(field, "expected a value or a list of values, found %s; left out", l.bad)
	}
	var bidi, other bool
	for _, it := range l.items {
		b, o := referral.Controls(it)
		bidi, other = bidi || b, other || o
	}
	d.noteCharacters(field, l.invalid, bidi, other)
	return l.items
}

// jsonError explains a JSON file that cannot be read, with where it broke.
func jsonError(dec *json.Decoder, what string, err error) error {
	return jsonErrorAt(dec, what, jsonPlace{}, err)
}

// jsonPlace is where among its records a JSON file broke: in the middle of
// record n (1-based) or after it, in its list of meetings (list); the zero
// value names no place.
type jsonPlace struct {
	record       int
	inside, list bool
}

// jsonErrorAt is jsonError naming the record where the file broke.
func jsonErrorAt(dec *json.Decoder, what string, at jsonPlace, err error) error {
	var cut, in string
	switch {
	case at.inside:
		cut = fmt.Sprintf("in the middle of record %d (byte %d)", at.record, dec.InputOffset())
		in = fmt.Sprintf(" in record %d,", at.record)
	case at.record > 0:
		cut = fmt.Sprintf("after record %d (byte %d), before the list of meetings is closed", at.record, dec.InputOffset())
		in = fmt.Sprintf(" after record %d,", at.record)
	case at.list:
		cut = fmt.Sprintf("before its first record (byte %d)", dec.InputOffset())
	default:
		cut = fmt.Sprintf("before its end (byte %d)", dec.InputOffset())
	}
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF) && dec.InputOffset() == 0:
		return referral.Errorf(referral.EINVALID, "the %s file is empty", what)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return referral.Errorf(referral.EINVALID, "the %s file ends %s: it was cut short — download it again; nothing was changed", what, cut)
	case errors.As(err, &syn):
		return referral.Errorf(referral.EINVALID, "the %s file is not valid JSON%s at byte %d: %s; nothing was changed", what, in, syn.Offset, syn.Error())
	case errors.As(err, new(*json.UnmarshalTypeError)):
		return referral.Errorf(referral.EINVALID, "the %s file is JSON of the wrong shape%s near byte %d: %v; nothing was changed", what, in, dec.InputOffset(), err)
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

// decodeRecords streams the elements of the JSON array the decoder is in:
// each is decoded and made a draft by draftOf, and the drafts are given to
// each in order. An element that is not an object is skipped and reported;
// broken JSON stops everything.
//
// Decoding and what each does with the drafts (turning them into groups)
// take about as long as each other, 2 s apiece for 250,000 Meeting Guide
// meetings, so they run at once: the decoder and draftOf on a goroutine of
// their own, each on the caller's, which alone touches the parser. The
// records go between them in order, so the result is the same as one after
// the other; the decoder is done when decodeRecords returns.
func decodeRecords[T any](p *parser, dec *json.Decoder, what string, draftOf func(rec *T, i int) *draft, each func(d *draft) error) error {
	type decoded struct {
		d     *draft
		empty bool   // a null record
		kind  string // what a record that is not an object is, in words
		err   error  // the file's JSON is broken: the last item
	}
	out := make(chan decoded, 256)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(out)
		send := func(x decoded) bool {
			select {
			case out <- x:
				return true
			case <-stop:
				return false
			}
		}
		// One record's value, decoded into again for every record: a new
		// one each time (2 KB for Meeting Guide) was a quarter of what
		// reading a feed allocated. A draft keeps what it takes from a
		// record (strings and lists the decoder made new), never the
		// record itself.
		var reused T
		i := 0
		for ; dec.More(); i++ {
			// Decoded through a pointer so that a null record stays nil:
			// it is empty, not a meeting that lacks a name. The decoder
			// fills a value the pointer already points to, and leaves the
			// fields a record lacks as they were: hence the zeroing.
			reused = *new(T)
			rec := &reused
			var x decoded
			if err := dec.Decode(&rec); err != nil {
				var typ *json.UnmarshalTypeError
				if !errors.As(err, &typ) {
					send(decoded{err: jsonErrorAt(dec, what, jsonPlace{record: i + 1, inside: true, list: true}, err)})
					return
				}
				x.kind = jsonKind(typ.Value)
			} else if rec == nil {
				x.empty = true
			} else {
				x.d = draftOf(rec, i)
			}
			if !send(x) {
				return
			}
		}
		if _, err := dec.Token(); err != nil { // the closing ]
			send(decoded{err: jsonErrorAt(dec, what, jsonPlace{record: i, list: true}, err)})
		}
	}()
	err := func() error {
		i := 0
		for x := range out {
			switch {
			case x.err != nil:
				return x.err
			case x.kind != "":
				r := &recordCtx{p: p, index: i}
				r.skip("record", "expected a meeting (a JSON object), found %s", x.kind)
			case x.empty:
				p.res.Empty++
				r := &recordCtx{p: p, index: i}
				r.skip("record", "the record is empty (null)")
			default:
				if err := each(x.d); err != nil {
					return err
				}
			}
			if err := p.tick(); err != nil {
				return err
			}
			i++
		}
		return nil
	}()
	close(stop)
	<-done
	return err
}

// jsonKind says in words the kind encoding/json names a value.
func jsonKind(kind string) string {
	switch kind {
	case "array":
		return "a list"
	case "number":
		return "a number"
	case "string":
		return "text"
	case "bool":
		return "true or false"
	}
	return kind
}
