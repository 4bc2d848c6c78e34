//go:build linux

package chdb

import (
	"fmt"
	"syscall"
)

// libchdb is ClickHouse's command-line client inside the process: when the
// process's standard input is a pipe or file with bytes in it, it takes them
// as the data of any INSERT, even one that names its own data with
// FROM INFILE. A command started with a pipe on stdin (a shell loop reading a
// list, `echo x | klimatrapport accounts add …`) would have its inserts fail
// or, worse, read garbage.
//
// So libchdb never sees the real stdin: around each call into the library
// descriptor 0 is /dev/null, and afterwards the real stdin is put back. The
// process's own os.Stdin keeps working between statements (the command line
// reads `--password-stdin` from it), and the swap needs no cooperation from
// callers. Statements are serialised (engine.turn), so two swaps never
// overlap; nothing else in the service reads stdin while a statement runs.
type stdinGuard struct {
	null  int // /dev/null, open for reading
	saved int // a duplicate of the real stdin, or -1 if there was none
}

// newStdinGuard opens /dev/null and keeps a duplicate of descriptor 0.
func newStdinGuard() (*stdinGuard, error) {
	null, err := syscall.Open("/dev/null", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("chdb: /dev/null: %w", err)
	}
	g := &stdinGuard{null: null, saved: -1}
	if fd, _, errno := syscall.Syscall(syscall.SYS_FCNTL, 0, syscall.F_DUPFD_CLOEXEC, 3); errno == 0 {
		g.saved = int(fd)
	}
	return g, nil
}

// run calls f with /dev/null as descriptor 0 and then restores the real
// stdin (or leaves /dev/null when the process started without one, so that no
// file libchdb opens can land on descriptor 0).
func (g *stdinGuard) run(f func()) {
	if err := syscall.Dup3(g.null, 0, 0); err != nil {
		panic(fmt.Sprintf("chdb: cannot hide stdin from libchdb: %v", err))
	}
	defer func() {
		if g.saved >= 0 {
			// Failure here would leave /dev/null on 0: the command line would
			// then read an empty stdin, never libchdb's data.
			_ = syscall.Dup3(g.saved, 0, 0)
		}
	}()
	f()
}

// close releases the guard's descriptors.
func (g *stdinGuard) close() {
	syscall.Close(g.null)
	if g.saved >= 0 {
		syscall.Close(g.saved)
	}
}
