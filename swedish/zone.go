package swedish

import (
	"time"
	_ "time/tzdata" // Sweden's rules compiled in, whatever the host has
)

// Zone is Sweden's time zone (Europe/Stockholm): deadlines are counted in
// it and times are shown in it, to readers who expect Swedish time rather
// than the server's or UTC.
var Zone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic("swedish: no time zone data for Europe/Stockholm: " + err.Error()) // cannot happen: tzdata is compiled in
	}
	return loc
}()
