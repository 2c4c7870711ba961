package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/podconform/podconform/reports"
)

const reportHelp = `Usage: podconform report [flags] DIR

Renders DIR/report.html from the output directory of a run (podconform run
--out DIR or podconform merge --out DIR): one self-contained HTML page that
needs no network and reads without JavaScript. It shows the run's
configuration, the invariants against their verdicts, the mutation
self-test's score when there is one, and for each counterexample the broken
invariant with the semantics it cites, the shrunk scenario as runnable
YAML, a timeline of the observed trace (one swimlane per container), the
model's trace against the adapter's with the first divergence marked, and
the command that replays it.

It reads only the saved files (summary.json, counterexamples/); it never
runs the model or an adapter. podconform run writes the report by itself;
this re-renders one, for example after a merge or with a self-test score.

Exit status: 0 when the report was written, 2 when it could not be (no
summary.json in DIR, an unreadable self-test file, an unwritable DIR).

Examples:
  podconform report podconform-results
  podconform selftest --out st && podconform report --selftest st/selftest.json podconform-results

Flags:
`

func reportCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	selfTest := fs.String("selftest", "", "a self-test score to include (podconform selftest writes OUT/selftest.json; default: DIR/selftest.json when present)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), reportHelp); fs.PrintDefaults() }
	if code, done := parseArgs(fs, args, stdout); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "podconform report: expected exactly one DIR argument (a run's output directory)")
		return 2
	}
	path, err := reports.WriteFor(fs.Arg(0), *selfTest, invocation())
	if err != nil {
		fmt.Fprintf(stderr, "podconform report: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "report: %s\n", path)
	return 0
}
