// Package figures loads the emission figures the service shows and checks,
// from the database through the packages that own the tables: SMHI's
// published release (the newest release of the default substance, from
// national), members' reported figures (the current value of each year, from
// submissions' visible rows, optionally as of a moment), and SCB's population
// and area names (from national), and SMHI's subsector figures of the
// sectors the GPC view takes apart (SMHISubsectors).
//
// Both readers of figures load them here: the public read service (package
// publish) for pages and the API, and the compliance review for goal
// follow-up (GoalFigures, Sources). Both follow goals up with
// analytics.FollowGoal over the same sources (GoalSources), so the public
// page and the review give the same verdict. The API's emission series
// (Emissions: any release or substance, SMHI's or reported) are read here on
// each request the API's body cache does not answer. SMHI's revisions
// (Revisions) compare two releases' series with analytics.Revisions, for
// the snapshot's two newest or any pair read here (LoadRevisions). Nothing
// here caches;
// the maths is package analytics'.
package figures
