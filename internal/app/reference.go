package app

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	referencedata "github.com/klimatkommunerna/klimatrapport/data"
	"github.com/klimatkommunerna/klimatrapport/national"
)

// ReferenceLoading is what the public pages and the API answer while the
// bundled reference data is imported: 503 with a Retry-After.
var ReferenceLoading = kr.Later(kr.Busy, 5*time.Second,
	"Laddar data … SCB:s och SMHI:s uppgifter läses in när tjänsten startar första gången. Sidan visas om en stund.")

// ReferencePart is one part of the bundled reference data (package
// referencedata) and its import.
type ReferencePart struct {
	Name string // for the log: "municipalities", "population", "smhi GGT", …
	File string // the bundled file
	// Pages is set when the pages show this part: the notice stays until
	// every such part is in; the others follow with the pages up.
	Pages bool
	// Import imports content through the national imports, as the
	// system actor (the rights of `klimatrapport import`).
	Import func(ctx context.Context, content []byte) (any, error)
}

// MissingReference returns the parts of the bundled reference data that the
// database lacks, in the order they are imported: the municipality list
// when no municipality is stored, the population when none is stored, and
// each bundled SMHI release when no release of its substance is stored.
// What is stored is never imported again, nor mixed with what an operator
// imported: a restart after an interrupted first start imports only the
// rest.
func (a *App) MissingReference(ctx context.Context) ([]ReferencePart, error) {
	var parts []ReferencePart
	munis, err := a.National.Municipalities(ctx)
	if err != nil {
		return nil, err
	}
	if len(munis) == 0 {
		parts = append(parts, ReferencePart{Name: "municipalities", File: referencedata.Municipalities, Pages: true,
			Import: func(ctx context.Context, b []byte) (any, error) {
				return a.National.ImportMunicipalities(ctx, kr.System(), bytes.NewReader(b))
			}})
	}
	pop, err := a.National.Population(ctx)
	if err != nil {
		return nil, err
	}
	if len(pop) == 0 {
		parts = append(parts, ReferencePart{Name: "population", File: referencedata.Population, Pages: true,
			Import: func(ctx context.Context, b []byte) (any, error) {
				return a.National.ImportPopulation(ctx, kr.System(), bytes.NewReader(b), 0)
			}})
	}
	for _, rel := range referencedata.SMHI {
		_, ok, err := a.National.ReleaseFor(ctx, rel.Substance, time.Time{})
		if err != nil {
			return nil, err
		}
		if !ok {
			parts = append(parts, ReferencePart{Name: "smhi " + rel.Substance, File: rel.File, Pages: rel.Pages,
				Import: func(ctx context.Context, b []byte) (any, error) {
					return a.National.ImportSMHI(ctx, kr.System(), national.SMHIImport{FileName: rel.File, Content: b})
				}})
		}
	}
	return parts, nil
}

// StartReference imports parts in the background, one after the other,
// logging each. Until the parts the pages show are in, the published
// service answers ReferenceLoading (publish.Service.Hold, set before
// StartReference returns); then the pages are built from what was
// imported, and the other parts (CO2, for the API) follow. A part that
// fails stops the import (logged; the next start imports what is still
// missing). wait waits for the import to end and returns its error.
func (a *App) StartReference(ctx context.Context, log *slog.Logger, parts []ReferencePart) (wait func() error) {
	if len(parts) == 0 {
		return func() error { return nil }
	}
	release := a.Published.Hold(ReferenceLoading)
	done := make(chan error, 1)
	go func() {
		defer release()
		parts, err := a.claimReference(ctx, log, parts)
		if err == nil {
			err = a.loadReference(ctx, log, parts, release)
		}
		done <- err
	}()
	return func() error { err := <-done; done <- err; return err }
}

// Instances that start on one empty server at once agree on one of them
// to import: each records a claim in the audit log, waits ClaimWait for
// the others' claims, and the earliest claim (by time, then id) imports
// while the others wait up to ClaimTimeout for its data. chDB has one
// process per path and claims nothing.
var (
	ClaimWait    = 2 * time.Second
	ClaimTimeout = 2 * time.Minute
)

// claimAction is the audit log's action of a claim; its target is the
// claiming instance's id.
const claimAction = "reference.claim"

// claimReference returns the parts this instance imports: all of them
// when its claim is the earliest, else none once the winner has imported
// what the pages show, or what is still missing when it has not within
// ClaimTimeout.
func (a *App) claimReference(ctx context.Context, log *slog.Logger, parts []ReferencePart) ([]ReferencePart, error) {
	if a.DB.Engine() == "chdb" {
		return parts, nil
	}
	id := uuid.NewString()
	if err := a.Accounts.Audit(ctx, kr.System(), claimAction, id, "", "", ""); err != nil {
		return nil, err
	}
	if err := sleep(ctx, ClaimWait); err != nil {
		return nil, err
	}
	entries, err := a.Accounts.AuditLog(ctx, 1000)
	if err != nil {
		return nil, err
	}
	winner := id
	var first time.Time
	for _, e := range entries {
		if e.Action == claimAction && time.Since(e.At) < ClaimTimeout+ClaimWait && (first.IsZero() || e.At.Before(first) || e.At.Equal(first) && e.Target < winner) {
			winner, first = e.Target, e.At
		}
	}
	if winner == id {
		return parts, nil
	}
	log.Info("reference data: another instance imports it; waiting for it", "instance", winner)
	for deadline := time.Now().Add(ClaimTimeout); time.Now().Before(deadline); {
		if err := sleep(ctx, time.Second); err != nil {
			return nil, err
		}
		if parts, err = a.MissingReference(ctx); err != nil || !slices.ContainsFunc(parts, shownPart) {
			return nil, err // what the pages show is in; the winner imports the rest
		}
	}
	return a.MissingReference(ctx)
}

// shownPart reports whether the pages show p.
func shownPart(p ReferencePart) bool { return p.Pages }

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// loadReference imports parts and calls shown once no part the pages
// show is left.
func (a *App) loadReference(ctx context.Context, log *slog.Logger, parts []ReferencePart, shown func()) error {
	if len(parts) == 0 {
		return nil
	}
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.Name
	}
	log.Info("reference data: importing the bundled data into an empty database", "parts", names)
	start := time.Now()
	for i, p := range parts {
		if !slices.ContainsFunc(parts[i:], shownPart) {
			shown()
		}
		t := time.Now()
		b, err := referencedata.Read(p.File)
		if err == nil {
			_, err = p.Import(ctx, b)
		}
		if err != nil {
			log.Error("reference data: import failed; the next start imports what is missing", "part", p.Name, "file", p.File, "err", err)
			return err
		}
		log.Info("reference data: imported", "part", p.Name, "file", p.File, "took", time.Since(t).Round(time.Millisecond))
	}
	log.Info("reference data: done", "took", time.Since(start).Round(time.Millisecond))
	return nil
}
