//go:build linux && !amd64

package chdb

// withGoSignalHandlers cannot restore handlers on this architecture (libchdb
// ships for x86-64 only); it just runs f.
func withGoSignalHandlers(f func()) { f() }
