// Command klimatrapport is the whole service: the web server, the command
// line for imports and exports, and database administration.
//
// This package owns the command line: the table of commands, their flags
// and environment variables, exit statuses and what each command prints.
// Every setting is a flag with an environment variable of the same name
// (--db ↔ KLIMATRAPPORT_DB). The services themselves are wired in
// internal/app. Run `klimatrapport help` for the commands.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit statuses: the same for every command.
const (
	exitOK       = 0
	exitRejected = 1 // rejected input or a failure; the report is on stdout
	exitUsage    = 2
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

// commands are every subcommand, in the order help lists them.
var commands = []command{
	{"accounts", "manage accounts: add, list, disable, enable, link, token, revoke", accountsCommands.dispatch},
	{"backup", "write every table to a directory (engine-independent, with checksums)", cmdBackup},
	{"compliance", "evaluate the membership obligations of a year: table, json or the board's xlsx", cmdCompliance},
	{"copy", "copy every table to another database (chdb:// → clickhouse://) and verify it", cmdCopy},
	{"import", "load national data: smhi FILE|--url URL|--from-smhi, municipalities FILE.csv, population FILE.xlsx|--from-scb", importCommands.dispatch},
	{"ingest", "validate and store a filled-in workbook; prints the report", cmdIngest},
	{"members", "the members register: add, update, end, list, show", membersCommands.dispatch},
	{"migrate", "create or update the database tables", cmdMigrate},
	{"remind", "e-mail the deadline reminders due for a year (--dry-run: print them)", cmdRemind},
	{"restore", "load a backup into an empty database and verify it", cmdRestore},
	{"serve", "run the web service (pages, API) — migrates first", cmdServe},
	{"template", "write the Excel template, optionally pre-filled with a municipality's data", cmdTemplate},
	{"version", "print the version", cmdVersion},
}

// env is what every command gets: its output streams and a logger.
type env struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	log            *slog.Logger
}

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
	if len(args) == 0 || isHelp(args[0]) {
		usage(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "klimatrapport: okänt kommando %q\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "--help"
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `klimatrapport %s — emissions reporting for Klimatkommunerna

Usage: klimatrapport COMMAND [flags]

Commands:
`, versionString())
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "klimatrapport COMMAND --help" for a command's flags. Every flag can also
be set by an environment variable: --db is KLIMATRAPPORT_DB, --addr is
KLIMATRAPPORT_ADDR, and so on.

Exit status: 0 success, 1 rejected input (report on stdout), 2 usage error.
`)
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
