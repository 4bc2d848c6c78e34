package main

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"time"

	"github.com/klimatkommunerna/klimatrapport/schema"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/chdb"
	"github.com/klimatkommunerna/klimatrapport/storage/engines"
	"github.com/klimatkommunerna/klimatrapport/web"
)

func init() {
	register(command{"serve", "run the web service (pages, API) — migrates first", cmdServe})
	register(command{"migrate", "create or update the database tables", cmdMigrate})
	register(command{"version", "print the version", cmdVersion})
}

func cmdVersion(ctx context.Context, e *env, args []string) int {
	fmt.Fprintf(e.stdout, "klimatrapport %s %s, libchdb %s (pinned)\n", versionString(), runtime.Version(), chdb.LibVersion)
	return exitOK
}

func migrate(ctx context.Context, e *env, db storage.DB) error {
	n, err := schema.MigrateWith(ctx, db, schema.Options{Cluster: clusterName})
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
	fs := flags("migrate", "[--db DSN] [--cluster NAME]", e)
	var dsn string
	dbFlag(fs, &dsn)
	clusterFlag(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	db, err := openDB(ctx, e, dsn)
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport migrate: %v\n", err)
		return exitRejected
	}
	db.Close()
	return exitOK
}

func cmdServe(ctx context.Context, e *env, args []string) int {
	fs := flags("serve", "[--addr :8080] [--db DSN] [--cluster NAME]", e)
	var dsn, addr, tokens, rulesPath string
	var shutdown time.Duration
	var maxUploadMB int
	dbFlag(fs, &dsn)
	clusterFlag(fs)
	stringFlag(fs, &addr, "addr", ":8080", "address to listen on")
	durationFlag(fs, &shutdown, "shutdown-timeout", 20*time.Second, "how long in-flight requests may take to finish on shutdown")
	stringFlag(fs, &tokens, "api-tokens", "", "bearer tokens for the API, TOKEN:ROLE[:CODE] separated by commas (e.g. s3cret…:admin)")
	maxUploadFlag(fs, &maxUploadMB)
	rulesFlag(fs, &rulesPath)
	var cleanupAfter time.Duration
	durationFlag(fs, &cleanupAfter, "cleanup-after", time.Hour,
		"remove leftovers of uploads interrupted by a crash once they are this old (another instance may still be writing younger ones)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	rules, ok := loadRules(e, "serve", rulesPath)
	if !ok {
		return exitUsage
	}
	auth, err := web.ParseStaticTokens(tokens)
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport serve: --api-tokens: %v\n", err)
		return exitUsage
	}
	e.log.Info("opening database", "dsn", engines.Redact(dsn))
	db, err := openDB(ctx, e, dsn)
	if err != nil {
		e.log.Error("cannot open the database", "err", err)
		return exitRejected
	}
	defer db.Close()
	a := newApp(db, maxUploadMB)
	a.compliance.Rules = rules
	srv := a.server(web.Config{Addr: addr, ShutdownTimeout: shutdown, Version: versionString()}, auth, e.log)
	go a.janitor(ctx, e, cleanupAfter)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		e.log.Error("cannot listen", "addr", addr, "err", err)
		return exitRejected
	}
	if err := srv.Run(ctx, ln); err != nil {
		e.log.Error("server stopped", "err", err)
		return exitRejected
	}
	e.log.Info("stopped")
	return exitOK
}
