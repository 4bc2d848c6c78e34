package klimatrapport

import "slices"

// The GPC view (GHG Protocol for Cities, which the association has
// recommended since 2023): GPC's sectors and rows, and the functions over
// the one mapping from SMHI's sectors and subsectors to them (gpcMapping,
// in sectors.go beside the sector tree, which alone spells SMHI's names).
// docs/gpc.md explains it and its caveats; the pages quote the rows' notes.
//
// SMHI's inventory is territorial: everything it holds is scope 1 (in the
// boundary). Scope 2 (grid energy used in the boundary) and scope 3 are not
// in it and are rows with the notation NE; IPPU's industrial processes are
// inside SMHI's Industri (energi + processer) and marked IE.

// Notation keys GPC uses for a row without a value.
const (
	NotationNotOccurring = "NO" // not occurring
	NotationIncluded     = "IE" // included elsewhere
	NotationNotEstimated = "NE" // not estimated
	NotationConfidential = "C"  // confidential
	GPCOtherSector       = "VI" // sectors SMHI does not have (a member's own)
)

// GPCSector is one of GPC's six sectors.
type GPCSector struct {
	Code string `json:"code"` // "I" … "VI"
	Name string `json:"name"` // Swedish
}

// GPCRow is one row of the GPC view: a GPC subsector in one scope.
type GPCRow struct {
	Sector   string `json:"sector"` // GPCSector.Code
	Code     string `json:"code"`   // "I.1", "II.3 utrikes", "I (scope 2)"
	Name     string `json:"name"`   // Swedish
	Scope    int    `json:"scope"`
	Notation string `json:"notation,omitempty"` // fixed: what SMHI's figures cannot give (NE, IE), else ""
	Note     string `json:"note,omitempty"`     // the caveat, Swedish
}

var gpcSectors = []GPCSector{
	{"I", "Stationär energi"}, {"II", "Transport"}, {"III", "Avfall"},
	{"IV", "Industriprocesser och produktanvändning (IPPU)"}, {"V", "Jordbruk, skogsbruk och annan markanvändning (AFOLU)"},
	{"VI", "Övrigt"},
}

// gpcRows are the rows of the view in GPC's order.
var gpcRows = []GPCRow{
	{Sector: "I", Code: "I.1", Name: "Bostadshus", Scope: 1},
	{Sector: "I", Code: "I.2", Name: "Kommersiella och offentliga byggnader", Scope: 1},
	{Sector: "I", Code: "I.3", Name: "Tillverkningsindustri och byggverksamhet", Scope: 1,
		Note: "SMHI:s sektor Industri (energi + processer) rymmer både energianvändning (I.3) och industriprocesser (IV.1) och delas inte upp: hela sektorn redovisas här."},
	{Sector: "I", Code: "I.4", Name: "Energiindustrier (el och fjärrvärme)", Scope: 1,
		Note: "Produktionen inom kommunen, också den el och värme som levereras till andra."},
	{Sector: "I", Code: "I.5", Name: "Jord- och skogsbruk, fiske (lokaler)", Scope: 1},
	{Sector: "I", Code: "I (scope 2)", Name: "Nätlevererad el och fjärrvärme som används inom kommunen", Scope: 2, Notation: NotationNotEstimated,
		Note: "SMHI redovisar utsläppen där el och värme produceras, inte där de används; scope 2 går inte att skilja ut ur SMHI:s siffror."},
	{Sector: "II", Code: "II.1", Name: "Vägtrafik", Scope: 1,
		Note: "Slitage från däck, bromsar och vägbana och avdunstning från vägfordon räknas hit."},
	{Sector: "II", Code: "II.2", Name: "Järnvägstrafik", Scope: 1},
	{Sector: "II", Code: "II.3", Name: "Sjöfart, inrikes", Scope: 1},
	{Sector: "II", Code: "II.4", Name: "Flyg, inrikes", Scope: 1},
	{Sector: "II", Code: "II.5", Name: "Arbetsmaskiner och terrängfordon", Scope: 1,
		Note: "SMHI:s Arbetsmaskiner i sin helhet, också fiskebåtar och jord- och skogsbrukets maskiner: en approximation."},
	{Sector: "II", Code: "II.3 utrikes", Name: "Sjöfart, utrikes (inom Sveriges gränser)", Scope: 1,
		Note: "Den del av utrikes sjöfart som sker inom Sveriges gränser; redovisas för sig, som GPC gör med internationella transporter."},
	{Sector: "II", Code: "II.4 utrikes", Name: "Flyg, utrikes (under 1 000 m i svenskt luftrum)", Scope: 1,
		Note: "Den del av utrikes flyg som sker under 1 000 meters höjd i svenskt luftrum; redovisas för sig, som GPC gör med internationella transporter."},
	{Sector: "II", Code: "II (scope 2)", Name: "El till transporter (tåg, elbilar)", Scope: 2, Notation: NotationNotEstimated,
		Note: "Ingår i SMHI:s El och fjärrvärme där elen produceras; går inte att skilja ut."},
	{Sector: "III", Code: "III.1", Name: "Deponier", Scope: 1,
		Note: "Övrig avfallshantering räknas hit: en approximation."},
	{Sector: "III", Code: "III.2", Name: "Biologisk behandling", Scope: 1},
	{Sector: "III", Code: "III.3", Name: "Förbränning och öppen eldning", Scope: 1,
		Note: "Krematorier, förbränning av farligt avfall och oavsiktliga bränder. Avfall som förbränns för el och värme ingår i I.4."},
	{Sector: "III", Code: "III.4", Name: "Avloppsvatten", Scope: 1},
	{Sector: "III", Code: "III (scope 3)", Name: "Avfall från kommunen som behandlas utanför den", Scope: 3, Notation: NotationNotEstimated,
		Note: "SMHI redovisar avfallets utsläpp där det behandlas."},
	{Sector: "IV", Code: "IV.1", Name: "Industriprocesser", Scope: 1, Notation: NotationIncluded,
		Note: "Ingår i I.3: SMHI:s Industri (energi + processer) delas inte upp."},
	{Sector: "IV", Code: "IV.2", Name: "Produktanvändning", Scope: 1,
		Note: "Lösningsmedel, färg, smörjmedel, fluorerade gaser m.m."},
	{Sector: "V", Code: "V.1", Name: "Djurhållning", Scope: 1,
		Note: "Djurs matsmältning och gödselhantering."},
	{Sector: "V", Code: "V.2", Name: "Markanvändning (LULUCF)", Scope: 1, Notation: NotationNotEstimated,
		Note: "Markanvändning och skog finns inte i SMHI:s siffror per kommun."},
	{Sector: "V", Code: "V.3", Name: "Övriga källor på mark (gödsel, kalkning, odlad mark)", Scope: 1},
	{Sector: "VI", Code: "VI", Name: "Övrigt", Scope: 1,
		Note: "Sektorer utanför SMHI:s indelning i en medlems egen inventering."},
}

// GPCSectors returns GPC's six sectors in order.
func GPCSectors() []GPCSector { return slices.Clone(gpcSectors) }

// GPCRows returns the rows of the GPC view in GPC's order.
func GPCRows() []GPCRow { return slices.Clone(gpcRows) }

// GPCRowOf returns the code of the GPC row an SMHI main sector's figure
// (sub "") or subsector's figure goes to. A main sector outside SMHI's
// (a member's own) goes to VI.
func GPCRowOf(main, sub string) string {
	whole := GPCOtherSector
	for _, m := range gpcMapping {
		if m.main != main {
			continue
		}
		if m.sub == sub {
			return m.row
		}
		if m.sub == "" {
			whole = m.row
		}
	}
	return whole
}

// GPCSplit reports whether a main sector's subsectors go to more than one
// GPC row, so that its total alone cannot be placed row by row.
func GPCSplit(main string) bool {
	rows := map[string]bool{}
	for _, m := range gpcMapping {
		if m.main == main {
			rows[m.row] = true
		}
	}
	return len(rows) > 1
}

// GPCSplitRows returns the rows a split main sector's subsectors go to.
func GPCSplitRows(main string) []string {
	var out []string
	for _, m := range gpcMapping {
		if m.main == main && !slices.Contains(out, m.row) {
			out = append(out, m.row)
		}
	}
	return out
}
