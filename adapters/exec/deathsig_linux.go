package exec

import "syscall"

// setDeathSignal has the kernel send SIGKILL to the process when the
// runner's thread that started it ends, which for a Go program is when the
// runner's process ends (Go does not end its threads while the process
// runs unless a goroutine locked to one exits, which the runner's code
// never does).
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
