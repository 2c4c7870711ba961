package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
)

// Verdict is the outcome of one scenario.
type Verdict string

// The verdicts.
const (
	Pass         Verdict = "pass"
	Violation    Verdict = "violation"     // an invariant broke on the observed trace
	Divergence   Verdict = "divergence"    // the trace does not refine the model
	AdapterError Verdict = "adapter-error" // the adapter crashed, hung or broke the protocol
	// OverBudget: the scenario is too big to check within a run's budget
	// (steps, actions): the reference model itself exceeds it. No verdict
	// on the adapter, nothing saved, no level counts it.
	OverBudget Verdict = "over-budget"
	// Interrupted: the run was interrupted (Ctrl-C, SIGTERM) while the
	// scenario ran. It is no verdict on the adapter: nothing is saved, and
	// the scenario counts in no level.
	Interrupted Verdict = "interrupted"
	// Unsupported: the adapter cannot express the scenario (a behaviour
	// its implementation cannot be made to show, such as an OOM kill in a
	// shell). The scenario is skipped and counted: no verdict on the
	// implementation, nothing saved, no level counts it.
	Unsupported Verdict = "unsupported"
)

// Shard selects every Count-th scenario, starting at Index.
type Shard struct{ Index, Count int }

func (s Shard) String() string {
	if s.Count <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// ParseShard reads "i/n".
func ParseShard(v string) (Shard, error) {
	var s Shard
	if _, err := fmt.Sscanf(v, "%d/%d", &s.Index, &s.Count); err != nil || s.Count < 1 || s.Index < 0 || s.Index >= s.Count || fmt.Sprintf("%d/%d", s.Index, s.Count) != v {
		return Shard{}, fmt.Errorf("invalid shard %q: want i/n with 0 <= i < n", v)
	}
	return s, nil
}

// Options configure a run.
type Options struct {
	// Adapter is the implementation under test.
	Adapter adapters.Adapter
	// AdapterSpec is how the user named it on the command line (for the
	// replay commands in the summary), e.g. `--adapter model`.
	AdapterSpec string
	// Checks is the number of generated scenarios (after the corpus).
	Checks int
	// Seed selects the generated scenarios.
	Seed int64
	// TimeBudget stops starting scenarios after this long (0: no limit).
	// The summary then depends on the machine's speed.
	TimeBudget time.Duration
	// Parallel is the number of scenarios run at once (0: every core).
	Parallel int
	// Shard runs a part of the scenarios.
	Shard Shard
	// Out is the output directory ("": write nothing).
	Out string
	// Corpus lists scenario files and directories replayed first.
	Corpus []string
	// Tolerance is how much later than the model the adapter may act, at
	// the refinement level (the exact level is at 0).
	Tolerance time.Duration
	// Level is the conformance level that decides the verdicts, the
	// failures saved and the exit code ("": exact at tolerance 0,
	// refinement above). Every level is counted whatever it is.
	Level Level
	// Timeout bounds one scenario's run, in wall time (0: 60 s).
	Timeout time.Duration
	// ShrinkSteps bounds the candidates tried per counterexample (0: no
	// shrinking).
	ShrinkSteps int
	// MaxFailures stops starting scenarios once this many have failed (0:
	// no limit). With Parallel above 1 the summary then depends on timing.
	MaxFailures int
	// Properties restricts the invariants checked (nil: all that apply).
	Properties []string
	// Progress receives progress lines (nil: none); TTY says it is a
	// terminal (one line rewritten in place) rather than a log.
	Progress io.Writer
	TTY      bool
	// Version is podconform's version, for the summary.
	Version string
	// FixedProfile keeps every scenario on the default profile (the
	// Kubernetes 1.36 defaults), for an implementation whose constants
	// cannot be set per scenario (the upstream kubelet): generated
	// scenarios do not vary it, and corpus scenarios that set another are
	// left out (Config.CorpusSkipped names them).
	FixedProfile bool
	// Profile, if set, is the implementation's own constants (a real
	// node's kubelet configuration): every scenario runs on it. Generated
	// scenarios get it, corpus files that set no profile get it, and
	// corpus files that set another are left out (Config.CorpusSkipped).
	Profile *model.Profile
	// MaxUntil, if above 0, caps every scenario's time limit, for an
	// implementation that runs in wall time (a real node): a scenario is
	// checked up to it. Generated scenarios are then all of the short
	// kind (no long crash loops, which need many minutes).
	MaxUntil time.Duration
	// Knobs, if set, shape every generated scenario (gen.Knobs: the
	// container kinds and features an implementation supports), in place
	// of podconform's mix of short scenarios and long runs. FixedProfile,
	// Profile and MaxUntil still apply.
	Knobs *gen.Knobs
	// Baseline, if set, lists accepted failures (read from BaselineFile):
	// the summary marks each distinct failure known or new, and only new
	// ones fail the run (Summary.ExitCode).
	Baseline     *Baseline
	BaselineFile string
}

// item is one scenario to run.
type item struct {
	index  int
	name   string
	source string // "corpus:<path>" or "generated"
	doc    *scenario.Document
	until  time.Duration
}

// knobs alternate small scenarios and long runs (back-off cap and reset).
var knobs = func() []gen.Knobs {
	small := gen.DefaultKnobs()
	small.LongRuns = false
	long := gen.DefaultKnobs()
	long.LongRuns = true
	return []gen.Knobs{small, small, long}
}()

// Generated returns generated scenario k of seed.
func Generated(seed int64, k int) *scenario.Document { return generated(seed, k, false) }

// GeneratedFixed returns generated scenario k of seed on the default
// profile (see Options.FixedProfile).
func GeneratedFixed(seed int64, k int) *scenario.Document { return generated(seed, k, true) }

// generatedFor returns generated scenario k of the run opt describes.
func generatedFor(opt Options, k int) *scenario.Document {
	if opt.Profile == nil && opt.MaxUntil <= 0 && opt.Knobs == nil {
		return generated(opt.Seed, k, opt.FixedProfile)
	}
	kn := knobs[0]
	switch {
	case opt.Knobs != nil:
		kn = *opt.Knobs
		if opt.MaxUntil > 0 {
			kn.LongRuns = false
		}
	case opt.MaxUntil <= 0:
		kn = knobs[k%len(knobs)]
	}
	kn.VaryProfile = kn.VaryProfile && !opt.FixedProfile && opt.Profile == nil
	doc := gen.Scenario(kn).Example(int(opt.Seed*1_000_003) + k)
	doc.Metadata.Name = fmt.Sprintf("gen-%d-%d", opt.Seed, k)
	if opt.Profile != nil {
		doc.Profile = *opt.Profile
	}
	return doc
}

func generated(seed int64, k int, fixed bool) *scenario.Document {
	kn := knobs[k%len(knobs)]
	if fixed {
		kn.VaryProfile = false
	}
	doc := gen.Scenario(kn).Example(int(seed*1_000_003) + k)
	doc.Metadata.Name = fmt.Sprintf("gen-%d-%d", seed, k)
	return doc
}

// LoadCorpus reads scenario files (a directory is read recursively, *.yaml
// and *.yml), in a stable order. Any bad file is an error naming it.
func LoadCorpus(paths []string) ([]*scenario.Document, []string, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("corpus: %w", err)
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("corpus: %w", err)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	docs := make([]*scenario.Document, 0, len(files))
	for _, f := range files {
		d, err := scenario.Load(f)
		if err != nil {
			return nil, nil, err
		}
		docs = append(docs, d)
	}
	return docs, files, nil
}

func untilOf(d *scenario.Document) time.Duration {
	if ce := d.Metadata.Counterexample; ce != nil && ce.Until.Duration > 0 {
		return ce.Until.Duration
	}
	return gen.Until(d)
}

// SelectProperties returns the invariants a run checks on an adapter that
// observes obs: those whose needs obs covers, the exact-timing ones
// included (they count at the exact level only), narrowed to ids when
// given.
func SelectProperties(obs properties.Observables, ids []string) ([]properties.Property, error) {
	ps := properties.Applicable(obs, true)
	if len(ids) == 0 {
		return ps, nil
	}
	var out []properties.Property
	for _, id := range ids {
		p, ok := properties.ByID(id)
		if !ok {
			return nil, fmt.Errorf("unknown property %q (see podconform properties)", id)
		}
		found := false
		for _, q := range ps {
			if q.ID == p.ID {
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("property %q does not apply to this adapter (it needs %s; the adapter observes %s)", id, p.Needs, obs)
		}
		out = append(out, p)
	}
	return out, nil
}

// Run runs the scenarios and returns the summary. An error means the run
// could not be made (bad options, a bad corpus file, an unwritable output
// directory), not that the adapter failed.
func Run(ctx context.Context, opt Options) (*Summary, error) {
	if opt.Adapter == nil {
		return nil, errors.New("no adapter")
	}
	info := opt.Adapter.Info()
	if _, _, err := kindOf(opt.Adapter); err != nil {
		return nil, err
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 60 * time.Second
	}
	if opt.Parallel <= 0 {
		opt.Parallel = runtime.GOMAXPROCS(0)
	}
	if opt.Shard.Count <= 0 {
		opt.Shard = Shard{0, 1}
	}
	if opt.Level == "" {
		opt.Level = levelFor(opt.Tolerance)
	}
	if _, err := ParseLevel(string(opt.Level)); err != nil {
		return nil, err
	}
	props, err := SelectProperties(info.Observes, opt.Properties)
	if err != nil {
		return nil, err
	}
	docs, files, err := LoadCorpus(opt.Corpus)
	if err != nil {
		return nil, err
	}
	var skipped []string
	switch {
	case opt.Profile != nil:
		docs, files, skipped = onProfile(docs, files, *opt.Profile)
	case opt.FixedProfile:
		docs, files, skipped = defaultProfileOnly(docs, files)
	}
	var cedir string
	if opt.Out != "" {
		cedir = filepath.Join(opt.Out, CounterexampleDir)
		if err := os.MkdirAll(cedir, 0o755); err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
		if err := beginOutput(opt.Out); err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
	}
	total := len(docs) + opt.Checks
	// Scenarios are generated by the worker that runs them, so a run of a
	// million checks starts at once. Position i of this shard is scenario
	// Index + i*Count.
	n := 0
	if total > opt.Shard.Index {
		n = (total - opt.Shard.Index + opt.Shard.Count - 1) / opt.Shard.Count
	}
	prepare := func(it *item) {
		k := it.index
		if k < len(docs) {
			it.doc, it.source = docs[k], "corpus:"+filepath.ToSlash(files[k])
		} else {
			it.doc, it.source = generatedFor(opt, k-len(docs)), "generated"
		}
		it.name = it.doc.Metadata.Name
		it.until = untilOf(it.doc)
		if opt.MaxUntil > 0 && it.until > opt.MaxUntil {
			it.until = opt.MaxUntil
		}
	}

	sum := newSummary(opt, info, props, len(docs))
	sum.Config.CorpusSkipped = skipped
	outcomes := make([]*Outcome, n)
	prog := newProgress(opt.Progress, opt.TTY, n)
	start := time.Now()
	var next int
	var mu sync.Mutex
	var saveErr error
	failures := 0
	var wg sync.WaitGroup
	for w := 0; w < opt.Parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= n || ctx.Err() != nil || saveErr != nil || (opt.MaxFailures > 0 && failures >= opt.MaxFailures) || (opt.TimeBudget > 0 && time.Since(start) > opt.TimeBudget) {
					mu.Unlock()
					return
				}
				i := next
				next++
				mu.Unlock()
				it := item{index: opt.Shard.Index + i*opt.Shard.Count}
				prepare(&it)
				o, err := runItem(ctx, opt, props, cedir, &it)
				mu.Lock()
				if err != nil && saveErr == nil {
					saveErr = err
				}
				outcomes[i] = o
				if o.Verdict != Pass {
					failures++
				}
				prog.add(o)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	prog.finish()
	if ctx.Err() != nil {
		sum.Incomplete = true
	}
	if saveErr != nil {
		return nil, saveErr
	}
	for _, o := range outcomes {
		if o != nil {
			sum.add(o)
		} else {
			sum.Totals.NotRun++
		}
	}
	sum.finish()
	if opt.Baseline != nil {
		sum.ApplyBaseline(opt.Baseline, opt.BaselineFile)
	}
	if opt.Out != "" {
		if err := endOutput(opt.Out, sum); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// StartFailed is the summary of a run whose adapter could not be started
// (cause; name is how the command line named it): no scenario ran, and
// the exit code is 2. With opt.Out set, it is written there with its
// JUnit, replacing the previous run's results as Run does, so that a CI
// job that collects them finds why, not the last run's files or none.
func StartFailed(opt Options, name string, cause error) (*Summary, error) {
	if opt.Shard.Count <= 0 {
		opt.Shard = Shard{0, 1}
	}
	if opt.Level == "" {
		opt.Level = levelFor(opt.Tolerance)
	}
	sum := newSummary(opt, adapters.Info{Name: name}, nil, 0)
	sum.StartError = cause.Error()
	sum.finish()
	if opt.Out == "" {
		return sum, nil
	}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return sum, fmt.Errorf("output directory: %w", err)
	}
	if err := beginOutput(opt.Out); err != nil {
		return sum, fmt.Errorf("output directory: %w", err)
	}
	return sum, endOutput(opt.Out, sum)
}

// InProgressFile marks an output directory whose run has not finished: a
// run writes it first and removes it once summary.json and junit.xml are
// written. Found later, it says the run was killed (kill -9, a crash, a
// full disk) before it could write its summary.
const InProgressFile = ".podconform-in-progress"

// beginOutput marks dir in progress, and removes what a previous run left
// there that would pass for this run's result (its summary, JUnit and
// report) and the temporary files of writes a kill interrupted.
func beginOutput(dir string) error {
	if err := check.WriteFileAtomic(filepath.Join(dir, InProgressFile),
		[]byte("A podconform run writing into this directory has not finished, or was killed before it wrote its summary.\n")); err != nil {
		return err
	}
	for _, f := range []string{SummaryFile, JUnitFile, "report.html"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	for _, d := range []string{dir, filepath.Join(dir, CounterexampleDir)} {
		stray, _ := filepath.Glob(filepath.Join(d, ".*.tmp"))
		for _, f := range stray {
			if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	return nil
}

// endOutput writes sum's files into dir, then clears the in-progress mark
// beginOutput set.
func endOutput(dir string, sum *Summary) error {
	if err := sum.WriteFiles(dir); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(dir, InProgressFile)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// Unfinished reports whether dir holds a run that did not finish.
func Unfinished(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, InProgressFile))
	return err == nil
}

// kindOf returns a as the kind of adapter the runner runs it as: the one
// its Info().Mode names, which it must implement. An adapter may implement
// both (an exec adapter does, and is one or the other as its program
// says): its mode decides. One with no mode is run as the kind it
// implements, driven if both.
func kindOf(a adapters.Adapter) (adapters.DrivenAdapter, adapters.AutonomousAdapter, error) {
	info := a.Info()
	d, isDriven := a.(adapters.DrivenAdapter)
	u, isAuto := a.(adapters.AutonomousAdapter)
	switch info.Mode {
	case adapters.Autonomous:
		if isAuto {
			return nil, u, nil
		}
		return nil, nil, fmt.Errorf("adapter %s says it is autonomous but is no adapters.AutonomousAdapter", info.Name)
	case adapters.Driven:
		if isDriven {
			return d, nil, nil
		}
		return nil, nil, fmt.Errorf("adapter %s says it is driven but is no adapters.DrivenAdapter", info.Name)
	case "":
		switch {
		case isDriven:
			return d, nil, nil
		case isAuto:
			return nil, u, nil
		}
		return nil, nil, fmt.Errorf("adapter %s is neither driven nor autonomous", info.Name)
	}
	return nil, nil, fmt.Errorf("adapter %s has an unknown mode %q (want %s or %s)", info.Name, info.Mode, adapters.Driven, adapters.Autonomous)
}

// runOnce runs one scenario on the adapter within the timeout. An adapter
// that does not come back in time is abandoned (its goroutine may leak;
// exec adapters kill their process).
func runOnce(ctx context.Context, opt Options, props []properties.Property, doc *scenario.Document, until time.Duration) *result {
	parent := ctx
	ctx, cancel := context.WithTimeout(adapters.WithScenarioName(ctx, doc.Metadata.Name), opt.Timeout)
	defer cancel()
	// A scenario past its deadline gets one message, whatever the adapter
	// was doing when the deadline fired (waiting for a reply, between two
	// steps, or not answering at all).
	timedOut := adapters.Errorf(adapters.ErrKindTimeout, "the scenario did not finish within %v (the run's per-scenario timeout)", opt.Timeout)
	deadline := func(r *result) *result {
		if r.verdict == AdapterError && r.adapterErr != nil && parent.Err() == nil &&
			errors.Is(ctx.Err(), context.DeadlineExceeded) && errors.Is(r.adapterErr, context.DeadlineExceeded) {
			r.adapterErr = timedOut
		}
		return r
	}
	s := doc.Model()
	cfg := checkCfg{props: props, tol: opt.Tolerance, until: until, level: opt.Level}
	ch := make(chan *result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				ch <- &result{verdict: AdapterError, adapterErr: adapters.Errorf(adapters.ErrKindCrash, "panic: %v", p)}
			}
		}()
		d, u, err := kindOf(opt.Adapter)
		switch {
		case err != nil:
			ch <- &result{verdict: AdapterError, adapterErr: adapters.Errorf(adapters.ErrKindStart, "%v", err)}
		case u != nil:
			ch <- runAutonomous(ctx, u, s, cfg)
		default:
			ch <- runDriven(ctx, d, s, cfg)
		}
	}()
	select {
	case r := <-ch:
		return deadline(r)
	case <-ctx.Done():
		// Give the adapter a moment to notice the deadline itself.
		select {
		case r := <-ch:
			return deadline(r)
		case <-time.After(2 * time.Second):
		}
		return &result{verdict: AdapterError, adapterErr: timedOut}
	}
}

// runItem runs one scenario; a failure is saved, then shrunk, then saved
// again. The error is for a counterexample that could not be saved.
func runItem(ctx context.Context, opt Options, props []properties.Property, cedir string, it *item) (*Outcome, error) {
	r := runOnce(ctx, opt, props, it.doc, it.until)
	if ctx.Err() != nil && r.verdict != Pass {
		// The run was interrupted while the scenario ran: whatever the
		// adapter did or did not do since says nothing about it.
		return &Outcome{Index: it.index, Name: it.name, Source: it.source, Verdict: Interrupted, Meets: []Level{}}, nil
	}
	o := newOutcome(it, r)
	if r.verdict == Pass || r.verdict == OverBudget || r.verdict == Unsupported {
		return o, nil
	}
	o.group(it.doc)
	if !r.failed() {
		if r.verdict == AdapterError && cedir != "" {
			// Keep the scenario the adapter failed on, too.
			ce := counterexample(it.doc, r, opt, it.until)
			if err := saveCE(cedir, ce, r, o, false); err != nil {
				return o, err
			}
		}
		return o, nil
	}
	ce := counterexample(it.doc, r, opt, it.until)
	if cedir != "" {
		if err := saveCE(cedir, ce, r, o, false); err != nil {
			return o, err
		}
	}
	if opt.ShrinkSteps <= 0 {
		return o, nil
	}
	class := r.class()
	shrunk := check.Shrink(it.doc, func(d *scenario.Document) bool {
		if ctx.Err() != nil {
			return false
		}
		return runOnce(ctx, opt, props, d, it.until).has(class)
	}, opt.ShrinkSteps)
	sr := runOnce(ctx, opt, props, shrunk, it.until)
	if !sr.has(class) {
		return o, nil // flaky: keep the original
	}
	sr.focus(class)
	o.shrunk(sr, class)
	o.group(shrunk)
	sce := counterexample(shrunk, sr, opt, it.until)
	if cedir != "" {
		if err := saveCE(cedir, sce, sr, o, true); err != nil {
			return o, err
		}
	}
	return o, nil
}

// group sets the failure's group from the scenario shown for it.
func (o *Outcome) group(doc *scenario.Document) {
	o.Group = checkOf(o) + " | " + shapeOf(doc)
	o.Size = sizeOf(doc)
}

// counterexample marks doc as a counterexample of r.
func counterexample(doc *scenario.Document, r *result, opt Options, until time.Duration) *scenario.Document {
	v := &properties.Violation{}
	switch r.verdict {
	case Violation:
		*v = *r.violation
	case Divergence:
		v.ID, v.At, v.Message = "refinement", r.divergence.At, r.divergence.Error()
	case AdapterError:
		v.ID, v.Message = "adapter-error", r.adapterErr.Error()
		v.At = r.end
	}
	info := opt.Adapter.Info()
	var mut model.Mutation
	if strings.HasPrefix(info.Name, "mutant:") {
		mut, _ = model.MutationByName(strings.TrimPrefix(info.Name, "mutant:"))
	}
	ce, err := check.Counterexample(doc, v, mut, until)
	if err != nil {
		// Marshalling a valid scenario cannot fail; keep going with the
		// document as it is.
		c := *doc
		ce = &c
	}
	ce.Metadata.Counterexample.Adapter = info.Name
	if opt.AdapterSpec != "" {
		rerun := fmt.Sprintf("%s --tolerance %v", opt.AdapterSpec, opt.Tolerance)
		if opt.Level != "" && opt.Level != levelFor(opt.Tolerance) {
			rerun += " --level " + string(opt.Level)
		}
		ce.Metadata.Counterexample.Rerun = rerun
	}
	if mut == 0 {
		ce.Metadata.Name = slug(info.Name) + "-" + ce.Metadata.Name
	}
	if r.verdict == Divergence {
		ce.Metadata.Counterexample.Divergence = string(r.divergence.Kind)
		if r.divergence != r.exactDiv {
			ce.Metadata.Counterexample.Tolerance = &metav1.Duration{Duration: r.tol}
		}
	}
	if i := r.failAt(); i >= 0 && r.verdict != AdapterError {
		ce.Metadata.Counterexample.Action = &i
	}
	if r.verdict == AdapterError {
		ce.Metadata.Counterexample.Divergence = "adapter-" + r.adapterErr.Kind
	}
	ce.Metadata.Description = fmt.Sprintf("Counterexample found by podconform run on %s: %s.", info.Name, v.ID)
	ce.Metadata.Name = nameByContent(ce)
	return ce
}

// nameByContent is ce's name with its hash (the last 10 characters) taken
// over the whole file, metadata included, rather than the scenario alone:
// failures that shrink to one scenario but record different metadata (the
// time limit of the scenario each was found on, the message) get files of
// their own, so that no file's content depends on which was saved last,
// and a sharded run's merged output is the unsharded run's.
func nameByContent(ce *scenario.Document) string {
	name := ce.Metadata.Name
	if len(name) < 10 {
		return name
	}
	c := *ce
	c.Metadata.Name = ""
	body, err := c.Marshal()
	if err != nil {
		return name
	}
	sum := sha256.Sum256(body)
	return name[:len(name)-10] + hex.EncodeToString(sum[:])[:10]
}

// slug makes a name usable in a file name and a DNS-1123 scenario name.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// onProfile puts the corpus scenarios that set no profile on p, drops
// those that set another, and returns the dropped files. A profile's name
// is a label: two profiles with the same values are the same (a saved
// counterexample's podconform-localnode and the node's own kubelet
// configuration, say).
func onProfile(docs []*scenario.Document, files []string, p model.Profile) ([]*scenario.Document, []string, []string) {
	var kd []*scenario.Document
	var kf, skipped []string
	unnamed := func(p model.Profile) model.Profile {
		p = p.WithDefaults()
		p.Name = ""
		return p
	}
	want := unnamed(p)
	for i, d := range docs {
		switch {
		case d.Profile == (model.Profile{}):
			c := *d
			c.Profile = p
			kd, kf = append(kd, &c), append(kf, files[i])
		case reflect.DeepEqual(unnamed(d.Profile), want):
			kd, kf = append(kd, d), append(kf, files[i])
		default:
			skipped = append(skipped, filepath.ToSlash(files[i]))
		}
	}
	return kd, kf, skipped
}

// defaultProfileOnly drops the corpus scenarios whose profile differs from
// the default one, and returns the dropped files.
func defaultProfileOnly(docs []*scenario.Document, files []string) ([]*scenario.Document, []string, []string) {
	var kd []*scenario.Document
	var kf, skipped []string
	def := model.DefaultProfile()
	for i, d := range docs {
		if reflect.DeepEqual(d.Profile.WithDefaults(), def) || d.Profile == (model.Profile{}) {
			kd, kf = append(kd, d), append(kf, files[i])
			continue
		}
		skipped = append(skipped, filepath.ToSlash(files[i]))
	}
	return kd, kf, skipped
}
