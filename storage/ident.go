package storage

import "regexp"

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// IsIdent reports whether s is a bare SQL identifier: what the names of
// databases, tables, columns and clusters must be wherever they are written
// into SQL text.
func IsIdent(s string) bool { return identRe.MatchString(s) }
