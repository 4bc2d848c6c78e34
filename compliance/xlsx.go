package compliance

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/workbook"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// Sheet names of the board's workbook.
const (
	SheetSummary = "Sammanfattning"
	SheetMembers = "Medlemmar"
	SheetDetails = "Förklaringar"
)

// statusColours are the fills of the statuses: the Okabe–Ito palette, which
// people with the common kinds of colour blindness can tell apart. The
// status is always written in the cell too, so nothing rests on colour.
var statusColours = map[Status]string{
	Fulfilled: "009E73", // bluish green
	Partial:   "F0E442", // yellow
	Late:      "E69F00", // orange
	Missing:   "D55E00", // vermillion
	NotDue:    "56B4E9", // sky blue
}

// memberColumns are the fixed columns of the members sheet, before the
// obligations.
var memberColumns = []string{"Kod", "Namn", "Typ", "Medlem sedan", "Bindande"}

// WriteXLSX writes the board-ready workbook: a summary sheet, one row per
// member with one coloured column per obligation (the explanation as a cell
// comment), and a sheet with every explanation, its evidence and reviews.
func WriteXLSX(w io.Writer, rep Report) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxWriter{f: f, styles: map[string]int{}}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	for _, s := range []string{SheetMembers, SheetDetails} {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	steps := []func(Report) error{x.summary, x.members, x.details}
	for _, step := range steps {
		if err := step(rep); err != nil {
			return err
		}
	}
	x.layout(SheetSummary, 0, 0, rep)
	x.layout(SheetMembers, 1, 2, rep)
	x.layout(SheetDetails, 1, 3, rep)
	if x.err != nil {
		return x.err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:    fmt.Sprintf("Medlemskraven %d", rep.Year),
		Subject:  "Klimatkommunernas uppföljning av medlemmarnas åtaganden",
		Creator:  "Klimatrapport",
		Language: "sv-SE",
	}); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err := f.WriteTo(w)
	return err
}

type xlsxWriter struct {
	f      *excelize.File
	styles map[string]int
	err    error
}

// style returns a cached style.
func (x *xlsxWriter) style(key string, s *excelize.Style) int {
	if id, ok := x.styles[key]; ok {
		return id
	}
	id, err := x.f.NewStyle(s)
	if err != nil && x.err == nil {
		x.err = err
	}
	x.styles[key] = id
	return id
}

func (x *xlsxWriter) header() int {
	return x.style("header", &excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}})
}

func (x *xlsxWriter) wrap() int {
	return x.style("wrap", &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
}

func (x *xlsxWriter) title() int {
	return x.style("title", &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
}

// statusStyle is the fill of a status; overridden ones are italic and
// marked in the text too.
func (x *xlsxWriter) statusStyle(s Status, overridden bool) int {
	c, ok := statusColours[s]
	if !ok {
		return 0
	}
	return x.style(fmt.Sprintf("status %s %v", s, overridden), &excelize.Style{
		Font:      &excelize.Font{Bold: true, Italic: overridden, Color: "000000"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"},
		Border: []excelize.Border{{Type: "left", Color: "FFFFFF", Style: 2}, {Type: "right", Color: "FFFFFF", Style: 2},
			{Type: "top", Color: "FFFFFF", Style: 2}, {Type: "bottom", Color: "FFFFFF", Style: 2}},
	})
}

// set writes a value; text is neutralised so that no spreadsheet program
// reads it as a formula.
func (x *xlsxWriter) set(sheet string, col, row int, v any, style int) {
	if x.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		x.err = err
		return
	}
	switch s := v.(type) {
	case string:
		err = x.f.SetCellStr(sheet, cell, workbook.SafeText(s))
	case Status:
		err = x.f.SetCellStr(sheet, cell, string(s))
	default:
		err = x.f.SetCellValue(sheet, cell, v)
	}
	if err == nil && style != 0 {
		err = x.f.SetCellStyle(sheet, cell, cell, style)
	}
	if err != nil {
		x.err = err
	}
}

func (x *xlsxWriter) comment(sheet string, col, row int, text string) {
	if x.err != nil || text == "" {
		return
	}
	cell, _ := excelize.CoordinatesToCellName(col, row)
	lines := strings.Count(text, "\n") + len(text)/60 + 2
	if err := x.f.AddComment(sheet, excelize.Comment{Author: "Klimatrapport", Cell: cell, Text: text,
		Width: 420, Height: uint(min(600, 18*lines))}); err != nil {
		x.err = err
	}
}

func (x *xlsxWriter) widths(sheet string, ws ...float64) {
	for i, w := range ws {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.f.SetColWidth(sheet, col, col, w); err != nil && x.err == nil {
			x.err = err
		}
	}
}

// layout prints sheet through xlsx.SetLayout (A4 landscape, one page
// wide, the header rows repeated and frozen with the first cols columns)
// with the source and the evaluation's moment in the footer.
func (x *xlsxWriter) layout(sheet string, headerRows, cols int, rep Report) {
	if x.err != nil {
		return
	}
	x.err = xlsx.SetLayout(x.f, sheet, xlsx.Layout{HeaderRows: headerRows, FreezeCols: cols,
		Footer: fmt.Sprintf("Klimatkommunerna, medlemskraven %d · utvärderat %s", rep.Year, moment(rep.AsOf))})
}

// height makes row as tall as the longest of its wrapped texts needs, each
// in its column of widths.
func (x *xlsxWriter) height(sheet string, row int, widths []float64, texts map[int]string) {
	h := xlsx.LineHeight
	for col, text := range texts {
		h = max(h, xlsx.WrappedHeight(widths[col-1], text))
	}
	if err := x.f.SetRowHeight(sheet, row, h); err != nil && x.err == nil {
		x.err = err
	}
}

func (x *xlsxWriter) filter(sheet string, cols, rows int) {
	if rows < 2 {
		return
	}
	last, _ := excelize.CoordinatesToCellName(cols, rows)
	if err := x.f.AutoFilter(sheet, "A1:"+last, nil); err != nil && x.err == nil {
		x.err = err
	}
}

func (x *xlsxWriter) summary(rep Report) error {
	s := SheetSummary
	x.set(s, 1, 1, fmt.Sprintf("Medlemskraven %d", rep.Year), x.title())
	evaluated := fmt.Sprintf("Utvärderat %s. Sista dag att rapportera för %d: %s.", moment(rep.AsOf), rep.Year, day(rep.Deadline))
	if r := rep.SMHIRelease; r != nil {
		evaluated += fmt.Sprintf(" Målen följs upp mot SMHI:s publicering %s (%s, %s).", r.ReleaseDate, r.Substance, r.FileName)
	}
	x.set(s, 1, 2, evaluated, 0)
	x.set(s, 1, 3, fmt.Sprintf("%d medlemmar, varav %d bindande (observatörer och medlemmar som har gått ur utvärderas men är inte bindande). %d uppfyller alla fyra skyldigheterna.",
		rep.Summary.Members, rep.Summary.Binding, rep.Summary.AllMet), 0)
	row := 5
	table := func(title string, counts map[Obligation]map[Status]int) {
		x.set(s, 1, row, title, x.header())
		for j, st := range statuses {
			x.set(s, 2+j, row, st, x.statusStyle(st, false))
		}
		x.set(s, 2+len(statuses), row, "Summa", x.header())
		row++
		for _, o := range obligations {
			x.set(s, 1, row, o.Title(), 0)
			sum := 0
			for j, st := range statuses {
				n := counts[o][st]
				sum += n
				x.set(s, 2+j, row, n, 0)
			}
			x.set(s, 2+len(statuses), row, sum, 0)
			row++
		}
		row++
	}
	table("Bindande medlemmar", rep.Summary.BindingBy)
	table("Alla medlemmar", rep.Summary.Counts)
	x.set(s, 1, row, "Målföljning (mål för de totala utsläppen)", x.header())
	row++
	for _, t := range []struct{ label, key string }{{"I fas", "on_track"}, {"Inte i fas", "off_track"}, {"Kan inte följas upp", "unknown"}} {
		x.set(s, 1, row, t.label, 0)
		x.set(s, 2, row, rep.Summary.Tracking[t.key], 0)
		row++
	}
	row++
	x.set(s, 1, row, "Så läses statusen", x.header())
	row++
	legend := map[Status]string{
		Fulfilled: "Kravet är uppfyllt.",
		Partial:   "Något finns, men inte allt som krävs.",
		Late:      "Rapporten kom efter sista dagen.",
		Missing:   "Inget finns inrapporterat.",
		NotDue:    "Kravet har inte förfallit än (ny medlem inom sin tid, eller sista dagen har inte passerat).",
	}
	for _, st := range statuses {
		x.set(s, 1, row, st, x.statusStyle(st, false))
		x.set(s, 2, row, legend[st], 0)
		row++
	}
	x.set(s, 1, row, "Kursiv status: ändrad av en granskare (se kommentaren och bladet Förklaringar).", 0)
	row++
	x.set(s, 1, row, "Förklaringen till varje status finns som kommentar i bladet Medlemmar och i sin helhet i bladet Förklaringar.", 0)
	x.widths(s, 44, 14, 14, 14, 14, 14, 10)
	return x.err
}

func (x *xlsxWriter) members(rep Report) error {
	s := SheetMembers
	headers := append([]string(nil), memberColumns...)
	for _, o := range obligations {
		headers = append(headers, o.Title())
	}
	headers = append(headers, "Uppfyllda", "Målföljning", "Ställning")
	for i, h := range headers {
		x.set(s, i+1, 1, h, x.header())
	}
	for i, m := range rep.Members {
		row := i + 2
		kind := "Kommun"
		if m.Kind == "region" {
			kind = "Region"
		}
		binding := "Ja"
		if !m.Binding {
			binding = "Nej"
		}
		x.set(s, 1, row, m.Code, 0)
		x.set(s, 2, row, m.Name, 0)
		x.set(s, 3, row, kind, 0)
		x.set(s, 4, row, day(m.Joined), 0)
		x.set(s, 5, row, binding, 0)
		x.comment(s, 5, row, m.NotBindingReason)
		col := len(memberColumns) + 1
		for _, o := range obligations {
			r, ok := m.Result(o)
			if ok {
				text := r.Status
				x.set(s, col, row, text, x.statusStyle(r.Status, r.Overridden))
				x.comment(s, col, row, commentText(r))
			}
			col++
		}
		x.set(s, col, row, fmt.Sprintf("%d av %d", m.Fulfilled, len(obligations)), 0)
		col++
		x.set(s, col, row, trackingCell(m.Goals), x.wrap())
		x.height(s, row, memberWidths, map[int]string{col: trackingCell(m.Goals)})
		col++
		x.set(s, col, row, rep.Rules.standingOf(m, rep.Year, rep.AsOf), 0)
	}
	x.widths(s, memberWidths...)
	x.filter(s, len(headers), len(rep.Members)+1)
	return x.err
}

// memberWidths are the widths of the members sheet's columns: about 220
// characters, printed one page wide at about 60 %.
var memberWidths = []float64{7, 22, 9, 13, 10, 15, 15, 15, 15, 11, 60, 18}

// detailWidths are the widths of the explanations sheet's columns.
var detailWidths = []float64{7, 18, 16, 14, 14, 11, 70, 40, 50, 50}

// commentText is the explanation behind a status cell.
func commentText(r Result) string {
	var b strings.Builder
	b.WriteString(r.Explanation)
	for _, w := range r.Warnings {
		b.WriteString("\n\nVarning: " + w)
	}
	if r.Override != nil {
		fmt.Fprintf(&b, "\n\nÄndrad av %s %s från %s till %s: %s", r.Override.By, day(r.Override.At), r.Override.Before, r.Override.After, r.Override.Text)
	}
	return b.String()
}

// trackingCell is the verdict of each total goal, and of sector goals.
func trackingCell(goals []GoalTrack) string {
	var parts []string
	for _, g := range goals {
		label := g.GoalID
		if g.Sector != "" {
			label += " (" + g.Sector + ")"
		}
		if g.Tracking != nil {
			parts = append(parts, label+": "+g.Tracking.Verdict)
		} else {
			parts = append(parts, label+": kan inte följas upp")
		}
	}
	return strings.Join(parts, "\n")
}

func (x *xlsxWriter) details(rep Report) error {
	s := SheetDetails
	headers := []string{"Kod", "Namn", "Skyldighet", "Status", "Enligt reglerna", "Förfaller", "Förklaring", "Varningar", "Underlag", "Granskning och svar"}
	for i, h := range headers {
		x.set(s, i+1, 1, h, x.header())
	}
	row := 2
	for _, m := range rep.Members {
		for _, r := range m.Obligations {
			x.set(s, 1, row, m.Code, x.wrap())
			x.set(s, 2, row, m.Name, x.wrap())
			x.set(s, 3, row, r.Title, x.wrap())
			x.set(s, 4, row, r.Status, x.statusStyle(r.Status, r.Overridden))
			x.set(s, 5, row, r.Computed, x.statusStyle(r.Computed, false))
			due := ""
			if !r.Due.IsZero() {
				due = day(r.Due)
			}
			x.set(s, 6, row, due, x.wrap())
			x.set(s, 7, row, r.Explanation, x.wrap())
			x.set(s, 8, row, strings.Join(r.Warnings, "\n"), x.wrap())
			var ev []string
			for _, e := range r.Evidence {
				line := e.Note
				if e.Sheet != "" && len(e.Rows) > 0 {
					line += fmt.Sprintf(" (blad %s, rad %s)", e.Sheet, rowList(e.Rows))
				}
				if e.Submission != "" {
					line += " [inlämning " + e.Submission + "]"
				}
				ev = append(ev, line)
			}
			x.set(s, 9, row, strings.Join(ev, "\n"), x.wrap())
			var hist []string
			for _, e := range r.History {
				hist = append(hist, historyLine(e))
			}
			x.set(s, 10, row, strings.Join(hist, "\n"), x.wrap())
			x.height(s, row, detailWidths, map[int]string{2: m.Name, 3: r.Title, 7: r.Explanation,
				8: strings.Join(r.Warnings, "\n"), 9: strings.Join(ev, "\n"), 10: strings.Join(hist, "\n")})
			row++
		}
	}
	x.widths(s, detailWidths...)
	x.filter(s, len(headers), row-1)
	return x.err
}

func historyLine(e Event) string {
	if e.Kind == EventReply {
		return fmt.Sprintf("%s svar från %s: %s", day(e.At), e.By, e.Text)
	}
	if e.Status == "" {
		return fmt.Sprintf("%s %s tog bort ändringen (%s → %s): %s", day(e.At), e.By, e.Before, e.After, e.Text)
	}
	return fmt.Sprintf("%s %s ändrade %s → %s: %s", day(e.At), e.By, e.Before, e.After, e.Text)
}

// rowList writes rows compactly: "2–10", "2, 5, 7–9".
func rowList(rows []int) string {
	var parts []string
	for i := 0; i < len(rows); {
		j := i
		for j+1 < len(rows) && rows[j+1] == rows[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", rows[i], rows[j]))
		} else {
			parts = append(parts, fmt.Sprint(rows[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
