package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
)

func init() {
	register(command{"accounts", "manage accounts: add, list, disable, enable, link, token, revoke", cmdAccounts})
}

func cmdAccounts(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, `Usage:
  klimatrapport accounts add --email E --role officer|reviewer|admin [--municipality CODE] [--password-stdin]
  klimatrapport accounts list
  klimatrapport accounts disable|enable --email E
  klimatrapport accounts link --email E          # a new one-time set-password link
  klimatrapport accounts token --email E [--name NAME]   # a new API token, shown once
  klimatrapport accounts revoke --token-id ID`)
		return exitUsage
	}
	sub, args := args[0], args[1:]
	fs := flags("accounts "+sub, "[flags]", e)
	var dsn, email, role, code, name, tokenID, baseURL string
	var passwordStdin, asJSON bool
	dbFlag(fs, &dsn)
	stringFlag(fs, &baseURL, "base-url", "http://localhost:8080", "the service's address, for set-password links")
	switch sub {
	case "add":
		fs.StringVar(&email, "email", "", "the account's e-mail address")
		fs.StringVar(&role, "role", "", "officer, reviewer or admin")
		fs.StringVar(&code, "municipality", "", "officers: the municipality (or region) they report for")
		fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input (else print a set-password link)")
	case "disable", "enable", "link":
		fs.StringVar(&email, "email", "", "the account's e-mail address")
	case "token":
		fs.StringVar(&email, "email", "", "the account's e-mail address")
		fs.StringVar(&name, "name", "api", "what the token is for")
	case "revoke":
		fs.StringVar(&tokenID, "token-id", "", "the token's id")
	case "list":
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	default:
		fmt.Fprintf(e.stderr, "klimatrapport accounts: unknown subcommand %q\n", sub)
		return exitUsage
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if email == "" && (sub != "list" && sub != "revoke") {
		fmt.Fprintln(e.stderr, "klimatrapport accounts: --email is required")
		return exitUsage
	}
	db, err := openDB(ctx, e, dsn)
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport accounts: %v\n", err)
		return exitRejected
	}
	defer db.Close()
	store := &accounts.Store{DB: db}
	fail := func(err error) int {
		fmt.Fprintln(e.stdout, kr.MessageOf(err))
		fmt.Fprintf(e.stderr, "klimatrapport accounts %s: %v\n", sub, err)
		return exitRejected
	}
	find := func() (accounts.Account, error) {
		a, ok, err := store.ByEmail(ctx, email)
		if err == nil && !ok {
			err = kr.E(kr.NotFound, "Det finns inget konto för %s.", email)
		}
		return a, err
	}
	printLink := func(a accounts.Account) int {
		secret, err := store.NewPasswordLink(ctx, a.ID)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(e.stdout, "Engångslänk för att välja lösenord (gäller %d timmar):\n%s/losenord?nyckel=%s\n",
			int(accounts.PasswordLinkLifetime.Hours()), strings.TrimRight(baseURL, "/"), secret)
		return exitOK
	}
	switch sub {
	case "add":
		password := ""
		if passwordStdin {
			line, err := bufio.NewReader(e.stdin).ReadString('\n')
			if err != nil && line == "" {
				return fail(kr.E(kr.Invalid, "Inget lösenord på standard input."))
			}
			password = strings.TrimRight(line, "\r\n")
			if password == "" {
				return fail(kr.E(kr.Invalid, "Lösenordet är tomt."))
			}
		}
		a, err := store.Create(ctx, kr.System, email, kr.Role(role), code, password)
		if err != nil {
			return fail(err)
		}
		store.Audit(ctx, kr.System, "accounts add", a.Email, "cli", "", "role="+string(a.Role))
		fmt.Fprintf(e.stdout, "Kontot %s (%s) är skapat.\n", a.Email, a.Role)
		if !passwordStdin {
			return printLink(a)
		}
	case "list":
		list, err := store.List(ctx)
		if err != nil {
			return fail(err)
		}
		if asJSON {
			json.NewEncoder(e.stdout).Encode(list)
			return exitOK
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "E-post\tRoll\tKommun\tAvstängt")
		for _, a := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\n", a.Email, a.Role, a.Municipality, a.Disabled)
		}
		tw.Flush()
	case "disable", "enable":
		a, err := find()
		if err != nil {
			return fail(err)
		}
		if _, err := store.SetDisabled(ctx, kr.System, a.ID, sub == "disable"); err != nil {
			return fail(err)
		}
		store.Audit(ctx, kr.System, "accounts "+sub, a.Email, "cli", "", "")
		fmt.Fprintf(e.stdout, "Kontot %s är %s.\n", a.Email, map[string]string{"disable": "avstängt", "enable": "aktivt"}[sub])
	case "link":
		a, err := find()
		if err != nil {
			return fail(err)
		}
		return printLink(a)
	case "token":
		a, err := find()
		if err != nil {
			return fail(err)
		}
		tok, secret, err := store.CreateToken(ctx, kr.System, a.ID, name)
		if err != nil {
			return fail(err)
		}
		store.Audit(ctx, kr.System, "accounts token", a.Email, "cli", "", "token="+tok.ID)
		fmt.Fprintf(e.stdout, "API-nyckel %s för %s (visas bara nu):\n%s\n", tok.ID, a.Email, secret)
	case "revoke":
		if err := store.RevokeToken(ctx, tokenID); err != nil {
			return fail(err)
		}
		store.Audit(ctx, kr.System, "accounts revoke", tokenID, "cli", "", "")
		fmt.Fprintln(e.stdout, "Nyckeln är återkallad.")
	}
	return exitOK
}
