package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

func TestTemplateAndIngest(t *testing.T) {
	dir := t.TempDir()
	db := "chdb://" + filepath.Join(dir, "data")
	tmpl := filepath.Join(dir, "mall.xlsx")
	if code, out, errs := runCLI(t, "template", "--out", tmpl, "--year", "2025"); code != 0 || !strings.Contains(out, tmpl) {
		t.Fatalf("template: %d %s %s", code, out, errs)
	}
	// Fill it in as an officer would.
	f, err := excelize.OpenFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	set := func(sheet, cell string, v any) {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("Uppgifter", "B2", "1281")
	rows, _ := f.GetRows("Utsläpp")
	header := rows[0]
	col := -1
	for i, h := range header {
		if h == "2022" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no 2022 column in %v", header)
	}
	for r := 2; r <= 10; r++ {
		cell, _ := excelize.CoordinatesToCellName(col+1, r)
		set("Utsläpp", cell, 1000+r)
	}
	good := filepath.Join(dir, "lund.xlsx")
	if err := f.SaveAs(good); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "ingest", good, "--db", db, "--json")
	var res struct {
		Submission struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"submission"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Submission.Status != "accepted" {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, out, errs)
	}
	// A mistake: text in a value cell. Exit 1 with the report on stdout.
	cell, _ := excelize.CoordinatesToCellName(col+1, 3)
	set("Utsläpp", cell, "tusen")
	bad := filepath.Join(dir, "fel.xlsx")
	if err := f.SaveAs(bad); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "ingest", bad, "--db", db)
	if code != 1 || !strings.Contains(out, cell) || !strings.Contains(out, "Fel") {
		t.Fatalf("bad file: exit %d, want 1 with %s in the report:\n%s", code, cell, out)
	}
	// The wrong municipality asserted.
	if code, out, _ := runCLI(t, "ingest", good, "--db", db, "--municipality", "1280", "--json"); code != 1 {
		t.Fatalf("wrong municipality: exit %d\n%s", code, out)
	}
	// Usage errors: exit 2.
	if code, _, _ := runCLI(t, "ingest", "--db", db); code != 2 {
		t.Fatalf("ingest without a file: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "ingest", filepath.Join(dir, "finns-inte.xlsx"), "--db", db); code != 2 {
		t.Fatalf("missing file: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "template"); code != 2 {
		t.Fatalf("template without --out: exit %d, want 2", code)
	}
	// Pre-filled template for next year from the stored data.
	next := filepath.Join(dir, "2026.xlsx")
	if code, _, errs := runCLI(t, "template", "--out", next, "--municipality", "1281", "--year", "2026", "--db", db); code != 0 {
		t.Fatalf("pre-filled template: %d %s", code, errs)
	}
	if _, err := os.Stat(next); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "ingest", next, "--db", db, "--json")
	if code != 0 || !strings.Contains(out, `"accepted"`) {
		t.Fatalf("next year's pre-filled template: exit %d\n%s", code, out)
	}
}
