package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// cliEngines returns a fresh database DSN per engine: embedded always, the
// server when one is configured.
func cliEngines(t *testing.T) map[string]string {
	dsns := map[string]string{"chdb": "chdb://" + filepath.Join(t.TempDir(), "data")}
	if dsn := os.Getenv(storagetest.ServerEnv); dsn != "" {
		dsns["clickhouse"] = dsnFor(dsn, storagetest.NewDatabaseName())
	} else if os.Getenv(storagetest.RequireServerEnv) == "1" {
		t.Fatalf("%s is not set", storagetest.ServerEnv)
	}
	return dsns
}

// completeWorkbook is a report for code and year meeting the inventory,
// goals and plan obligations.
func completeWorkbook(t *testing.T, code string, year int) []byte {
	t.Helper()
	fp := func(v float64) *float64 { return &v }
	rep := &kr.Report{Details: kr.Details{Code: code, ReportYear: year},
		Goals: []kr.Goal{{ID: "M1", Name: "=Halvera", Type: kr.GoalAbsolute, BaseYear: 2020, TargetYear: 2045, ReductionPct: 50,
			DecidedBy: "Kommunfullmäktige", DecidedOn: time.Date(2021, 3, 25, 0, 0, 0, 0, time.UTC)}},
		Plans:    []kr.ActionPlan{{Name: "Klimatplan", Adopted: time.Date(2021, 5, 27, 0, 0, 0, 0, time.UTC), ValidFrom: 2021, ValidTo: 2045}},
		Measures: []kr.Measure{{ID: "Å1", Name: "Laddplatser", Status: kr.MeasureOngoing}},
	}
	for y := year - 6; y <= year-2; y++ {
		for _, s := range kr.MainSectors() {
			rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: fp(1000)})
		}
	}
	var b bytes.Buffer
	if err := workbook.WriteTemplate(&b, workbook.TemplateOptions{Code: code, Year: year, Prefill: rep}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestMembersAndComplianceCommands(t *testing.T) {
	year := time.Now().Year()
	for engine, db := range cliEngines(t) {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			expect := func(want int, contains string, args ...string) string {
				t.Helper()
				code, out, errs := runCLI(t, append(args, "--db", db)...)
				if code != want || !strings.Contains(out+errs, contains) {
					t.Fatalf("%v: exit %d (want %d), want %q in\n%s\n%s", args, code, want, contains, out, errs)
				}
				return out
			}
			// The register.
			expect(0, "1281 är medlem sedan 2015-01-01.", "members", "add", "1281", "--joined", "2015-01-01", "--officer-name", "Anna Andersson", "--officer-email", "anna@lund.se")
			expect(0, "observatör till 2027-02-01", "members", "add", "1280", "--joined", "2026-02-01", "--observer")
			expect(1, "redan medlem sedan 2015-01-01", "members", "add", "1281", "--joined", "2016-01-01")
			expect(1, "varken en kommunkod", "members", "add", "128", "--joined", "2016-01-01")
			expect(1, "ser inte ut som en e-postadress", "members", "add", "0180", "--joined", "2016-01-01", "--officer-email", "anna")
			expect(2, "--joined YYYY-MM-DD is required", "members", "add", "0180")
			expect(2, "--joined must be a date", "members", "add", "0180", "--joined", "igår")
			expect(2, "unknown command", "members", "remove", "0180")
			expect(0, "1281 är uppdaterad.", "members", "update", "1281", "--official-name", "Bertil Berg", "--official-email", "bertil@lund.se")
			expect(1, "0180 är inte medlem", "members", "update", "0180", "--official-name", "X")
			out := expect(0, "", "members", "list", "--json")
			var list []struct {
				Code    string `json:"code"`
				Officer struct{ Email string }
			}
			if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 || list[1].Officer.Email != "anna@lund.se" {
				t.Fatalf("list: %v %s", err, out)
			}
			expect(0, "Historik (2 ändringar)", "members", "show", "1281")
			expect(0, "Bertil Berg <bertil@lund.se>  Anna Andersson <anna@lund.se>", "members", "list")
			expect(0, "politiker Bertil Berg <bertil@lund.se>", "members", "show", "1281")

			// Lund reports.
			wb := filepath.Join(dir, "lund.xlsx")
			if err := os.WriteFile(wb, completeWorkbook(t, "1281", year), 0o600); err != nil {
				t.Fatal(err)
			}
			expect(0, "Filen är mottagen", "ingest", wb)

			// JSON.
			out = expect(0, "", "compliance", "--year", fmt.Sprint(year), "--format", "json")
			var rep struct {
				Members []struct {
					Code        string
					Binding     bool
					Obligations []struct{ Obligation, Status string }
				}
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Members) != 2 {
				t.Fatalf("json: %v\n%s", err, out)
			}
			got := map[string]string{}
			for _, r := range rep.Members[1].Obligations {
				got[r.Obligation] = r.Status
			}
			// Reporting depends on today's date against the deadline.
			if rep.Members[1].Code != "1281" || got["inventory"] != "uppfyllt" || got["goals"] != "uppfyllt" || got["plan"] != "uppfyllt" ||
				(got["reporting"] != "uppfyllt" && got["reporting"] != "försenat") {
				t.Errorf("Lund: %v", got)
			}
			if rep.Members[0].Binding {
				t.Error("the observer is binding")
			}
			// The table, filtered.
			out = expect(0, "Medlemskraven", "compliance", "--year", fmt.Sprint(year), "--municipality", "1281")
			for _, w := range []string{"1281", "Inventering", "uppfyllt", "1 medlemmar, varav 1 bindande"} {
				if !strings.Contains(out, w) {
					t.Errorf("table lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "1280") {
				t.Errorf("--municipality 1281 shows 1280:\n%s", out)
			}
			// The board's workbook.
			xlsx := filepath.Join(dir, "styrelsen.xlsx")
			expect(0, "sparade i "+xlsx, "compliance", "--year", fmt.Sprint(year), "--format", "xlsx", "--out", xlsx)
			f, err := excelize.OpenFile(xlsx)
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows("Medlemmar")
			f.Close()
			if len(rows) != 3 || rows[2][0] != "1281" || rows[2][5] != "uppfyllt" {
				t.Errorf("workbook: %q", rows)
			}
			// Usage errors.
			expect(2, "--format xlsx needs --out", "compliance", "--year", fmt.Sprint(year), "--format", "xlsx")
			expect(2, "--format must be", "compliance", "--format", "pdf")
			expect(2, "--status", "compliance", "--status", "klart")
			expect(1, "rapportåret", "compliance", "--year", "1980")

			// Ending a membership.
			expect(0, "1280:s medlemskap upphör 2026-08-31.", "members", "end", "1280", "--date", "2026-08-31")
		})
	}
}

func TestRulesFlag(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "fel.json")
	good := filepath.Join(dir, "regler.json")
	os.WriteFile(bad, []byte(`{"reporting": {"deadline": "31 juni"}}`), 0o600)
	os.WriteFile(good, []byte(`{"reporting": {"deadline": "09-30"}}`), 0o600)
	code, out, _ := runCLI(t, "compliance", "--show-rules")
	if code != 0 || !strings.Contains(out, `"deadline": "06-30"`) || !strings.Contains(out, `"max_lag_years": 2`) {
		t.Errorf("defaults: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "compliance", "--show-rules", "--rules", good)
	if code != 0 || !strings.Contains(out, `"deadline": "09-30"`) || !strings.Contains(out, `"grace_years": 3`) {
		t.Errorf("rules file: %d %s", code, out)
	}
	for _, cmd := range [][]string{{"compliance", "--rules", bad}, {"serve", "--rules", bad, "--addr", freeAddr(t)}} {
		code, _, errs := runCLI(t, cmd...)
		if code != 2 || !strings.Contains(errs, "Regelfilen "+bad+" kan inte användas: reporting.deadline") {
			t.Errorf("%v: exit %d\n%s", cmd, code, errs)
		}
	}
	code, _, errs := runCLI(t, "compliance", "--rules", filepath.Join(dir, "saknas.json"))
	if code != 2 || !strings.Contains(errs, "kan inte läsas") {
		t.Errorf("missing rules file: %d %s", code, errs)
	}
}
