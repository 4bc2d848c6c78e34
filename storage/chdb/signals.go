//go:build linux && amd64

package chdb

import (
	"syscall"
	"unsafe"
)

// kernelSigaction is the Linux x86-64 kernel's struct sigaction, as
// rt_sigaction(2) reads and writes it (not glibc's larger struct).
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// withGoSignalHandlers runs f and then puts back every signal disposition
// that was in place before it. libchdb resets SIGSEGV, SIGBUS, SIGFPE and
// others to SIG_DFL when its own handlers are switched off, and again on
// connect; the Go runtime needs its handlers for nil-pointer panics, stack
// growth, preemption (SIGURG) and signal.Notify (SIGINT, SIGTERM).
func withGoSignalHandlers(f func()) {
	var saved [65]kernelSigaction
	var ok [65]bool
	for sig := 1; sig < len(saved); sig++ {
		if sig == int(syscall.SIGKILL) || sig == int(syscall.SIGSTOP) {
			continue
		}
		_, _, errno := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), 0,
			uintptr(unsafe.Pointer(&saved[sig])), 8, 0, 0)
		ok[sig] = errno == 0
	}
	defer func() {
		for sig := 1; sig < len(saved); sig++ {
			if ok[sig] {
				syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig),
					uintptr(unsafe.Pointer(&saved[sig])), 0, 8, 0, 0)
			}
		}
	}()
	f()
}
