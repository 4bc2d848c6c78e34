package klimatrapport

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error so that callers (HTTP handlers, the command line)
// can react to it without parsing messages. Kinds are stable.
type Kind int

// The kinds of error the service distinguishes.
const (
	Other        Kind = iota // unclassified: an internal error
	Invalid                  // the input is malformed or breaks a rule
	NotFound                 // the thing asked for does not exist
	Conflict                 // the request conflicts with what is stored
	Unauthorized             // the caller is not signed in
	Forbidden                // the caller may not do this
	TooLarge                 // the input exceeds a size limit
	Unavailable              // a dependency (the database) is down; try again
	Busy                     // the service is at its limit of concurrent work; try again shortly
	Throttled                // the caller has tried too often; wait before the next attempt
)

var kindNames = map[Kind]string{
	Other: "internal", Invalid: "invalid", NotFound: "not_found", Conflict: "conflict",
	Unauthorized: "unauthorized", Forbidden: "forbidden", TooLarge: "too_large",
	Unavailable: "unavailable", Busy: "busy", Throttled: "throttled",
}

func (k Kind) String() string { return kindNames[k] }

// Error is the service's error: a kind, a message fit to show to the person
// who caused it (Swedish where a person sees it), and the underlying cause.
type Error struct {
	Kind    Kind
	Message string
	Err     error
	// RetryAfter, when positive, is how long the caller should wait before
	// trying again (HTTP's Retry-After).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	switch {
	case e.Message != "" && e.Err != nil:
		return e.Message + ": " + e.Err.Error()
	case e.Message != "":
		return e.Message
	case e.Err != nil:
		return e.Err.Error()
	}
	return e.Kind.String()
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an Error of the given kind with a formatted message.
func E(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap builds an Error of the given kind around err.
func Wrap(kind Kind, err error, message string) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: kind, Message: message, Err: err}
}

// Later builds an Error of kind Busy or Throttled that tells the caller to
// try again after wait.
func Later(kind Kind, wait time.Duration, message string) error {
	return &Error{Kind: kind, Message: message, RetryAfter: wait}
}

// RetryAfterOf returns the wait of the outermost *Error in err's chain that
// sets one, or 0.
func RetryAfterOf(err error) time.Duration {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return 0
		}
		if e.RetryAfter > 0 {
			return e.RetryAfter
		}
		err = e.Err
	}
	return 0
}

// KindOf returns the kind of the outermost *Error in err's chain that has a
// kind other than Other, or Other.
func KindOf(err error) Kind {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return Other
		}
		if e.Kind != Other {
			return e.Kind
		}
		err = e.Err
	}
	return Other
}

// MessageOf returns the message meant for people: that of the outermost
// *Error, or a generic Swedish text for anything else.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "Ett internt fel inträffade. Försök igen om en stund."
}
