package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/internal/runner"
	"github.com/podconform/podconform/internal/watch"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

const replayHelp = `Usage: podconform replay [flags] FILE

Runs a scenario with every property checked after every step, on the model
its metadata.counterexample names (the reference model, or a self-test
mutant), with the recorded time limit. For a saved counterexample it
reports whether the recorded failure reproduces.

A counterexample that podconform run found on the model, on a mutant
(mutant:NAME) or on model:autonomous is run again on that adapter, as the
run did: every invariant checked on the whole trace and the trace compared
with the model at the recorded tolerance, so that a divergence from the
model ("refinement") reproduces as such. For one found on an adapter that
replay cannot start by itself (exec, kubelet), it prints the podconform run
command that re-runs it there (exit 2).

Exit status: 0 when no property is violated (for a counterexample: it did
not reproduce); 1 when one is (for a counterexample: it reproduced, or
another failure showed); 2 on usage errors, a file that cannot be read or
run, or a counterexample of an adapter replay cannot start (the command to
re-run it is printed).

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
	if ce := doc.Metadata.Counterexample; ce != nil && ce.Adapter != "" {
		return replayOnAdapter(doc, fs.Arg(0), *output, stdout, stderr)
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

// replayOnAdapter replays a counterexample of podconform run on the
// adapter it was found on, when replay can start that adapter in-process
// (the model, a mutant, model:autonomous); for any other it prints the run
// command that re-runs it.
func replayOnAdapter(doc *scenario.Document, file, output string, stdout, stderr io.Writer) int {
	ce := doc.Metadata.Counterexample
	name := ce.Adapter
	if name != "model" && name != "model:autonomous" && !strings.HasPrefix(name, "mutant:") {
		rerun := ce.Rerun
		if rerun == "" {
			rerun = "--adapter ... (the flags that name adapter " + name + ")"
		}
		fmt.Fprintf(stdout, "found on adapter %s, which replay cannot start by itself; re-run it there with:\n  %s run %s --corpus %s --checks 0 --out %s\n",
			name, invocation(), rerun, file, runner.ReplayOut)
		return 2
	}
	a, _, cleanup, err := openAdapter(name, "", execTimeouts{reply: 10 * time.Second, start: time.Minute})
	if err != nil {
		fmt.Fprintf(stderr, "podconform replay: %s: %v\n", file, err)
		return 2
	}
	defer cleanup()
	rep, err := runner.Reproduce(context.Background(), a, doc, 0)
	if err != nil {
		fmt.Fprintf(stderr, "podconform replay: %s: %v\n", file, err)
		return 2
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	switch output {
	case "watch":
		if err := watch.Write(w, watch.Rows(&doc.Pod, epochOf(doc), rep.Observed, false)); err != nil {
			fmt.Fprintf(stderr, "podconform replay: %v\n", err)
			return 2
		}
		fmt.Fprintln(w)
	case "text":
		td := trace.New(doc.Metadata.Name, doc.Profile.WithDefaults().Name, doc.Pod.Name, rep.Observed)
		if err := trace.EncodeText(w, td); err != nil {
			fmt.Fprintf(stderr, "podconform replay: %v\n", err)
			return 2
		}
		fmt.Fprintln(w)
	}
	what := func(class string) string {
		k, v, _ := strings.Cut(class, ":")
		switch k {
		case "violation":
			return v
		case "divergence":
			return "refinement (" + v + ")"
		case "adapter":
			return "adapter error (" + v + ")"
		}
		return class
	}
	on := "adapter " + name
	switch {
	case rep.Reproduced:
		fmt.Fprintf(w, "REPRODUCED on %s: %s at %v: %s\n", on, what(rep.Recorded), rep.At, rep.Message)
	case rep.Found == "pass":
		fmt.Fprintf(w, "NOT REPRODUCED: %s passes (recorded: %s at %v)\n", on, what(rep.Recorded), ce.At.Duration)
		return 0
	default:
		fmt.Fprintf(w, "DIFFERENT failure on %s: %s at %v: %s (recorded: %s)\n", on, what(rep.Found), rep.At, rep.Message, what(rep.Recorded))
	}
	if len(rep.Broken) > 0 {
		var ids []string
		for _, v := range rep.Broken {
			ids = append(ids, v.ID)
		}
		fmt.Fprintf(w, "invariants broken: %s\n", strings.Join(ids, ", "))
	}
	return 1
}
