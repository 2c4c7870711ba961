package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/internal/runner"
)

const baselineHelp = `Usage: podconform baseline [--out FILE] DIR

Writes a baseline that accepts every distinct failure of the run whose
results are in DIR (its summary.json): one entry per failure signature, the
broken check and the shape of the shrunk counterexample, without names,
times or scenario indexes, so that it survives changes in generation.

Then "podconform run --baseline FILE" with the same adapter fails only on
failures the baseline does not list; its summary, console and report say
which failures are known and which are new, and which listed ones were not
seen. Commit the baseline beside your CI job; give each entry a "note" that
says why it is accepted. When FILE exists, the notes of the signatures it
keeps are kept.

Flags:
`

func baselineCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "podconform-baseline.json", "the baseline file to write")
	fs.Usage = func() { fmt.Fprint(fs.Output(), baselineHelp); fs.PrintDefaults() }
	if code, done := parseArgs(fs, args, stdout); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "podconform baseline: need one results directory (a podconform run's --out)")
		return 2
	}
	dir := fs.Arg(0)
	if runner.Unfinished(dir) {
		fmt.Fprintf(stderr, "podconform baseline: %s holds a run that did not finish (%s): its results are not a baseline\n", dir, runner.InProgressFile)
		return 2
	}
	sum, err := runner.ReadSummary(filepath.Join(dir, runner.SummaryFile))
	if err != nil {
		fmt.Fprintf(stderr, "podconform baseline: %v\n", err)
		return 2
	}
	if sum.Incomplete || sum.StartError != "" {
		fmt.Fprintf(stderr, "podconform baseline: the run in %s was interrupted or did not start: its failures are not all there\n", dir)
		return 2
	}
	b := runner.BaselineOf(sum)
	if _, err := os.Stat(*out); err == nil {
		old, err := runner.ReadBaseline(*out)
		if err != nil {
			fmt.Fprintf(stderr, "podconform baseline: the existing %v\n", err)
			return 2
		}
		notes := map[string]string{}
		for _, f := range old.Failures {
			notes[f.Signature] = f.Note
		}
		for i := range b.Failures {
			b.Failures[i].Note = notes[b.Failures[i].Signature]
		}
	}
	data, err := b.JSON()
	if err == nil {
		err = check.WriteFileAtomic(*out, data)
	}
	if err != nil {
		fmt.Fprintf(stderr, "podconform baseline: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "%s: %d accepted failures of %s\n", *out, len(b.Failures), printable(sum.Adapter.Name))
	return 0
}
