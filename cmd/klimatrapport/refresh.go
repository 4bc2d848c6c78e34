package main

import (
	"context"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/internal/download"
	"github.com/klimatkommunerna/klimatrapport/national"
)

// downloader is the client every download from SMHI and SCB uses: the
// download package's limits, the service named in User-Agent, retries
// logged.
func downloader(e *env) *download.Client {
	return &download.Client{UserAgent: "klimatrapport/" + version + " (Klimatkommunerna)", Log: e.log}
}

// smhiSource is --smhi-url and --substances: where SMHI's exports are and
// which are fetched.
type smhiSource struct {
	base, substances string
}

// smhiFlags defines --smhi-url and --substances.
func (c *cmdFlags) smhiFlags() *smhiSource {
	s := &smhiSource{}
	c.StringVar(&s.base, "smhi-url", national.DefaultSMHIBase, "SMHI's national emissions database; each substance is fetched from …/api/getexcelfile/?county=0&municipality=0&sub=CODE")
	c.StringVar(&s.substances, "substances", "", "substances to fetch from SMHI, separated by commas (GGT,CO2,CH4,N2O,HFC,PFC,SF6); empty: all")
	return s
}

// fetch is what national.Store.FetchSMHI takes; a usage error when the
// substances are not SMHI's.
func (s *smhiSource) fetch(e *env) (national.SMHIFetch, error) {
	subs, err := national.ParseSubstances(s.substances)
	return national.SMHIFetch{Base: s.base, Substances: subs, Client: downloader(e)}, err
}

// refreshNational checks SMHI every interval (from one interval after
// start) and imports the releases it has not seen; the import's change
// hook invalidates the published snapshot as any import's does. A failed
// download leaves the current data and is logged as a warning.
func refreshNational(ctx context.Context, e *env, a *app.App, every time.Duration, f national.SMHIFetch) {
	e.log.Info("checking SMHI for new releases", "every", every.String(), "substances", f.Substances, "url", f.Base)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		got, err := a.National.FetchSMHI(ctx, kr.System(), f)
		if ctx.Err() != nil {
			return
		}
		for _, r := range got {
			switch s := r.Summary; {
			case r.Error != "":
				e.log.Warn("SMHI check failed; the current data stay", "substance", r.Substance, "url", r.URL, "err", r.Error)
			case s.AlreadyPresent:
				e.log.Debug("SMHI has no new release", "substance", r.Substance, "release", s.Release.ReleaseDate.Format(time.DateOnly))
			default:
				e.log.Info("imported a new SMHI release", "substance", s.Release.Substance, "release", s.Release.ReleaseDate.Format(time.DateOnly),
					"rows", s.Rows, "values", s.Release.Values, "years", s.Years, "mismatches", len(s.Mismatches))
			}
		}
		if err != nil {
			e.log.Debug("SMHI check", "err", err)
		}
	}
}
