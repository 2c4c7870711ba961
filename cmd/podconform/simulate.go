package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/podconform/podconform/internal/watch"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

const simulateHelp = `Usage: podconform simulate [flags] FILE

Runs FILE through the reference model of the Pod lifecycle, in virtual time,
and prints what happens. FILE is a podconform Scenario (apiVersion
podconform.dev/v1alpha1) or a bare Pod manifest (apiVersion v1, kind Pod),
in YAML or JSON. A bare manifest gets the default behaviours: regular init
containers exit 0 after 1s, other containers run until killed, probes
succeed, hooks return at once (a sleep hook takes its seconds), and a
stopped container exits at once with code 0.

The run ends when the pod has finished, or when virtual time passes --until.

Output formats (-o):
  watch  (default) what 'kubectl get pod -w' would show: NAME READY STATUS
         RESTARTS AGE, one row per visible change, AGE in virtual time
  text   the trace, one line per action
  json   the trace document (podconform.dev/v1alpha1 Trace)

Flags:
`

func simulate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	output := fs.String("o", "watch", "output format: watch, text or json")
	fs.StringVar(output, "output", "watch", "same as -o")
	until := fs.Duration("until", 10*time.Minute, "stop when virtual time passes this duration")
	all := fs.Bool("all-updates", false, "in watch output, print a row for every status update, not only visible changes")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), simulateHelp)
		fs.PrintDefaults()
	}
	if code, done := parseArgs(fs, args, stdout); done {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "podconform simulate: expected exactly one FILE argument")
		fs.Usage()
		return 2
	}
	if *until <= 0 {
		fmt.Fprintf(stderr, "podconform simulate: --until must be positive, got %v\n", *until)
		return 2
	}
	switch *output {
	case "watch", "text", "json":
	default:
		fmt.Fprintf(stderr, "podconform simulate: unknown output format %q (want watch, text or json)\n", *output)
		return 2
	}
	doc, err := scenario.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "podconform simulate: %v\n", err)
		return 1
	}
	sc := doc.Model()
	acts, err := model.Run(sc, *until)
	if err != nil {
		fmt.Fprintf(stderr, "podconform simulate: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	switch *output {
	case "watch":
		epoch := sc.Pod.CreationTimestamp.Time
		if epoch.IsZero() {
			epoch = model.DefaultEpoch
		}
		err = watch.Write(w, watch.Rows(&sc.Pod, epoch, acts, *all))
	case "text", "json":
		td := trace.New(doc.Metadata.Name, sc.Profile.WithDefaults().Name, sc.Pod.Name, acts)
		if *output == "json" {
			err = trace.Encode(w, td)
		} else {
			err = trace.EncodeText(w, td)
		}
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		fmt.Fprintf(stderr, "podconform simulate: writing output: %v\n", err)
		return 1
	}
	return 0
}
