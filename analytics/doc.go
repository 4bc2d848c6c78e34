// Package analytics is the computational core behind the emission metrics the
// service shows: change since a base year, compound annual rates, the
// Klimatkollen trend (a least-absolute-deviations line anchored at the last
// data year), the Carbon Law path, net-zero dates, goal tracking, per-capita
// figures and averages, and Swedish number formatting.
//
// Everything here is pure: no database, no HTTP, no clock. The caller supplies
// the data and the "current year". Functions that can be undefined for some
// input (too few years, a zero denominator, ...) report that with an ok bool
// (or an OK field) rather than returning NaN or panicking, so that a page can
// show "–" instead of a made-up number.
//
// The methods follow Klimatkollen's published method as summarised in
// docs/DOMAIN.md ("Emission metrics the public already knows"); each
// function's comment says which part it implements and where it deviates.
package analytics
