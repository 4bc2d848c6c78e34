package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

const (
	adminToken = "admin-token-0123456789"
	lundToken  = "lund-officer-token-0123"
	malmoToken = "malmo-officer-token-012"
	revToken   = "reviewer-token-01234567"
)

// staticTokens are the API tokens the test server accepts, as --api-tokens
// takes them.
const staticTokens = adminToken + ":admin," + lundToken + ":officer:1281," + malmoToken + ":officer:1280," + revToken + ":reviewer"

// newServer serves the real router over db, with uploads up to 2 MB.
func newServer(t *testing.T, db storage.DB) *httptest.Server {
	t.Helper()
	return testworld.Over(t, db, testworld.Options{MaxUploadMB: 2}).Serve(t, staticTokens)
}

func fp(v float64) *float64 { return &v }

func report(code string, bad bool) *kr.Report {
	rep := &kr.Report{Details: kr.Details{Code: code, ReportYear: 2025}}
	for i, s := range kr.MainSectors() {
		rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: 2022, Sector: s, Tonnes: fp(float64(100 * (i + 1)))})
	}
	rep.Goals = []kr.Goal{{ID: "M1", Name: "</script><script>alert(1)</script>", Type: kr.GoalAbsolute, BaseYear: 1990, TargetYear: 2030, ReductionPct: 60}}
	if bad {
		rep.Goals[0].BaseYear = 2031 // base year after target year
	}
	return rep
}

func templateFile(t *testing.T, rep *kr.Report) []byte { return testworld.Workbook(t, rep) }

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, r.body)
	}
}

func do(t *testing.T, req *http.Request, token string) response {
	t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	r := testworld.Do(t, nil, req)
	return response{r.Status, r.Header, r.Body}
}

func upload(t *testing.T, base, token, name string, content []byte) response {
	t.Helper()
	body, contentType := testworld.UploadForm(nil, name, content)
	req, _ := http.NewRequest("POST", base+"/api/v1/submissions", body)
	req.Header.Set("Content-Type", contentType)
	return do(t, req, token)
}

func get(t *testing.T, url, token string) response {
	req, _ := http.NewRequest("GET", url, nil)
	return do(t, req, token)
}

type result struct {
	Submission kr.Submission `json:"submission"`
	Existing   bool          `json:"existing"`
	Report     kr.Items      `json:"report"`
	Error      struct {
		Code, Message string
	} `json:"error"`
}

func TestSubmissionsAPI(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		ts := newServer(t, db)
		good := templateFile(t, report("1281", false))

		// Accepted: 201 with the submission.
		r := upload(t, ts.URL, lundToken, "lund.xlsx", good)
		var created result
		r.json(t, &created)
		if r.status != http.StatusCreated || created.Submission.Status != kr.SubmissionAccepted || r.header.Get("Location") == "" {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		id := created.Submission.ID

		// The same file again: the existing submission.
		r = upload(t, ts.URL, lundToken, "lund.xlsx", good)
		var again result
		r.json(t, &again)
		if r.status != http.StatusOK || !again.Existing || again.Submission.ID != id {
			t.Fatalf("identical upload: %d %s", r.status, r.body)
		}

		// Rejected: 422 with the validation report, cell by cell.
		bad := templateFile(t, report("1281", true))
		r = upload(t, ts.URL, lundToken, "fel.xlsx", bad)
		var rejected result
		r.json(t, &rejected)
		if r.status != http.StatusUnprocessableEntity || rejected.Error.Code != "invalid" || len(rejected.Report) == 0 {
			t.Fatalf("bad upload: %d %s", r.status, r.body)
		}
		var goalItem *kr.Item
		for i, it := range rejected.Report {
			if it.Sheet == "Mål" && it.Cell != "" && it.Severity == kr.SeverityError {
				goalItem = &rejected.Report[i]
			}
		}
		if goalItem == nil {
			t.Fatalf("no error pointing at a cell in Mål: %s", r.body)
		}

		// GET the submission, its file byte for byte, the annotated workbook.
		r = get(t, ts.URL+"/api/v1/submissions/"+id, lundToken)
		if r.status != 200 || !strings.Contains(string(r.body), id) {
			t.Fatalf("get: %d %s", r.status, r.body)
		}
		r = get(t, ts.URL+"/api/v1/submissions/"+id+"/file", lundToken)
		if r.status != 200 || !bytes.Equal(r.body, good) {
			t.Fatalf("file: %d, %d bytes, want %d", r.status, len(r.body), len(good))
		}
		r = get(t, ts.URL+"/api/v1/submissions/"+rejected.Submission.ID+"/annotated.xlsx", lundToken)
		if r.status != 200 {
			t.Fatalf("annotated: %d %s", r.status, r.body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("annotated workbook does not open: %v", err)
		}
		comments, err := f.GetComments("Mål")
		if err != nil || len(comments) == 0 {
			t.Fatalf("annotated workbook has no comment in Mål: %v", err)
		}
		found := false
		for _, c := range comments {
			if c.Cell == goalItem.Cell && strings.Contains(workbook.CommentText(c), goalItem.Message[:20]) {
				found = true
			}
		}
		if !found {
			t.Errorf("no comment at %s with the message %q: %+v", goalItem.Cell, goalItem.Message, comments)
		}

		// The history, newest first.
		r = get(t, ts.URL+"/api/v1/municipalities/1281/submissions", lundToken)
		var hist struct {
			Submissions []submissions.Version `json:"submissions"`
		}
		r.json(t, &hist)
		if r.status != 200 || len(hist.Submissions) != 2 || hist.Submissions[0].ID != rejected.Submission.ID {
			t.Fatalf("history: %d %s", r.status, r.body)
		}

		// Who may see what.
		for _, c := range []struct {
			token, url string
			want       int
		}{
			{"", "/api/v1/submissions/" + id, 401},
			{malmoToken, "/api/v1/submissions/" + id, 404}, // not revealed
			{malmoToken, "/api/v1/submissions/" + id + "/file", 404},
			{malmoToken, "/api/v1/municipalities/1281/submissions", 403},
			{revToken, "/api/v1/submissions/" + id, 200},
			{adminToken, "/api/v1/submissions/" + id + "/file", 200},
			{"wrong-token-0000000000", "/api/v1/submissions/" + id, 401},
			{lundToken, "/api/v1/submissions/not-an-id", 404},
		} {
			if r := get(t, ts.URL+c.url, c.token); r.status != c.want {
				t.Errorf("%s as %q: %d, want %d (%s)", c.url, c.token, r.status, c.want, r.body)
			}
		}
		for _, c := range []struct {
			token string
			want  int
		}{{"", 401}, {revToken, 403}} {
			if r := upload(t, ts.URL, c.token, "lund.xlsx", good); r.status != c.want {
				t.Errorf("upload as %q: %d, want %d", c.token, r.status, c.want)
			}
		}
		// Malmö's officer uploading Lund's file: rejected, nothing stored as data.
		if r := upload(t, ts.URL, malmoToken, "lund.xlsx", templateFile(t, report("1281", false))); r.status == 201 || r.status == 200 {
			t.Errorf("Malmö's officer uploaded for Lund: %d %s", r.status, r.body)
		}
	})
}

func TestUploadLimits(t *testing.T) {
	db := storagetest.Migrated(t, "chdb")
	ts := newServer(t, db)
	// Oversized: 413 with a Swedish message, nothing stored.
	r := upload(t, ts.URL, lundToken, "stor.xlsx", bytes.Repeat([]byte("x"), 3<<20))
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.body), "MB") {
		t.Fatalf("oversized: %d %s", r.status, r.body)
	}
	// Not a workbook: 422 with one clear item.
	r = upload(t, ts.URL, lundToken, "rapport.pdf.xlsx", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"))
	var res result
	r.json(t, &res)
	if r.status != 422 || len(res.Report) != 1 || !strings.Contains(strings.ToLower(res.Report[0].Message), "pdf") {
		t.Fatalf("pdf upload: %d %s", r.status, r.body)
	}
	// No file field.
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/submissions", strings.NewReader("x=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := do(t, req, lundToken); r.status != 422 {
		t.Fatalf("no file: %d %s", r.status, r.body)
	}
	var n []struct {
		N uint64 `ch:"n"`
	}
	if err := db.Select(t.Context(), &n, "SELECT count() AS n FROM inventory_values"); err != nil || n[0].N != 0 {
		t.Fatalf("inventory rows after bad uploads: %v %v", n, err)
	}
}

func TestTemplateDownload(t *testing.T) {
	db := storagetest.Migrated(t, "chdb")
	ts := newServer(t, db)
	upload(t, ts.URL, lundToken, "lund.xlsx", templateFile(t, report("1281", false)))
	r := get(t, ts.URL+"/api/v1/template.xlsx?municipality=1281&year=2026", "")
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Disposition"), "klimatrapport-1281-2026.xlsx") {
		t.Fatalf("template: %d %v", r.status, r.header)
	}
	// Pre-filled with last year's data: it parses back to Lund's values.
	parsed, err := workbook.Parse(bytes.NewReader(r.body), int64(len(r.body)), workbook.DefaultLimits())
	if err != nil {
		t.Fatalf("pre-filled template: %v", err)
	}
	if rep := parsed.Report; rep.Details.Code != "1281" || rep.Details.ReportYear != 2026 || len(rep.Inventory) != 9 || len(rep.Goals) != 1 {
		t.Fatalf("pre-filled template: %+v", rep)
	}
	for _, q := range []string{"municipality=12%27%20OR%201", "municipality=12345", "year=1800", "year=abc"} {
		if r := get(t, ts.URL+"/api/v1/template.xlsx?"+q, ""); r.status != 422 {
			t.Errorf("template?%s: %d, want 422", q, r.status)
		}
	}
}
