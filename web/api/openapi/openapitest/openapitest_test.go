package openapitest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The checker refuses an answer that is not as described, and says which
// request, which described route and where in the body.
func TestCheckerRefusesWhatIsNotDescribed(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	const muni = `{"municipalities":[{"code":"1281","name":"Lund","county_code":"12","county_name":"Skåne län","member":null}]}`
	for name, tc := range map[string]struct {
		path, contentType, body string
		status                  int
		want                    string // "" for none
	}{
		"as described":       {"/api/v1/municipalities", "application/json; charset=utf-8", muni, 200, ""},
		"a csv export":       {"/api/v1/municipalities.csv", "text/csv; charset=utf-8", "code,name\n1281,Lund\n", 200, ""},
		"a field's type":     {"/api/v1/municipalities", "application/json", strings.Replace(muni, `"12"`, `12`, 1), 200, "at /municipalities/0/county_code"},
		"a field not known":  {"/api/v1/municipalities", "application/json", strings.Replace(muni, `"member":null`, `"member":null,"extra":1`, 1), 200, "at /municipalities/0"},
		"a required field":   {"/api/v1/municipalities", "application/json", `{"municipalities":[{"code":"1281"}]}`, 200, "at /municipalities/0"},
		"status":             {"/api/v1/municipalities", "application/json", `{"error":{"code":"x","message":"y"}}`, 418, "answered 418, a status it does not describe"},
		"content type":       {"/api/v1/municipalities", "text/html", "<p>", 200, `"text/html"`},
		"an error's shape":   {"/api/v1/municipalities", "application/json", `{"error":"nej"}`, 500, "at /error"},
		"route":              {"/api/v1/undescribed", "application/json", `{}`, 200, "the route is not described"},
		"no such route, 404": {"/api/v1/undescribed", "application/json", `{"error":{"code":"not_found","message":"Finns inte."}}`, 404, ""},
		"not the api":        {"/kommun/1281", "text/html", "<p>", 200, ""},
	} {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			err := c.Check(req, tc.status, http.Header{"Content-Type": {tc.contentType}}, []byte(tc.body))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && err == nil:
				t.Fatalf("passed, want a refusal saying %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("err = %v\nwant it to say %q", err, tc.want)
			case err != nil && !strings.Contains(err.Error(), "GET "+tc.path):
				t.Fatalf("err = %v does not name the request", err)
			}
		})
	}
}

// Handler checks the answers it passes on, and only those under /api/v1.
func TestHandlerReports(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var got []error
	h := c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"municipalities":"Lund"}`))
	}), func(err error) { got = append(got, err) })
	for _, p := range []string{"/api/v1/municipalities", "/kommun/1281"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Body.String() != `{"municipalities":"Lund"}` {
			t.Fatalf("%s: the answer was not passed on: %q", p, rec.Body)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0].Error(), "(GET /api/v1/municipalities)") || !strings.Contains(got[0].Error(), "at /municipalities") {
		t.Fatalf("reported %v", got)
	}
}
