// Package app wires the service over one database: the domain services,
// the cache invalidation between them, and the HTTP server with its
// middleware and handlers. The binary (serve and the commands) and the
// tests' wired world build the service here, so tests run the real wiring.
// serve's first-start import of the bundled reference data is here too
// (reference.go).
package app

import (
	"os"
	"path/filepath"
	"time"

	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/membertest"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/opendata"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// App is the services over one database.
type App struct {
	DB          storage.DB
	National    *national.Store
	Lookup      *national.Lookup
	Submissions *submissions.Service
	Members     *members.Register
	Accounts    *accounts.Store
	Throttle    *accounts.Throttle  // the login throttle, kept in the database for every instance
	Published   *publish.Service    // the cached figures the pages and the API read
	Compliance  *compliance.Engine  // membership obligations; serve and compliance set its Rules
	MemberTest  *membertest.Service // the member test's questions and the applications; serve sets its Questions
	// ApplyPerHour is how many member tests a client may send an hour
	// (per instance); 0: the page's default.
	ApplyPerHour int
	// OpenData builds the /oppna-data files in OpenDataDir (serve's
	// --open-data-dir), again in the background after each published
	// snapshot.
	OpenData *opendata.Builder
}

// Options are the settings the wiring takes.
type Options struct {
	// MaxUploadMB is the largest workbook accepted, in MB; 0 means
	// workbook.DefaultLimits.
	MaxUploadMB int
	// MaxUnpackedMB is the most a workbook may unpack to, in MB; 0 means
	// workbook.DefaultLimits.
	MaxUnpackedMB int
	// SessionCache is how long a validated session or API token is kept
	// in memory (accounts.Store.CacheTTL); 0 means
	// accounts.DefaultCacheTTL, a negative value not at all.
	SessionCache time.Duration
	// OpenDataDir is where the open data files are kept; "": a directory
	// under the OS temp dir.
	OpenDataDir string
}

// New wires the services over db.
func New(db storage.DB, o Options) *App {
	lim := workbook.DefaultLimits()
	if o.MaxUploadMB > 0 {
		lim.MaxBytes = int64(o.MaxUploadMB) << 20
	}
	if o.MaxUnpackedMB > 0 {
		lim.UnzipSizeLimit = int64(o.MaxUnpackedMB) << 20
	}
	a := &App{DB: db, National: &national.Store{DB: db}}
	a.Lookup = &national.Lookup{Store: a.National}
	a.Submissions = &submissions.Service{DB: db, Limits: lim, Lookup: a.Lookup}
	a.Members = &members.Register{DB: db}
	a.Accounts = &accounts.Store{DB: db, CacheTTL: o.SessionCache}
	if o.SessionCache == 0 {
		a.Accounts.CacheTTL = accounts.DefaultCacheTTL
	}
	a.Throttle = accounts.NewThrottle(a.Accounts)
	// Pages and computed figures are cached per data generation: a change
	// committed by this process (a submission, an import, a members change)
	// wakes the builder of the next snapshot, and another instance's within
	// ProbeInterval; readers keep the published snapshot meanwhile. Whoever
	// runs the service closes a.Published to stop its builder.
	a.Published = &publish.Service{Data: a.Data(), Members: a.Members, ProbeInterval: publish.DefaultProbeInterval}
	a.National.OnChange = func() {
		a.Lookup.Invalidate()
		a.Published.Invalidate()
	}
	a.Submissions.OnCommit = a.Published.Touch
	a.Members.OnChange = a.Published.Invalidate
	a.MemberTest = &membertest.Service{DB: db, Questions: membertest.Default(), Members: a.Members}
	a.Compliance = &compliance.Engine{DB: db, Members: a.Members, National: a.National, Rules: compliance.DefaultRules()}
	dir := o.OpenDataDir
	if dir == "" { // one directory per process, so that two never remove each other's files
		if d, err := os.MkdirTemp("", "klimatrapport-oppna-data-"); err == nil {
			dir = d
		} else {
			dir = filepath.Join(os.TempDir(), "klimatrapport-oppna-data")
		}
	}
	a.OpenData = &opendata.Builder{National: a.National, Submissions: a.Submissions, Compliance: a.Compliance, Dir: dir}
	return a
}

// Data is where publish and the API read their figures.
func (a *App) Data() figures.Data {
	return figures.Data{National: a.National, Reports: a.Submissions}
}
