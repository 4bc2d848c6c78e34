package compliance

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// The rules, as small functions over one member's facts. Each returns the
// computed result before grace periods; evaluate applies those.

// evalContext is what every rule needs besides the facts.
type evalContext struct {
	rules  Rules
	year   int       // the report year Y
	asOf   time.Time // the evaluation instant: data up to here is visible
	ref    time.Time // the day the year is judged on: min(asOf, 31 December Y)
	member members.Member
	times  map[string]time.Time // submission → uploaded at
}

func (c evalContext) evidence(sub, sheet string, rows []int, year int, note string) Evidence {
	return Evidence{Submission: sub, UploadedAt: c.times[sub], Sheet: sheet, Rows: rows, Year: year, Note: note}
}

// evaluate computes a member's four results for the year.
func evaluate(c evalContext, f *memberFacts) []Result {
	out := []Result{
		c.withGrace(c.inventory(f), c.rules.Inventory.GraceYears),
		c.withGrace(c.goals(f), c.rules.Goals.GraceYears),
		c.withGrace(c.plan(f), c.rules.Plan.GraceYears),
		c.reporting(f),
	}
	for i := range out {
		out[i].Title = out[i].Obligation.Title()
		out[i].Computed = out[i].Status
		if out[i].Warnings == nil {
			out[i].Warnings = []string{}
		}
		if out[i].Evidence == nil {
			out[i].Evidence = []Evidence{}
		}
		out[i].History = []Event{}
	}
	return out
}

// withGrace turns an unmet obligation of a new member into "ej förfallet"
// while its grace period, counted from the join date, runs.
func (c evalContext) withGrace(r Result, graceYears int) Result {
	if graceYears <= 0 {
		return r
	}
	due := c.member.Joined.AddDate(graceYears, 0, 0)
	if due.Year() >= c.year {
		r.Due = due // the grace period matters for this year
	}
	if r.Status == Fulfilled || !c.ref.Before(due) {
		return r
	}
	r.Status = NotDue
	who := "kommunen"
	if c.member.Kind == members.KindRegion {
		who = "regionen"
	}
	r.Explanation = fmt.Sprintf("Som ny medlem sedan %s har %s till %s på sig (%s år efter inträdet), så kravet har inte förfallit. Det som behövs: %s",
		day(c.member.Joined), who, day(due), swedish.Count(graceYears), r.Explanation)
	return r
}

// inventory: values for Y−lag or later covering all nine main sectors, and
// no gap in the last years reported.
func (c evalContext) inventory(f *memberFacts) Result {
	r := Result{Obligation: Inventory}
	minYear := c.year - c.rules.Inventory.MaxLagYears
	if len(f.years) == 0 {
		r.Status = Missing
		r.Explanation = fmt.Sprintf("Ingen inventering är inrapporterad. Rapportera utsläppen för %d eller senare för alla nio huvudsektorer i bladet Utsläpp.", minYear)
		return r
	}
	latest := f.years[len(f.years)-1]
	var problems, fixes []string

	// Recency and coverage: the latest year from min on that covers every
	// main sector; failing that, the latest year from min on.
	var chosen *yearFact
	for i := len(f.years) - 1; i >= 0 && f.years[i].Year >= minYear; i-- {
		if complete(f.years[i].Covered) {
			chosen = &f.years[i]
			break
		}
	}
	switch {
	case chosen != nil:
		note := fmt.Sprintf("Utsläpp %d: alla nio huvudsektorer", chosen.Year)
		if chosen.KeySectors > 0 {
			note += fmt.Sprintf(" (%s med notationsnyckel och kommentar)", swedish.Count(chosen.KeySectors))
		}
		r.Evidence = append(r.Evidence, c.evidence(chosen.Submission, chosen.Sheet, chosen.Rows, chosen.Year, note+"."))
	case latest.Year < minYear:
		problems = append(problems, fmt.Sprintf("det senaste inventerade året är %d, men inventeringen ska gälla %d eller senare", latest.Year, minYear))
		fixes = append(fixes, fmt.Sprintf("Rapportera utsläppen för %d (eller senare) för alla nio huvudsektorer i bladet Utsläpp.", minYear))
		r.Evidence = append(r.Evidence, c.evidence(latest.Submission, latest.Sheet, latest.Rows, latest.Year,
			fmt.Sprintf("Senaste inventerade år: %d.", latest.Year)))
	default:
		y := latest
		var missing []string
		for _, s := range kr.MainSectors() {
			if !slices.Contains(y.Covered, s) {
				missing = append(missing, s)
			}
		}
		problems = append(problems, fmt.Sprintf("inventeringen för %d saknar %s av de nio huvudsektorerna (%s)",
			y.Year, swedish.Count(len(missing)), swedish.List(missing)))
		fixes = append(fixes, "Fyll i värden för dem i bladet Utsläpp, eller en notationsnyckel (NO, IE, NE, C) med en förklaring i Kommentar.")
		r.Evidence = append(r.Evidence, c.evidence(y.Submission, y.Sheet, y.Rows, y.Year,
			fmt.Sprintf("Utsläpp %d: %s av nio huvudsektorer.", y.Year, swedish.Count(len(kr.MainSectors())-len(missing)))))
	}

	// Gaps in the window ending at the latest year reported.
	w := c.rules.Inventory.GapWindowYears
	from := max(latest.Year-w+1, f.years[0].Year)
	have := map[int]bool{}
	for _, y := range f.years {
		have[y.Year] = true
	}
	var gaps []string
	for y := from; y <= latest.Year; y++ {
		if !have[y] {
			gaps = append(gaps, fmt.Sprint(y))
		}
	}
	if len(gaps) > 0 {
		problems = append(problems, fmt.Sprintf("inventering saknas för %s, inom de senaste %s åren (%d–%d)",
			swedish.List(gaps), swedish.Count(w), latest.Year-w+1, latest.Year))
		fixes = append(fixes, "Rapportera utsläppen även för de åren (eller en notationsnyckel med förklaring).")
	}

	if len(problems) == 0 {
		r.Status = Fulfilled
		r.Explanation = fmt.Sprintf("Inventeringen för %d täcker alla nio huvudsektorer", chosen.Year)
		if chosen.KeySectors > 0 {
			r.Explanation += fmt.Sprintf(" (%s med notationsnyckel och förklaring)", swedish.Count(chosen.KeySectors))
		}
		r.Explanation += fmt.Sprintf(", och inget år saknas %d–%d.", from, latest.Year)
		return r
	}
	r.Status = Partial
	r.Explanation = capitalise(swedish.List(problems)) + ". " + strings.Join(fixes, " ")
	return r
}

// goalProblem is one reason a goal does not count, and what would fix it.
type goalProblem struct{ what, fix string }

// goalProblems lists why g does not meet the goals rule for the year.
func (c evalContext) goalProblems(g goalFact) []goalProblem {
	var ps []goalProblem
	rules := c.rules.Goals
	if !slices.Contains(rules.GoalTypes, g.Type) {
		ps = append(ps, goalProblem{fmt.Sprintf("måltypen %q räknas inte", g.Type),
			fmt.Sprintf("Målet ska vara av typen %s.", swedish.Or(rules.GoalTypes))})
	}
	if g.BaseYear == 0 {
		ps = append(ps, goalProblem{"basår saknas", "Fyll i Basår."})
	}
	if g.ReductionPct <= 0 && g.Type != kr.GoalNetZero {
		ps = append(ps, goalProblem{"minskning saknas", "Fyll i Minskning (%)."})
	}
	if int(g.TargetYear) < c.year {
		ps = append(ps, goalProblem{fmt.Sprintf("målåret %d har passerat (målet ska gälla %d eller senare)", g.TargetYear, c.year),
			fmt.Sprintf("Besluta om ett nytt mål med målår %d eller senare och rapportera det i bladet Mål.", c.year)})
	}
	switch {
	case strings.TrimSpace(g.DecidedBy) == "":
		ps = append(ps, goalProblem{"det saknar politiskt beslut (Beslutat av är tom)",
			"Fyll i vilket politiskt organ som beslutade målet, t.ex. kommunfullmäktige, i kolumnen Beslutat av."})
	case !political(g.DecidedBy, rules.PoliticalBodies):
		ps = append(ps, goalProblem{fmt.Sprintf("%q är inget politiskt organ", g.DecidedBy),
			"Målet ska vara beslutat politiskt, t.ex. av kommunfullmäktige, kommunstyrelsen eller en nämnd; ange det organet i Beslutat av."})
	}
	if rules.RequireDecisionDate {
		switch {
		case g.DecidedOn == nil:
			ps = append(ps, goalProblem{"beslutsdatum saknas", "Fyll i Beslutsdatum."})
		case g.DecidedOn.After(c.ref):
			ps = append(ps, goalProblem{fmt.Sprintf("beslutsdatumet %s ligger efter %s", day(*g.DecidedOn), day(c.ref)),
				"Rätta Beslutsdatum."})
		}
	}
	return ps
}

// political reports whether decidedBy names one of bodies: entries of up to
// three letters (KF, KS) as a whole word, longer ones anywhere. No bodies:
// anything counts.
func political(decidedBy string, bodies []string) bool {
	if len(bodies) == 0 {
		return true
	}
	low := strings.ToLower(decidedBy)
	words := strings.FieldsFunc(low, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, b := range bodies {
		b = strings.ToLower(strings.TrimSpace(b))
		if len([]rune(b)) <= 3 {
			if slices.Contains(words, b) {
				return true
			}
		} else if strings.Contains(low, b) {
			return true
		}
	}
	return false
}

func goalLabel(g goalFact) string {
	switch {
	case g.GoalID != "" && g.Name != "":
		return fmt.Sprintf("%s (%s)", g.GoalID, g.Name)
	case g.GoalID != "":
		return g.GoalID
	}
	return fmt.Sprintf("%q", g.Name)
}

// goals: a goal for total territorial emissions with base year, target year
// ≥ Y and reduction, decided by a political body.
func (c evalContext) goals(f *memberFacts) Result {
	r := Result{Obligation: Goals}
	if len(f.goals) == 0 {
		r.Status = Missing
		r.Explanation = fmt.Sprintf("Inga mål är inrapporterade. Rapportera ett politiskt beslutat mål för de totala utsläppen (Sektor tom) med basår, målår %d eller senare och minskning i bladet Mål.", c.year)
		return r
	}
	var totals []goalFact
	var best *goalFact
	var bestProblems []goalProblem
	for i, g := range f.goals {
		if g.Sector != "" {
			continue
		}
		totals = append(totals, g)
		ps := c.goalProblems(g)
		if len(ps) == 0 {
			r.Evidence = append(r.Evidence, c.evidence(g.SubmissionID, g.Sheet, []int{int(g.Row)}, 0,
				fmt.Sprintf("Mål %s: %s till %d från %d, beslutat av %s %s.", goalLabel(g), goalReduction(g), g.TargetYear, g.BaseYear,
					g.DecidedBy, dayPtr(g.DecidedOn))))
			continue
		}
		// The closest miss: fewest problems, then the latest target year.
		if best == nil || len(ps) < len(bestProblems) || (len(ps) == len(bestProblems) && g.TargetYear > best.TargetYear) {
			best, bestProblems = &f.goals[i], ps
		}
	}
	// Goals whose target year has passed are warnings, except the one the
	// explanation is about.
	for i, g := range f.goals {
		if g.TargetYear > 0 && int(g.TargetYear) < c.year && (len(r.Evidence) > 0 || &f.goals[i] != best) {
			r.Warnings = append(r.Warnings, fmt.Sprintf("Målet %s hade målår %d, som har passerat. Redovisa hur det gick och ersätt det med ett nytt mål, eller ta bort det ur bladet Mål.",
				goalLabel(g), g.TargetYear))
		}
	}
	if len(r.Evidence) > 0 {
		r.Status = Fulfilled
		g := r.Evidence[0]
		r.Explanation = "Det finns ett politiskt beslutat mål för de totala utsläppen. " + g.Note
		if len(r.Evidence) > 1 {
			r.Explanation += fmt.Sprintf(" (%s mål uppfyller kraven.)", capitalise(swedish.Count(len(r.Evidence))))
		}
		return r
	}
	r.Status = Partial
	if len(totals) == 0 {
		var sectors []string
		for _, g := range f.goals {
			if !slices.Contains(sectors, g.Sector) {
				sectors = append(sectors, g.Sector)
			}
		}
		r.Explanation = fmt.Sprintf("Det finns bara mål för enskilda sektorer (%s), inget för de totala territoriella utsläppen. Lägg till ett mål där Sektor lämnas tom, med basår, målår %d eller senare och minskning, beslutat av t.ex. kommunfullmäktige.",
			swedish.List(sectors), c.year)
		for _, g := range f.goals {
			r.Evidence = append(r.Evidence, c.evidence(g.SubmissionID, g.Sheet, []int{int(g.Row)}, 0, fmt.Sprintf("Mål %s gäller sektorn %s.", goalLabel(g), g.Sector)))
		}
		return r
	}
	whats, fixes := make([]string, len(bestProblems)), make([]string, len(bestProblems))
	for i, p := range bestProblems {
		whats[i], fixes[i] = p.what, p.fix
	}
	r.Explanation = fmt.Sprintf("Målet %s i bladet %s, rad %d, räknas inte: %s. %s", goalLabel(*best), best.Sheet, best.Row,
		swedish.List(whats), strings.Join(fixes, " "))
	r.Evidence = append(r.Evidence, c.evidence(best.SubmissionID, best.Sheet, []int{int(best.Row)}, 0,
		fmt.Sprintf("Mål %s: %s till %d från %d.", goalLabel(*best), goalReduction(*best), best.TargetYear, best.BaseYear)))
	return r
}

func goalReduction(g goalFact) string {
	if g.Type == kr.GoalNetZero && g.ReductionPct == 0 {
		return "nettonoll"
	}
	s := "minska med " + formatPct(g.ReductionPct)
	if g.Type == kr.GoalPerCapita {
		s += " per invånare"
	}
	if g.Type == kr.GoalNetZero {
		s += " (nettonoll)"
	}
	return s
}

// plan: an adopted plan valid in Y, and active measures.
func (c evalContext) plan(f *memberFacts) Result {
	r := Result{Obligation: Plan}
	rules := c.rules.Plan
	active, counts := 0, map[string]int{}
	for _, m := range f.measures {
		counts[m.Status] += int(m.N)
		if slices.Contains(rules.ActiveStatuses, m.Status) {
			active += int(m.N)
		}
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	activeWords := strings.ToLower(swedish.Or(rules.ActiveStatuses))
	if len(f.plans) == 0 && total == 0 {
		r.Status = Missing
		r.Explanation = fmt.Sprintf("Ingen handlingsplan och inga åtgärder är inrapporterade. Rapportera en antagen handlingsplan som gäller %d i bladet Handlingsplan och minst %s åtgärd med status %s i bladet Åtgärder.",
			c.year, swedish.Count(rules.MinActiveMeasures), swedish.Or(rules.ActiveStatuses))
		return r
	}
	var problems, fixes []string

	var valid []planFact
	var best *planFact
	bestWhat, bestFix := "", ""
	for i, p := range f.plans {
		what, fix := c.planProblem(p)
		if what == "" {
			valid = append(valid, p)
			continue
		}
		if best == nil || p.ValidTo > best.ValidTo {
			best, bestWhat, bestFix = &f.plans[i], what, fix
		}
	}
	switch {
	case len(valid) > 0:
		for _, p := range valid {
			r.Evidence = append(r.Evidence, c.evidence(p.SubmissionID, p.Sheet, []int{int(p.Row)}, 0,
				fmt.Sprintf("Handlingsplanen %q, antagen %s, gäller %s.", p.Name, dayPtr(p.Adopted), validity(p))))
		}
	case len(f.plans) == 0:
		problems = append(problems, "ingen handlingsplan är inrapporterad")
		fixes = append(fixes, fmt.Sprintf("Rapportera den antagna handlingsplanen, som ska gälla %d, i bladet Handlingsplan.", c.year))
	default:
		problems = append(problems, bestWhat)
		fixes = append(fixes, bestFix)
		r.Evidence = append(r.Evidence, c.evidence(best.SubmissionID, best.Sheet, []int{int(best.Row)}, 0,
			fmt.Sprintf("Handlingsplanen %q gäller %s.", best.Name, validity(*best))))
	}

	for _, m := range f.measures {
		if slices.Contains(rules.ActiveStatuses, m.Status) {
			r.Evidence = append(r.Evidence, c.evidence(m.Submission, m.Sheet, ints(m.Rows), 0,
				fmt.Sprintf("%s %s.", capitalise(swedish.Count(int(m.N))), measureWord(int(m.N), m.Status))))
		}
	}
	if active < rules.MinActiveMeasures {
		var others []string
		for _, s := range kr.MeasureStatuses() {
			if n := counts[s]; n > 0 && !slices.Contains(rules.ActiveStatuses, s) {
				others = append(others, fmt.Sprintf("%s %s", swedish.Count(n), strings.ToLower(statusPlural(s, n))))
			}
		}
		what := fmt.Sprintf("ingen åtgärd är %s", activeWords)
		if active > 0 {
			what = fmt.Sprintf("bara %s åtgärd%s är %s, men minst %s krävs", swedish.Count(active), plural(active, "", "er"), activeWords, swedish.Count(rules.MinActiveMeasures))
		}
		if total == 0 {
			what = "inga åtgärder är inrapporterade"
		} else if len(others) > 0 {
			what += " (" + swedish.List(others) + ")"
		}
		problems = append(problems, what)
		fixes = append(fixes, fmt.Sprintf("Rapportera minst %s åtgärd med status %s i bladet Åtgärder.", swedish.Count(rules.MinActiveMeasures), swedish.Or(rules.ActiveStatuses)))
	}
	if len(problems) == 0 {
		r.Status = Fulfilled
		p := valid[0]
		r.Explanation = fmt.Sprintf("Handlingsplanen %q är antagen %s och gäller %s; %s åtgärd%s är %s.", p.Name, dayPtr(p.Adopted), validity(p),
			swedish.Count(active), plural(active, "", "er"), activeWords)
		return r
	}
	r.Status = Partial
	r.Explanation = capitalise(swedish.List(problems)) + ". " + strings.Join(fixes, " ")
	return r
}

// planProblem says why p does not count for the year ("" when it does).
func (c evalContext) planProblem(p planFact) (what, fix string) {
	switch {
	case p.Adopted == nil:
		return fmt.Sprintf("handlingsplanen %q saknar datum för antagandet", p.Name),
			"Fyll i när den antogs (Antagen) i bladet Handlingsplan."
	case p.Adopted.After(c.ref):
		return fmt.Sprintf("handlingsplanen %q antas först %s", p.Name, day(*p.Adopted)),
			"Rätta Antagen om planen redan är antagen."
	case p.ValidTo != 0 && int(p.ValidTo) < c.year:
		return fmt.Sprintf("handlingsplanen %q gällde %s och gäller inte %d", p.Name, validity(p), c.year),
			fmt.Sprintf("Anta en ny eller förlängd handlingsplan som gäller %d och rapportera den i bladet Handlingsplan.", c.year)
	case p.ValidFrom != 0 && int(p.ValidFrom) > c.year:
		return fmt.Sprintf("handlingsplanen %q gäller först från %d", p.Name, p.ValidFrom),
			fmt.Sprintf("Rapportera också den plan som gäller %d.", c.year)
	}
	return "", ""
}

func validity(p planFact) string {
	switch {
	case p.ValidFrom != 0 && p.ValidTo != 0:
		return fmt.Sprintf("%d–%d", p.ValidFrom, p.ValidTo)
	case p.ValidFrom != 0:
		return fmt.Sprintf("från %d", p.ValidFrom)
	case p.ValidTo != 0:
		return fmt.Sprintf("till %d", p.ValidTo)
	}
	return "tills vidare"
}

func measureWord(n int, status string) string {
	return fmt.Sprintf("åtgärd%s med status %s", plural(n, "", "er"), status)
}

func statusPlural(status string, n int) string {
	if n == 1 {
		return status
	}
	switch status {
	case kr.MeasurePlanned:
		return "Planerade"
	case kr.MeasureOngoing:
		return "Pågående"
	case kr.MeasureDone:
		return "Genomförda"
	case kr.MeasureCancelled:
		return "Avbrutna"
	}
	return status
}

// reporting: an accepted submission for Y uploaded by the deadline.
func (c evalContext) reporting(f *memberFacts) Result {
	r := Result{Obligation: Reporting}
	deadline := c.rules.DeadlineDay(c.year)
	end := c.rules.deadlineEnd(c.year)
	r.Due = deadline
	rep := f.report
	// A member who joined (plus any grace) after the deadline reports
	// first for a later year.
	firstDue := c.member.Joined.AddDate(c.rules.Reporting.GraceYears, 0, 0)
	required := !firstDue.After(deadline)
	if rep.Accepted > 0 {
		r.Evidence = append(r.Evidence, c.evidence(rep.FirstID, "", nil, c.year,
			fmt.Sprintf("Första godkända inlämningen för %d, %s.", c.year, moment(rep.FirstAt))))
		if rep.LastID != rep.FirstID {
			r.Evidence = append(r.Evidence, c.evidence(rep.LastID, "", nil, c.year,
				fmt.Sprintf("Senaste godkända inlämningen för %d, %s (%s godkända inlämningar).", c.year, moment(rep.LastAt), swedish.Count(int(rep.Accepted)))))
		}
		if rep.FirstAt.Before(end) || !required {
			r.Status = Fulfilled
			r.Explanation = fmt.Sprintf("Rapporten för %d lämnades in %s, senast %s som krävs.", c.year, day(rep.FirstAt.In(swedish.Zone)), day(deadline))
			if !required {
				r.Explanation = fmt.Sprintf("Rapporten för %d lämnades in %s.", c.year, day(rep.FirstAt.In(swedish.Zone)))
			}
			return r
		}
		r.Status = Late
		r.Explanation = fmt.Sprintf("Rapporten för %d lämnades in %s, efter sista dagen %s.", c.year, day(rep.FirstAt.In(swedish.Zone)), day(deadline))
		return r
	}
	rejected := ""
	if rep.Rejected > 0 {
		rejected = fmt.Sprintf(" En fil för %d laddades upp %s men togs inte emot eftersom den innehöll fel; rätta felen och ladda upp den igen.",
			c.year, day(rep.LastRejectedAt.In(swedish.Zone)))
	}
	switch {
	case !required:
		r.Status = NotDue
		r.Explanation = fmt.Sprintf("Medlemmen gick med %s, efter sista dagen att rapportera för %d (%s); den första rapporten gäller ett senare år.",
			day(c.member.Joined), c.year, day(deadline)) + rejected
	case c.asOf.Before(end):
		r.Status = NotDue
		r.Explanation = fmt.Sprintf("Ingen rapport för %d är inlämnad ännu. Sista dagen är %s: ladda upp arbetsboken med rapportår %d senast då.",
			c.year, day(deadline), c.year) + rejected
	default:
		r.Status = Missing
		r.Explanation = fmt.Sprintf("Ingen rapport för %d har lämnats in, och sista dagen var %s. Ladda upp arbetsboken med rapportår %d så snart som möjligt; den räknas då som försenad.",
			c.year, day(deadline), c.year) + rejected
	}
	return r
}

// Swedish words and lists.

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func capitalise(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

func dayPtr(t *time.Time) string {
	if t == nil {
		return "(datum saknas)"
	}
	return day(*t)
}

// moment writes an upload time in Swedish time.
func moment(t time.Time) string { return t.In(swedish.Zone).Format("2006-01-02 15:04") }

// complete reports whether covered names all nine main sectors.
func complete(covered []string) bool {
	for _, s := range kr.MainSectors() {
		if !slices.Contains(covered, s) {
			return false
		}
	}
	return true
}
