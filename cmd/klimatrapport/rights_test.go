package main

// Writes stay inside the actor's rights: through the assembled service (the
// real router) on both engines, with the rows of every written table
// counted before and after.

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
)

// writtenTables are the tables a write of the service can add rows to.
var writtenTables = []string{"submissions", "submission_files", "inventory_values", "goals", "action_plans", "measures",
	"compliance_reviews", "compliance_replies", "members", "accounts", "api_tokens", "password_links"}

// tableCounts counts the rows of every written table, per municipality
// where the table has one.
func tableCounts(t *testing.T, w *testworld.World) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	for _, table := range writtenTables {
		out[table] = count(t, w.DB, "SELECT count() AS n FROM "+table)
	}
	for _, code := range []string{"1281", "1280"} {
		for _, table := range []string{"submissions", "inventory_values", "goals", "compliance_reviews", "compliance_replies", "members"} {
			col := "municipality_code"
			if table == "members" {
				col = "code"
			}
			out[table+"@"+code] = count(t, w.DB, fmt.Sprintf("SELECT count() AS n FROM %s WHERE %s = '%s'", table, col, code))
		}
	}
	return out
}

// changedTables lists the counts that differ, as "table: before → after".
func changedTables(before, after map[string]uint64) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(after)) {
		if before[k] != after[k] {
			out = append(out, fmt.Sprintf("%s: %d → %d", k, before[k], after[k]))
		}
	}
	return out
}

// TestOfficerCannotWriteIntoAnotherHistory: Lund's officer uploads a
// workbook that states Malmö's code. It is rejected with the reason, and
// kept in Lund's history (where Lund's officer sees the attempt), never in
// Malmö's: not in Malmö's submissions, its list, nor its compliance text.
func TestOfficerCannotWriteIntoAnotherHistory(t *testing.T) {
	testworld.Engines(t, siteOptions, func(t *testing.T, w *testworld.World) {
		s := newSite(t, w)
		before := tableCounts(t, w)
		code, out := s.upload("lund", nil, reportFor(t, "1280", 2025, 100))
		if code != http.StatusUnprocessableEntity || !strings.Contains(out, "wrong_municipality") {
			t.Fatalf("Lund's officer with a file for Malmö: %d %s", code, trim(out))
		}
		var res struct {
			Submission kr.Submission `json:"submission"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		if res.Submission.MunicipalityCode != "1281" {
			t.Errorf("the rejected file is kept under %q, want Lund's 1281", res.Submission.MunicipalityCode)
		}
		if !strings.Contains(out, "Filen gäller kod 1280, men du rapporterar för kod 1281") {
			t.Errorf("the report does not say why in Swedish: %s", trim(out))
		}
		after := tableCounts(t, w)
		for _, k := range []string{"submissions@1280", "inventory_values@1280", "goals@1280"} {
			if after[k] != before[k] {
				t.Errorf("%s: %d → %d, want nothing written for Malmö", k, before[k], after[k])
			}
		}
		if after["submissions@1281"] != before["submissions@1281"]+1 {
			t.Errorf("Lund's history did not get the rejected attempt: %v", changedTables(before, after))
		}
		_, malmo := s.api("malmo", "GET", "/api/v1/municipalities/1280/submissions", nil, "")
		if strings.Contains(malmo, res.Submission.ID) {
			t.Errorf("Malmö's submission list shows Lund's attempt: %s", trim(malmo))
		}
		_, lund := s.api("lund", "GET", "/api/v1/municipalities/1281/submissions", nil, "")
		if !strings.Contains(lund, res.Submission.ID) {
			t.Errorf("Lund's submission list lacks its rejected attempt: %s", trim(lund))
		}
		_, comp := s.api("admin", "GET", "/api/v1/municipalities/1280/compliance?year=2025", nil, "")
		if strings.Contains(comp, "laddades upp") {
			t.Errorf("Malmö's compliance text tells of Lund's upload: %s", trim(comp))
		}
		// The same through the upload form of /rapportera.
		b := s.browser().login("lund")
		body, ctype := multipartFile(map[string]string{"kod": "1280"}, reportFor(t, "1280", 2024, 50))
		if code, page := b.do("POST", "/rapportera", body, ctype); code != http.StatusUnprocessableEntity {
			t.Errorf("the form with Malmö's file: %d %s", code, trim(page))
		}
		if n := count(t, w.DB, "SELECT count() AS n FROM submissions WHERE municipality_code = '1280'"); n != before["submissions@1280"] {
			t.Errorf("the form wrote %d submissions for Malmö", n-before["submissions@1280"])
		}
	})
}
