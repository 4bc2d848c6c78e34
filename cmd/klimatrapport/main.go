// Command klimatrapport is the whole service: the web server, the command
// line for imports and exports, and database administration.
//
// Every setting is a flag with an environment variable of the same name
// (--db ↔ KLIMATRAPPORT_DB). Run `klimatrapport help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/engines"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit statuses (CONTRACT.md).
const (
	exitOK       = 0
	exitRejected = 1 // rejected input; the report is on stdout
	exitUsage    = 2
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) int
}

// env is what every command gets: its output streams and a logger.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	log            *slog.Logger
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin})
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, e *env) int {
	if e.log == nil {
		e.log = newLogger(e.stderr, os.Getenv("KLIMATRAPPORT_LOG_FORMAT"), os.Getenv("KLIMATRAPPORT_LOG_LEVEL"))
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "klimatrapport: okänt kommando %q\n\n", args[0])
		usage(e.stderr)
		return exitUsage
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `klimatrapport %s — emissions reporting for Klimatkommunerna

Usage: klimatrapport COMMAND [flags]

Commands:
`, versionString())
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run "klimatrapport COMMAND --help" for a command's flags. Every flag can also
be set by an environment variable: --db is KLIMATRAPPORT_DB, --addr is
KLIMATRAPPORT_ADDR, and so on.

Exit status: 0 success, 1 rejected input (report on stdout), 2 usage error.
`)
}

// flags returns a FlagSet whose usage names the command.
func flags(name, synopsis string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: klimatrapport %s %s\n\nFlags (each also read from the environment variable shown):\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// envName is the environment variable for a flag: --max-upload-mb ↔
// KLIMATRAPPORT_MAX_UPLOAD_MB.
func envName(flagName string) string {
	return "KLIMATRAPPORT_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// stringFlag defines a string flag defaulting to its environment variable.
func stringFlag(fs *flag.FlagSet, p *string, name, def, help string) {
	if v, ok := os.LookupEnv(envName(name)); ok {
		def = v
	}
	fs.StringVar(p, name, def, help+" (env "+envName(name)+")")
}

// durationFlag defines a duration flag defaulting to its environment variable.
func durationFlag(fs *flag.FlagSet, p *time.Duration, name string, def time.Duration, help string) {
	if v, ok := os.LookupEnv(envName(name)); ok {
		if d, err := time.ParseDuration(v); err == nil {
			def = d
		}
	}
	fs.DurationVar(p, name, def, help+" (env "+envName(name)+")")
}

// dbFlag defines --db.
func dbFlag(fs *flag.FlagSet, p *string) {
	stringFlag(fs, p, "db", engines.DefaultDSN,
		"database: chdb://PATH (embedded ClickHouse, data in PATH) or clickhouse://USER:PASS@HOST:9000/DATABASE")
}

// parse parses flags; it returns false with the exit status when the
// command should stop (help asked for, or a usage error).
func parse(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return 0, true
}

func newLogger(w io.Writer, format, level string) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lvl}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func versionString() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	return v
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, e *env, dsn string) (storage.DB, error) {
	db, err := engines.Open(ctx, dsn, "")
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, e, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
