// Package analytics is the pure maths behind the emission figures the
// service shows: series of yearly values, change since a base year, compound
// annual rates, the Klimatkollen trend (a least-absolute-deviations line
// anchored at the last data year), the Carbon Law path, net-zero dates,
// per-capita figures and averages, rankings, and the follow-up of a
// member's goal against each source's figures (FollowGoal, the one follow-up
// the public pages and the compliance review both show).
//
// Per capita divides by the year's own population when SCB has it, else by
// the nearest year's, and then the value is an estimate
// (Populations.Nearest, PerCapitaIn, PerCapitaUses): the one rule every
// per-capita figure of the service follows, marked wherever it is shown.
//
// Everything here is pure: no database, no HTTP, no clock. The caller supplies
// the data and the "current year"; loading the figures is package figures',
// caching the published ones package publish's. Functions that can be undefined for some input (too
// few years, a zero denominator, ...) report that with an ok bool (or an OK
// field) rather than returning NaN or panicking, so that a page can show "–"
// instead of a made-up number.
//
// The methods follow Klimatkollen's published method: the trend is the
// least-absolute-deviations line through the values since 2015, anchored at
// the last year; the Carbon Law path falls 11.72 % a year from the current
// year; a municipality meets Paris when the trend's emissions to 2050 stay
// within that path's. Each function's comment says which part it implements
// and where it deviates.
package analytics
