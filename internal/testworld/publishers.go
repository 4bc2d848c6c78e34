package testworld

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national/scb"
)

// Publishers is a local stand-in for SMHI's and SCB's services: SMHI's
// getexcelfile address (national.SMHIURL) serves the file set for each
// substance, stamped anew at every download as SMHI's own generator does
// (docProps/core.xml holds the time of the download), and SCB's
// PxWebApi 2.0 table data (national.SCBURL, a POST) the answer set. A fault,
// when set, answers instead.
type Publishers struct {
	*httptest.Server
	Requests atomic.Int32 // requests answered so far

	mu    sync.Mutex
	smhi  map[string][]byte // substance → export
	scb   []byte            // JSON-stat2
	fault func(w http.ResponseWriter, r *http.Request) bool
}

// NewPublishers starts the stand-in; it stops with the test.
func NewPublishers(t testing.TB) *Publishers {
	p := &Publishers{smhi: map[string][]byte{}}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

// SetSMHI makes content the export of substance.
func (p *Publishers) SetSMHI(substance string, content []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.smhi[substance] = content
}

// SetSCB makes body SCB's answer to every table query.
func (p *Publishers) SetSCB(body []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.scb = body
}

// Fail makes f answer every request for which it returns true; nil
// answers normally again.
func (p *Publishers) Fail(f func(w http.ResponseWriter, r *http.Request) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = f
}

// Status is a fault answering status.
func Status(status int) func(w http.ResponseWriter, r *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		http.Error(w, http.StatusText(status), status)
		return true
	}
}

// Truncated is a fault that declares a long body, sends a little of it
// and closes the connection.
func Truncated(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Set("Content-Length", "100000")
	io.WriteString(w, "PK\x03\x04 the start of a file")
	w.(http.Flusher).Flush()
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		conn.Close()
	}
	return true
}

func (p *Publishers) serve(w http.ResponseWriter, r *http.Request) {
	n := p.Requests.Add(1)
	p.mu.Lock()
	fault, scb := p.fault, p.scb
	content, ok := p.smhi[r.URL.Query().Get("sub")]
	p.mu.Unlock()
	if fault != nil && fault(w, r) {
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/getexcelfile/" && ok:
		stamped, err := stamp(content, time.Now().Add(time.Duration(n)*time.Second)) // never the same twice
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Write(stamped)
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/tables/") && strings.HasSuffix(r.URL.Path, "/data") &&
		r.URL.Query().Get("outputFormat") == "json-stat2" && scb != nil:
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Write(scb)
	default:
		http.NotFound(w, r)
	}
}

// stamp rewrites an .xlsx's docProps/core.xml with the time at, as SMHI's
// generator writes every download; the other parts are copied as they are.
func stamp(content []byte, at time.Time) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != "docProps/core.xml" {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			return nil, err
		}
		ts := at.UTC().Format("2006-01-02T15:04:05.000Z")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified></cp:coreProperties>`, ts, ts)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// NextGGT is the GGT sample (samples.GGT) as SMHI's release of date:
// the report name's date changed, and one municipality's 1990 figure.
func NextGGT(t testing.TB, date string) []byte {
	t.Helper()
	return ReviseGGT(t, date, map[string]float64{"E9": 117000.5})
}

// ReviseGGT is the GGT sample (samples.GGT) as SMHI's release of date:
// the report name's date changed and the cells named (A1 references of
// its one sheet: column D the municipality, E 1990, F 2000, G 2005, H
// 2010, I 2015, J 2020 … N 2024) set to new figures.
func ReviseGGT(t testing.TB, date string, cells map[string]float64) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(samples.Read(t, samples.GGT)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	title, _ := f.GetCellValue(sheet, "B1")
	if !strings.Contains(title, "2026-04-15") {
		t.Fatalf("the GGT sample's title is %q", title)
	}
	f.SetCellValue(sheet, "B1", strings.ReplaceAll(title, "2026-04-15", date))
	for cell, v := range cells {
		f.SetCellValue(sheet, cell, v)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// PopulationAnswer is SCB's answer (JSON-stat2) with Sweden, Skåne and
// Lund in 1990 and 2024, and Malmö and Knivsta (founded 2003) in 2024
// only: eight figures, three municipalities, one county.
func PopulationAnswer(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := scb.WritePxWebPopulation(&b, []kr.Population{
		{AreaCode: "00", Year: 1990, Persons: 8590630}, {AreaCode: "00", Year: 2024, Persons: 10587710},
		{AreaCode: "12", Year: 1990, Persons: 1068587}, {AreaCode: "12", Year: 2024, Persons: 1421781},
		{AreaCode: "1281", Year: 1990, Persons: 98948}, {AreaCode: "1281", Year: 2024, Persons: 129401},
		{AreaCode: "1280", Year: 2024, Persons: 362133}, {AreaCode: "0330", Year: 2024, Persons: 20000},
	}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
