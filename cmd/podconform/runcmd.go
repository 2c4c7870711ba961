package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/podconform/podconform/adapters"
	execadapter "github.com/podconform/podconform/adapters/exec"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/internal/runner"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/reports"
	"github.com/podconform/podconform/scenario"
)

// version is podconform's version, recorded in summaries.
const version = "0.4.0-dev"

const runHelp = `Usage: podconform run [flags]

Checks an implementation of the Pod lifecycle against the reference model.
Replays the corpus (--corpus) first, then generates --checks scenarios from
--seed. Each scenario is run on the adapter to its end; every invariant that
its observables allow is checked on the whole trace it reports, and the
trace is compared with the model (refinement): every action one the model
allows at that point, no earlier than the model takes it and at most the
tolerance later.

One run computes three conformance levels (docs/adapter-protocol.md,
"Conformance levels"):
  invariants   the named invariants, except the exact-timing ones
  refinement   the invariants level, and refinement within --tolerance
  exact        every invariant, and refinement at tolerance 0
--level picks the level that decides the verdicts, the counterexamples saved
and the exit status. The first line of the summary says which levels the
implementation meets. Failures are grouped by signature (the broken check
and the shape of the shrunk scenario): "8 distinct failures in 51
scenarios".

Every failure is saved, atomically, as a scenario file in OUT/counterexamples
before it is shrunk (by re-running the adapter on smaller scenarios), and
again once shrunk, with the observed trace and the model's beside it.
OUT/summary.json (the same seed and flags give byte-identical JSON, whatever
--parallel), OUT/junit.xml (one test case per invariant) and OUT/report.html
(see podconform report) are written at the end. A progress line goes to
stderr.

Adapters (--adapter):
  model              the reference model, in-process (the default)
  mutant:NAME        a self-test mutant of the model, in-process
                     (podconform selftest lists them; e.g. mutant:parallel-init)
  model:autonomous   the reference model run as an autonomous implementation:
                     it returns a whole timestamped trace, and the runner
                     replays the world's script against it
  exec               a program speaking the exec protocol on stdin/stdout
                     (docs/adapter-protocol.md), given by --adapter-cmd; driven
                     or autonomous, as the program's hello says
  kubelet            the real kubelet's code, run in virtual time by the
                     podconform-kubelet program (an autonomous exec adapter;
                     build it with "make kubelet"): --adapter-cmd if given,
                     else $PODCONFORM_KUBELET, else podconform-kubelet next to
                     podconform, else in $PATH, run as "podconform-kubelet serve"
  cluster            a node behind a Kubernetes API server (a kubelet with
                     containerd, KWOK, a virtual-kubelet provider): each
                     scenario runs as a real pod on --node, watched through
                     the API (statuses, starts and exits, deletes), by the
                     podconform-cluster program (build it with "make
                     cluster"; found as podconform-kubelet is, or
                     $PODCONFORM_CLUSTER). Scenarios are capped at
                     --max-until (90s), 8 run at once; --profile gives the
                     node's kubelet constants. Every pod is deleted at the
                     end, and the namespace too when podconform created it

Exit status: 0 when the implementation meets the deciding level, 1 when it
does not, 2 on usage errors or adapter errors (crash, hang, protocol
violation), 130 or 143 when the run was interrupted by SIGINT (Ctrl-C) or
SIGTERM: the scenarios in flight are marked interrupted, never adapter
errors, and the summary, JUnit and report are written, marked incomplete. A
second Ctrl-C exits at once.

Examples:
  podconform run --checks 1000
  podconform run --adapter mutant:parallel-init --checks 200 --out /tmp/pi
  podconform run --adapter exec --adapter-cmd "python3 adapters/exec/example/simple_kubelet.py"
  podconform run --adapter kubelet --checks 200 --level refinement
  podconform run --adapter cluster --kubeconfig ~/.kube/config --node kind-worker \
      --image busybox:1.36 --profile node-profile.yaml --checks 30
  podconform run --shard 0/4 --out shard-0 --checks 10000   # then: podconform merge

Flags:
`

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	adapter := fs.String("adapter", "model", "the implementation under test: model, mutant:NAME, model:autonomous, exec, kubelet or cluster")
	adapterCmd := fs.String("adapter-cmd", "", "command line of the exec adapter's program (with --adapter exec, or kubelet to override the lookup)")
	adapterTimeout := fs.Duration("adapter-timeout", 10*time.Second, "longest wait for one answer of an exec adapter")
	adapterStart := fs.Duration("adapter-start-timeout", time.Minute, "longest wait for an exec adapter's program to start and say hello (each process it starts; at least --adapter-timeout)")
	checks := fs.Int("checks", 100, "number of generated scenarios, after the corpus")
	seed := fs.Int64("seed", 1, "seed of the generated scenarios")
	budget := fs.Duration("time-budget", 0, "stop starting scenarios after this long (0: no limit; the summary then depends on speed)")
	parallel := fs.Int("parallel", 0, "scenarios run at once (0: one per core)")
	shard := fs.String("shard", "0/1", "run only shard i of n (scenario k belongs to shard k mod n)")
	out := fs.String("out", "podconform-results", "output directory: summary.json, junit.xml, report.html, counterexamples/")
	var corpus, props listFlag
	fs.Var(&corpus, "corpus", "scenario file or directory to replay first (repeatable, or comma-separated)")
	fs.Var(&props, "property", "check only these invariants (repeatable, or comma-separated IDs; default: all that apply)")
	tolerance := fs.Duration("tolerance", 10*time.Second, "how much later than the model the adapter may act at the refinement level (a real kubelet: about 10s; the exact level is at 0)")
	level := fs.String("level", "exact", "the conformance level that decides the verdicts and the exit status: invariants, refinement or exact")
	timeout := fs.Duration("timeout", 60*time.Second, "longest wall time for one scenario on the adapter")
	shrink := fs.Int("shrink-steps", 300, "most candidate scenarios tried when shrinking one counterexample (0: no shrinking)")
	quiet := fs.Bool("quiet", false, "no progress line")
	fixedProfile := fs.Bool("fixed-profile", false, "keep every scenario on the default profile: generated ones do not vary it, corpus files that set another are skipped (default true with --adapter kubelet, whose constants are the kubelet's)")
	var cf clusterFlags
	cf.register(fs)
	profileFile := fs.String("profile", "", "a profile file with the implementation's own constants: the fields of a scenario's profile (YAML), or a kubelet's own configuration file (kind KubeletConfiguration), which is mapped as a v1.36 kubelet reads it: every scenario runs on it; corpus files whose profile has other values (its name aside) are skipped")
	baselineFile := fs.String("baseline", "", "a baseline file (podconform baseline writes one): the failures it lists are known and accepted, and only new ones fail the run")
	maxFailures := fs.Int("max-failures", 0, "stop starting scenarios after this many failures (0: no limit; with --parallel above 1 the summary then depends on timing)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), runHelp); fs.PrintDefaults() }
	if code, done := parseArgs(fs, args, stdout); done {
		return code
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "podconform run: "+format+"\n", a...)
		return 2
	}
	if fs.NArg() != 0 {
		return usageErr("unexpected argument %q (scenario files go in --corpus)", fs.Arg(0))
	}
	if *checks < 0 {
		return usageErr("--checks must be >= 0")
	}
	if *parallel < 0 {
		return usageErr("--parallel must be >= 0")
	}
	if *tolerance < 0 || *timeout <= 0 || *budget < 0 || *adapterTimeout <= 0 || *adapterStart <= 0 {
		return usageErr("--tolerance and --time-budget must be >= 0, --timeout, --adapter-timeout and --adapter-start-timeout > 0")
	}
	lvl, err := runner.ParseLevel(*level)
	if err != nil {
		return usageErr("--level: %v", err)
	}
	sh, err := runner.ParseShard(*shard)
	if err != nil {
		return usageErr("%v", err)
	}
	var base *runner.Baseline
	if *baselineFile != "" {
		if base, err = runner.ReadBaseline(*baselineFile); err != nil {
			return usageErr("--baseline: %s", printable(err.Error()))
		}
	}
	var prof *model.Profile
	if *profileFile != "" {
		if prof, err = scenario.LoadProfile(*profileFile); err != nil {
			return usageErr("--profile: %s", printable(err.Error()))
		}
	}
	if *adapter == "cluster" {
		// A real node runs in wall time: scenarios are capped, and each
		// may take that long plus the pod's start and removal.
		if !flagSet(fs, "max-until") {
			cf.maxUntil = 90 * time.Second
		}
		if !flagSet(fs, "timeout") {
			*timeout = cf.maxUntil + 2*time.Minute
		}
		if !flagSet(fs, "adapter-timeout") {
			*adapterTimeout = *timeout
		}
		if !flagSet(fs, "parallel") {
			*parallel = 8
		}
	} else {
		for _, f := range []string{"kubeconfig", "context", "namespace", "node", "image"} {
			if flagSet(fs, f) {
				return usageErr("--%s needs --adapter cluster", f)
			}
		}
	}
	if cf.maxUntil < 0 {
		return usageErr("--max-until must be >= 0")
	}
	if *adapter == "kubelet" && !flagSet(fs, "fixed-profile") {
		*fixedProfile = true
	}
	// The run's options; the adapter and what names it come once it runs.
	ropt := runner.Options{
		Checks: *checks, Seed: *seed, TimeBudget: *budget, Parallel: *parallel,
		Shard: sh, Out: *out, Corpus: corpus, Tolerance: *tolerance, Level: lvl, Timeout: *timeout,
		ShrinkSteps: *shrink, Properties: props, MaxFailures: *maxFailures, Version: version,
		FixedProfile: *fixedProfile, Profile: prof, MaxUntil: cf.maxUntil,
		Baseline: base, BaselineFile: *baselineFile,
	}
	var a adapters.Adapter
	var spec string
	var cleanup func()
	if *adapter == "cluster" {
		a, spec, cleanup, err = openCluster(*adapterCmd, &cf, execTimeouts{*adapterTimeout, *adapterStart}, stderr)
	} else {
		a, spec, cleanup, err = openAdapter(*adapter, *adapterCmd, execTimeouts{*adapterTimeout, *adapterStart})
	}
	if err == nil && *profileFile != "" {
		spec += fmt.Sprintf(" --profile %q", *profileFile)
	}
	if err == nil && flagSet(fs, "max-until") {
		spec += " --max-until " + cf.maxUntil.String()
	}
	if err != nil {
		fmt.Fprintf(stderr, "podconform run: %s\n", printable(err.Error()))
		var ae *adapters.Error
		if errors.As(err, &ae) && *out != "" {
			// The adapter did not start: the results say so, for a CI job
			// that collects them.
			ropt.AdapterSpec = "--adapter " + *adapter
			if *adapterCmd != "" {
				ropt.AdapterSpec += fmt.Sprintf(" --adapter-cmd %q", *adapterCmd)
			}
			if _, werr := runner.StartFailed(ropt, *adapter, err); werr != nil {
				fmt.Fprintf(stderr, "podconform run: %v\n", werr)
				return 2
			}
			fmt.Fprintf(stdout, "the adapter did not start; %s/%s and %s/%s say so\n", *out, runner.SummaryFile, *out, runner.JUnitFile)
			writeReport(stdout, stderr, "run", *out)
		}
		return 2
	}
	defer cleanup()

	// The first Ctrl-C or SIGTERM stops starting scenarios: those in
	// flight are cut and marked interrupted (never adapter errors), and the
	// summary, JUnit and report are written, marked incomplete. A second
	// one exits at once.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	var got atomic.Value
	go func() {
		first := true
		for sig := range sigs {
			if !first {
				fmt.Fprintln(stderr, "podconform run: interrupted again: exiting now")
				os.Exit(signalExit(sig))
			}
			first = false
			got.Store(sig)
			fmt.Fprintln(stderr, "podconform run: interrupted: finishing the summary (interrupt again to exit at once)")
			cancel()
		}
	}()
	progress := io.Writer(stderr)
	if *quiet {
		progress = nil
	}
	ropt.Adapter, ropt.AdapterSpec, ropt.Progress, ropt.TTY = a, spec, progress, isTerminal(stderr)
	sum, err := runner.Run(ctx, ropt)
	if err != nil {
		fmt.Fprintf(stderr, "podconform run: %s\n", printable(err.Error()))
		return 2
	}
	printSummary(stdout, sum, *out)
	if *out != "" {
		if rc := writeReport(stdout, stderr, "run", *out); rc != 0 {
			return rc
		}
	}
	if sig, ok := got.Load().(os.Signal); ok {
		fmt.Fprintln(stderr, "podconform run: interrupted; the summary covers the scenarios finished and is marked incomplete")
		return signalExit(sig)
	}
	return sum.ExitCode()
}

// signalExit is the exit status for a run ended by sig: 128 + its number
// (130 for SIGINT, 143 for SIGTERM).
func signalExit(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// writeReport renders OUT/report.html after a run or a merge. A report
// that cannot be written is an error (exit 2): the summary and the
// counterexamples are on disk already.
func writeReport(stdout, stderr io.Writer, cmd, out string) int {
	path, err := reports.WriteFor(out, "", invocation())
	if err != nil {
		fmt.Fprintf(stderr, "podconform %s: %v\n", cmd, err)
		return 2
	}
	fmt.Fprintf(stdout, "report: %s\n", path)
	return 0
}

// openAdapter builds the adapter named on the command line, and the flags
// that name it again (for replay commands).
func openAdapter(name, cmd string, tm execTimeouts) (adapters.Adapter, string, func(), error) {
	nop := func() {}
	if cmd != "" && name != "exec" && name != "kubelet" {
		return nil, "", nop, fmt.Errorf("--adapter-cmd needs --adapter exec, kubelet or cluster")
	}
	switch {
	case name == "model":
		return modeladapter.New(), "--adapter model", nop, nil
	case name == "model:autonomous":
		return modeladapter.Autonomous(), "--adapter model:autonomous", nop, nil
	case strings.HasPrefix(name, "mutant:"):
		a, err := modeladapter.Mutant(strings.TrimPrefix(name, "mutant:"))
		if err != nil {
			return nil, "", nop, err
		}
		return a, "--adapter " + name, nop, nil
	case name == "exec":
		if strings.TrimSpace(cmd) == "" {
			return nil, "", nop, fmt.Errorf("--adapter exec needs --adapter-cmd \"PROGRAM ARGS\"")
		}
		ps := newPassStderr(os.Stderr, stderrLimit)
		a, err := execadapter.New(cmd, tm.options(execadapter.Options{Stderr: ps}))
		if err != nil {
			return nil, "", nop, err
		}
		return a, fmt.Sprintf("--adapter exec --adapter-cmd %q", cmd), func() { a.Shutdown(); ps.report() }, nil
	case name == "kubelet":
		argv, err := kubeletCommand(cmd)
		if err != nil {
			return nil, "", nop, err
		}
		ps := newPassStderr(os.Stderr, stderrLimit)
		a, err := execadapter.NewCommand(argv, tm.options(execadapter.Options{Stderr: ps, Name: "kubelet"}))
		if err != nil {
			return nil, "", nop, err
		}
		spec := "--adapter kubelet"
		if strings.TrimSpace(cmd) != "" {
			spec += fmt.Sprintf(" --adapter-cmd %q", cmd)
		}
		return a, spec, func() { a.Shutdown(); ps.report() }, nil
	}
	return nil, "", nop, fmt.Errorf("unknown adapter %q (model, mutant:NAME, model:autonomous, exec, kubelet or cluster)", name)
}

// execTimeouts bound an exec adapter's waits: for one reply, and for a
// process's start and hello.
type execTimeouts struct{ reply, start time.Duration }

func (tm execTimeouts) options(o execadapter.Options) execadapter.Options {
	o.Timeout, o.StartTimeout = tm.reply, max(tm.start, tm.reply)
	return o
}

// kubeletBinary is the kubelet adapter's program, built from the separate
// module in adapters/kubelet.
const kubeletBinary = "podconform-kubelet"

// errNoKubelet is the error when the kubelet adapter's program is nowhere.
var errNoKubelet = errors.New(`the kubelet adapter is not built: run "make kubelet" (it builds bin/podconform-kubelet from the separate module in adapters/kubelet)`)

// kubeletCommand returns the command line of the kubelet adapter: cmd,
// split into words, if given; else "BINARY serve", with BINARY
// $PODCONFORM_KUBELET, or podconform-kubelet in the running podconform's
// directory, or in $PATH.
func kubeletCommand(cmd string) ([]string, error) {
	return helperCommand(cmd, kubeletBinary, "PODCONFORM_KUBELET", errNoKubelet, "serve")
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// printable escapes what a terminal would act on (control characters,
// escape sequences) in text that comes from an adapter or a scenario, so
// that printing a name or a message cannot move the cursor, recolour or
// retitle the user's terminal.
func printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i]) // a raw byte: an 8-bit control for some terminals
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func printSummary(w io.Writer, s *runner.Summary, out string) {
	t := s.Totals
	name := s.Adapter.Name
	if s.Adapter.Version != "" {
		name += " " + s.Adapter.Version
	}
	name = printable(name)
	// First line: which levels the implementation meets.
	var meets, fails []string
	for _, l := range s.Levels {
		label := levelLabel(l)
		if l.Met {
			meets = append(meets, label)
		} else {
			fails = append(fails, fmt.Sprintf("%s (%d of %d scenarios pass)", label, l.Passed, l.Passed+l.Failed))
		}
	}
	line := "adapter " + name + ": "
	if len(meets) > 0 {
		line += "meets " + strings.Join(meets, ", ")
	} else {
		line += "meets no level"
	}
	if len(fails) > 0 {
		line += "; fails " + strings.Join(fails, ", ")
	}
	d := s.Decider()
	fmt.Fprintf(w, "%s; the %s level decides\n", line, d.Level)
	if s.Incomplete {
		fmt.Fprintf(w, "INCOMPLETE: the run was interrupted; the verdicts cover the %d scenarios that finished (%d interrupted, %d not run)\n", t.Scenarios, t.Interrupted, t.NotRun)
	}
	fmt.Fprintf(w, "%d scenarios: %d passed, %d violations, %d divergences, %d adapter errors",
		t.Scenarios, t.Passed, t.Violations, t.Divergences, t.AdapterErrors)
	if t.Interrupted > 0 {
		fmt.Fprintf(w, ", %d interrupted", t.Interrupted)
	}
	if t.OverBudget > 0 {
		fmt.Fprintf(w, ", %d over budget", t.OverBudget)
	}
	if t.Unsupported > 0 {
		fmt.Fprintf(w, ", %d unsupported (skipped)", t.Unsupported)
	}
	if t.Scenarios == 0 && t.Unsupported+t.OverBudget > 0 {
		fmt.Fprintf(w, "; NOTHING CHECKED: every scenario was skipped, which is no pass")
	}
	if t.NotRun > 0 {
		fmt.Fprintf(w, ", %d not run", t.NotRun)
	}
	fmt.Fprintf(w, " at the %s level (%d invariants and refinement, tolerance %s)\n", d.Level, len(s.Properties), s.Config.Tolerance)
	if t.OtherKillOrder > 0 {
		what := "scenarios"
		if t.OtherKillOrder == 1 {
			what = "scenario"
		}
		fmt.Fprintf(w, "%d %s killed the containers of one sync in another order than the model's first, as the kubelet's map order allows (docs/upstream-differences.md 2.32); the check followed that order\n", t.OtherKillOrder, what)
	}
	var broken []string
	for _, p := range s.Properties {
		if p.Violated > 0 {
			if p.Exact && d.Level != runner.LevelExact {
				broken = append(broken, fmt.Sprintf("%s (%d; exact timing, counts at the exact level only)", p.ID, p.Violated))
			} else {
				broken = append(broken, fmt.Sprintf("%s (%d)", p.ID, p.Violated))
			}
		}
	}
	if len(broken) > 0 {
		fmt.Fprintf(w, "invariants broken: %s\n", strings.Join(broken, ", "))
	}
	if b := s.Baseline; b != nil {
		fmt.Fprintf(w, "baseline %s: %d new distinct failure%s, %d known (accepted)", printable(b.File), b.New, plural(b.New), b.Known)
		if len(b.Gone) > 0 {
			fmt.Fprintf(w, "; %d it lists not seen in this run (fixed, or not reached): %s", len(b.Gone), printable(strings.Join(b.Gone, "; ")))
		}
		fmt.Fprintln(w)
	}
	if len(s.Failures) > 0 {
		fmt.Fprintf(w, "%d distinct failure%s in %d scenario%s:\n", len(s.Groups), plural(len(s.Groups)), len(s.Failures), plural(len(s.Failures)))
	}
	byIndex := map[int]*runner.Outcome{}
	for _, f := range s.Failures {
		byIndex[f.Index] = f
	}
	for i, g := range s.Groups {
		if i == 20 {
			fmt.Fprintf(w, "... and %d more groups in %s/%s\n", len(s.Groups)-i, out, runner.SummaryFile)
			break
		}
		f := byIndex[g.Representative]
		if f == nil {
			continue
		}
		tag := ""
		if s.Baseline != nil {
			tag = "NEW "
			if g.Known {
				tag = "KNOWN "
			}
		}
		fmt.Fprintf(w, "%4dx %s%s %s: %s\n", g.Count, tag, strings.ToUpper(string(f.Verdict)), printable(g.Check), printable(g.Shape))
		msg := f.ShrunkMessage
		if msg == "" {
			msg = f.Message
		}
		fmt.Fprintf(w, "      e.g. %s: %s\n", printable(f.Name), printable(msg))
		if len(f.Broken) > 1 || (f.Verdict == runner.Violation && f.Divergence != nil) {
			var also []string
			for _, b := range f.Broken {
				if b.ID != f.Property {
					also = append(also, b.ID)
				}
			}
			if f.Verdict == runner.Violation && f.Divergence != nil {
				also = append(also, "refinement ("+f.Divergence.Kind+")")
			}
			if len(also) > 0 {
				fmt.Fprintf(w, "      also broken: %s\n", strings.Join(also, ", "))
			}
		}
		if f.Replay != "" {
			fmt.Fprintf(w, "      replay: %s\n", printable(replayLine(f.Replay, out)))
		}
	}
	for i, o := range s.OverBudget {
		if i == 5 {
			fmt.Fprintf(w, "... and %d more over budget in %s/%s\n", len(s.OverBudget)-i, out, runner.SummaryFile)
			break
		}
		fmt.Fprintf(w, "OVER BUDGET (no verdict) %s: %s\n", printable(o.Name), printable(o.Message))
	}
	for i, o := range s.Unsupported {
		if i == 5 {
			fmt.Fprintf(w, "... and %d more unsupported in %s/%s\n", len(s.Unsupported)-i, out, runner.SummaryFile)
			break
		}
		fmt.Fprintf(w, "UNSUPPORTED (skipped) %s: %s\n", printable(o.Name), printable(o.Message))
	}
	var idle []string
	for _, p := range s.Properties {
		if p.Exercised == 0 {
			idle = append(idle, p.ID)
		}
	}
	if len(idle) > 0 {
		fmt.Fprintf(w, "not exercised by any scenario (no verdict): %s\n", strings.Join(idle, ", "))
	}
	if s.Conformant() && t.Scenarios > 0 && !s.Incomplete {
		fmt.Fprintf(w, "conformant at the %s level\n", d.Level)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// levelLabel names a level with its tolerance.
func levelLabel(l runner.LevelStat) string {
	if l.Level == runner.LevelRefinement {
		return fmt.Sprintf("refinement (tolerance %s)", l.Tolerance)
	}
	return string(l.Level)
}

// replayLine makes a summary's replay command runnable as printed: from
// the directory the user ran podconform in, with the command they ran it
// by, the counterexample's path through the output directory.
func replayLine(replay, out string) string {
	r := strings.Replace(replay, "--corpus "+runner.CounterexampleDir+"/", "--corpus "+filepath.ToSlash(filepath.Join(out, runner.CounterexampleDir))+"/", 1)
	r = strings.Replace(r, "--out "+runner.ReplayOut, "--out "+replayOut(out), 1)
	return strings.Replace(r, "podconform ", invocation()+" ", 1)
}

// replayOut is where a printed replay command writes: beside the run's
// output directory, never in it.
func replayOut(out string) string {
	return filepath.ToSlash(filepath.Clean(out)) + "-replay"
}

// invocation is how the user ran podconform, for the commands it prints:
// "go run ./cmd/podconform" under go run (whose binary lives in a temporary
// build directory), the path they gave (./bin/podconform), or podconform
// from $PATH.
func invocation() string {
	arg0 := os.Args[0]
	exe, err := os.Executable()
	if err == nil && strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return "go run ./cmd/podconform"
	}
	if strings.ContainsRune(arg0, filepath.Separator) {
		return arg0
	}
	return "podconform"
}
