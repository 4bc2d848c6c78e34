// Package national keeps the official national data in the database: SCB's
// municipalities, counties and population (parsed by package scb) and SMHI's
// emission releases (parsed by package smhi). It imports the files and
// answers queries over them; Lookup answers validation's questions from
// them. Every SMHI import is a release of its own; queries use the newest
// release of a substance unless one is asked for. Counties, municipalities
// and population are append-only registers: an import adds rows with a new
// version, and queries read the newest row per key. Every import takes the
// actor making it and is refused unless package access lets that actor
// import national data. FetchSMHI and FetchPopulation download the same
// data from SMHI's and SCB's own services (through internal/download) and
// import it by the same paths.
package national

import (
	"context"
	"sync"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/national/scb"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Store is the national data in one database.
type Store struct {
	DB  storage.DB
	Now func() time.Time
	// OnChange is called after an import commits (caches).
	OnChange func()

	clock storage.Clock // versions of the registers' rows
	mu    sync.Mutex
	names *scb.Names // cached; nil until loaded or after an import
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// mayImport checks that actor may import national data (administrators and
// the command line). Every import asks it first, before the file is read or
// the database asked, so that whoever calls the store, a refused actor
// learns and writes nothing.
func mayImport(actor kr.Actor) error {
	err := access.Check(actor, access.ImportNational, "")
	if kr.KindOf(err) == kr.Forbidden {
		return kr.E(kr.Forbidden, "Bara administratörer får läsa in SCB:s och SMHI:s uppgifter.")
	}
	return err
}

func (s *Store) changed() {
	s.mu.Lock()
	s.names = nil
	s.mu.Unlock()
	if s.OnChange != nil {
		s.OnChange()
	}
}

// Names returns the place-name table built from the stored municipality
// list, which SMHI's files (names only) are mapped through.
func (s *Store) Names(ctx context.Context) (*scb.Names, error) {
	s.mu.Lock()
	n := s.names
	s.mu.Unlock()
	if n != nil {
		return n, nil
	}
	counties, err := s.Counties(ctx)
	if err != nil {
		return nil, err
	}
	munis, err := s.Municipalities(ctx)
	if err != nil {
		return nil, err
	}
	if len(munis) == 0 {
		return nil, kr.E(kr.Invalid, "Kommunlistan är inte inläst. Läs in den först: klimatrapport import municipalities FIL.csv")
	}
	n = scb.NewNames(munis, counties)
	s.mu.Lock()
	s.names = n
	s.mu.Unlock()
	return n, nil
}
