// Package api serves the JSON API under /api/v1: submissions and their
// files, the template, municipalities, emissions, emission metrics and the
// ranking (with CSV and XLSX exports), compliance, reviews and replies,
// and the members register (its list public, without contacts, with each
// member's standing, and as CSV and XLSX), the deadline calendars
// (iCalendar), SMHI's revisions between two releases (revisions.go), and
// the API's own OpenAPI description (package openapi, at
// /api/v1/openapi.json). Each handler asks package access whether the
// request's actor may do what it asks; credentials are resolved before, by
// web.Authenticate. Errors are JSON with the status of web.StatusOf.
//
// The answers of public data (the municipalities, emissions, metrics, the
// ranking, the members list and their exports, the calendars) come from publish's snapshot without the
// database, kept per data generation (cache.go); those behind the default
// pages are rendered into each new snapshot before it is published
// (warm.go). Only archive questions, emissions of another SMHI release or
// substance, read the database, a few at a time (archive.go).
package api

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/internal/turns"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// API holds what the handlers need.
type API struct {
	Data        figures.Data
	Members     *members.Register
	Submissions *submissions.Service
	Log         *slog.Logger
	// Published answers the public data (the municipalities, emissions,
	// emission metrics, the ranking and their exports) from cached
	// snapshots, into which Register adds a warmer; internal/app wires it
	// to the commit hooks.
	Published *publish.Service
	// Compliance evaluates the membership obligations; nil leaves out the
	// compliance routes.
	Compliance *compliance.Engine
	// ArchiveParallel caps the archive questions (emissions of other
	// releases and substances, read from the database) run at once; 0 means
	// DefaultArchiveParallel. ArchiveWait is how long one waits for a turn
	// before it is refused as busy; 0 means DefaultArchiveWait.
	ArchiveParallel int
	ArchiveWait     time.Duration

	archive turns.Cap // the archive questions' (archive.go)
}

// Register adds the API's routes.
func (a *API) Register(r gin.IRouter) {
	v1 := r.Group("/api/v1")
	v1.POST("/submissions", a.handle(a.postSubmission))
	v1.GET("/submissions/:id", a.handle(a.getSubmission))
	v1.GET("/submissions/:id/file", a.handle(a.getSubmissionFile))
	v1.GET("/submissions/:id/annotated.xlsx", a.handle(a.getAnnotated))
	v1.GET("/municipalities/:code/submissions", a.handle(a.listSubmissions))
	v1.GET("/template.xlsx", a.handle(a.getTemplate))
	a.registerEmissionMetrics(v1)
	if a.Compliance != nil {
		a.registerCompliance(v1)
	}
	a.registerMembers(v1)
	a.registerCalendars(v1)
	a.registerOpenAPI(v1)
	a.registerRevisions(v1)
}

// handler is an API handler: it writes its answer, or returns the error
// for handle to write.
type handler func(c *gin.Context) error

// handle writes a handler's error as JSON with the status its kind implies
// (web.Fail).
func (a *API) handle(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			web.Fail(c, a.Log, err)
		}
	}
}

// allow checks that the request's actor may do action on target.
func allow(c *gin.Context, action access.Action, target string) error {
	return access.Check(web.ActorOf(c), action, target)
}
