package workbook

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
)

// The cell checks of the template, as one table per sheet: which column,
// what it accepts, and the two messages the office suite shows, the input
// message when the cell is selected (what to type) and the error message
// when the typed value is refused. Every column of a table sheet has an
// entry, so every cell tells what belongs there; free-text columns have
// no rule, only the input message.

// cellRule makes a cell's validation accept what the column may hold.
type cellRule func(dv *excelize.DataValidation) error

// columnCheck is one column's check. cols is a column or a span of
// columns ("F:Z"); the check covers rows 2 to the sheet's last input row.
type columnCheck struct {
	cols         string
	rule         cellRule // nil: free text, the input message only
	title, input string   // input message (title at most 32 characters)
	errTitle     string
	err          string // error message, when rule is set
}

// listRule offers list i of the Listor sheet as a drop-down.
func listRule(i int) cellRule {
	return func(dv *excelize.DataValidation) error {
		dv.SetSqrefDropList(listRef(i))
		return nil
	}
}

// rangeRule accepts values of typ from lo to hi, or from lo up when hi is
// below lo.
func rangeRule(typ excelize.DataValidationType, lo, hi float64) cellRule {
	return func(dv *excelize.DataValidation) error {
		op := excelize.DataValidationOperatorBetween
		if hi < lo {
			op = excelize.DataValidationOperatorGreaterThanOrEqual
		}
		if err := dv.SetRange(lo, max(hi, lo), typ, op); err != nil {
			return err
		}
		if hi < lo {
			dv.Formula2 = ""
		}
		return nil
	}
}

var (
	yearRule = rangeRule(excelize.DataValidationTypeWhole, 1900, 2100)
	// The days the database can store (1970-01-01 … 2105-12-31) as
	// Excel's serial numbers, so that the office suite refuses what the
	// upload would.
	dateRule = rangeRule(excelize.DataValidationTypeDate, excelSerial(klimatrapport.FirstDate), excelSerial(klimatrapport.LastDate))
)

// codeRule accepts a code of two to four characters (the cell is text, so
// that leading zeros stay).
func codeRule(dv *excelize.DataValidation) error {
	return dv.SetRange(2, 4, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
}

// valueRule accepts an emission value: a number ≥ 0 or a notation key.
// first is the top left cell of the range, which the formula refers to.
func valueRule(first string) cellRule {
	return func(dv *excelize.DataValidation) error {
		dv.Type = "custom"
		dv.Formula1 = xmlEscaper.Replace(fmt.Sprintf("OR(AND(ISNUMBER(%s),%s>=0),%s)", first, first, isNotation(first)))
		return nil
	}
}

// isNotation is a formula that is true when cell holds a notation key.
func isNotation(cell string) string {
	var or []string
	for _, k := range klimatrapport.NotationKeys() {
		or = append(or, fmt.Sprintf("%s=%q", cell, k))
	}
	return strings.Join(or, ",")
}

func yearCheck(cols, title, input string) columnCheck {
	return columnCheck{cols: cols, rule: yearRule, title: title, input: input,
		errTitle: "Årtal", err: "Skriv ett årtal som ett heltal, t.ex. 2030."}
}

func dateCheck(cols, title, input string) columnCheck {
	return columnCheck{cols: cols, rule: dateRule, title: title, input: input + " Skriv ÅÅÅÅ-MM-DD, t.ex. 2024-03-15.",
		errTitle: "Datum", err: "Skriv ett datum mellan " + klimatrapport.DateRangeText() + ", som ÅÅÅÅ-MM-DD, t.ex. 2024-03-15."}
}

func sectorCheck(cols, input string) columnCheck {
	return columnCheck{cols: cols, rule: listRule(0), title: "Sektor", input: input,
		errTitle: "Sektor", err: "Välj en av SMHI:s nio huvudsektorer i listan."}
}

// detailChecks are Uppgifter's checks, by cell.
var detailChecks = []columnCheck{
	{cols: "B2", rule: codeRule, title: "Kod",
		input:    "Kommunens fyrsiffriga kod enligt SCB (t.ex. 1281), eller länets två siffror för en region. Måste fyllas i.",
		errTitle: "Kod", err: "Skriv kommunkoden med fyra siffror (t.ex. 1281) eller länskoden med två (t.ex. 12)."},
	{cols: "B3", title: "Namn", input: "Kommunens eller regionens namn, t.ex. Lunds kommun."},
	{cols: "B4", rule: yearRule, title: "Rapportår", input: "Året rapporten gäller, t.ex. 2025. Måste fyllas i.",
		errTitle: "Årtal", err: "Skriv rapportåret som ett heltal, t.ex. 2025."},
	{cols: "B5", title: "Kontaktperson", input: "Tjänstepersonen som svarar på frågor om rapporten."},
	{cols: "B6", title: "E-post", input: "Kontaktpersonens e-postadress."},
	{cols: "B7", title: "Politisk kontakt", input: "Ansvarig förtroendevald, t.ex. nämndens ordförande."},
	dateCheck("B8", "Datum", "Dagen rapporten lämnas."),
}

// emissionChecks are Utsläpp's checks; values spans the value columns
// (the years and the empty columns after them, where a year may be added).
func emissionChecks(values string) []columnCheck {
	first := strings.SplitN(values, ":", 2)[0] + "2"
	return []columnCheck{
		sectorCheck("A", "Välj en av SMHI:s nio huvudsektorer i listan."),
		{cols: "B", rule: listRule(1), title: "Undersektor",
			input:    "Lämna tom för sektorns total. Annars: välj en undersektor till radens sektor.",
			errTitle: "Undersektor", err: "Välj en undersektor i listan, eller lämna tom för sektorns total."},
		{cols: "C", rule: listRule(2), title: "Växthusgas",
			input:    "Lämna tom för alla växthusgaser omräknade till CO2e, eller välj en gas.",
			errTitle: "Växthusgas", err: "Välj en växthusgas i listan, eller lämna tom för alla växthusgaser (CO2e)."},
		{cols: "D", title: "Källa", input: "Var värdena kommer från, t.ex. SMHI eller egen beräkning."},
		{cols: "E", title: "Kommentar", input: "Krävs när en cell på raden har NO, IE, NE eller C: förklara varför."},
		{cols: values, rule: valueRule(first), title: "Utsläpp (ton CO2e)",
			input:    "Tal ≥ 0 i ton CO2e, t.ex. 1234,5. Eller NO / IE / NE / C med förklaring i Kommentar. Tom: inte rapporterat.",
			errTitle: "Utsläpp", err: "Skriv utsläppet i ton CO2e som ett tal från 0 och uppåt, eller en notationsnyckel: NO, IE, NE eller C (förklara den i Kommentar)."},
	}
}

var goalChecks = []columnCheck{
	{cols: "A", title: "Mål-ID", input: "Frivilligt: ett kort id som är unikt i bladet, t.ex. M1."},
	{cols: "B", title: "Mål", input: "Målet i ord, t.ex. Halvera utsläppen till 2030. Måste fyllas i."},
	{cols: "C", rule: listRule(4), title: "Typ", input: "Välj Absolut minskning, Minskning per invånare eller Nettonoll.",
		errTitle: "Typ", err: "Välj Absolut minskning, Minskning per invånare eller Nettonoll."},
	sectorCheck("D", "Lämna tom om målet gäller alla sektorer, annars välj sektorn."),
	yearCheck("E", "Basår", "Året minskningen räknas från, t.ex. 1990. Behövs inte för Nettonoll."),
	yearCheck("F", "Målår", "Året målet ska vara nått, t.ex. 2030. Måste fyllas i."),
	{cols: "G", rule: rangeRule(excelize.DataValidationTypeDecimal, 0, 100), title: "Minskning (%)",
		input:    "Hur många procent utsläppen ska minska från basåret till målåret, t.ex. 70 (inte 0,7).",
		errTitle: "Tal", err: "Skriv hur många procent utsläppen ska minska, ett tal större än 0 och högst 100."},
	{cols: "H", title: "Beslutat av", input: "Vem som beslutade målet, t.ex. kommunfullmäktige."},
	dateCheck("I", "Beslutsdatum", "Dagen målet beslutades."),
	{cols: "J", title: "Länk", input: "Adress till beslutet eller dokumentet, t.ex. https://…"},
}

var planChecks = []columnCheck{
	{cols: "A", title: "Namn", input: "Handlingsplanens namn. Måste fyllas i."},
	dateCheck("B", "Antagen", "Dagen planen antogs."),
	{cols: "C", title: "Beslutat av", input: "Vem som antog planen, t.ex. kommunfullmäktige."},
	yearCheck("D", "Gäller från", "Första året planen gäller, t.ex. 2021."),
	yearCheck("E", "Gäller till", "Sista året planen gäller, t.ex. 2030."),
	{cols: "F", title: "Länk", input: "Adress till planen, t.ex. https://…"},
}

var measureChecks = []columnCheck{
	{cols: "A", title: "Åtgärds-ID", input: "Frivilligt: ett kort id som är unikt i bladet, t.ex. Å1."},
	{cols: "B", title: "Åtgärd", input: "Åtgärden i ord, t.ex. Fler laddplatser. Måste fyllas i."},
	sectorCheck("C", "Sektorn åtgärden minskar utsläppen i, eller lämna tom."),
	{cols: "D", rule: listRule(5), title: "Status", input: "Välj Planerad, Pågående, Genomförd eller Avbruten. Måste fyllas i.",
		errTitle: "Status", err: "Välj Planerad, Pågående, Genomförd eller Avbruten."},
	yearCheck("E", "Startår", "Året åtgärden börjar, t.ex. 2022."),
	yearCheck("F", "Slutår", "Året åtgärden är klar, t.ex. 2026."),
	{cols: "G", rule: rangeRule(excelize.DataValidationTypeDecimal, 0, -1), title: "Förväntad minskning",
		input:    "Ton CO2e per år som åtgärden väntas minska utsläppen, t.ex. 120,5. Lämna tom om okänt.",
		errTitle: "Tal", err: "Skriv den förväntade minskningen i ton CO2e per år, ett tal från 0 och uppåt."},
	{cols: "H", title: "Ansvarig", input: "Förvaltning eller bolag som ansvarar, t.ex. Tekniska förvaltningen."},
	{cols: "I", title: "Kommentar", input: "Frivilligt: det som behöver förklaras om åtgärden."},
}

// addChecks adds checks to sheet for rows 2 to last (a cell, such as
// Uppgifter's "B2", is checked alone).
func (t *tmpl) addChecks(sheet string, checks []columnCheck, last int) error {
	for _, c := range checks {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = checkRange(c.cols, last)
		if c.rule != nil {
			if err := c.rule(dv); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, c.errTitle, c.err)
		}
		dv.SetInput(c.title, c.input)
		if err := t.f.AddDataValidation(sheet, dv); err != nil {
			return fmt.Errorf("template: %s %s: %w", sheet, c.cols, err)
		}
	}
	return nil
}

// checkRange is the range of cols ("C", "F:Z" or a cell "B2") from row 2 to
// last.
func checkRange(cols string, last int) string {
	if strings.ContainsAny(cols, "0123456789") {
		return cols
	}
	from, to, _ := strings.Cut(cols, ":")
	if to == "" {
		to = from
	}
	return fmt.Sprintf("%s2:%s%d", from, to, last)
}
