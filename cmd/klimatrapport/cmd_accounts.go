package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
)

var accountsCommands = subcommands{name: "accounts", usage: `Usage:
  klimatrapport accounts add --email E --role officer|reviewer|admin [--municipality CODE] [--password-stdin]
  klimatrapport accounts list
  klimatrapport accounts disable|enable --email E
  klimatrapport accounts link --email E          # a new one-time set-password link
  klimatrapport accounts token --email E [--name NAME] [--expires 90d|720h|2026-12-31]   # a new API token, shown once
  klimatrapport accounts revoke --token-id ID
`, run: map[string]func(context.Context, *env, []string) int{
	"add":  accountsAdd,
	"list": accountsList,
	"disable": func(ctx context.Context, e *env, args []string) int {
		return accountsSetDisabled(ctx, e, "disable", args)
	},
	"enable": func(ctx context.Context, e *env, args []string) int {
		return accountsSetDisabled(ctx, e, "enable", args)
	},
	"link":   accountsLink,
	"token":  accountsToken,
	"revoke": accountsRevoke,
}}

// accountsCmd is what every accounts subcommand shares: its flags with
// --db and --base-url, and --email for those that name an account.
type accountsCmd struct {
	fs      *cmdFlags
	db      *database
	baseURL *string
	email   *string
}

func newAccountsCmd(e *env, sub string, withEmail bool) *accountsCmd {
	fs := newFlags(e, "accounts "+sub, "[flags]")
	c := &accountsCmd{fs: fs, db: fs.dbFlag(),
		baseURL: fs.String("base-url", "http://localhost:8080", "the service's address, for set-password links")}
	if withEmail {
		c.email = fs.String("email", "", "the account's e-mail address")
	}
	return c
}

// run parses args and runs f with the accounts store.
func (c *accountsCmd) run(ctx context.Context, args []string, f func(store *accounts.Store) int) int {
	if code, ok := c.fs.parse(args); !ok {
		return code
	}
	if c.email != nil && *c.email == "" {
		fmt.Fprintln(c.fs.e.stderr, "klimatrapport accounts: --email is required")
		return exitUsage
	}
	return c.fs.withApp(ctx, c.db, app.Options{}, func(a *app.App) int { return f(a.Accounts) })
}

// find returns the account named by --email.
func (c *accountsCmd) find(ctx context.Context, store *accounts.Store) (accounts.Account, error) {
	a, ok, err := store.ByEmail(ctx, *c.email)
	if err == nil && !ok {
		err = kr.E(kr.NotFound, "Det finns inget konto för %s.", *c.email)
	}
	return a, err
}

// printLink prints a new one-time set-password link for a.
func (c *accountsCmd) printLink(ctx context.Context, store *accounts.Store, a accounts.Account) int {
	secret, err := store.NewPasswordLink(ctx, kr.System(), a.ID)
	if err != nil {
		return c.fs.rejected(err)
	}
	fmt.Fprintf(c.fs.e.stdout, "Engångslänk för att välja lösenord (gäller %d timmar):\n%s/losenord?nyckel=%s\n",
		int(accounts.PasswordLinkLifetime.Hours()), strings.TrimRight(*c.baseURL, "/"), secret)
	return exitOK
}

func accountsAdd(ctx context.Context, e *env, args []string) int {
	c := newAccountsCmd(e, "add", true)
	role := c.fs.String("role", "", "officer, reviewer or admin")
	code := c.fs.String("municipality", "", "officers: the municipality (or region) they report for")
	passwordStdin := c.fs.Bool("password-stdin", false, "read the password from standard input (else print a set-password link)")
	return c.run(ctx, args, func(store *accounts.Store) int {
		password := ""
		if *passwordStdin {
			line, err := bufio.NewReader(e.stdin).ReadString('\n')
			if err != nil && line == "" {
				return c.fs.rejected(kr.E(kr.Invalid, "Inget lösenord på standard input."))
			}
			if password = strings.TrimRight(line, "\r\n"); password == "" {
				return c.fs.rejected(kr.E(kr.Invalid, "Lösenordet är tomt."))
			}
		}
		a, err := store.Create(ctx, kr.System(), *c.email, kr.Role(*role), *code, password)
		if err != nil {
			return c.fs.rejected(err)
		}
		store.Audit(ctx, kr.System(), "accounts add", a.Email, "cli", "", "role="+string(a.Role))
		fmt.Fprintf(e.stdout, "Kontot %s (%s) är skapat.\n", a.Email, a.Role)
		if !*passwordStdin {
			return c.printLink(ctx, store, a)
		}
		return exitOK
	})
}

func accountsList(ctx context.Context, e *env, args []string) int {
	c := newAccountsCmd(e, "list", false)
	asJSON := c.fs.Bool("json", false, "print JSON")
	return c.run(ctx, args, func(store *accounts.Store) int {
		list, err := store.List(ctx)
		if err != nil {
			return c.fs.rejected(err)
		}
		if *asJSON {
			json.NewEncoder(e.stdout).Encode(list)
			return exitOK
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "E-post\tRoll\tKommun\tAvstängt")
		for _, a := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\n", a.Email, a.Role, a.Municipality, a.Disabled)
		}
		tw.Flush()
		return exitOK
	})
}

// accountsSetDisabled is disable and enable.
func accountsSetDisabled(ctx context.Context, e *env, sub string, args []string) int {
	c := newAccountsCmd(e, sub, true)
	return c.run(ctx, args, func(store *accounts.Store) int {
		a, err := c.find(ctx, store)
		if err != nil {
			return c.fs.rejected(err)
		}
		if _, err := store.SetDisabled(ctx, kr.System(), a.ID, sub == "disable"); err != nil {
			return c.fs.rejected(err)
		}
		store.Audit(ctx, kr.System(), "accounts "+sub, a.Email, "cli", "", "")
		state := map[string]string{"disable": "avstängt", "enable": "aktivt"}[sub]
		fmt.Fprintf(e.stdout, "Kontot %s är %s.\n", a.Email, state)
		return exitOK
	})
}

func accountsLink(ctx context.Context, e *env, args []string) int {
	c := newAccountsCmd(e, "link", true)
	return c.run(ctx, args, func(store *accounts.Store) int {
		a, err := c.find(ctx, store)
		if err != nil {
			return c.fs.rejected(err)
		}
		return c.printLink(ctx, store, a)
	})
}

func accountsToken(ctx context.Context, e *env, args []string) int {
	c := newAccountsCmd(e, "token", true)
	name := c.fs.String("name", "api", "what the token is for")
	expiresIn := c.fs.String("expires", "", "when the token stops working: days (90d), a duration (720h) or the last day (2026-12-31, UTC); empty: never")
	return c.run(ctx, args, func(store *accounts.Store) int {
		expires, err := parseExpiry(*expiresIn, time.Now())
		if err != nil {
			return c.fs.usageError("--expires: %v", err)
		}
		a, err := c.find(ctx, store)
		if err != nil {
			return c.fs.rejected(err)
		}
		tok, secret, err := store.CreateToken(ctx, kr.System(), a.ID, *name, expires)
		if err != nil {
			return c.fs.rejected(err)
		}
		details := "token=" + tok.ID
		if !tok.Expires.IsZero() {
			details += " expires=" + tok.Expires.Format(time.RFC3339)
		}
		store.Audit(ctx, kr.System(), "accounts token", a.Email, "cli", "", details)
		fmt.Fprintf(e.stdout, "API-nyckel %s för %s (visas bara nu):\n%s\n", tok.ID, a.Email, secret)
		if !tok.Expires.IsZero() {
			fmt.Fprintf(e.stdout, "Gäller till %s.\n", tok.Expires.Format("2006-01-02 15:04 UTC"))
		}
		return exitOK
	})
}

// parseExpiry reads --expires: a number of days ("90d"), a Go duration
// ("720h") or the token's last day ("2026-12-31": it works through that
// day, UTC). Empty means no expiry (the zero time).
func parseExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if day, err := time.Parse(time.DateOnly, s); err == nil {
		return day.AddDate(0, 0, 1), nil
	}
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 || days > 100*366 {
			return time.Time{}, fmt.Errorf("%q is not a number of days (e.g. 90d)", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d <= 0 {
			return time.Time{}, fmt.Errorf("%q is neither days (90d), a duration (720h) nor a date (2026-12-31)", s)
		}
	}
	return now.Add(d), nil
}

func accountsRevoke(ctx context.Context, e *env, args []string) int {
	c := newAccountsCmd(e, "revoke", false)
	tokenID := c.fs.String("token-id", "", "the token's id")
	return c.run(ctx, args, func(store *accounts.Store) int {
		if err := store.RevokeToken(ctx, kr.System(), *tokenID); err != nil {
			return c.fs.rejected(err)
		}
		store.Audit(ctx, kr.System(), "accounts revoke", *tokenID, "cli", "", "")
		fmt.Fprintln(e.stdout, "Nyckeln är återkallad.")
		return exitOK
	})
}
