package compliance_test

import (
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/compliance"
)

func boardReport() compliance.Report {
	res := func(o compliance.Obligation, s compliance.Status, why string) compliance.Result {
		return compliance.Result{Obligation: o, Title: o.Title(), Status: s, Computed: s, Explanation: why,
			Warnings: []string{}, Evidence: []compliance.Evidence{}, History: []compliance.Event{}}
	}
	over := res(compliance.Plan, compliance.Fulfilled, "=Planen gällde till 2024.")
	over.Computed, over.Overridden = compliance.Partial, true
	over.Override = &compliance.Event{Kind: compliance.EventReview, By: "granskare@klimatkommunerna.se", At: asOf,
		Before: compliance.Partial, After: compliance.Fulfilled, Status: compliance.Fulfilled, Text: "Förlängd av KF."}
	over.History = []compliance.Event{*over.Override}
	members := []compliance.MemberResult{
		{Code: "1281", Name: "Lund", Kind: "municipality", Joined: date("2015-01-01"), Binding: true, Fulfilled: 3,
			Obligations: []compliance.Result{
				res(compliance.Inventory, compliance.Fulfilled, "Inventeringen för 2024 täcker alla nio huvudsektorer."),
				res(compliance.Goals, compliance.Partial, "Målet M1 räknas inte."),
				over,
				res(compliance.Reporting, compliance.Late, "Rapporten kom sent."),
			}},
		{Code: "1280", Name: "=HYPERLINK(\"http://x\",\"klicka\")", Kind: "municipality", Joined: date("2026-02-01"),
			Observer: true, Binding: false, NotBindingReason: "Observatör till 2027-02-01.",
			Obligations: []compliance.Result{
				res(compliance.Inventory, compliance.NotDue, "-Ej förfallet."),
				res(compliance.Goals, compliance.NotDue, "@Ej förfallet."),
				res(compliance.Plan, compliance.NotDue, "+Ej förfallet."),
				res(compliance.Reporting, compliance.Missing, "Ingen rapport."),
			}},
	}
	rep := compliance.Report{Year: 2026, AsOf: asOf, Deadline: date("2026-06-30"), Rules: compliance.DefaultRules(), Members: members}
	rep.Summary = compliance.Summarise(members)
	return rep
}

func TestWriteXLSX(t *testing.T) {
	f := openBoard(t, boardReport())
	if got := strings.Join(f.GetSheetList(), ","); got != "Sammanfattning,Medlemmar,Förklaringar" {
		t.Fatalf("sheets: %s", got)
	}
	rows, err := f.GetRows(compliance.SheetMembers)
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := "Kod|Namn|Typ|Medlem sedan|Bindande|Inventering|Mål|Handlingsplan och åtgärder|Rapportering|Uppfyllda|Målföljning|Ställning"
	if got := strings.Join(rows[0], "|"); got != wantHeader {
		t.Errorf("header: %s", got)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want a header and one per member", len(rows))
	}
	if got := strings.Join(rows[1][:10], "|"); got != "1281|Lund|Kommun|2015-01-01|Ja|uppfyllt|delvis|uppfyllt|försenat|3 av 4" {
		t.Errorf("Lund: %s", got)
	}
	if got := strings.Join(rows[2][5:9], "|"); got != "ej förfallet|ej förfallet|ej förfallet|saknas" {
		t.Errorf("observer: %s", got)
	}
	// A name that looks like a formula is text, and not a formula.
	if rows[2][1] != `'=HYPERLINK("http://x","klicka")` {
		t.Errorf("name not neutralised: %q", rows[2][1])
	}
	if fm, _ := f.GetCellFormula(compliance.SheetMembers, "B3"); fm != "" {
		t.Errorf("formula in B3: %q", fm)
	}
	// Each status has its colour.
	for cell, want := range map[string]string{"F2": "009E73", "H2": "009E73", "G2": "F0E442", "I2": "E69F00", "I3": "D55E00", "F3": "56B4E9"} {
		id, err := f.GetCellStyle(compliance.SheetMembers, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Fill.Color) != 1 || !strings.EqualFold(st.Fill.Color[0], want) {
			t.Errorf("%s: fill %v, want %s", cell, st.Fill.Color, want)
		}
		if cell == "H2" && (st.Font == nil || !st.Font.Italic) {
			t.Error("an overridden status is not italic")
		}
	}
	// Explanations are comments on the status cells.
	byCell := commentsByCell(t, f, compliance.SheetMembers)
	if !strings.Contains(byCell["F2"], "alla nio huvudsektorer") || !strings.Contains(byCell["H2"], "Ändrad av granskare@klimatkommunerna.se") ||
		!strings.Contains(byCell["H2"], "Förlängd av KF.") || !strings.Contains(byCell["E3"], "Observatör") {
		t.Errorf("comments: %v", byCell)
	}
	// The explanations sheet: one row per member and obligation,
	// neutralised too.
	det, _ := f.GetRows(compliance.SheetDetails)
	if len(det) != 1+8 {
		t.Fatalf("details: %d rows", len(det))
	}
	for _, r := range det[1:] {
		if c := r[6]; len(c) > 0 && strings.ContainsRune("=+-@", rune(c[0])) {
			t.Errorf("explanation not neutralised: %q", c)
		}
	}
	if !strings.Contains(det[3][9], "ändrade delvis → uppfyllt: Förlängd av KF.") || det[3][4] != "delvis" {
		t.Errorf("review in details: %q", det[3])
	}
	// The summary counts.
	sum, _ := f.GetRows(compliance.SheetSummary)
	joined := ""
	for _, r := range sum {
		joined += strings.Join(r, "|") + "\n"
	}
	for _, w := range []string{"Medlemskraven 2026", "2 medlemmar, varav 1 bindande", "Rapportering|0|0|1|0|0|1", "Rapportering|0|0|1|1|0|2"} {
		if !strings.Contains(joined, w) {
			t.Errorf("summary lacks %q:\n%s", w, joined)
		}
	}
}

// TestBoardWorkbookPrints reads the page setup back: A4 landscape, one
// page wide, the header row repeated on every page of the tables.
func TestBoardWorkbookPrints(t *testing.T) {
	f := openBoard(t, boardReport())
	for _, sheet := range f.GetSheetList() {
		pl, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != "landscape" ||
			pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
			t.Errorf("%s: page layout %+v", sheet, pl)
		}
		props, err := f.GetSheetProps(sheet)
		if err != nil || props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: not fitted to the page: %+v %v", sheet, props, err)
		}
	}
	titles := map[string]string{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" {
			titles[d.Scope] = d.RefersTo
		}
	}
	for _, sheet := range []string{compliance.SheetMembers, compliance.SheetDetails} {
		if want := "'" + sheet + "'!$1:$1"; titles[sheet] != want {
			t.Errorf("%s: print titles %q, want %q", sheet, titles[sheet], want)
		}
	}
}

// TestBoardWorkbookStanding: the members sheet's last column is the
// standing, vilande for a member whose report is missing past the grace
// time after the deadline.
func TestBoardWorkbookStanding(t *testing.T) {
	rep := boardReport() // evaluated 2026-09-01, 63 days after the deadline
	lund := rep.Members[0].Obligations
	lund[3].Status = compliance.Missing
	rows, err := openBoard(t, rep).GetRows(compliance.SheetMembers)
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0][len(rows[0])-1]; got != "Ställning" {
		t.Errorf("last header %q", got)
	}
	if got := rows[1][11] + "|" + rows[2][11]; got != "vilande|observatör" {
		t.Errorf("standings %s", got)
	}
	lund[3].Status = compliance.Late // the report arrived
	rows, _ = openBoard(t, rep).GetRows(compliance.SheetMembers)
	if got := rows[1][11]; got != "medlem" {
		t.Errorf("after the report: %s", got)
	}
}
