// Command podconform is the conformance suite and fuzzer for the Kubernetes
// Pod lifecycle. See `podconform help`.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `podconform: a property-based conformance suite for the Kubernetes Pod lifecycle.

Usage:
  podconform simulate [flags] FILE   run a scenario or bare Pod manifest through the reference model
  podconform properties [ID...]      list the invariants checked on every trace
  podconform replay [flags] FILE     re-run a scenario or saved counterexample with every invariant checked
  podconform selftest [flags]        prove the invariants' power: search for counterexamples on broken models
  podconform exec-server [flags]     serve the reference model over the exec adapter protocol on stdin/stdout
  podconform run [flags]             check an implementation (adapter) against the model and the invariants
  podconform merge --out DIR DIR...  combine the outputs of a sharded run
  podconform baseline [--out F] DIR  accept the failures of the run in DIR: run --baseline F fails on new ones only
  podconform report DIR              render DIR/report.html from a run's output directory
  podconform help [COMMAND]          show help

Run 'podconform COMMAND --help' for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "simulate":
		return simulate(args[1:], stdout, stderr)
	case "properties":
		return listProperties(args[1:], stdout, stderr)
	case "replay":
		return replay(args[1:], stdout, stderr)
	case "selftest":
		return selftest(args[1:], stdout, stderr)
	case "exec-server":
		return execServer(args[1:], stdout, stderr)
	case "run":
		return runCmd(args[1:], stdout, stderr)
	case "merge":
		return mergeCmd(args[1:], stdout, stderr)
	case "baseline":
		return baselineCmd(args[1:], stdout, stderr)
	case "report":
		return reportCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		if len(args) > 1 {
			return run([]string{args[1], "--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "podconform: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
