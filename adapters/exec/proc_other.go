//go:build !unix

package exec

import osexec "os/exec"

// setProcessGroup does nothing where process groups are not supported.
func setProcessGroup(*osexec.Cmd) {}

// killProcessGroup kills the process (its children are not reached).
func killProcessGroup(cmd *osexec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
