package national_test

import (
	"crypto/sha256"
	"net/http"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/download"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// quickClient gives up soon: a few quick retries.
func quickClient() *download.Client {
	return &download.Client{HeaderTimeout: time.Second, AttemptTimeout: 5 * time.Second, Attempts: 2, MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}
}

func TestFetchSMHI(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := loaded(t, db)
		pub := testworld.NewPublishers(t)
		pub.SetSMHI("GGT", samples.Read(t, samples.GGT))
		fetch := national.SMHIFetch{Base: pub.URL, Substances: []string{"GGT"}, Client: quickClient()}
		releases := func() uint64 { return count(t, db, "SELECT count() AS n FROM smhi_releases") }
		values := func() uint64 { return count(t, db, "SELECT count() AS n FROM smhi_values") }

		got, err := s.FetchSMHI(ctx, kr.System(), fetch)
		if err != nil || len(got) != 1 || got[0].Summary.AlreadyPresent || got[0].Summary.Release.ReleaseDate.Format(time.DateOnly) != "2026-04-15" ||
			got[0].Summary.Municipalities != 290 || got[0].URL != pub.URL+"/api/getexcelfile/?county=0&municipality=0&sub=GGT" {
			t.Fatalf("first fetch: %+v %v", got, err)
		}
		first := got[0].Summary.Release
		nValues := values()

		// The same release again (a file stamped anew by SMHI): nothing changes.
		got, err = s.FetchSMHI(ctx, kr.System(), fetch)
		if err != nil || !got[0].Summary.AlreadyPresent || got[0].Summary.Release.ID != first.ID || releases() != 1 || values() != nValues {
			t.Fatalf("second fetch: %+v %v (%d releases)", got, err, releases())
		}

		// A download that breaks off, and a server that fails: an error,
		// nothing stored, the current release stays.
		for name, fault := range map[string]func(http.ResponseWriter, *http.Request) bool{
			"truncated": testworld.Truncated, "500": testworld.Status(http.StatusInternalServerError),
		} {
			pub.Fail(fault)
			_, err := s.FetchSMHI(ctx, kr.System(), fetch)
			if err == nil || kr.KindOf(err) != kr.Unavailable || !strings.Contains(kr.MessageOf(err), "GGT") {
				t.Errorf("%s: %v", name, err)
			}
			if rel, ok, _ := s.ReleaseFor(ctx, "GGT", time.Time{}); !ok || rel.ID != first.ID || releases() != 1 || values() != nValues {
				t.Errorf("%s: the current release changed: %+v, %d releases, %d values", name, rel, releases(), values())
			}
		}
		pub.Fail(nil)

		// SMHI publishes a new release: it is imported and becomes current;
		// fetched again, nothing changes.
		pub.SetSMHI("GGT", testworld.NextGGT(t, "2027-04-15"))
		for range 2 {
			if _, err := s.FetchSMHI(ctx, kr.System(), fetch); err != nil {
				t.Fatal(err)
			}
		}
		rel, ok, err := s.ReleaseFor(ctx, "GGT", time.Time{})
		if err != nil || !ok || rel.ReleaseDate.Format(time.DateOnly) != "2027-04-15" || releases() != 2 {
			t.Fatalf("new release: %+v %v, %d releases", rel, err, releases())
		}

		// One substance SMHI does not have: the others are still fetched,
		// and the error names it.
		fetch.Substances = []string{"CO2", "GGT"}
		got, err = s.FetchSMHI(ctx, kr.System(), fetch)
		if err == nil || kr.KindOf(err) != kr.NotFound || !strings.HasPrefix(kr.MessageOf(err), "CO2: ") ||
			len(got) != 2 || got[0].Error == "" || got[1].Error != "" || !got[1].Summary.AlreadyPresent {
			t.Fatalf("a missing substance: %+v %v", got, err)
		}
	})
}

func TestFetchRefusedBeforeDownload(t *testing.T) {
	pub := testworld.NewPublishers(t)
	s := &national.Store{} // no database: nothing may be asked of it
	officer := kr.Actor{Role: kr.RoleOfficer, Municipality: "1281"}
	if _, err := s.FetchSMHI(ctx, officer, national.SMHIFetch{Base: pub.URL}); kr.KindOf(err) != kr.Forbidden {
		t.Errorf("SMHI: %v", err)
	}
	if _, err := s.FetchPopulation(ctx, officer, national.SCBFetch{Base: pub.URL}); kr.KindOf(err) != kr.Forbidden {
		t.Errorf("SCB: %v", err)
	}
	if n := pub.Requests.Load(); n != 0 {
		t.Errorf("%d requests before the refusal", n)
	}
}

func TestParseSubstances(t *testing.T) {
	if got, err := national.ParseSubstances(" co2,GGT,CO2 "); err != nil || strings.Join(got, ",") != "CO2,GGT" {
		t.Errorf("%v %v", got, err)
	}
	if got, _ := national.ParseSubstances(""); len(got) != len(kr.Substances()) {
		t.Errorf("empty: %v", got)
	}
	if _, err := national.ParseSubstances("GGT,XYZ"); kr.KindOf(err) != kr.Invalid || !strings.Contains(kr.MessageOf(err), "XYZ") {
		t.Errorf("unknown: %v", err)
	}
}

func TestFetchPopulation(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := loaded(t, db)
		pub := testworld.NewPublishers(t)
		fetch := national.SCBFetch{Base: pub.URL, Client: quickClient()}

		// Broken answers store nothing.
		pub.SetSCB(testworld.PopulationAnswer(t)[:200])
		if _, err := s.FetchPopulation(ctx, kr.System(), fetch); kr.KindOf(err) != kr.Invalid {
			t.Errorf("cut JSON: %v", err)
		}
		pub.SetSCB(testworld.PopulationAnswer(t))
		pub.Fail(testworld.Truncated)
		if _, err := s.FetchPopulation(ctx, kr.System(), fetch); kr.KindOf(err) != kr.Unavailable {
			t.Errorf("truncated: %v", err)
		}
		pub.Fail(nil)
		if n := count(t, db, "SELECT count() AS n FROM population"); n != 0 {
			t.Fatalf("%d population rows after failures", n)
		}

		sum, err := s.FetchPopulation(ctx, kr.System(), fetch)
		if err != nil || sum.Rows != 8 || sum.Municipalities != 3 || sum.Counties != 1 || sum.FirstYear != 1990 || sum.LastYear != 2024 ||
			sum.Sweden != 10587710 || sum.URL != pub.URL+"/tables/TAB638/data?lang=sv&outputFormat=json-stat2" {
			t.Fatalf("%+v %v", sum, err)
		}
		pops, err := s.Population(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string]int64{}
		for _, p := range pops {
			byKey[p.AreaCode+"/"+string(rune('0'+p.Year%10))] = p.Persons
		}
		if byKey["1281/0"] != 98948 || byKey["1281/4"] != 129401 || byKey["00/0"] != 8590630 || len(pops) != 8 {
			t.Errorf("stored: %+v", pops)
		}
		// The same answer again stores nothing.
		if again, err := s.FetchPopulation(ctx, kr.System(), fetch); err != nil || again.Rows != 8 || again.Changed != 0 {
			t.Errorf("fetched again: %+v %v, want 8 rows and none changed", again, err)
		}
		if n := count(t, db, "SELECT count() AS n FROM population"); n != 8 {
			t.Errorf("%d population rows stored after the second fetch, want 8", n)
		}
	})
}

// BenchmarkContentIdentity measures a download's identity (the zip's
// directory only) on SMHI's CO2 export against the SHA-256 of its bytes
// that a file's import takes.
func BenchmarkContentIdentity(b *testing.B) {
	content := samples.Read(b, samples.SMHI)
	b.Run("identity", func(b *testing.B) {
		for b.Loop() {
			if _, err := national.ContentIdentity(content); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sha256", func(b *testing.B) {
		for b.Loop() {
			sha256.Sum256(content)
		}
	})
}
