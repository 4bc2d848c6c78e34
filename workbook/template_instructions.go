package workbook

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// The Instruktioner sheet: numbered steps in column A, their text in
// columns B to H merged and wrapped (a readable line length, printed on
// one page width), headings, a worked example per data sheet as a small
// table in columns B to H, and links to the definitions. The parser ignores
// the sheet, so the examples are never read as data.

// instrKind is what a line of the Instruktioner sheet is.
type instrKind int

const (
	instrText    instrKind = iota // wrapped text over B:H, with an optional number in A
	instrTitle                    // the sheet's title
	instrHeading                  // a section heading
	instrTable                    // an example table's row, one cell per column from B
	instrHeader                   // an example table's header row
	instrLink                     // a link: text in B:H pointing at url
)

type instrLine struct {
	kind  instrKind
	num   string // step number, in column A
	text  string
	url   string // instrLink: the address; empty: the path is written as text
	cells []any  // instrTable, instrHeader
}

// instrCols are the columns B to H and their widths: the example tables'
// columns and, merged, the text's width.
var instrWidths = []float64{30, 24, 14, 16, 30, 12, 12}

// instrLineChars is about how many characters a line of the merged text
// holds; it sets the heights of the wrapped rows, which Excel does not
// compute when it opens a file.
const instrLineChars = 125

func stepText(num, s string) instrLine { return instrLine{kind: instrText, num: num, text: s} }
func bulletText(s string) instrLine    { return instrLine{kind: instrText, text: "• " + s} }
func headingText(s string) instrLine   { return instrLine{kind: instrHeading, text: s} }
func exampleHeader(cells ...any) instrLine {
	return instrLine{kind: instrHeader, cells: cells}
}
func exampleRow(cells ...any) instrLine { return instrLine{kind: instrTable, cells: cells} }

// instructionLines is the sheet's content, top to bottom.
func (t *tmpl) instructionLines() []instrLine {
	lines := []instrLine{{kind: instrTitle, text: fmt.Sprintf("Klimatrapport %d – mall för Klimatkommunernas medlemmar", t.opts.Year)}}
	if t.opts.Name != "" || t.opts.Code != "" {
		lines = append(lines, stepText("", strings.TrimSpace(fmt.Sprintf("Mallen är gjord för %s %s.", SafeText(t.opts.Name), SafeText(t.opts.Code)))))
	}
	lines = append(lines, t.stepLines()...)
	lines = append(lines, exampleLines()...)
	lines = append(lines, adviceLines()...)
	lines = append(lines, t.afterLines()...)
	return append(lines, t.linkLines()...)
}

func (t *tmpl) stepLines() []instrLine {
	return []instrLine{
		headingText("Så här fyller du i mallen"),
		stepText("1.", "Uppgifter: skriv kommunkoden (fyra siffror enligt SCB, t.ex. 1281 för Lund; för en region länets två siffror), namn, rapportår, kontaktpersoner och datum."),
		stepText("2.", "Utsläpp: en rad per sektor (och undersektor om ni har den uppdelningen), en kolumn per år. Värdena är utsläpp i ton koldioxidekvivalenter (CO2e) per år."),
		bulletText("Sektor är en av SMHI:s nio huvudsektorer – välj i listan. De nio sektorerna finns redan som rader."),
		bulletText("Undersektor: lämna tom för sektorns total. Vill ni redovisa undersektorer, lägg till en rad per undersektor och välj den i listan (SMHI:s indelning)."),
		bulletText("Växthusgas: lämna tom för alla växthusgaser omräknade till CO2e, eller välj CO2, CH4, N2O, HFC, PFC eller SF6."),
		bulletText("Saknas ett värde, skriv en notationsnyckel i cellen och förklara i Kommentar: NO = förekommer inte, IE = ingår i en annan post, NE = inte beräknat, C = konfidentiellt."),
		bulletText("Lämna cellen tom för år ni inte rapporterar. Skriv tal med decimalkomma, t.ex. 1234,5. Negativa värden tas inte emot."),
		bulletText("Ni kan också lägga till årskolumner (t.ex. 2000) – skriv året som rubrik i en tom kolumn efter det sista året. Ett år efter rapportåret tas inte emot."),
		bulletText("I stället för en kolumn per år går det att använda kolumnerna År | Sektor | Undersektor | Växthusgas | Utsläpp (ton CO2e) | Källa | Kommentar, en rad per värde."),
		stepText("3.", "Mål: en rad per mål. Typ är Absolut minskning, Minskning per invånare eller Nettonoll. Minskning (%) är hur många procent utsläppen ska minska från basåret till målåret (t.ex. 70). Lämna Sektor tom om målet gäller alla sektorer."),
		stepText("4.", "Handlingsplan: en rad per antagen klimathandlingsplan, med datum då den antogs och vilka år den gäller."),
		stepText("5.", "Åtgärder: en rad per åtgärd i handlingsplanen. Status är Planerad, Pågående, Genomförd eller Avbruten."),
		stepText("6.", "Spara filen som Excel-arbetsbok (.xlsx) och ladda upp den under Rapportera ("+t.sitePath("/rapportera")+")."),
	}
}

// exampleLines are a worked example per data sheet. They stand only here,
// on a sheet the upload does not read.
func exampleLines() []instrLine {
	// The example's sectors come from the one sector list: transport (the
	// first main sector) with its first subsector, and electricity and
	// district heating (the fourth).
	sectors := klimatrapport.MainSectors()
	transport, electricity := sectors[0], sectors[3]
	cars := klimatrapport.Subsectors(transport)[0]
	return []instrLine{
		headingText("Exempel"),
		stepText("", "Så här kan ifyllda rader se ut. Exemplen står bara här på bladet Instruktioner, som inte läses in: skriv era egna uppgifter i bladen Uppgifter, Utsläpp, Mål, Handlingsplan och Åtgärder."),
		stepText("", "Uppgifter"),
		exampleHeader("Fält", "Värde"),
		exampleRow("Kod", "1281"), exampleRow("Namn", "Lunds kommun"), exampleRow("Rapportår", 2025),
		stepText("", "Utsläpp (några rader och två år)"),
		exampleHeader("Sektor", "Undersektor", "Växthusgas", "Källa", "Kommentar", 2023, 2024),
		exampleRow(transport, "", "", "SMHI", "", 104036.6, 93225.3),
		exampleRow(transport, cars, "CO2", "SMHI", "", 74023.8, 70110.2),
		exampleRow(electricity, "", "", "Egen beräkning", "Kraftvärmeverket ingår i industrins utsläpp", "IE", "IE"),
		stepText("", "Mål (urval av kolumnerna)"),
		exampleHeader("Mål-ID", "Mål", "Typ", "Basår", "Målår", "Minskning (%)"),
		exampleRow("M1", "Halvera utsläppen till 2030", klimatrapport.GoalAbsolute, 1990, 2030, 50),
		exampleRow("M2", "Nettonoll till 2045", klimatrapport.GoalNetZero, "", 2045, ""),
		stepText("", "Handlingsplan"),
		exampleHeader("Namn", "Antagen", "Beslutat av", "Gäller från", "Gäller till"),
		exampleRow("LundaEko III", "2021-05-27", "Kommunfullmäktige", 2021, 2030),
		stepText("", "Åtgärder (urval av kolumnerna)"),
		exampleHeader("Åtgärds-ID", "Åtgärd", "Sektor", "Status", "Startår", "Slutår", "Förväntad minskning"),
		exampleRow("Å1", "Fler laddplatser", transport, klimatrapport.MeasureOngoing, 2022, 2026, 1200.5),
	}
}

func adviceLines() []instrLine {
	return []instrLine{
		headingText("Att tänka på"),
		bulletText("Ändra inte bladens namn eller kolumnrubrikerna – de används när filen läses in. Därför är rubrikraderna och bladen skyddade (utan lösenord): rader kan läggas till, tas bort, sorteras och formateras. Måste du ändra något, ta bort skyddet under Granska → Ta bort bladskydd (LibreOffice: Verktyg → Skydda blad)."),
		bulletText("En röd cell saknar något som krävs (t.ex. Kod, Rapportår, målets Målår), eller har en notationsnyckel utan förklaring i Kommentar. Markeringen försvinner när det som saknas fylls i."),
		bulletText("När du väljer en cell visas vad den ska innehålla; ett värde som inte passar tas inte emot."),
		bulletText("Formler går bra, men spara filen i Excel eller LibreOffice innan du laddar upp den så att värdena finns sparade."),
		bulletText("Spara som Excel-arbetsbok (.xlsx). Filen får vara högst 20 MB."),
		bulletText("Du kan också ladda upp SMHI:s export från Nationella emissionsdatabasen med bara er kommuns rader (för en region: länets rader); den läses då som er inventering."),
	}
}

func (t *tmpl) afterLines() []instrLine {
	return []instrLine{
		headingText("Efter uppladdningen"),
		bulletText("Efter uppladdningen får du en lista över fel och varningar, cell för cell: blad, cell och vad som ska ändras. Ett fel stoppar hela filen; rätta och ladda upp igen. Varningar stoppar inte."),
		bulletText("Du kan hämta din fil med felen markerade i cellerna (Att rätta): varje cell med fel är färgad och kommenterad, och bladet Fel och varningar listar allt."),
		bulletText("Varje uppladdning sparas som en ny version. Den senaste godkända gäller; de tidigare finns kvar, med vad som ändrades."),
		bulletText("Klimatkommunerna granskar sedan rapporten mot medlemskapets krav (inventering, mål, handlingsplan och åtgärder). Resultatet och eventuella frågor ser du under Rapportera."),
	}
}

func (t *tmpl) linkLines() []instrLine {
	return []instrLine{
		headingText("Definitioner och källor"),
		{kind: instrLink, text: "Nationella emissionsdatabasen (SMHI): sektorerna, undersektorerna och kommunernas utsläpp", url: "https://nationellaemissionsdatabasen.smhi.se/"},
		{kind: instrLink, text: "GHG Protocol for Cities (GPC): uppföljning per sektor och scope, som föreningen rekommenderar", url: "https://ghgprotocol.org/ghg-protocol-cities"},
		t.siteLink("Öppna data: alla rapporterade uppgifter att ladda ner", "/oppna-data"),
		t.siteLink("Medlemstestet: vad medlemskapet kräver", "/medlemstest"),
		t.siteLink("Rapportera: ladda upp mallen och se granskningen", "/rapportera"),
	}
}

// sitePath is path on the service: its full address when the template
// knows the service's, else the path alone.
func (t *tmpl) sitePath(path string) string {
	if t.opts.SiteURL == "" {
		return path
	}
	return strings.TrimRight(t.opts.SiteURL, "/") + path
}

// siteLink links to a page of the service, or names its path as text when
// the template does not know the service's address.
func (t *tmpl) siteLink(label, path string) instrLine {
	if t.opts.SiteURL == "" {
		return stepText("", label+" – "+path+" på Klimatkommunernas rapporttjänst")
	}
	return instrLine{kind: instrLink, text: label, url: t.sitePath(path)}
}

func (t *tmpl) instructions() error {
	s := SheetInstructions
	if err := t.f.SetColWidth(s, "A", "A", 5); err != nil {
		return err
	}
	for i, w := range instrWidths {
		c := colName(i + 2)
		if err := t.f.SetColWidth(s, c, c, w); err != nil {
			return err
		}
	}
	for i, l := range t.instructionLines() {
		if err := t.instructionLine(i+1, l); err != nil {
			return err
		}
	}
	return xlsx.SetLayout(t.f, s, xlsx.Layout{Footer: t.footer()})
}

// instructionLine writes line l into row r.
func (t *tmpl) instructionLine(r int, l instrLine) error {
	s := SheetInstructions
	switch l.kind {
	case instrTable, instrHeader:
		if err := t.setRow(s, r, append([]any{nil}, l.cells...)); err != nil {
			return err
		}
		style := t.exampleCell
		if l.kind == instrHeader {
			style = t.exampleHead
		}
		return t.f.SetCellStyle(s, cellName(2, r), cellName(1+len(l.cells), r), style)
	}
	first, last := cellName(2, r), cellName(1+len(instrWidths), r)
	if l.num != "" {
		if err := t.f.SetCellStr(s, cellName(1, r), l.num); err != nil {
			return err
		}
	}
	if err := t.f.SetCellStr(s, first, l.text); err != nil {
		return err
	}
	if err := t.f.MergeCell(s, first, last); err != nil {
		return err
	}
	style, height := t.note, textHeight(l.text)
	switch l.kind {
	case instrTitle:
		style, height = t.title, 24
	case instrHeading:
		style, height = t.heading, 22
	case instrLink:
		style = t.link
		if err := t.f.SetCellHyperLink(s, first, l.url, "External"); err != nil {
			return err
		}
	}
	if err := t.f.SetCellStyle(s, cellName(1, r), last, style); err != nil {
		return err
	}
	return t.f.SetRowHeight(s, r, height)
}

// textHeight is the height in points of a row of wrapped text.
func textHeight(s string) float64 {
	lines := (utf8.RuneCountInString(s) + instrLineChars - 1) / instrLineChars
	return float64(max(lines, 1))*15 + 3
}
