//go:build linux

package chdb

// This file binds libchdb's C API lazily with purego instead of using
// github.com/chdb-io/chdb-go: chdb-go v1.11.0 dlopens the library in init(),
// so a binary that imports it panics at start on a machine without libchdb
// (where it should serve against a ClickHouse server), and it lets libchdb
// replace the Go runtime's signal handlers. Binding the dozen functions we
// use ourselves keeps the library out of the process until chdb:// is opened,
// and lets us protect the runtime's signal handlers (see signals.go).

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
)

// libVersionFile is the pinned version of the npm package
// @chdb/lib-linux-x64-gnu that ships libchdb.so. The Makefile reads the same
// file, so there is one place to change it.
//
//go:embed VERSION
var libVersionFile string

// LibVersion returns the pinned libchdb version.
func LibVersion() string { return strings.TrimSpace(libVersionFile) }

// LibEnv names the environment variable that points at libchdb.so.
const LibEnv = "KLIMATRAPPORT_CHDB_LIB"

// api holds the library's functions. Pointers are passed as uintptr/unsafe
// pointers to memory pinned for the duration of the call.
type api struct {
	connect                  func(argc int32, argv unsafe.Pointer) unsafe.Pointer
	closeConn                func(conn unsafe.Pointer)
	queryN                   func(conn unsafe.Pointer, query unsafe.Pointer, queryLen uintptr, format unsafe.Pointer, formatLen uintptr) unsafe.Pointer
	queryWithParamsN         func(conn unsafe.Pointer, query unsafe.Pointer, queryLen uintptr, format unsafe.Pointer, formatLen uintptr, names unsafe.Pointer, nameLens unsafe.Pointer, values unsafe.Pointer, valueLens unsafe.Pointer, count uintptr) unsafe.Pointer
	destroyQueryResult       func(res unsafe.Pointer)
	resultBuffer             func(res unsafe.Pointer) unsafe.Pointer
	resultLength             func(res unsafe.Pointer) uintptr
	resultError              func(res unsafe.Pointer) unsafe.Pointer
	setSignalHandlersEnabled func(enabled int32)
}

var (
	loadOnce sync.Once
	lib      *api
	loadErr  error
)

// LibPath returns where libchdb.so is looked for first: $KLIMATRAPPORT_CHDB_LIB,
// else the cache path the Makefile installs to.
func LibPath() string {
	if p := os.Getenv(LibEnv); p != "" {
		return p
	}
	return filepath.Join(CacheDir(), "libchdb.so")
}

// CacheDir is where `make` unpacks the pinned libchdb:
// $XDG_CACHE_HOME/klimatrapport/chdb/VERSION (or ~/.cache/…).
func CacheDir() string {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = os.TempDir()
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "klimatrapport", "chdb", LibVersion())
}

// load opens libchdb once per process and binds the functions we use.
func load() (*api, error) {
	loadOnce.Do(func() {
		candidates := []string{LibPath(), "libchdb.so"}
		var handle uintptr
		var errs []string
		for _, p := range candidates {
			h, err := purego.Dlopen(p, purego.RTLD_NOW|purego.RTLD_GLOBAL)
			if err == nil {
				handle = h
				break
			}
			errs = append(errs, err.Error())
		}
		if handle == 0 {
			loadErr = fmt.Errorf("libchdb %s not found (set %s or run `make chdb`): %s",
				LibVersion(), LibEnv, strings.Join(errs, "; "))
			return
		}
		a := &api{}
		bind := func(fptr any, name string) {
			if loadErr != nil {
				return
			}
			sym, err := purego.Dlsym(handle, name)
			if err != nil {
				loadErr = fmt.Errorf("libchdb lacks %s (need version %s): %w", name, LibVersion(), err)
				return
			}
			purego.RegisterFunc(fptr, sym)
		}
		bind(&a.connect, "chdb_connect")
		bind(&a.closeConn, "chdb_close_conn")
		bind(&a.queryN, "chdb_query_n")
		bind(&a.queryWithParamsN, "chdb_query_with_params_n")
		bind(&a.destroyQueryResult, "chdb_destroy_query_result")
		bind(&a.resultBuffer, "chdb_result_buffer")
		bind(&a.resultLength, "chdb_result_length")
		bind(&a.resultError, "chdb_result_error")
		bind(&a.setSignalHandlersEnabled, "chdb_set_signal_handlers_enabled")
		if loadErr != nil {
			return
		}
		// Tell libchdb not to install its crash handlers. The call also resets
		// the deadly signals to SIG_DFL as a side effect, so keep the Go
		// runtime's handlers around it.
		withGoSignalHandlers(func() { a.setSignalHandlersEnabled(0) })
		lib = a
	})
	return lib, loadErr
}

// cstring returns s as a NUL-terminated byte slice.
func cstring(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}

// goString copies a NUL-terminated C string.
func goString(p unsafe.Pointer) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(p, n)) != 0 {
		n++
	}
	return string(unsafe.Slice((*byte)(p), n))
}
