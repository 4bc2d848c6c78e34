package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"time"
)

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// writeFileAtomic writes via a temporary file in the same directory.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".klimatrapport-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// dateOrDash is a day, or a dash when there is none.
func dateOrDash(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return t.Format(time.DateOnly)
}

// orDash is s, or a dash when it is empty.
func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
