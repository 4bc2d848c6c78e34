package main

import (
	"context"
	"strings"
	"testing"
)

// runHere runs the command line in this process.
func runHere(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := run(context.Background(), args, &env{stdout: &out, stderr: &errOut})
	return code, out.String(), errOut.String()
}

// everyCommand is each command and subcommand, as typed.
var everyCommand = [][]string{
	{"serve"}, {"migrate"}, {"template"}, {"ingest"}, {"compliance"}, {"copy"}, {"backup"}, {"restore"}, {"version"}, {"remind"},
	{"import", "smhi"}, {"import", "municipalities"}, {"import", "population"},
	{"members", "add"}, {"members", "update"}, {"members", "end"}, {"members", "list"}, {"members", "show"},
	{"accounts", "add"}, {"accounts", "list"}, {"accounts", "disable"}, {"accounts", "enable"},
	{"accounts", "link"}, {"accounts", "token"}, {"accounts", "revoke"},
}

// TestHelp: every command's --help exits 0 and names every flag with its
// environment variable; commands with subcommands list them.
func TestHelp(t *testing.T) {
	for _, c := range everyCommand {
		if c[0] == "version" {
			continue
		}
		code, out, errs := runHere(t, append(c, "--help")...)
		if code != exitOK || out != "" || !strings.Contains(errs, "Usage") {
			t.Errorf("%v --help: exit %d, stdout %q, stderr %q", c, code, out, errs)
			continue
		}
		if c[0] != "copy" && !strings.Contains(errs, "-db string") {
			t.Errorf("%v --help does not show --db:\n%s", c, errs)
		}
		for _, line := range strings.Split(errs, "\n") {
			if name, ok := strings.CutPrefix(strings.TrimSpace(line), "-"); ok && strings.HasPrefix(line, "  -") {
				name, _, _ = strings.Cut(name, " ")
				if !strings.Contains(errs, "(env "+envName(name)+")") {
					t.Errorf("%v --help: --%s shows no environment variable", c, name)
				}
			}
		}
	}
	for _, c := range []string{"members", "accounts", "import"} {
		if code, _, errs := runHere(t, c, "--help"); code != exitOK || !strings.Contains(errs, "klimatrapport "+c+" ") {
			t.Errorf("%s --help: exit %d\n%s", c, code, errs)
		}
		if code, _, _ := runHere(t, c); code != exitUsage {
			t.Errorf("%s without a subcommand: exit %d, want %d", c, code, exitUsage)
		}
		if code, _, errs := runHere(t, c, "nonsense"); code != exitUsage || !strings.Contains(errs, `"nonsense"`) {
			t.Errorf("%s nonsense: exit %d\n%s", c, code, errs)
		}
	}
	code, out, _ := runHere(t, "help")
	for _, c := range commands {
		if code != exitOK || !strings.Contains(out, "  "+c.name+" ") {
			t.Errorf("help does not list %s:\n%s", c.name, out)
		}
	}
}

// TestFlagsFromEnvironment: a flag's environment variable sets it unless
// the command line does, a bad value is a usage error, and an explicit
// empty value on the command line stays empty.
func TestFlagsFromEnvironment(t *testing.T) {
	define := func() (*cmdFlags, *database, *bool, func() int) {
		fs := newFlags(&env{stdout: &strings.Builder{}, stderr: &strings.Builder{}}, "test", "")
		d := fs.dbFlag()
		fs.clusterFlag(d)
		upload := fs.uploadFlags()
		return fs, d, fs.Bool("json", false, "json"), func() int { return upload().MaxUploadMB }
	}
	t.Setenv("KLIMATRAPPORT_DB", "clickhouse://env/db")
	t.Setenv("KLIMATRAPPORT_CLUSTER", "envcluster")
	t.Setenv("KLIMATRAPPORT_JSON", "true")
	t.Setenv("KLIMATRAPPORT_MAX_UPLOAD_MB", "7")

	fs, d, asJSON, maxMB := define()
	if _, ok := fs.parse(nil); !ok || d.dsn != "clickhouse://env/db" || d.cluster != "envcluster" || !*asJSON || maxMB() != 7 {
		t.Errorf("from the environment: %+v json=%v max=%d", d, *asJSON, maxMB())
	}
	fs, d, asJSON, maxMB = define()
	if _, ok := fs.parse([]string{"--db", "chdb://x", "--cluster=", "--json=false", "--max-upload-mb", "3"}); !ok ||
		d.dsn != "chdb://x" || d.cluster != "" || *asJSON || maxMB() != 3 || fs.NArg() != 0 {
		t.Errorf("the command line over the environment: %+v json=%v max=%d args=%v", d, *asJSON, maxMB(), fs.Args())
	}
	t.Setenv("KLIMATRAPPORT_MAX_UPLOAD_MB", "viel")
	fs, _, _, _ = define()
	if code, ok := fs.parse(nil); ok || code != exitUsage {
		t.Errorf("a bad environment value: exit %d, ok %v", code, ok)
	}
	// Commands without --cluster still migrate on the environment's cluster.
	fs = newFlags(&env{stdout: &strings.Builder{}, stderr: &strings.Builder{}}, "test", "")
	if d := fs.dbFlag(); d.cluster != "envcluster" {
		t.Errorf("cluster without the flag: %q", d.cluster)
	}
}

// TestOneArgument: a file or code may come before or after the flags; a
// second one is a usage error.
func TestOneArgument(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
		ok   bool
	}{
		{[]string{"f.xlsx", "--json"}, "f.xlsx", true},
		{[]string{"--json", "f.xlsx"}, "f.xlsx", true},
		{[]string{"--json"}, "", true},
		{[]string{"a.xlsx", "b.xlsx"}, "", false},
		{[]string{"a.xlsx", "--json", "b.xlsx"}, "", false},
	} {
		fs := newFlags(&env{stdout: &strings.Builder{}, stderr: &strings.Builder{}}, "test", "")
		fs.Bool("json", false, "json")
		got, code, ok := fs.parseWithArg(c.args)
		if got != c.want || ok != c.ok || (!ok && code != exitUsage) {
			t.Errorf("%v: %q, exit %d, ok %v", c.args, got, code, ok)
		}
	}
}
