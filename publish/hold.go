package publish

// Hold makes the public answers wait for data that is being loaded: until
// release is called, Snapshot and SnapshotFor return err (serve's first
// start gives "Laddar data …" with a Retry-After) instead of a snapshot, so
// that the pages say the data is on its way rather than that there is
// none, and no snapshot is built from a half-loaded database. release
// marks the data changed, so that the next reader gets a snapshot of what
// was loaded; calling it again does nothing.
func (s *Service) Hold(err error) (release func()) {
	p := &err
	s.held.Store(p)
	return func() {
		if s.held.CompareAndSwap(p, nil) {
			s.Invalidate()
		}
	}
}

// holding is the error of a Hold not yet released, or nil.
func (s *Service) holding() error {
	if e := s.held.Load(); e != nil {
		return *e
	}
	return nil
}
