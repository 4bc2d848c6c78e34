package national

import (
	"bytes"
	"context"
	"net/url"
	"strconv"
	"strings"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/download"
	"github.com/klimatkommunerna/klimatrapport/national/scb"
)

// SCB's statistical database through PxWebApi 2.0, the API SCB documents
// now (its v1, api.scb.se/OV0104/v1/doris/…, is being retired), and the
// table of the population of every region and year since 1968
// ("Folkmängden efter region, civilstånd, ålder och kön", BefolkningNy).
const (
	DefaultSCBBase  = "https://statistikdatabasen.scb.se/api/v2"
	DefaultSCBTable = "TAB638"
)

// SCBURL is the address of a table's data under base, in JSON-stat2.
func SCBURL(base, table string) string {
	return strings.TrimRight(base, "/") + "/tables/" + url.PathEscape(table) + "/data?lang=sv&outputFormat=json-stat2"
}

// SCBFetch says where SCB's population is.
type SCBFetch struct {
	Base   string // default DefaultSCBBase
	Table  string // default DefaultSCBTable
	Client *download.Client
}

// SCBPopulationSummary reports a fetch of SCB's population.
type SCBPopulationSummary struct {
	URL            string        `json:"url"`
	Table          scb.PxWebMeta `json:"table"`
	Rows           int           `json:"rows"`    // area-years in SCB's answer
	Changed        int           `json:"changed"` // of them, those stored: new, or differing from what was stored
	Municipalities int           `json:"municipalities"`
	Counties       int           `json:"counties"`
	FirstYear      int           `json:"first_year"`
	LastYear       int           `json:"last_year"`
	Sweden         int64         `json:"sweden"` // Sweden's population in LastYear
}

// FetchPopulation asks SCB's statistical database for the population of
// Sweden, every county and every municipality for every year it has, and
// stores each year (the newest figures of an area and year are current).
// Nothing is stored unless the whole answer was read. actor must be
// allowed to import national data: that is asked before SCB is.
func (s *Store) FetchPopulation(ctx context.Context, actor kr.Actor, f SCBFetch) (SCBPopulationSummary, error) {
	if err := mayImport(actor); err != nil {
		return SCBPopulationSummary{}, err
	}
	if f.Base == "" {
		f.Base = DefaultSCBBase
	}
	if f.Table == "" {
		f.Table = DefaultSCBTable
	}
	if f.Client == nil {
		f.Client = &download.Client{}
	}
	sum := SCBPopulationSummary{URL: SCBURL(f.Base, f.Table)}
	body, err := f.Client.Post(ctx, sum.URL, "application/json", scb.PopulationQuery())
	if err != nil {
		return sum, err
	}
	v := s.clock.Version(s.now())
	var rows []populationRow
	munis, counties := map[string]bool{}, map[string]bool{}
	sweden := map[int]int64{}
	meta, err := scb.ParsePxWebPopulation(bytes.NewReader(body), func(p kr.Population) error {
		rows = append(rows, populationRow{p.AreaCode, uint16(p.Year), uint64(p.Persons), "SCB " + f.Table, v})
		switch {
		case p.AreaCode == scb.SwedenCode:
			sweden[p.Year] = p.Persons
		case len(p.AreaCode) == 4:
			munis[p.AreaCode] = true
		default:
			counties[p.AreaCode] = true
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	sum.Rows = len(rows)
	if rows, err = s.changedPopulation(ctx, rows); err != nil {
		return sum, err
	}
	if len(rows) > 0 {
		if err := s.DB.Insert(ctx, "population", rows); err != nil {
			return sum, err
		}
		s.changed()
	}
	sum.Table, sum.Changed, sum.Municipalities, sum.Counties = meta, len(rows), len(munis), len(counties)
	sum.FirstYear, sum.LastYear = meta.Years[0], meta.Years[len(meta.Years)-1]
	sum.Sweden = sweden[sum.LastYear]
	return sum, nil
}

// changedPopulation returns the rows whose area and year have no stored
// population or another one: fetching SCB's unchanged table again stores
// nothing.
func (s *Store) changedPopulation(ctx context.Context, rows []populationRow) ([]populationRow, error) {
	stored, err := s.Population(ctx)
	if err != nil {
		return nil, err
	}
	have := make(map[string]int64, len(stored))
	for _, p := range stored {
		have[p.AreaCode+"/"+strconv.Itoa(p.Year)] = p.Persons
	}
	out := rows[:0]
	for _, r := range rows {
		if n, ok := have[r.AreaCode+"/"+strconv.Itoa(int(r.Year))]; !ok || n != int64(r.Persons) {
			out = append(out, r)
		}
	}
	return out, nil
}
