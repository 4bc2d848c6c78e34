package workbook

import (
	"strings"
	"unicode"
)

// Sheet names of the template, which members and their tools rely on: keep
// them as they are. The parser also accepts the English names in
// sheetAliases.
const (
	SheetInstructions = "Instruktioner"
	SheetDetails      = "Uppgifter"
	SheetEmissions    = "Utsläpp"
	SheetGoals        = "Mål"
	SheetPlans        = "Handlingsplan"
	SheetMeasures     = "Åtgärder"
	SheetLists        = "Listor"
	SheetReport       = "Att rätta" // added by Annotate
	// sheetReportBefore is the name Annotate gave its first sheet before
	// SheetReport: annotated copies made then are still read and annotated.
	sheetReportBefore = "Fel och varningar"
)

type sheetKind int

const (
	kindUnknown sheetKind = iota
	kindDetails
	kindEmissions
	kindGoals
	kindPlans
	kindMeasures
	kindIgnored // Instruktioner, Listor, Att rätta (and Fel och varningar)
)

var sheetAliases = map[string]sheetKind{
	"uppgifter": kindDetails, "details": kindDetails, "uppgift": kindDetails, "detaljer": kindDetails,
	"utsläpp": kindEmissions, "utslapp": kindEmissions, "emissions": kindEmissions,
	"inventering": kindEmissions, "inventory": kindEmissions,
	"mål": kindGoals, "mal": kindGoals, "goals": kindGoals, "goal": kindGoals,
	"handlingsplan": kindPlans, "handlingsplaner": kindPlans, "actionplan": kindPlans, "actionplans": kindPlans,
	"åtgärder": kindMeasures, "atgarder": kindMeasures, "åtgärd": kindMeasures, "measures": kindMeasures,
	"instruktioner": kindIgnored, "instructions": kindIgnored, "listor": kindIgnored, "lists": kindIgnored,
	"atträtta": kindIgnored, "felochvarningar": kindIgnored,
}

// norm folds case and removes every kind of white space, a trailing colon
// and asterisks (people mark required columns with them).
func norm(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		if unicode.IsSpace(r) || r == '*' || r == '\u200b' || r == '\ufeff' {
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), ":")
}

// withoutParens drops parenthesised parts: "utsläpp(tonco2e)" → "utsläpp".
func withoutParens(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lookupName finds a sheet or column name in aliases: normalised, then also
// without its parenthesised parts. Not found gives the zero value.
func lookupName[T any](aliases map[string]T, name string) T {
	n := norm(name)
	if v, ok := aliases[n]; ok {
		return v
	}
	return aliases[withoutParens(n)]
}

func classifySheet(name string) sheetKind { return lookupName(sheetAliases, name) }

// Column fields. Each table sheet maps its header cells to these.
type field int

const (
	fNone field = iota
	// Utsläpp
	fYear
	fSector
	fSubsector
	fGas
	fValue
	fSource
	fComment
	// Mål
	fGoalID
	fGoalName
	fGoalType
	fBaseYear
	fTargetYear
	fReduction
	fDecidedBy
	fDecidedOn
	fLink
	// Handlingsplan
	fPlanName
	fAdopted
	fValidFrom
	fValidTo
	// Åtgärder
	fMeasureID
	fMeasureName
	fStatus
	fStartYear
	fEndYear
	fExpected
	fResponsible
	// Uppgifter
	fField
	fFieldValue
)

// fieldTitle is the Swedish column header, used in messages and the
// template.
var fieldTitle = map[field]string{
	fYear: "År", fSector: "Sektor", fSubsector: "Undersektor", fGas: "Växthusgas",
	fValue: "Utsläpp (ton CO2e)", fSource: "Källa", fComment: "Kommentar",
	fGoalID: "Mål-ID", fGoalName: "Mål", fGoalType: "Typ", fBaseYear: "Basår", fTargetYear: "Målår",
	fReduction: "Minskning (%)", fDecidedBy: "Beslutat av", fDecidedOn: "Beslutsdatum", fLink: "Länk",
	fPlanName: "Namn", fAdopted: "Antagen", fValidFrom: "Gäller från", fValidTo: "Gäller till",
	fMeasureID: "Åtgärds-ID", fMeasureName: "Åtgärd", fStatus: "Status", fStartYear: "Startår",
	fEndYear: "Slutår", fExpected: "Förväntad minskning (ton CO2e/år)", fResponsible: "Ansvarig",
	fField: "Fält", fFieldValue: "Värde",
}

// columnAliases lists, per sheet kind, the accepted normalised headers.
var columnAliases = map[sheetKind]map[string]field{
	kindEmissions: {
		"år": fYear, "ar": fYear, "year": fYear, "inventeringsår": fYear,
		"sektor": fSector, "huvudsektor": fSector, "sector": fSector, "mainsector": fSector,
		"undersektor": fSubsector, "subsector": fSubsector, "sub-sector": fSubsector,
		"växthusgas": fGas, "gas": fGas, "greenhousegas": fGas, "ghg": fGas, "vaxthusgas": fGas,
		"utsläpp": fValue, "utslapp": fValue, "värde": fValue, "emissions": fValue, "emission": fValue,
		"value": fValue, "tonco2e": fValue,
		"källa": fSource, "kalla": fSource, "source": fSource,
		"kommentar": fComment, "comment": fComment, "comments": fComment, "kommentarer": fComment,
	},
	kindGoals: {
		"mål-id": fGoalID, "målid": fGoalID, "id": fGoalID, "goalid": fGoalID, "goal-id": fGoalID,
		"mål": fGoalName, "goal": fGoalName, "namn": fGoalName, "name": fGoalName, "målformulering": fGoalName,
		"typ": fGoalType, "type": fGoalType, "måltyp": fGoalType, "goaltype": fGoalType,
		"sektor": fSector, "sector": fSector,
		"basår": fBaseYear, "baseyear": fBaseYear, "basar": fBaseYear,
		"målår": fTargetYear, "targetyear": fTargetYear, "malar": fTargetYear,
		"minskning": fReduction, "reduction": fReduction, "minskning%": fReduction, "reduction%": fReduction,
		"beslutatav": fDecidedBy, "decidedby": fDecidedBy,
		"beslutsdatum": fDecidedOn, "decisiondate": fDecidedOn, "decidedon": fDecidedOn,
		"länk": fLink, "link": fLink, "url": fLink, "lank": fLink,
	},
	kindPlans: {
		"namn": fPlanName, "name": fPlanName, "handlingsplan": fPlanName, "plan": fPlanName,
		"antagen": fAdopted, "adopted": fAdopted, "antagen(datum)": fAdopted,
		"beslutatav": fDecidedBy, "decidedby": fDecidedBy,
		"gällerfrån": fValidFrom, "validfrom": fValidFrom, "gallerfran": fValidFrom,
		"gällertill": fValidTo, "validto": fValidTo, "gallertill": fValidTo,
		"länk": fLink, "link": fLink, "url": fLink, "lank": fLink,
	},
	kindMeasures: {
		"åtgärds-id": fMeasureID, "åtgärdsid": fMeasureID, "id": fMeasureID, "measureid": fMeasureID,
		"åtgärd": fMeasureName, "measure": fMeasureName, "namn": fMeasureName, "name": fMeasureName, "atgard": fMeasureName,
		"sektor": fSector, "sector": fSector,
		"status":  fStatus,
		"startår": fStartYear, "startyear": fStartYear, "startar": fStartYear,
		"slutår": fEndYear, "endyear": fEndYear, "slutar": fEndYear,
		"förväntadminskning": fExpected, "expectedreduction": fExpected, "forvantadminskning": fExpected,
		"ansvarig": fResponsible, "responsible": fResponsible,
		"kommentar": fComment, "comment": fComment,
	},
}

// matchColumn maps a header cell to a field of the sheet kind.
func matchColumn(kind sheetKind, header string) field {
	return lookupName(columnAliases[kind], header)
}

// Uppgifter fields.
type detailField int

const (
	dNone detailField = iota
	dCode
	dName
	dReportYear
	dContact
	dEmail
	dPolitical
	dDate
	dHeader
)

var detailAliases = map[string]detailField{
	"kod": dCode, "code": dCode, "kommunkod": dCode, "länskod": dCode, "municipalitycode": dCode,
	"namn": dName, "name": dName, "kommun": dName, "kommunnamn": dName, "municipality": dName,
	"rapportår": dReportYear, "reportyear": dReportYear, "rapportar": dReportYear, "år": dReportYear, "year": dReportYear,
	"kontaktperson": dContact, "contact": dContact, "contactperson": dContact, "kontakt": dContact, "tjänsteperson": dContact,
	"e-post": dEmail, "epost": dEmail, "email": dEmail, "e-mail": dEmail, "mejl": dEmail,
	"politiskkontakt": dPolitical, "politicalcontact": dPolitical, "politiker": dPolitical,
	"datum": dDate, "date": dDate,
	"fält": dHeader, "field": dHeader, "falt": dHeader,
}

func matchDetail(label string) detailField { return lookupName(detailAliases, label) }
