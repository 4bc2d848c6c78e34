package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/engines"
)

// envPrefix starts every flag's environment variable: --max-upload-mb is
// KLIMATRAPPORT_MAX_UPLOAD_MB.
const envPrefix = "KLIMATRAPPORT"

// envName is the environment variable of a flag.
func envName(flagName string) string {
	return envPrefix + "_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// cmdFlags are one command's flags, and the name its messages start with.
type cmdFlags struct {
	*flag.FlagSet
	e     *env
	usage func() // the command's help: synopsis and every flag
}

// newFlags returns the flag set of `klimatrapport name`; its help shows
// synopsis and the flags.
func newFlags(e *env, name, synopsis string) *cmdFlags {
	c := &cmdFlags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), e: e}
	c.usage = func() {
		fmt.Fprintf(e.stderr, "Usage: klimatrapport %s %s\n\nFlags (each also read from the environment variable shown):\n", name, synopsis)
		c.PrintDefaults()
	}
	return c
}

// parse reads the flags from args and, for each flag not given there, from
// its environment variable. It returns false with the exit status when the
// command should stop: help asked for (0) or a usage error (2).
func (c *cmdFlags) parse(args []string) (int, bool) {
	c.VisitAll(func(f *flag.Flag) { f.Usage += " (env " + envName(f.Name) + ")" })
	// The flag package would print its error and the usage itself; this
	// prints both, in that order, for the command line and the environment.
	c.Usage = func() {}
	c.SetOutput(io.Discard)
	err := ff.Parse(c.FlagSet, args, ff.WithEnvVarPrefix(envPrefix))
	c.SetOutput(c.e.stderr)
	switch {
	case err == nil:
		return exitOK, true
	case errors.Is(err, flag.ErrHelp):
		c.usage()
		return exitOK, false
	}
	if inner := errors.Unwrap(err); inner != nil {
		err = inner
	}
	return c.usageError("%v", err), false
}

// parseWithArg is parse for commands that take one argument (a file, a
// member's code), before or after the flags. The argument is "" when
// there is none; more than one is a usage error.
func (c *cmdFlags) parseWithArg(args []string) (string, int, bool) {
	var arg string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		arg, args = args[0], args[1:]
	}
	if code, ok := c.parse(args); !ok {
		return "", code, false
	}
	rest := c.Args()
	if arg == "" && len(rest) > 0 {
		arg, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		return "", c.usageError("unexpected argument %q", rest[0]), false
	}
	return arg, exitOK, true
}

// usageError reports a usage error with the command's help: exit 2.
func (c *cmdFlags) usageError(format string, a ...any) int {
	fmt.Fprintf(c.e.stderr, "klimatrapport %s: %s\n", c.Name(), fmt.Sprintf(format, a...))
	c.usage()
	return exitUsage
}

// failed reports an error that is not the user's input: the detail on
// stderr, exit 1.
func (c *cmdFlags) failed(err error) int {
	fmt.Fprintf(c.e.stderr, "klimatrapport %s: %v\n", c.Name(), err)
	return exitRejected
}

// rejected reports an error with a message for people: the message on
// stdout, the detail on stderr, exit 1.
func (c *cmdFlags) rejected(err error) int {
	fmt.Fprintln(c.e.stdout, kr.MessageOf(err))
	return c.failed(err)
}

// required reports a usage error when value is empty.
func (c *cmdFlags) required(value, what string) (int, bool) {
	if value != "" {
		return exitOK, true
	}
	return c.usageError("%s is required", what), false
}

// database is the --db flag and the cluster migrations run on.
type database struct {
	dsn     string
	cluster string
	pools   engines.Pools // on a ClickHouse server; zero limits: the defaults
}

// dbFlag defines --db.
func (c *cmdFlags) dbFlag() *database {
	d := &database{cluster: os.Getenv(envName("cluster"))} // for commands without --cluster
	c.StringVar(&d.dsn, "db", engines.DefaultDSN,
		"database: chdb://PATH (embedded ClickHouse, data in PATH) or clickhouse://USER:PASS@HOST:9000/DATABASE")
	return d
}

// clusterFlag defines --cluster into d.
func (c *cmdFlags) clusterFlag(d *database) {
	c.StringVar(&d.cluster, "cluster", "",
		"ClickHouse cluster (a remote_servers name) to create the tables on, ON CLUSTER with replicated engines; empty: one server")
}

// poolFlags defines --db-request-conns and --db-background-conns into d.
func (c *cmdFlags) poolFlags(d *database) {
	def := engines.DefaultPools()
	c.IntVar(&d.pools.Requests, "db-request-conns", def.Requests,
		"on a ClickHouse server, connections kept for requests (sign-in, sessions, portal and API reads)")
	c.IntVar(&d.pools.Background, "db-background-conns", def.Background,
		"on a ClickHouse server, connections for background work (uploads, imports, the snapshot builder, the janitor)")
}

// sessionCacheFlag defines --session-cache; its value is what
// app.Options.SessionCache takes.
func (c *cmdFlags) sessionCacheFlag() func() time.Duration {
	d := c.Duration("session-cache", accounts.DefaultCacheTTL,
		"how long a validated session or API token is kept in memory (a sign-out in another instance is seen within it); 0: not kept")
	return func() time.Duration {
		if *d <= 0 {
			return -1
		}
		return *d
	}
}

// proxyList is --trusted-proxies: IP addresses and CIDR networks,
// separated by commas.
type proxyList []string

func (p *proxyList) String() string { return strings.Join(*p, ",") }

func (p *proxyList) Set(s string) error {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			if _, err := netip.ParsePrefix(f); err != nil {
				return fmt.Errorf("%q is neither an IP address nor a CIDR network", f)
			}
		} else if a.Zone() != "" {
			return fmt.Errorf("%q: an address with a zone is not accepted", f)
		}
		out = append(out, f)
	}
	*p = out
	return nil
}

// trustedProxiesFlag defines --trusted-proxies.
func (c *cmdFlags) trustedProxiesFlag() *proxyList {
	p := &proxyList{}
	c.Var(p, "trusted-proxies", "proxies whose X-Forwarded-For names the client: IP addresses or CIDR `networks` separated by commas "+
		"(e.g. 10.0.0.0/8); empty: none, the client is the connection's peer")
	return p
}

// metricsTokenFlag defines --metrics-token.
func (c *cmdFlags) metricsTokenFlag() *string {
	return c.String("metrics-token", "", "bearer token that /metrics requires (Authorization: Bearer TOKEN); empty: /metrics is open")
}

// open opens and migrates the database.
func (d *database) open(ctx context.Context, e *env) (storage.DB, error) {
	db, err := engines.OpenPools(ctx, d.dsn, "", d.pools)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, e, db, d.cluster); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// withApp opens and migrates the database, wires the services over it and
// runs f; a database that cannot be opened is exit 1.
func (c *cmdFlags) withApp(ctx context.Context, d *database, o app.Options, f func(*app.App) int) int {
	db, err := d.open(ctx, c.e)
	if err != nil {
		return c.failed(err)
	}
	defer db.Close()
	return f(app.New(db, o))
}

// subcommands are the commands under one command (members add, …).
type subcommands struct {
	name  string // the command: "members"
	usage string // its help, listing the subcommands
	run   map[string]func(ctx context.Context, e *env, args []string) int
}

// dispatch runs the subcommand args[0]; none, help or an unknown one
// shows the usage.
func (s subcommands) dispatch(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 {
		if run, ok := s.run[args[0]]; ok {
			return run(ctx, e, args[1:])
		}
		if isHelp(args[0]) {
			fmt.Fprint(e.stderr, s.usage)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "klimatrapport %s: unknown command %q\n\n", s.name, args[0])
	}
	fmt.Fprint(e.stderr, s.usage)
	return exitUsage
}
