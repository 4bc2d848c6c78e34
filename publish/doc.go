// Package publish is the step of the flow that publishes figures to
// readers: the cached read service behind the public pages and the JSON API
// (Service, Snapshot), the views built from it (municipality report,
// ranking, comparison, overview), the rendered answers kept with it (Body)
// and the loaders of the figures they show (Data: SMHI's published release,
// members' reported figures, SCB's population, area names). The maths is
// package analytics'.
//
// What it caches: a Snapshot holds the published data of one data
// generation in memory (municipalities, counties, population, members, SMHI's
// series of the newest release of the default substance) and memoises what
// is computed from it: reported figures, metrics, rankings, comparisons and
// rendered pages (within Service.MaxMemo entries and Service.MaxBodyBytes of
// rendered bytes).
//
// When it reloads: Invalidate (wired to commits of submissions, national
// imports and the members register) outdates the snapshot at once; every
// ProbeInterval a request compares a fingerprint of the append-only tables
// that make data visible, so other instances' writes show within it; and a
// snapshot is never older than MaxAge.
//
// Goal follow-up reads through here too: the municipality report follows
// each goal up on the snapshot's figures, and LoadGoalFigures loads the same
// figures as of a moment for the compliance review, so that both show the
// same verdict (analytics.FollowGoal).
package publish
