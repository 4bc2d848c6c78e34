package klimatrapport

import "time"

// The days a stored date may hold. ClickHouse keeps a Date as a 16-bit
// count of days since 1970-01-01, and the oldest server release the service
// runs on documents its range as ending in 2105; a date outside would fail
// the insert (or wrap around) instead of getting a message. Every date that
// comes in — a workbook cell, a form field, a JSON field — is checked
// against this range where it is read.
var (
	FirstDate = time.Date(1970, time.January, 1, 0, 0, 0, 0, time.UTC)
	LastDate  = time.Date(2105, time.December, 31, 0, 0, 0, 0, time.UTC)
)

// DateInRange reports whether t's day lies within FirstDate … LastDate.
func DateInRange(t time.Time) bool {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return !d.Before(FirstDate) && !d.After(LastDate)
}

// DateRangeText is the range in words, for messages: "1970-01-01 och 2105-12-31".
func DateRangeText() string {
	return FirstDate.Format(time.DateOnly) + " och " + LastDate.Format(time.DateOnly)
}
