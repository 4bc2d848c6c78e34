package analytics

import (
	"math"
	"testing"
)

func TestRevisions(t *testing.T) {
	before := map[string]Series{
		"":            {{2015, 100}, {2020, 80}, {2021, 70}},
		"Transporter": {{2015, 40}, {2020, 30}},
	}
	after := map[string]Series{
		"":            {{2015, 100}, {2020, 88}, {2022, 60}},
		"Transporter": {{2015, 40}, {2020, 36}},
	}
	got := Revisions(before, after)
	type want struct {
		year   int
		sector string
		status string
		change float64
		pct    float64 // NaN: nil
	}
	nan := math.NaN()
	wants := []want{
		{2015, "", RevisionUnchanged, 0, 0},
		{2020, "", RevisionChanged, 8, 10},
		{2021, "", RevisionRemoved, 0, nan},
		{2022, "", RevisionAdded, 0, nan},
		{2015, "Transporter", RevisionUnchanged, 0, 0},
		{2020, "Transporter", RevisionChanged, 6, 20},
	}
	if len(got) != len(wants) {
		t.Fatalf("got %d revisions, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		g := got[i]
		if g.Year != w.year || g.Sector != w.sector || g.Status != w.status || math.Abs(g.Change-w.change) > 1e-9 {
			t.Errorf("%d: got %+v, want %+v", i, g, w)
		}
		if math.IsNaN(w.pct) != (g.Percent == nil) || (g.Percent != nil && math.Abs(*g.Percent-w.pct) > 1e-9) {
			t.Errorf("%d: percent %v, want %v", i, g.Percent, w.pct)
		}
	}
	if r := got[2]; r.Before == nil || *r.Before != 70 || r.After != nil {
		t.Errorf("removed year: %+v", r)
	}
	if r := got[3]; r.Before != nil || r.After == nil || *r.After != 60 {
		t.Errorf("added year: %+v", r)
	}
	if len(Revisions(nil, nil)) != 0 {
		t.Error("no releases: revisions")
	}
}
