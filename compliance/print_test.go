package compliance_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/internal/officetest"
)

// thirtyMembers is boardReport's two members repeated as 30 (codes 1001–
// 1030), each with two goals followed up.
func thirtyMembers() compliance.Report {
	rep := boardReport()
	var members []compliance.MemberResult
	for i := range 30 {
		m := rep.Members[i%2]
		m.Code, m.Name = fmt.Sprint(1001+i), fmt.Sprintf("Kommun nummer %d", i+1)
		m.Goals = []compliance.GoalTrack{{GoalID: "M1"}, {GoalID: "M2", Sector: "Transporter"}}
		members = append(members, m)
	}
	rep.Members = members
	rep.Summary = compliance.Summarise(members)
	return rep
}

// TestBoardWorkbookPrintsOnePageWide prints the board's workbook of 30
// members with LibreOffice: the matrix (Medlemmar) one page wide, its first
// and last column's headers on every page of it, on a pinned number of
// pages, landscape, with the footer.
func TestBoardWorkbookPrintsOnePageWide(t *testing.T) {
	var buf bytes.Buffer
	if err := compliance.WriteXLSX(&buf, thirtyMembers()); err != nil {
		t.Fatal(err)
	}
	pdf := officetest.PDF(t, buf.Bytes())
	pages := officetest.Pages(t, pdf)
	if !officetest.Landscape(t, pdf) {
		t.Error("not every page is landscape")
	}
	const want = 1 // pages of Medlemmar for 30 members (4 in all)
	matrix := officetest.SheetPages(pages, "Uppfyllda")
	if matrix != want {
		t.Errorf("Medlemmar printed on %d pages, want %d (of %d in all)", matrix, want, len(pages))
	}
	for i, p := range pages {
		if strings.Contains(p, "Uppfyllda") && !strings.Contains(p, "Ställning") {
			t.Errorf("page %d has the first column's header but not the last's:\n%s", i+1, p)
		}
		if !strings.Contains(p, fmt.Sprintf("Sida %d av %d", i+1, len(pages))) || !strings.Contains(p, "utvärderat 2026-09-01 12:00") {
			t.Errorf("page %d lacks the footer:\n%s", i+1, p)
		}
	}
	if len(pages) != 4 {
		t.Errorf("%d pages in all, want 4: Sammanfattning 1, Medlemmar 1, Förklaringar 2", len(pages))
	}
}
