package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/podconform/podconform/internal/runner"
)

const mergeHelp = `Usage: podconform merge --out DIR SHARD_DIR...

Combines the output directories of the shards of one run (podconform run
--shard i/n --out SHARD_DIR) into DIR: summary.json, junit.xml and every
counterexample, and report.html. The merged summary is the one the unsharded run gives. Every
shard must be there, once, and all must come from the same adapter, seed and
flags.

Exit status as podconform run's: 0 conformant, 1 violations or divergences,
2 adapter errors or bad input.

Flags:
`

func mergeCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory for the merged results (required)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), mergeHelp); fs.PrintDefaults() }
	if code, done := parseArgs(fs, args, stdout); done {
		return code
	}
	if *out == "" || fs.NArg() == 0 {
		fmt.Fprintln(stderr, "podconform merge: need --out DIR and at least one shard directory")
		return 2
	}
	sum, err := runner.MergeDirs(*out, fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "podconform merge: %v\n", err)
		return 2
	}
	printSummary(stdout, sum, *out)
	if rc := writeReport(stdout, stderr, "merge", *out); rc != 0 {
		return rc
	}
	return sum.ExitCode()
}
