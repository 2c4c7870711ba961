package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/internal/budget"
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

The run ends when the pod has finished, or when virtual time passes --until,
or at a run's budget (20,000 actions, 65,536 steps, statuses of 100,000
entries: see README "Limits"), which exits 1 after the output so far.

Output formats (-o):
  watch  (default) what 'kubectl get pod -w' would show: NAME READY STATUS
         RESTARTS AGE, one row per visible change, AGE in virtual time
  text   the trace, one line per action
  json   the trace document (podconform.dev/v1alpha1 Trace)

With --why, the output is the trace, one action a line, each followed by
the kubelet rule that made the model take it (and the upstream function it
mirrors), e.g.
  25s  BackOff app#2 wait=20s delay=20s  # restart refused: back-off 20s from the exit at 25s, until 45s (kuberuntime_manager.go doBackOff)
Statuses are summarised as kubectl shows them. This form is for reading,
not for tools: -o text and -o json stay the trace formats.

Flags:
`

func simulate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	output := fs.String("o", "watch", "output format: watch, text or json")
	fs.StringVar(output, "output", "watch", "same as -o")
	until := fs.Duration("until", 10*time.Minute, "stop when virtual time passes this duration")
	all := fs.Bool("all-updates", false, "in watch output, print a row for every status update, not only visible changes")
	why := fs.Bool("why", false, "print every action with the kubelet rule that caused it (implies -o text; not with -o json or watch)")
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
	if *why {
		explicit := false
		fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "o" || f.Name == "output" })
		if explicit && *output != "text" {
			fmt.Fprintf(stderr, "podconform simulate: --why prints its own listing of the trace; it does not combine with -o %s\n", *output)
			return 2
		}
		*output = "why"
	}
	doc, err := scenario.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "podconform simulate: %v\n", err)
		return 1
	}
	sc := doc.Model()
	var acts []model.Action
	var causes []model.Cause
	sim, err := model.NewSim(sc, *until, 0)
	if err != nil {
		fmt.Fprintf(stderr, "podconform simulate: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	// The run is bounded by a run's budget (package budget): past it, the
	// output shows the run up to there, and the exit status is 1.
	err = budget.Sim(sim, func(a *model.Action, c model.Cause) {
		acts = append(acts, *a)
		if *why {
			causes = append(causes, c)
		}
	})
	var over *budget.Exceeded
	if err != nil && !errors.As(err, &over) {
		fmt.Fprintf(stderr, "podconform simulate: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	epoch := sc.Pod.CreationTimestamp.Time
	if epoch.IsZero() {
		epoch = model.DefaultEpoch
	}
	switch *output {
	case "watch":
		err = watch.Write(w, watch.Rows(&sc.Pod, epoch, acts, *all))
	case "why":
		err = writeWhy(w, doc.Metadata.Name, &sc.Pod, epoch, acts, causes)
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
	if over != nil {
		fmt.Fprintf(stderr, "podconform simulate: %s: the run stopped at its budget, %v: the output is the run up to there (a shorter --until runs less of it)\n", printable(fs.Arg(0)), over)
		return 1
	}
	return 0
}

// writeWhy prints the trace one action a line, each with its cause as a
// trailing comment; statuses are summarised as kubectl shows them.
func writeWhy(w io.Writer, name string, pod *v1.Pod, epoch time.Time, acts []model.Action, causes []model.Cause) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "# podconform simulate --why: scenario %s, pod %s: each action, and the kubelet rule that made the model take it\n", name, pod.Name)
	p := pod.DeepCopy()
	for i := range acts {
		a := &acts[i]
		desc := trace.Describe(*a)
		switch a.Kind {
		case model.ActStatus:
			r := model.Kubectl(p, a.Status, epoch.Add(a.At))
			desc = fmt.Sprintf("%v Status phase=%s ready=%s status=%s restarts=%s", a.At, a.Status.Phase, r.Ready, r.Status, r.Restarts)
		case model.ActDeleteRequested:
			watch.MarkDeleted(p, epoch, a)
		}
		at, rest, _ := strings.Cut(desc, " ")
		cause := "(no cause recorded)"
		if i < len(causes) && !causes[i].IsZero() {
			cause = causes[i].String()
		}
		fmt.Fprintf(tw, "%s\t%s\t# %s\n", at, rest, cause)
	}
	return tw.Flush()
}
