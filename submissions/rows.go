package submissions

import (
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Rows as stored; see schema/migrations for the tables.

type submissionRow struct {
	ID               string    `ch:"id"`
	Code             string    `ch:"municipality_code"`
	ReportYear       uint16    `ch:"report_year"`
	FileName         string    `ch:"file_name"`
	SHA256           string    `ch:"sha256"`
	Size             uint64    `ch:"size"`
	Layout           string    `ch:"layout"`
	UploadedBy       string    `ch:"uploaded_by"`
	UploadedAt       time.Time `ch:"uploaded_at"`
	Seq              uint64    `ch:"seq"`
	Status           string    `ch:"status"`
	NInventory       uint32    `ch:"n_inventory"`
	NGoals           uint32    `ch:"n_goals"`
	NPlans           uint32    `ch:"n_plans"`
	NMeasures        uint32    `ch:"n_measures"`
	Report           string    `ch:"report"`
	Contact          string    `ch:"contact"`
	Email            string    `ch:"email"`
	PoliticalContact string    `ch:"political_contact"`
}

// submissionColumns selects a submissionRow (UUIDs as text for both engines).
const submissionColumns = `toString(id) AS id, municipality_code, report_year, file_name, sha256, size, layout,
	uploaded_by, uploaded_at, seq, toString(status) AS status, n_inventory, n_goals, n_plans, n_measures,
	report, contact, email, political_contact`

type fileRow struct {
	SubmissionID string `ch:"submission_id"`
	Content      string `ch:"content"`
}

type inventoryRow struct {
	SubmissionID string   `ch:"submission_id"`
	Code         string   `ch:"municipality_code"`
	Year         uint16   `ch:"year"`
	Sector       string   `ch:"sector"`
	Subsector    string   `ch:"subsector"`
	Gas          string   `ch:"gas"`
	Tonnes       *float64 `ch:"tonnes"`
	Notation     string   `ch:"notation_key"`
	Source       string   `ch:"source"`
	Comment      string   `ch:"comment"`
	Sheet        string   `ch:"sheet"`
	Cell         string   `ch:"cell"`
	Row          uint32   `ch:"row"`
}

const inventoryColumns = `toString(submission_id) AS submission_id, municipality_code, year, sector, subsector, gas,
	tonnes, notation_key, source, comment, sheet, cell, row`

func toInventoryRow(id, code string, v kr.InventoryValue) inventoryRow {
	return inventoryRow{
		SubmissionID: id, Code: code, Year: uint16(v.Year), Sector: v.Sector, Subsector: v.Subsector, Gas: v.Gas,
		Tonnes: v.Tonnes, Notation: v.Notation, Source: v.Source, Comment: v.Comment,
		Sheet: v.Place.Sheet, Cell: v.Place.Cell, Row: uint32(v.Place.Row),
	}
}

func (r inventoryRow) value() kr.InventoryValue {
	return kr.InventoryValue{
		Year: int(r.Year), Sector: r.Sector, Subsector: r.Subsector, Gas: r.Gas, Tonnes: r.Tonnes,
		Notation: r.Notation, Source: r.Source, Comment: r.Comment,
		Place: kr.Place{Sheet: r.Sheet, Cell: r.Cell, Row: int(r.Row)},
	}
}

// GoalRow is a goal as stored, with the submission and municipality it
// belongs to.
type GoalRow struct {
	SubmissionID string     `ch:"submission_id"`
	Code         string     `ch:"municipality_code"`
	GoalID       string     `ch:"goal_id"`
	Name         string     `ch:"name"`
	Type         string     `ch:"type"`
	Sector       string     `ch:"sector"`
	BaseYear     uint16     `ch:"base_year"`
	TargetYear   uint16     `ch:"target_year"`
	ReductionPct float64    `ch:"reduction_pct"`
	DecidedBy    string     `ch:"decided_by"`
	DecidedOn    *time.Time `ch:"decided_on"`
	Link         string     `ch:"link"`
	Sheet        string     `ch:"sheet"`
	Cell         string     `ch:"cell"`
	Row          uint32     `ch:"row"`
}

const goalColumns = `toString(submission_id) AS submission_id, municipality_code, goal_id, name, type, sector,
	base_year, target_year, reduction_pct, decided_by, decided_on, link, sheet, cell, row`

func toGoalRow(id, code string, g kr.Goal) GoalRow {
	return GoalRow{
		SubmissionID: id, Code: code, GoalID: g.ID, Name: g.Name, Type: g.Type, Sector: g.Sector,
		BaseYear: uint16(g.BaseYear), TargetYear: uint16(g.TargetYear), ReductionPct: g.ReductionPct,
		DecidedBy: g.DecidedBy, DecidedOn: datePtr(g.DecidedOn), Link: g.Link,
		Sheet: g.Place.Sheet, Cell: g.Place.Cell, Row: uint32(g.Place.Row),
	}
}

// Goal is the goal the row holds.
func (r GoalRow) Goal() kr.Goal {
	return kr.Goal{
		ID: r.GoalID, Name: r.Name, Type: r.Type, Sector: r.Sector, BaseYear: int(r.BaseYear),
		TargetYear: int(r.TargetYear), ReductionPct: r.ReductionPct, DecidedBy: r.DecidedBy,
		DecidedOn: dateVal(r.DecidedOn), Link: r.Link, Place: kr.Place{Sheet: r.Sheet, Cell: r.Cell, Row: int(r.Row)},
	}
}

// PlanRow is an action plan as stored, with the submission and municipality
// it belongs to.
type PlanRow struct {
	SubmissionID string     `ch:"submission_id"`
	Code         string     `ch:"municipality_code"`
	Name         string     `ch:"name"`
	Adopted      *time.Time `ch:"adopted"`
	DecidedBy    string     `ch:"decided_by"`
	ValidFrom    uint16     `ch:"valid_from"`
	ValidTo      uint16     `ch:"valid_to"`
	Link         string     `ch:"link"`
	Sheet        string     `ch:"sheet"`
	Cell         string     `ch:"cell"`
	Row          uint32     `ch:"row"`
}

const planColumns = `toString(submission_id) AS submission_id, municipality_code, name, adopted, decided_by,
	valid_from, valid_to, link, sheet, cell, row`

func toPlanRow(id, code string, p kr.ActionPlan) PlanRow {
	return PlanRow{
		SubmissionID: id, Code: code, Name: p.Name, Adopted: datePtr(p.Adopted), DecidedBy: p.DecidedBy,
		ValidFrom: uint16(p.ValidFrom), ValidTo: uint16(p.ValidTo), Link: p.Link,
		Sheet: p.Place.Sheet, Cell: p.Place.Cell, Row: uint32(p.Place.Row),
	}
}

func (r PlanRow) plan() kr.ActionPlan {
	return kr.ActionPlan{
		Name: r.Name, Adopted: dateVal(r.Adopted), DecidedBy: r.DecidedBy, ValidFrom: int(r.ValidFrom),
		ValidTo: int(r.ValidTo), Link: r.Link, Place: kr.Place{Sheet: r.Sheet, Cell: r.Cell, Row: int(r.Row)},
	}
}

type measureRow struct {
	SubmissionID      string   `ch:"submission_id"`
	Code              string   `ch:"municipality_code"`
	MeasureID         string   `ch:"measure_id"`
	Name              string   `ch:"name"`
	Sector            string   `ch:"sector"`
	Status            string   `ch:"status"`
	StartYear         uint16   `ch:"start_year"`
	EndYear           uint16   `ch:"end_year"`
	ExpectedReduction *float64 `ch:"expected_reduction"`
	Responsible       string   `ch:"responsible"`
	Comment           string   `ch:"comment"`
	Sheet             string   `ch:"sheet"`
	Cell              string   `ch:"cell"`
	Row               uint32   `ch:"row"`
}

const measureColumns = `toString(submission_id) AS submission_id, municipality_code, measure_id, name, sector, status,
	start_year, end_year, expected_reduction, responsible, comment, sheet, cell, row`

func toMeasureRow(id, code string, m kr.Measure) measureRow {
	return measureRow{
		SubmissionID: id, Code: code, MeasureID: m.ID, Name: m.Name, Sector: m.Sector, Status: m.Status,
		StartYear: uint16(m.StartYear), EndYear: uint16(m.EndYear), ExpectedReduction: m.ExpectedReduction,
		Responsible: m.Responsible, Comment: m.Comment, Sheet: m.Place.Sheet, Cell: m.Place.Cell, Row: uint32(m.Place.Row),
	}
}

func (r measureRow) measure() kr.Measure {
	return kr.Measure{
		ID: r.MeasureID, Name: r.Name, Sector: r.Sector, Status: r.Status, StartYear: int(r.StartYear),
		EndYear: int(r.EndYear), ExpectedReduction: r.ExpectedReduction, Responsible: r.Responsible,
		Comment: r.Comment, Place: kr.Place{Sheet: r.Sheet, Cell: r.Cell, Row: int(r.Row)},
	}
}

func datePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &d
}

func dateVal(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
