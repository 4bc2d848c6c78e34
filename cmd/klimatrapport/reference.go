package main

import (
	"context"

	"github.com/klimatkommunerna/klimatrapport/internal/app"
)

// referenceFlag defines --no-reference-data.
func (c *cmdFlags) referenceFlag() *bool {
	return c.Bool("no-reference-data", false,
		"do not import the bundled reference data (SCB's municipalities and population, SMHI's releases) into an empty database at start")
}

// startReference starts serve's first-start import of the bundled reference
// data (what the database lacks of it; app.MissingReference) unless skip;
// the pages say "Laddar data …" until it is done. The returned function
// waits for the import to end (after the server has stopped, before the
// database closes). A database that cannot be asked is logged and left as
// it is.
func startReference(ctx context.Context, e *env, a *app.App, skip bool) (wait func()) {
	if skip {
		e.log.Info("reference data: not imported (--no-reference-data)")
		return func() {}
	}
	parts, err := a.MissingReference(ctx)
	if err != nil {
		e.log.Error("reference data: cannot tell what is stored; nothing imported", "err", err)
		return func() {}
	}
	if len(parts) == 0 {
		e.log.Debug("reference data: already stored")
	}
	w := a.StartReference(ctx, e.log, parts)
	return func() { w() }
}
