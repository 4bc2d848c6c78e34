// Package web is the service's HTTP shell: the gin engine and what every
// request passes through before a handler runs — request ids, access logs,
// Prometheus metrics (behind a token when one is set), panic recovery, the
// request's deadline, the one body limit (large for uploads, small for
// every other route), authentication (API tokens and session cookies), the
// cross-origin check that protects browser sessions from forged requests,
// the refusal of writes by the public before their body is read, and the
// audit log of writes. It also owns what handlers share: the
// kind-to-status table (StatusOf), JSON errors, reading an uploaded
// workbook as it arrives (into a temporary file, with a safe file name),
// health and readiness, and graceful shutdown.
//
// The JSON API (web/api), the public pages (web/pages) and the signed-in
// pages (web/portal) register their routes on it; their HTML frame is
// package web/site.
package web
