package main

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/membertest"
	"github.com/klimatkommunerna/klimatrapport/schema"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/chdb"
	"github.com/klimatkommunerna/klimatrapport/storage/engines"
	"github.com/klimatkommunerna/klimatrapport/web"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

func cmdVersion(ctx context.Context, e *env, args []string) int {
	fmt.Fprintf(e.stdout, "klimatrapport %s %s, libchdb %s (pinned)\n", versionString(), runtime.Version(), chdb.LibVersion())
	return exitOK
}

// migrate applies the migrations, ON CLUSTER cluster when it is set.
func migrate(ctx context.Context, e *env, db storage.DB, cluster string) error {
	n, err := schema.MigrateWith(ctx, db, schema.Options{Cluster: cluster})
	if err != nil {
		return err
	}
	v, err := schema.Version(ctx, db)
	if err != nil {
		return err
	}
	e.log.Info("schema up to date", "applied", n, "version", v, "engine", db.Engine(), "database", db.Database())
	return nil
}

func cmdMigrate(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "migrate", "[--db DSN] [--cluster NAME]")
	db := fs.dbFlag()
	fs.clusterFlag(db)
	if code, ok := fs.parse(args); !ok {
		return code
	}
	return fs.withApp(ctx, db, app.Options{}, func(*app.App) int { return exitOK })
}

// uploadFlags defines --max-upload-mb and --max-unpacked-mb, the limits of
// a workbook on the wire and unpacked; the returned function reads them as
// the wiring's options.
func (c *cmdFlags) uploadFlags() func() app.Options {
	d := workbook.DefaultLimits()
	upload := c.Int("max-upload-mb", int(d.MaxBytes>>20), "largest workbook accepted, in MB")
	unpacked := c.Int("max-unpacked-mb", int(d.UnzipSizeLimit>>20), "most a workbook may unpack to, in MB (all parts read together)")
	return func() app.Options { return app.Options{MaxUploadMB: *upload, MaxUnpackedMB: *unpacked} }
}

func cmdServe(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "serve", "[--addr :8080] [--db DSN] [--cluster NAME] [--no-reference-data]")
	db := fs.dbFlag()
	fs.clusterFlag(db)
	fs.poolFlags(db)
	sessionCache := fs.sessionCacheFlag()
	openDataDir := fs.String("open-data-dir", "", "where the /oppna-data files are built and kept (a directory of its own); empty: klimatrapport-oppna-data under the OS temp dir")
	addr := fs.String("addr", ":8080", "address to listen on")
	shutdown := fs.Duration("shutdown-timeout", 20*time.Second, "how long in-flight requests may take to finish on shutdown")
	tokens := fs.String("api-tokens", "", "bearer tokens for the API, TOKEN:ROLE[:CODE] separated by commas (e.g. s3cret…:admin)")
	uploadOptions := fs.uploadFlags()
	var rulesPath string
	fs.rulesFlag(&rulesPath)
	memberTest := fs.String("member-test", "", "a questions file (JSON) for the member test at /medlemstest; the built-in questions otherwise")
	observerDays := fs.Int("observer-days", int(members.DefaultObserverPeriod/(24*time.Hour)), "how many days an observer admitted in the review of applications takes part")
	cleanupAfter := fs.Duration("cleanup-after", time.Hour,
		"remove leftovers of uploads interrupted by a crash once they are this old (another instance may still be writing younger ones)")
	proxies := fs.trustedProxiesFlag()
	metricsToken := fs.metricsTokenFlag()
	refresh := fs.Duration("refresh-national", 0, "check SMHI this often (e.g. 24h) and import a new release when there is one; 0: never")
	smhiSource := fs.smhiFlags()
	noReference := fs.referenceFlag()
	mailOpts := fs.mailFlags()
	withDemo := fs.Bool("demo", false, "also register example members with example reports (Exempeldata) once the national data are in")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	smhiFetch, err := smhiSource.fetch(e)
	if err != nil {
		return fs.usageError("--substances: %s", kr.MessageOf(err))
	}
	rules, ok := fs.loadRules(rulesPath)
	if !ok {
		return exitUsage
	}
	if err := mailOpts.check(); err != nil {
		return fs.usageError("%v", err)
	}
	questions := membertest.Default()
	if *memberTest != "" {
		if questions, err = membertest.Load(*memberTest); err != nil {
			return fs.usageError("--member-test: %s", kr.MessageOf(err))
		}
	}
	if *observerDays < 1 || *observerDays > 3660 {
		return fs.usageError("--observer-days must be between 1 and 3660, not %d", *observerDays)
	}
	auth, err := web.ParseStaticTokens(*tokens)
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport serve: --api-tokens: %v\n", err)
		return exitUsage
	}
	e.log.Info("opening database", "dsn", engines.Redact(db.dsn))
	d, err := db.open(ctx, e)
	if err != nil {
		e.log.Error("cannot open the database", "err", err)
		return exitRejected
	}
	defer d.Close()
	o := uploadOptions()
	o.SessionCache = sessionCache()
	o.OpenDataDir = *openDataDir
	a := app.New(d, o)
	defer a.Published.Close() // stops the snapshot builder before the database closes
	defer a.OpenData.Close()  // and a rebuild of the open data files
	a.Published.Log = e.log
	a.Compliance.Rules = rules
	a.MemberTest.Questions = questions
	a.MemberTest.ObserverPeriod = time.Duration(*observerDays) * 24 * time.Hour
	mailOpts.tellApplicants(e, a)
	srv := a.Server(web.Config{ShutdownTimeout: *shutdown, Version: versionString(), TrustedProxies: *proxies,
		MetricsToken: *metricsToken, PublicURL: mailOpts.publicURL}, auth, e.log)
	go janitor(ctx, e, a, *cleanupAfter)
	if *refresh > 0 {
		go refreshNational(ctx, e, a, *refresh, smhiFetch)
	}
	if *withDemo {
		go seedDemo(ctx, e, a)
	}
	mailOpts.schedule(ctx, e, a)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		e.log.Error("cannot listen", "addr", *addr, "err", err)
		return exitRejected
	}
	defer startReference(ctx, e, a, *noReference)() // waits for the import before the builder and the database close
	if err := srv.Run(ctx, ln); err != nil {
		e.log.Error("server stopped", "err", err)
		return exitRejected
	}
	e.log.Info("stopped")
	return exitOK
}
