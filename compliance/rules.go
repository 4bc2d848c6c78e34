package compliance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// Rules are the parameters of the four obligations. Defaults are built in
// (DefaultRules); a rules file (JSON) overrides any subset of them. Every
// field is documented with the default and what it means for reporting year
// Y.
type Rules struct {
	Inventory InventoryRules `json:"inventory"`
	Goals     GoalRules      `json:"goals"`
	Plan      PlanRules      `json:"plan"`
	Reporting ReportingRules `json:"reporting"`
}

// InventoryRules: inventory values for year Y−MaxLagYears or later, covering
// all nine main sectors (a notation key with a comment counts), and no gap
// in the last GapWindowYears inventory years reported.
type InventoryRules struct {
	// MaxLagYears: the latest inventory year must be at least Y−MaxLagYears
	// (default 2: SMHI publishes year Y−2 in spring Y).
	MaxLagYears int `json:"max_lag_years"`
	// GapWindowYears: every year of the window ending at the latest
	// reported year (and not starting before the first reported year) must
	// have inventory values (default 5).
	GapWindowYears int `json:"gap_window_years"`
	// GraceYears: a new member has this many years from joining (default 2,
	// the Global Covenant of Mayors' practice).
	GraceYears int `json:"grace_years"`
}

// GoalRules: at least one goal for total territorial emissions (no sector)
// of one of GoalTypes, with base year, target year ≥ Y and reduction,
// decided by a political body. A goal whose target year has passed is a
// warning.
type GoalRules struct {
	// GoalTypes that count (default all three template types).
	GoalTypes []string `json:"goal_types"`
	// PoliticalBodies: "Beslutat av" must name one of these (case-
	// insensitive; entries of up to three letters, like KF, must match a
	// whole word, longer ones any part: "fullmäktige" matches
	// "Kommunfullmäktige"). Empty: any non-empty "Beslutat av" counts.
	PoliticalBodies []string `json:"political_bodies"`
	// RequireDecisionDate: "Beslutsdatum" must be given, and not after the
	// evaluation date (default true).
	RequireDecisionDate bool `json:"require_decision_date"`
	// GraceYears from joining (default 3).
	GraceYears int `json:"grace_years"`
}

// PlanRules: an adopted plan valid in Y, and at least MinActiveMeasures
// measures with one of ActiveStatuses.
type PlanRules struct {
	// ActiveStatuses of measures that count (default Pågående, Genomförd).
	ActiveStatuses []string `json:"active_measure_statuses"`
	// MinActiveMeasures (default 1).
	MinActiveMeasures int `json:"min_active_measures"`
	// GraceYears from joining (default 3).
	GraceYears int `json:"grace_years"`
}

// ReportingRules: an accepted submission for Y uploaded by the deadline;
// later counts as late (försenat).
type ReportingRules struct {
	// Deadline is the last day, "MM-DD" in year Y, Swedish time (default
	// "06-30").
	Deadline string `json:"deadline"`
	// GraceYears from joining: the first deadline that counts is the first
	// one at least this many years after joining (default 0: every
	// deadline after joining).
	GraceYears int `json:"grace_years"`
	// DormantAfterDays: a member that has to report for Y and has not,
	// this many days after the deadline, is dormant (vilande) until its
	// report arrives (default DefaultDormantAfterDays, 60).
	DormantAfterDays int `json:"dormant_after_days"`
}

// DefaultRules returns the built-in rules.
func DefaultRules() Rules {
	return Rules{
		Inventory: InventoryRules{MaxLagYears: 2, GapWindowYears: 5, GraceYears: 2},
		Goals: GoalRules{
			GoalTypes:           kr.GoalTypes(),
			PoliticalBodies:     []string{"fullmäktige", "styrelse", "nämnd", "KF", "KS", "RF", "RS"},
			RequireDecisionDate: true,
			GraceYears:          3,
		},
		Plan:      PlanRules{ActiveStatuses: []string{kr.MeasureOngoing, kr.MeasureDone}, MinActiveMeasures: 1, GraceYears: 3},
		Reporting: ReportingRules{Deadline: "06-30", GraceYears: 0, DormantAfterDays: DefaultDormantAfterDays},
	}
}

// LoadRules reads a rules file over the defaults; an empty path gives the
// defaults. Errors are of kind Invalid with a Swedish message that names the
// file and the offending setting.
func LoadRules(path string) (Rules, error) {
	if path == "" {
		return DefaultRules(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Rules{}, kr.Wrap(kr.Invalid, err, fmt.Sprintf("Regelfilen %s kan inte läsas", path))
	}
	r, err := ParseRules(b)
	if err != nil {
		return Rules{}, kr.Wrap(kr.Invalid, err, fmt.Sprintf("Regelfilen %s kan inte användas: %s", path, kr.MessageOf(err)))
	}
	return r, nil
}

// ParseRules reads rules (JSON) over the defaults and validates them.
// Unknown settings are refused, so that a misspelt one is not silently
// ignored.
func ParseRules(b []byte) (Rules, error) {
	r := DefaultRules()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Rules{}, kr.E(kr.Invalid, "%s", jsonProblem(err))
	}
	if err := dec.Decode(new(json.RawMessage)); !errors.Is(err, io.EOF) {
		return Rules{}, kr.E(kr.Invalid, "filen innehåller mer än ett JSON-objekt")
	}
	if err := r.Validate(); err != nil {
		return Rules{}, err
	}
	return r, nil
}

func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("filen är inte giltig JSON (fel vid tecken %d)", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("inställningen %s har fel typ (väntade %s)", typ.Field, swedishType(typ.Type.String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Sprintf("inställningen %s finns inte (se klimatrapport compliance --show-rules för alla inställningar)",
			strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "filen är inte giltig JSON (den tar slut mitt i)"
	case errors.Is(err, io.EOF):
		return "filen är tom"
	}
	return "filen kan inte läsas som JSON"
}

func swedishType(t string) string {
	switch t {
	case "int":
		return "ett heltal"
	case "string":
		return "en text"
	case "bool":
		return "true eller false"
	case "[]string":
		return "en lista med texter"
	}
	return t
}

// Validate checks that the rules make sense.
func (r Rules) Validate() error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	between := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			bad("%s måste vara mellan %d och %d (är %d)", name, lo, hi, v)
		}
	}
	between("inventory.max_lag_years", r.Inventory.MaxLagYears, 0, 10)
	between("inventory.gap_window_years", r.Inventory.GapWindowYears, 1, 30)
	between("inventory.grace_years", r.Inventory.GraceYears, 0, 10)
	between("goals.grace_years", r.Goals.GraceYears, 0, 10)
	between("plan.grace_years", r.Plan.GraceYears, 0, 10)
	between("plan.min_active_measures", r.Plan.MinActiveMeasures, 1, 1000)
	between("reporting.grace_years", r.Reporting.GraceYears, 0, 10)
	between("reporting.dormant_after_days", r.Reporting.DormantAfterDays, 0, 730)
	if len(r.Goals.GoalTypes) == 0 {
		bad("goals.goal_types får inte vara tom (välj bland %s)", strings.Join(kr.GoalTypes(), ", "))
	}
	for _, t := range r.Goals.GoalTypes {
		if !slices.Contains(kr.GoalTypes(), t) {
			bad("goals.goal_types: %q är ingen måltyp (välj bland %s)", t, strings.Join(kr.GoalTypes(), ", "))
		}
	}
	for _, b := range r.Goals.PoliticalBodies {
		if strings.TrimSpace(b) == "" {
			bad("goals.political_bodies får inte innehålla tomma namn")
		}
	}
	if len(r.Plan.ActiveStatuses) == 0 {
		bad("plan.active_measure_statuses får inte vara tom (välj bland %s)", strings.Join(kr.MeasureStatuses(), ", "))
	}
	for _, s := range r.Plan.ActiveStatuses {
		if !slices.Contains(kr.MeasureStatuses(), s) {
			bad("plan.active_measure_statuses: %q är ingen åtgärdsstatus (välj bland %s)", s, strings.Join(kr.MeasureStatuses(), ", "))
		}
	}
	if _, _, err := parseMonthDay(r.Reporting.Deadline); err != nil {
		bad("reporting.deadline: %v", err)
	}
	if len(problems) > 0 {
		return kr.E(kr.Invalid, "%s", strings.Join(problems, "; "))
	}
	return nil
}

// parseMonthDay reads "MM-DD" (a day that exists every year).
func parseMonthDay(s string) (time.Month, int, error) {
	t, err := time.Parse("01-02", s)
	if err != nil || t.Format("01-02") != s {
		return 0, 0, fmt.Errorf("%q är inget datum på formen MM-DD, t.ex. 06-30", s)
	}
	if t.Month() == time.February && t.Day() == 29 {
		return 0, 0, fmt.Errorf("29 februari finns inte varje år; välj en annan dag")
	}
	return t.Month(), t.Day(), nil
}

// SwedishDay is t's date in Sweden, as a UTC midnight: the form the
// deadlines (DeadlineDay) and the register's dates have.
func SwedishDay(t time.Time) time.Time {
	t = t.In(swedish.Zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// DeadlineDay is the last day to report for year (a date, UTC midnight).
func (r Rules) DeadlineDay(year int) time.Time {
	m, d, err := parseMonthDay(r.Reporting.Deadline)
	if err != nil {
		m, d = time.June, 30
	}
	return time.Date(year, m, d, 0, 0, 0, 0, time.UTC)
}

// deadlineEnd is the first instant after the deadline day, Swedish time.
func (r Rules) deadlineEnd(year int) time.Time {
	day := r.DeadlineDay(year)
	return time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, swedish.Zone)
}
