//go:build unix && !linux

package exec

import "syscall"

// setDeathSignal does nothing where the system has no parent-death signal:
// a runner killed with kill -9 leaves an implementation that ignores the
// end of its input running.
func setDeathSignal(*syscall.SysProcAttr) {}
