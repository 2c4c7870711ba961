//go:build unix

package exec

import (
	osexec "os/exec"
	"syscall"
)

// setProcessGroup makes the process the leader of a new process group, so
// that killing the group ends whatever it started too; where the system
// can (Linux), the process is also killed when the runner dies without
// ending it (kill -9, a crash), so that an implementation that ignores
// the end of its input is no orphan.
func setProcessGroup(cmd *osexec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(cmd.SysProcAttr)
}

// killProcessGroup sends SIGKILL to the process's group.
func killProcessGroup(cmd *osexec.Cmd) {
	if cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Process.Kill()
}
