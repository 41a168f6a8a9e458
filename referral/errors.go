package referral

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. Only the message of a coded error is shown to people; any other
// error is an internal one whose detail belongs in the log, not on screen.
const (
	ECONFLICT = "conflict"
	EINTERNAL = "internal"
	EINVALID  = "invalid"
	ENOTFOUND = "not_found"
	// EUNAVAILABLE is a service out of reach for now — no network, a server
	// that failed or did not answer in time: the same request may work later.
	EUNAVAILABLE = "unavailable"
	// EDAMAGED is a database file SQLite found damaged: nothing more is
	// written to it, and the way on is to restore a backup.
	EDAMAGED = "damaged"
)

// Problem is one thing wrong with one field of a value being validated.
type Problem struct {
	Field   string // the Go-ish field path, e.g. "Sessions[0].End" or "Online.URL"
	Message string // a sentence for a person: what is wrong and what is allowed
	// Phrase is Message as a code with parameters, for a screen that words
	// it in its own language; zero when the problem has none (Message is
	// then what to show).
	Phrase Phrase
}

// Error is an error a person can act on. Problems, when set, name every field
// that failed validation so a form can show each message beside its field.
type Error struct {
	Code     string
	Message  string
	Problems []Problem
}

func (e *Error) Error() string {
	return e.Message
}

// Errorf returns a coded error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a coded error, EINTERNAL for any other error and
// "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message to show a person: the message of a coded
// error, or a generic sentence for anything else.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error. Please try again; if it keeps happening, restart Referral Desk."
}

// ErrorProblems returns the field problems carried by a validation error.
func ErrorProblems(err error) []Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}

// invalid builds one EINVALID error from a list of problems, or nil when the
// list is empty. The message names every field so it reads well on its own.
func invalid(what string, problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.Message
	}
	return &Error{
		Code:     EINVALID,
		Message:  fmt.Sprintf("%s is not valid: %s", what, strings.Join(msgs, "; ")),
		Problems: problems,
	}
}
