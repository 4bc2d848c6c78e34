// Package publish is the step of the flow that publishes figures to
// readers: the cached read service behind the public pages and the JSON API
// (Service, Snapshot), the views built from it (municipality report, a
// county's report in the same shape from SMHI's county rows, ranking,
// comparison, overview, the inventory by GPC sector and scope, the
// deadline calendars' events) and the
// rendered answers kept with it (Body). The figures come from package figures' loaders (SMHI's published
// release, members' reported figures, SCB's population and area names); the
// maths is package analytics'.
//
// What it caches: a Snapshot holds the published data of one data
// generation in memory (municipalities, counties, population, members, SMHI's
// series of the newest release of the default substance) and memoises what
// is computed from it: reported figures, metrics, rankings, comparisons and
// rendered pages, in a least-recently-used cache bounded by Service.MaxMemo
// entries and Service.MaxBodyBytes of rendered bytes that keeps caching when
// full; identical misses arriving together are computed once. Rendered
// answers are keyed by Key: only the query parameters an answer reads, in a
// canonical form, so junk parameters make no entries.
//
// When it reloads: readers are always given the last published snapshot
// and never wait for a rebuild (only the very first is waited for). One
// background goroutine per Service (started by the first read, stopped by
// Close) builds the next: Invalidate (wired to commits of submissions,
// national imports and the members register) marks the data changed and
// wakes it; changes within Debounce, or during a build, make one build; a
// failed build keeps the old snapshot and is retried with a growing pause.
// Before a snapshot is published the registered warmers (AddWarmer: the
// public pages with their default parameters) render into its memo, for at
// most WarmTimeout. Every ProbeInterval a request asks the builder to
// compare a fingerprint of the append-only tables that make data visible,
// so other instances' writes show within it; and a snapshot is never older
// than MaxAge. Refresh and WaitFor wait for the snapshot that includes a
// change, for callers that must read their own writes. While data is
// being loaded into an empty database (serve's first start), Hold makes
// readers get its error ("Laddar data …") instead of a snapshot.
//
// Goal follow-up: the municipality report follows each goal up on the
// snapshot's figures with figures.GoalSources and analytics.FollowGoal; the
// compliance review loads the same figures as of a moment through figures,
// not through this cache, and so gives the same verdict.
package publish
