package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/internal/watch"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

const replayHelp = `Usage: podconform replay [flags] FILE

Runs a scenario with every property checked after every step, on the model
its metadata.counterexample names (the reference model, or a self-test
mutant), with the recorded time limit. For a saved counterexample it
reports whether the recorded violation reproduces.

Exit status: 0 when no property is violated; 1 when one is (for a
counterexample: it reproduced); 2 on usage errors or a file that cannot be
read or run.

Flags:
`

func replay(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	output := fs.String("o", "watch", "how to show the run: watch, text or none")
	fs.Usage = func() { fmt.Fprint(fs.Output(), replayHelp); fs.PrintDefaults() }
	if code, done := parseArgs(fs, args, stdout); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "podconform replay: expected exactly one FILE argument")
		fs.Usage()
		return 2
	}
	switch *output {
	case "watch", "text", "none":
	default:
		fmt.Fprintf(stderr, "podconform replay: unknown output format %q (want watch, text or none)\n", *output)
		return 2
	}
	doc, err := scenario.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "podconform replay: %v\n", err)
		return 2
	}
	res, same, err := check.Replay(doc)
	if err != nil {
		fmt.Fprintf(stderr, "podconform replay: %s: %v\n", fs.Arg(0), err)
		return 2
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	switch *output {
	case "watch":
		if err := watch.Write(w, watch.Rows(&doc.Pod, epochOf(doc), res.Trace, false)); err != nil {
			fmt.Fprintf(stderr, "podconform replay: %v\n", err)
			return 2
		}
		fmt.Fprintln(w)
	case "text":
		td := trace.New(doc.Metadata.Name, doc.Profile.WithDefaults().Name, doc.Pod.Name, res.Trace)
		if err := trace.EncodeText(w, td); err != nil {
			fmt.Fprintf(stderr, "podconform replay: %v\n", err)
			return 2
		}
		fmt.Fprintln(w)
	}
	ce := doc.Metadata.Counterexample
	on := "the reference model"
	if ce != nil && ce.Model != "" {
		on = "mutant " + ce.Model
	}
	if ce != nil && ce.Adapter != "" && !strings.HasPrefix(ce.Adapter, "mutant:") && ce.Adapter != "model" {
		fmt.Fprintf(w, "note: found on adapter %s; replay runs the model only. To re-run it on that adapter:\n  podconform run --adapter ... --corpus FILE --checks 0 (see the run's summary.json for the exact command)\n", ce.Adapter)
	}
	switch {
	case res.Violation == nil && ce != nil:
		fmt.Fprintf(w, "NOT REPRODUCED: no property is violated on %s (recorded: %s at %v)\n", on, ce.Property, ce.At.Duration)
		return 0
	case res.Violation == nil:
		fmt.Fprintf(w, "ok: no property is violated on %s (run to %v)\n", on, res.End)
		return 0
	case ce != nil && same:
		fmt.Fprintf(w, "REPRODUCED on %s: %s at %v: %s\n", on, res.Violation.ID, res.Violation.At, res.Violation.Message)
	case ce != nil:
		fmt.Fprintf(w, "DIFFERENT violation on %s: %s at %v: %s (recorded: %s)\n", on, res.Violation.ID, res.Violation.At, res.Violation.Message, ce.Property)
	default:
		fmt.Fprintf(w, "VIOLATION on %s: %s at %v: %s\n", on, res.Violation.ID, res.Violation.At, res.Violation.Message)
	}
	return 1
}

func epochOf(doc *scenario.Document) time.Time {
	if t := doc.Pod.CreationTimestamp.Time; !t.IsZero() {
		return t
	}
	return model.DefaultEpoch
}
