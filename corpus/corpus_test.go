package corpus_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/podconform/podconform/internal/watch"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// caseDirs are the directories of the corpus, relative to this package.
var caseDirs = []string{"examples", "upstream", "regressions"}

const goldenDir = "testdata/golden"

// defaultUntil is how much virtual time a case runs for.
const defaultUntil = 30 * time.Minute

// untilFor shortens the run of some cases: long enough for what they show,
// short enough to keep their goldens readable.
var untilFor = map[string]time.Duration{
	// Upstream waits until init1 has restarted 3 times (33s here).
	"upstream/init-container-fails-restartalways.yaml":   2 * time.Minute,
	"upstream/first-crash-restarts-immediately.yaml":     3 * time.Minute,
	"upstream/completed-container-crashloopbackoff.yaml": 3 * time.Minute,
	"upstream/liveness-probe-grace-override.yaml":        2 * time.Minute,
}

// disputed lists golden files that pin the model's current output although
// it is believed wrong: they are stored as NAME.EXT.disputed, so that a
// change still fails the test but nothing presents them as expected output.
// When the model is fixed, remove the entry and run -update.
var disputed = map[string]string{}

// goldenFile returns the golden file name for a case's rendering ext.
func goldenFile(name, ext string) string {
	f := name + "." + ext
	if _, ok := disputed[f]; ok {
		return f + ".disputed"
	}
	return f
}

// run is one case run through the model.
type run struct {
	rel   string // path relative to the corpus, e.g. "examples/crashloop.yaml"
	doc   *scenario.Document
	sc    *model.Scenario
	acts  []model.Action
	rows  []watch.Row
	epoch time.Time
}

var (
	runsMu sync.Mutex
	runs   = map[string]*run{}
)

// caseFiles lists the corpus's scenario files, checking that case names
// (file names without .yaml) are unique.
func caseFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	seen := map[string]string{}
	for _, d := range caseDirs {
		m, err := filepath.Glob(filepath.Join(d, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			f = filepath.ToSlash(f)
			n := caseName(f)
			if other, dup := seen[n]; dup {
				t.Errorf("case name %q is used by both %s and %s: golden files are named by case", n, other, f)
			}
			seen[n] = f
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Fatal("no scenario files found")
	}
	sort.Strings(files)
	return files
}

func caseName(rel string) string { return strings.TrimSuffix(filepath.Base(rel), ".yaml") }

// load runs the case at rel through the model, once per test binary.
func load(t *testing.T, rel string) *run {
	t.Helper()
	runsMu.Lock()
	defer runsMu.Unlock()
	if r, ok := runs[rel]; ok {
		return r
	}
	doc, err := scenario.Load(rel)
	if err != nil {
		t.Fatalf("load %s: %v", rel, err)
	}
	sc := doc.Model()
	until := defaultUntil
	if u, ok := untilFor[rel]; ok {
		until = u
	}
	acts, err := model.Run(sc, until)
	if err != nil {
		t.Fatalf("run %s: %v", rel, err)
	}
	epoch := sc.Pod.CreationTimestamp.Time
	if epoch.IsZero() {
		epoch = model.DefaultEpoch
	}
	r := &run{rel: rel, doc: doc, sc: sc, acts: acts, epoch: epoch}
	r.rows = watch.Rows(&sc.Pod, epoch, acts, false)
	runs[rel] = r
	return r
}

func (r *run) watchText() ([]byte, error) {
	var b bytes.Buffer
	err := watch.Write(&b, r.rows)
	return b.Bytes(), err
}

func (r *run) traceText() ([]byte, error) {
	var b bytes.Buffer
	d := trace.New(r.doc.Metadata.Name, r.sc.Profile.WithDefaults().Name, r.sc.Pod.Name, r.acts)
	err := trace.EncodeText(&b, d)
	return b.Bytes(), err
}

// TestGolden compares each case's watch rendering and text trace with its
// golden files; -update rewrites them.
func TestGolden(t *testing.T) {
	want := map[string]bool{}
	for _, rel := range caseFiles(t) {
		name := caseName(rel)
		wf, tf := goldenFile(name, "watch"), goldenFile(name, "trace")
		want[wf], want[tf] = true, true
		t.Run(rel, func(t *testing.T) {
			r := load(t, rel)
			w, err := r.watchText()
			if err != nil {
				t.Fatalf("watch: %v", err)
			}
			checkGolden(t, wf, w)
			tr, err := r.traceText()
			if err != nil {
				t.Fatalf("trace: %v", err)
			}
			checkGolden(t, tf, tr)
		})
	}
	for f := range disputed {
		if !want[f+".disputed"] {
			t.Errorf("disputed names %s, which no case produces", f)
		}
	}
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		if *update || os.IsNotExist(err) {
			return
		}
		t.Fatal(err)
	}
	for _, e := range entries {
		if want[e.Name()] {
			continue
		}
		p := filepath.Join(goldenDir, e.Name())
		if *update {
			if err := os.Remove(p); err != nil {
				t.Error(err)
			}
			continue
		}
		t.Errorf("%s: stale golden file, no case produces it (go test ./corpus -update removes it)", p)
	}
}

func checkGolden(t *testing.T, file string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, file)
	why := ""
	if d, ok := disputed[strings.TrimSuffix(file, ".disputed")]; ok {
		why = "\nThis golden is disputed (" + d + ").\nIf the change fixes that, drop the entry from disputed and run -update."
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./corpus -update writes it)", err)
	}
	if bytes.Equal(want, got) {
		return
	}
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			t.Errorf("%s differs from the model's output at line %d (go test ./corpus -update rewrites it, after review):\nwant: %s\ngot:  %s%s",
				path, i+1, clip(w), clip(g), why)
			return
		}
	}
}

func clip(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// ---------------------------------------------------------------------------
// Facts

// fact is an explicit assertion about one case, with where it comes from.
type fact struct {
	what   string
	source string
	check  func(t tb, r *run)
	// knownBug, if set, says the model is believed to break this fact (one
	// of the find* findings). The fact is still checked: while it fails the
	// test is skipped with the failure; once it holds, the test fails so that
	// the marker (and the disputed goldens) get removed.
	knownBug string
}

// TestFacts checks the facts table: every case has at least one fact, and
// every fact holds.
func TestFacts(t *testing.T) {
	files := caseFiles(t)
	have := map[string]bool{}
	for _, rel := range files {
		have[rel] = true
		fs := facts[rel]
		if len(fs) == 0 {
			t.Errorf("%s: no facts: add at least one to the facts table in corpus_test.go", rel)
			continue
		}
		t.Run(rel, func(t *testing.T) {
			r := load(t, rel)
			for _, f := range fs {
				t.Run(f.what, func(t *testing.T) {
					if f.source == "" {
						t.Error("fact has no source")
					}
					if f.knownBug == "" {
						f.check(&sourced{T: t, source: f.source}, r)
						return
					}
					if msgs := record(f.check, r); len(msgs) > 0 {
						t.Skipf("KNOWN MODEL BUG, expected behaviour not met:\n%s\n%s\n(source: %s)", f.knownBug, strings.Join(msgs, "\n"), f.source)
					}
					t.Errorf("this fact now holds, so the known bug seems fixed:\n%s\nRemove knownBug from the fact and the matching disputed entries, then run -update.", f.knownBug)
				})
			}
		})
	}
	for rel := range facts {
		if !have[rel] {
			t.Errorf("facts table names %s, which is not a case", rel)
		}
	}
}

// sourced is a testing.T whose failures name the fact's source.
type sourced struct {
	*testing.T
	source string
}

func (s *sourced) Errorf(format string, args ...any) {
	s.T.Helper()
	s.T.Errorf(format+"\n(source: %s)", append(args, s.source)...)
}

func (s *sourced) Fatalf(format string, args ...any) {
	s.T.Helper()
	s.T.Fatalf(format+"\n(source: %s)", append(args, s.source)...)
}

// recorder collects a check's failures instead of failing a test.
type recorder struct{ msgs []string }

type recorderFatal struct{}

func (*recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(recorderFatal{})
}

// record runs check and returns its failure messages.
func record(check func(tb, *run), r *run) (msgs []string) {
	rec := &recorder{}
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(recorderFatal); !ok {
				panic(p)
			}
		}
		msgs = rec.msgs
	}()
	check(rec, r)
	return rec.msgs
}

// tb is what a fact's check uses; *sourced and *recorder satisfy it.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// ---------------------------------------------------------------------------
// Invariants: properties every case's trace must have.

type invariant struct {
	name   string
	source string
	check  func(t tb, r *run)
}

var invariants = []invariant{
	{
		name:   "each Status differs from the previous one",
		source: "model.ActStatus (\"the pod's status changed\")",
		check: func(t tb, r *run) {
			var prev *v1.PodStatus
			for _, a := range r.statuses() {
				if prev != nil && equality.Semantic.DeepEqual(prev, a.Status) {
					t.Errorf("Status at %v repeats the previous one", a.At)
				}
				prev = a.Status
			}
		},
	},
	{
		name:   "a terminal phase is never left",
		source: "docs/semantics.md §1.8 (Succeeded and Failed are terminal)",
		check: func(t tb, r *run) {
			var terminal v1.PodPhase
			for _, a := range r.statuses() {
				if terminal != "" && a.Status.Phase != terminal {
					t.Errorf("phase %s at %v after %s", a.Status.Phase, a.At, terminal)
				}
				if p := a.Status.Phase; p == v1.PodSucceeded || p == v1.PodFailed {
					terminal = p
				}
			}
		},
	},
	{
		name:   "restart counts never decrease",
		source: "docs/semantics.md §1.5, §10.7; container_probe.go \"should have monotonically increasing restart count\"",
		check: func(t tb, r *run) {
			last := map[string]int32{}
			for _, a := range r.statuses() {
				for _, l := range [][]v1.ContainerStatus{a.Status.InitContainerStatuses, a.Status.ContainerStatuses} {
					for _, cs := range l {
						if cs.RestartCount < last[cs.Name] {
							t.Errorf("%s restartCount fell from %d to %d at %v", cs.Name, last[cs.Name], cs.RestartCount, a.At)
						}
						last[cs.Name] = cs.RestartCount
					}
				}
			}
		},
	},
	{
		name:   "Initialized never goes back from True; while False, app containers wait in PodInitializing, never restarted",
		source: "init_container.go containerInitInvariant and initContainersInvariants; docs/semantics.md §2.5, §9.4, §10.2; status_manager.go TerminatePod (marks them ContainerStatusUnknown in a terminal pod, conditions unchanged)",
		check: func(t tb, r *run) {
			was := false
			for _, a := range r.statuses() {
				c := cond(t, a.Status, v1.PodInitialized)
				if c.Status == v1.ConditionTrue {
					was = true
					continue
				}
				if was {
					t.Errorf("Initialized %s at %v after being True", c.Status, a.At)
				}
				terminal := a.Status.Phase == v1.PodSucceeded || a.Status.Phase == v1.PodFailed
				for i := range a.Status.ContainerStatuses {
					cs := &a.Status.ContainerStatuses[i]
					if terminal && cs.RestartCount == 0 && terminatedByTerminatePod(cs) {
						continue
					}
					if waitingReason(cs) != "PodInitializing" || cs.RestartCount != 0 {
						t.Errorf("at %v, not initialized, app container %s is %s with %d restarts", a.At, cs.Name, stateString(cs.State), cs.RestartCount)
					}
				}
			}
		},
	},
	{
		name:   "condition transition times are not in the future",
		source: "v1.PodCondition lastTransitionTime",
		check: func(t tb, r *run) {
			for _, a := range r.statuses() {
				for _, c := range a.Status.Conditions {
					if d := r.sinceEpoch(c.LastTransitionTime.Time); d > a.At {
						t.Errorf("%s lastTransitionTime %v is after the status's time %v", c.Type, d, a.At)
					}
				}
			}
		},
	},
}

// knownViolations lists invariants the model is believed to break in a
// case ("invariant name|case file"), as knownBug does for facts.
var knownViolations = map[string]string{}

// TestInvariants checks every invariant on every case.
func TestInvariants(t *testing.T) {
	used := map[string]bool{}
	for _, rel := range caseFiles(t) {
		for _, inv := range invariants {
			if _, ok := knownViolations[inv.name+"|"+rel]; ok {
				used[inv.name+"|"+rel] = true
			}
		}
		t.Run(rel, func(t *testing.T) {
			r := load(t, rel)
			for _, inv := range invariants {
				t.Run(inv.name, func(t *testing.T) {
					key := inv.name + "|" + rel
					bug, known := knownViolations[key]
					if !known {
						inv.check(&sourced{T: t, source: inv.source}, r)
						return
					}
					if msgs := record(inv.check, r); len(msgs) > 0 {
						t.Skipf("KNOWN MODEL BUG, invariant broken:\n%s\n%s\n(source: %s)", bug, strings.Join(msgs, "\n"), inv.source)
					}
					t.Errorf("this invariant now holds, so the known bug seems fixed:\n%s\nRemove %q from knownViolations.", bug, key)
				})
			}
		})
	}
	for key := range knownViolations {
		if !used[key] {
			t.Errorf("knownViolations names %q, which matches no invariant and case", key)
		}
	}
}

// ---------------------------------------------------------------------------
// Helpers over a run

// statuses returns the Status actions in order.
func (r *run) statuses() []model.Action { return r.of(model.ActStatus, "") }

// of returns the actions of kind k for container c ("" for any).
func (r *run) of(k model.ActionKind, c string) []model.Action {
	var out []model.Action
	for _, a := range r.acts {
		if a.Kind == k && (c == "" || a.Container == c) {
			out = append(out, a)
		}
	}
	return out
}

// first returns the first action of kind k for container c.
func (r *run) first(t tb, k model.ActionKind, c string) model.Action {
	t.Helper()
	for _, a := range r.acts {
		if a.Kind == k && (c == "" || a.Container == c) {
			return a
		}
	}
	t.Fatalf("no %s action for %q", k, c)
	return model.Action{}
}

// index returns the position in the trace of the first action of kind k
// for container c, or -1.
func (r *run) index(k model.ActionKind, c string) int {
	for i, a := range r.acts {
		if a.Kind == k && (c == "" || a.Container == c) {
			return i
		}
	}
	return -1
}

// statusAt returns the pod status published last at or before d: what a
// client reading the pod at d would see.
func (r *run) statusAt(t tb, d time.Duration) *v1.PodStatus {
	t.Helper()
	var st *v1.PodStatus
	for _, a := range r.acts {
		if a.At > d {
			break
		}
		if a.Kind == model.ActStatus {
			st = a.Status
		}
	}
	if st == nil {
		t.Fatalf("no status published by %v", d)
	}
	return st
}

// final returns the last published status.
func (r *run) final(t tb) *v1.PodStatus {
	t.Helper()
	ss := r.statuses()
	if len(ss) == 0 {
		t.Fatalf("no status published")
	}
	return ss[len(ss)-1].Status
}

// statusColumn returns the watch's STATUS column with consecutive repeats
// collapsed.
func (r *run) statusColumn() []string {
	var out []string
	for _, row := range r.rows {
		if len(out) == 0 || out[len(out)-1] != row.Status {
			out = append(out, row.Status)
		}
	}
	return out
}

// rowAt returns the first watch row with STATUS s, or fails.
func (r *run) rowAt(t tb, s string) watch.Row {
	t.Helper()
	for _, row := range r.rows {
		if row.Status == s {
			return row
		}
	}
	t.Fatalf("no watch row with STATUS %q; rows: %v", s, r.statusColumn())
	return watch.Row{}
}

// restartGaps returns, for each restart of c, the time from the exit of an
// instance to the start of the next.
func (r *run) restartGaps(c string) []time.Duration {
	var gaps []time.Duration
	var exitAt time.Duration
	exited := false
	for _, a := range r.acts {
		if a.Container != c {
			continue
		}
		switch a.Kind {
		case model.ActContainerExited:
			exitAt, exited = a.At, true
		case model.ActContainerStarted:
			if exited {
				gaps = append(gaps, a.At-exitAt)
				exited = false
			}
		}
	}
	return gaps
}

// deletion returns the time and grace of the first delete.
func (r *run) deletion(t tb) (time.Duration, int64) {
	t.Helper()
	d := r.first(t, model.ActDeleteRequested, "")
	return d.At, d.Grace
}

// cstatus returns the status of container name (init or app).
func cstatus(t tb, st *v1.PodStatus, name string) *v1.ContainerStatus {
	t.Helper()
	for _, l := range [][]v1.ContainerStatus{st.InitContainerStatuses, st.ContainerStatuses} {
		for i := range l {
			if l[i].Name == name {
				return &l[i]
			}
		}
	}
	t.Fatalf("no status for container %q", name)
	return nil
}

// cond returns the pod condition of type ty.
func cond(t tb, st *v1.PodStatus, ty v1.PodConditionType) *v1.PodCondition {
	t.Helper()
	for i := range st.Conditions {
		if st.Conditions[i].Type == ty {
			return &st.Conditions[i]
		}
	}
	t.Fatalf("no %s condition", ty)
	return nil
}

// wantCond checks a condition's status and reason ("-" skips the reason).
func wantCond(t tb, st *v1.PodStatus, ty v1.PodConditionType, status v1.ConditionStatus, reason string) {
	t.Helper()
	c := cond(t, st, ty)
	switch {
	case reason == "-" && c.Status != status:
		t.Errorf("%s = %s (reason %q), want %s", ty, c.Status, c.Reason, status)
	case reason != "-" && (c.Status != status || c.Reason != reason):
		t.Errorf("%s = %s (reason %q), want %s (reason %q)", ty, c.Status, c.Reason, status, reason)
	}
}

func wantPhase(t tb, st *v1.PodStatus, p v1.PodPhase) {
	t.Helper()
	if st.Phase != p {
		t.Errorf("phase = %s, want %s", st.Phase, p)
	}
}

func waitingReason(cs *v1.ContainerStatus) string {
	if cs.State.Waiting == nil {
		return ""
	}
	return cs.State.Waiting.Reason
}

func wantWaiting(t tb, cs *v1.ContainerStatus, reason string) {
	t.Helper()
	if cs.State.Waiting == nil || cs.State.Waiting.Reason != reason {
		t.Errorf("container %s state = %s, want Waiting (%s)", cs.Name, stateString(cs.State), reason)
	}
}

func wantTerminated(t tb, cs *v1.ContainerStatus, code int32, reason string) {
	t.Helper()
	if tt := cs.State.Terminated; tt == nil || tt.ExitCode != code || tt.Reason != reason {
		t.Errorf("container %s state = %s, want Terminated (exit %d, %s)", cs.Name, stateString(cs.State), code, reason)
	}
}

func stateString(s v1.ContainerState) string {
	switch {
	case s.Waiting != nil:
		return "Waiting (" + s.Waiting.Reason + ")"
	case s.Running != nil:
		return "Running"
	case s.Terminated != nil:
		return fmt.Sprintf("Terminated (exit %d, %s)", s.Terminated.ExitCode, s.Terminated.Reason)
	}
	return "none"
}

func isTrue(b *bool) bool { return b != nil && *b }

// terminatedByTerminatePod says cs shows the state the status manager's
// TerminatePod gives a container that was not terminated.
func terminatedByTerminatePod(cs *v1.ContainerStatus) bool {
	tt := cs.State.Terminated
	return tt != nil && tt.ExitCode == 137 && tt.Reason == model.ReasonStatusUnknown
}

func equalSeq[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// secs turns whole seconds into durations.
func secs(s ...int) []time.Duration {
	out := make([]time.Duration, len(s))
	for i, v := range s {
		out[i] = time.Duration(v) * time.Second
	}
	return out
}

// sinceEpoch converts a status timestamp back to virtual time.
func (r *run) sinceEpoch(ts time.Time) time.Duration { return ts.Sub(r.epoch) }

// terminationBound checks the invariant of docs/semantics.md §7.11 for a run with
// a delete at t0 and grace g: no SIGKILL before t0+g, every SIGKILL at least
// minimumGracePeriodSeconds after its stop signal, every container gone and
// the pod removed by t0+g+minimumGracePeriodSeconds.
func terminationBound(t tb, r *run) {
	t.Helper()
	t0, g := r.deletion(t)
	floor := time.Duration(*r.sc.Profile.WithDefaults().MinimumGracePeriodSeconds) * time.Second
	limit := t0 + time.Duration(g)*time.Second + floor
	for _, a := range r.of(model.ActSIGKILL, "") {
		if a.At < t0+time.Duration(g)*time.Second {
			t.Errorf("SIGKILL of %s at %v, before delete (%v) + grace (%ds)", a.Container, a.At, t0, g)
		}
	}
	lastStop := map[string]time.Duration{}
	for _, a := range r.acts {
		switch {
		case a.Kind == model.ActStopSignal:
			lastStop[a.Container] = a.At
		case a.Kind == model.ActSIGKILL:
			if a.At-lastStop[a.Container] < floor {
				t.Errorf("SIGKILL of %s at %v, less than %v after its stop signal at %v", a.Container, a.At, floor, lastStop[a.Container])
			}
		case a.Kind == model.ActContainerExited && a.At >= t0 && a.At > limit:
			t.Errorf("%s exited at %v, after delete (%v) + grace (%ds) + %v = %v", a.Container, a.At, t0, g, floor, limit)
		}
	}
	removed := r.first(t, model.ActPodRemoved, "")
	if removed.At > limit {
		t.Errorf("pod removed at %v, after %v", removed.At, limit)
	}
}

// noStart checks that container c never started.
func noStart(t tb, r *run, c string) {
	t.Helper()
	if n := len(r.of(model.ActContainerStarted, c)); n > 0 {
		t.Errorf("%s was started %d times, want never", c, n)
	}
}

// backOffWaitsHold checks that the last BackOff before each restart ends
// when the container next starts: At + Wait. (A sync that kills and
// restarts a container checks the back-off against the previous exit, and
// the next sync against the new one, so one exit can be refused twice; each
// refusal is a BackOff, and the later one is the one that holds.)
func backOffWaitsHold(t tb, r *run, c string) {
	t.Helper()
	var last *model.Action
	for i := range r.acts {
		a := &r.acts[i]
		if a.Container != c {
			continue
		}
		switch a.Kind {
		case model.ActBackOff:
			last = a
		case model.ActContainerStarted:
			if last != nil && a.At != last.At+last.Wait {
				t.Errorf("BackOff of %s#%d at %v says wait %v (restart at %v), but it restarts at %v", c, last.Attempt, last.At, last.Wait, last.At+last.Wait, a.At)
			}
			last = nil
		}
	}
}

// noKilledInstanceShown checks that no status shows an instance of c that
// the kubelet killed (liveness) as the container's current state: the kill
// and the restart (or the refused restart) happen in one SyncPod, and the
// status is generated before it, so the next status already shows the new
// instance or Waiting (CrashLoopBackOff).
func noKilledInstanceShown(t tb, r *run, c string) {
	t.Helper()
	killed := map[int]bool{}
	for _, a := range r.acts {
		switch {
		case a.Kind == model.ActStopSignal && a.Container == c:
			killed[a.Attempt] = true
		case a.Kind == model.ActStatus:
			for _, l := range [][]v1.ContainerStatus{a.Status.InitContainerStatuses, a.Status.ContainerStatuses} {
				for i := range l {
					cs := &l[i]
					if cs.Name == c && cs.State.Terminated != nil && killed[int(cs.RestartCount)] {
						t.Errorf("status at %v shows killed instance %s#%d as Terminated (%s)", a.At, c, cs.RestartCount, cs.State.Terminated.Reason)
						return
					}
				}
			}
		}
	}
}

// sandboxStoppedWhenTerminal checks that a pod that reached Succeeded or
// Failed has its sandbox stopped and says so in PodReadyToStartContainers.
func sandboxStoppedWhenTerminal(t tb, r *run) {
	t.Helper()
	if len(r.of(model.ActSandboxStopped, "")) == 0 {
		t.Errorf("no SandboxStopped after the pod became %s", r.final(t).Phase)
	}
	wantCond(t, r.final(t), v1.PodReadyToStartContainers, v1.ConditionFalse, "-")
}

// ---------------------------------------------------------------------------
// The facts table, keyed by file.

// regressionFact is the fact every regression case holds: the
// counterexample it was saved as no longer breaks any property on the
// reference model.
func regressionFact(finding string) []fact {
	return []fact{{
		what:   "no property is violated any more",
		source: finding,
		check: func(t tb, r *run) {
			ctx := &properties.Context{Pod: &r.sc.Pod, Profile: r.sc.Profile.WithDefaults(), Behaviour: &r.sc.Behaviour}
			for _, v := range properties.Check(ctx, r.acts, r.acts[len(r.acts)-1].At, false) {
				t.Errorf("%s", v.Error())
			}
		},
	}}
}

var facts = map[string][]fact{
	"regressions/succeeded-iff-all-app-exit-zero-976ad3be4b.yaml": regressionFact(
		"found by FuzzModel: under restartPolicy Never, app-a exits 1 while app-b runs forever; the run ends with nothing left to " +
			"happen and the pod rightly Running, but succeeded-iff-all-app-exit-zero demanded Failed (property fixed: it concludes only " +
			"once every app container has stopped)"),
	"regressions/sandbox-brackets-containers-c1414ed153.yaml": regressionFact(
		"found by the gopter harness: after a KillPod that left the pod non-terminal (a liveness kill honouring a container-level " +
			"restartPolicy Never while its exit-code rules say Restart), the model restarted the container with no sandbox; " +
			"the model now starts nothing without a sandbox, and creates a new one first as upstream does " +
			"(docs/upstream-differences.md 2.27)"),
	"regressions/first-restart-immediate-2c60fcc302.yaml": regressionFact(
		"found by BenchmarkRunModel (seed 11, scenario 597), and the upstream kubelet adapter gives the same trace: a liveness " +
			"kill of a container with restartPolicy Never and a Restart rule for its exit code ends in SyncPod's own KillPod; the new " +
			"sandbox runs init-b again, so app-a's first restart comes 1s after its exit, not at once. first-restart-immediate and " +
			"backoff-doubling now count a re-created sandbox's initialization as a gate (docs/upstream-differences.md 2.34)"),
	"regressions/prestop-before-stop-signal-cb8c307847.yaml": regressionFact(
		"found by podconform run --seed 3 --checks 20000 on the model; the upstream kubelet adapter gives the same trace: with " +
			"terminationGracePeriodSeconds 0, a startup-probe kill of app-a with no restart ends in SyncPod's own KillPod, " +
			"which takes the pod's grace with no 1 s floor, so killContainer skips the preStop hook and sends " +
			"StopContainer(2). prestop-before-stop-signal no longer floors that grace (docs/upstream-differences.md 2.34)"),
	"regressions/sigkill-by-grace-plus-2s-f334fbbb6b.yaml": regressionFact(
		"found by podconform run --seed 4 --checks 20000 on the model; the upstream kubelet adapter gives the same " +
			"trace: an init container fails under restartPolicy Never in the instant of a sidecar's liveness kill, and a " +
			"delete at 5s comes while that sync (the probe kill and its restart, not the pod's own KillPod) is in progress; " +
			"the termination begins only when it ends (Kubelet.SyncPod does not cancel it), so the kills are measured from " +
			"then (docs/upstream-differences.md 2.34)"),
	"regressions/stop-timeout-exact-5a09448d5d.yaml": regressionFact(
		"found by podconform run --seed 5 --checks 20000 on the model; the upstream kubelet adapter gives the same " +
			"trace: SyncPod's own KillPod is still running at the delete though the pod no longer looks finished (its app " +
			"container exited with a code its rules restart); side-a waits unseen for its turn in that KillPod and keeps " +
			"its grace, not the delete's (docs/upstream-differences.md 2.34)"),
	"regressions/force-delete-removes-fee7153ca1.yaml": regressionFact(
		"found by podconform run --seed 2 --checks 20000 on the model; the upstream kubelet adapter gives the same " +
			"trace: after a delete, a kill that looks like a probe kill may already be the termination's first; it began " +
			"before the force delete with grace 10 and keeps it (pod_workers.go calculateEffectiveGracePeriod, docs 2.9), " +
			"so side-a's stop timeout is 8s, not the force delete's floor (docs/upstream-differences.md 2.34)"),
	"regressions/stop-timeout-exact-15dfc86e9a.yaml": regressionFact(
		"found by podconform run --seed 8 --checks 20000 on the model; the upstream kubelet adapter gives the same " +
			"trace: for a sidecar, computeInitContainerActions reads the startup result before liveness, so a sidecar whose " +
			"startup probe failed is killed for startup, with that probe's grace (docs/upstream-differences.md 2.34)"),
	"regressions/no-restart-while-deleting-e3c5983c19.yaml": regressionFact(
		"found by podconform run --seed 9 --checks 20000 on the model; the upstream kubelet adapter gives the same " +
			"trace: a sidecar's liveness kill (with its restart planned) blocks the sync, the pod comes to end on its own " +
			"meanwhile, and the delete does not cancel that sync, which still restarts the sidecar; " +
			"no-restart-while-deleting allows the starts of a sync planned before the pod ended, not those of the pod's own " +
			"KillPod (docs/upstream-differences.md 2.34)"),
	// -------------------------------------------------------------- examples
	"examples/myapp-pod-scenario.yaml": {
		{
			what:   "STATUS goes Init:0/2, Init:1/2, PodInitializing, Running",
			source: "seed note 003 and https://kubernetes.io/docs/concepts/workloads/pods/init-containers/; docs/semantics.md §11.2 (printPod)",
			check: func(t tb, r *run) {
				want := []string{"Init:0/2", "Init:1/2", "PodInitializing", "Running"}
				if got := r.statusColumn(); !equalSeq(got, want) {
					t.Errorf("STATUS sequence = %v, want exactly %v", got, want)
				}
			},
		},
		{
			what:   "init containers run one at a time; the app starts after both",
			source: "docs/semantics.md §2.2; the scenario's script (20s, then 30s)",
			check: func(t tb, r *run) {
				if a := r.first(t, model.ActContainerStarted, "init-mydb"); a.At != 20*time.Second {
					t.Errorf("init-mydb started at %v, want 20s (when init-myservice exits 0)", a.At)
				}
				if a := r.first(t, model.ActContainerStarted, "myapp-container"); a.At != 50*time.Second {
					t.Errorf("myapp-container started at %v, want 50s", a.At)
				}
				if i, j := r.index(model.ActContainerExited, "init-myservice"), r.index(model.ActContainerCreated, "init-mydb"); i < 0 || j < i {
					t.Errorf("init-mydb created (action %d) before init-myservice exited (action %d)", j, i)
				}
				if row := r.rowAt(t, "Init:1/2"); row.At != 20*time.Second {
					t.Errorf("Init:1/2 shown at %v, want 20s", row.At)
				}
				if row := r.rowAt(t, "Running"); row.At != 50*time.Second || row.Ready != "1/1" {
					t.Errorf("Running shown at %v with READY %s, want 50s, 1/1", row.At, row.Ready)
				}
			},
		},
		{
			what:   "Pending with Initialized False (ContainersNotInitialized) until 50s, then Running, Initialized and Ready",
			source: "docs/semantics.md §1.8, §2.2, §8.5; init_container.go initContainersInvariants",
			check: func(t tb, r *run) {
				st := r.statusAt(t, 10*time.Second)
				wantPhase(t, st, v1.PodPending)
				wantCond(t, st, v1.PodInitialized, v1.ConditionFalse, "ContainersNotInitialized")
				if m := cond(t, st, v1.PodInitialized).Message; m != "containers with incomplete status: [init-myservice init-mydb]" {
					t.Errorf("Initialized message at 10s = %q", m)
				}
				st = r.statusAt(t, 30*time.Second)
				wantPhase(t, st, v1.PodPending)
				if m := cond(t, st, v1.PodInitialized).Message; m != "containers with incomplete status: [init-mydb]" {
					t.Errorf("Initialized message at 30s = %q", m)
				}
				wantTerminated(t, cstatus(t, st, "init-myservice"), 0, "Completed")
				for _, a := range r.statuses() {
					if a.At < 50*time.Second {
						wantWaiting(t, cstatus(t, a.Status, "myapp-container"), "PodInitializing")
					}
				}
				st = r.final(t)
				wantPhase(t, st, v1.PodRunning)
				wantCond(t, st, v1.PodInitialized, v1.ConditionTrue, "")
				wantCond(t, st, v1.ContainersReady, v1.ConditionTrue, "")
				wantCond(t, st, v1.PodReady, v1.ConditionTrue, "")
				if it := cond(t, st, v1.PodInitialized).LastTransitionTime.Time; r.sinceEpoch(it) != 50*time.Second {
					t.Errorf("Initialized became True at %v, want 50s", r.sinceEpoch(it))
				}
				for _, n := range []string{"init-myservice", "init-mydb", "myapp-container"} {
					if cs := cstatus(t, st, n); cs.RestartCount != 0 {
						t.Errorf("%s restartCount = %d, want 0", n, cs.RestartCount)
					}
				}
				for _, n := range []string{"init-myservice", "init-mydb"} {
					if cs := cstatus(t, st, n); !cs.Ready {
						t.Errorf("completed init container %s not ready", n)
					}
				}
			},
		},
	},
	"examples/myapp-pod.yaml": {
		{
			what:   "default behaviour: Init:0/2 at 0s, Init:1/2 at 1s, then PodInitializing and Running at 2s",
			source: "seed note 003; docs/semantics.md §2.2, §11.2; scenario.Defaults (init containers exit 0 after 1s)",
			check: func(t tb, r *run) {
				want := []string{"Init:0/2", "Init:1/2", "PodInitializing", "Running"}
				if got := r.statusColumn(); !equalSeq(got, want) {
					t.Errorf("STATUS sequence = %v, want %v", got, want)
				}
				if row := r.rowAt(t, "Init:1/2"); row.At != time.Second {
					t.Errorf("Init:1/2 at %v, want 1s", row.At)
				}
				if row := r.rowAt(t, "Running"); row.At != 2*time.Second {
					t.Errorf("Running at %v, want 2s", row.At)
				}
				st := r.final(t)
				wantPhase(t, st, v1.PodRunning)
				wantCond(t, st, v1.PodInitialized, v1.ConditionTrue, "")
			},
		},
	},
	"examples/init-demo.yaml": {
		{
			what:   "the app starts only after the init container exits 0: Init:0/1, PodInitializing, Running",
			source: "https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-initialization/ (seed note 003); docs/semantics.md §2.2, §11.2",
			check: func(t tb, r *run) {
				want := []string{"Init:0/1", "PodInitializing", "Running"}
				if got := r.statusColumn(); !equalSeq(got, want) {
					t.Errorf("STATUS sequence = %v, want %v", got, want)
				}
				if i, j := r.index(model.ActContainerExited, "install"), r.index(model.ActContainerCreated, "web"); i < 0 || j < i {
					t.Errorf("web created (action %d) before install exited (action %d)", j, i)
				}
				st := r.final(t)
				wantPhase(t, st, v1.PodRunning)
				wantCond(t, st, v1.PodInitialized, v1.ConditionTrue, "")
				wantTerminated(t, cstatus(t, st, "install"), 0, "Completed")
				if cs := cstatus(t, st, "web"); cs.State.Running == nil || !cs.Ready {
					t.Errorf("web = %s ready=%v, want Running and ready", stateString(cs.State), cs.Ready)
				}
			},
		},
	},
	"examples/crashloop.yaml": {
		{
			what:   "each BackOff's wait ends when the container restarts",
			source: "model.ActBackOff (Wait: how long until the back-off ends); docs/semantics.md §4.3, §4.7",
			check: func(t tb, r *run) {
				if len(r.of(model.ActBackOff, "app")) < 5 {
					t.Errorf("only %d BackOffs", len(r.of(model.ActBackOff, "app")))
				}
				backOffWaitsHold(t, r, "app")
			},
		},
		{
			what:   "restart delays are 0, 10, 20, 40, 80, 160, 300, 300... seconds",
			source: "docs/semantics.md §4.4, §4.5 (doBackOff, flowcontrol.Backoff); https://github.com/kubernetes/kubernetes/issues/133472",
			check: func(t tb, r *run) {
				gaps := r.restartGaps("app")
				want := secs(0, 10, 20, 40, 80, 160, 300, 300, 300, 300)
				if len(gaps) < len(want) || !equalSeq(gaps[:len(want)], want) {
					t.Errorf("restart delays = %v, want %v...", gaps, want)
				}
				for _, g := range gaps {
					if g > 300*time.Second {
						t.Errorf("restart delay %v exceeds the 300s cap", g)
					}
				}
				var delays []time.Duration
				for _, a := range r.of(model.ActBackOff, "app") {
					delays = append(delays, a.Delay)
				}
				if wantD := secs(10, 20, 40, 80, 160, 300, 300); len(delays) < len(wantD) || !equalSeq(delays[:len(wantD)], wantD) {
					t.Errorf("BackOff delays = %v, want %v...", delays, wantD)
				}
			},
		},
		{
			what:   "between runs the container is Waiting (CrashLoopBackOff), last state Error exit 1, and the pod stays Running",
			source: "docs/semantics.md §1.4, §4.3, §10.4, §8.5 (its fifth case: restartPolicy Always → Running), §11.3",
			check: func(t tb, r *run) {
				st := r.statusAt(t, 15*time.Second) // exit at 10s, restart at 20s
				cs := cstatus(t, st, "app")
				wantWaiting(t, cs, "CrashLoopBackOff")
				if lt := cs.LastTerminationState.Terminated; lt == nil || lt.ExitCode != 1 || lt.Reason != "Error" {
					t.Errorf("lastState = %s, want Terminated (exit 1, Error)", stateString(cs.LastTerminationState))
				}
				if cs.RestartCount != 1 {
					t.Errorf("restartCount at 15s = %d, want 1", cs.RestartCount)
				}
				for _, a := range r.statuses() {
					if a.At >= 5*time.Second {
						wantPhase(t, a.Status, v1.PodRunning)
					}
				}
				col := strings.Join(r.statusColumn(), " ")
				if !strings.Contains(col, "Running Error CrashLoopBackOff Running") {
					t.Errorf("STATUS column %q lacks Running Error CrashLoopBackOff Running", col)
				}
				prev := int32(-1)
				for _, a := range r.statuses() {
					if n := cstatus(t, a.Status, "app").RestartCount; n < prev {
						t.Errorf("restartCount fell from %d to %d at %v", prev, n, a.At)
					} else {
						prev = n
					}
				}
			},
		},
	},
	"examples/liveness-exec.yaml": {
		{
			what:   "no status shows a liveness-killed instance as the current state",
			source: "kubelet.go SyncPod (status generated before kuberuntime SyncPod kills and restarts); kubernetes/kubernetes#99697 (watch of this pod: Running rows only, Running straight to CrashLoopBackOff)",
			check: func(t tb, r *run) {
				noKilledInstanceShown(t, r, "liveness")
			},
		},
		{
			what:   "each BackOff's wait ends when the container restarts",
			source: "model.ActBackOff (Wait: how long until the back-off ends); docs/semantics.md §4.3, §4.7",
			check: func(t tb, r *run) {
				backOffWaitsHold(t, r, "liveness")
			},
		},
		{
			what:   "first kill at 40s: liveness fails at 30, 35 and 40s (failureThreshold 3, period 5s); SIGKILL 30s later",
			source: "docs/semantics.md §5.9, §7.3; container_probe.go \"should be restarted with a exec \\\"cat /tmp/health\\\" liveness probe\" [Conformance]",
			check: func(t tb, r *run) {
				var fails []time.Duration
				for _, a := range r.of(model.ActProbeResult, "liveness") {
					if a.Attempt == 0 && a.Result == model.ResultFailure {
						fails = append(fails, a.At)
					}
				}
				if !equalSeq(fails, secs(30, 35, 40)) {
					t.Errorf("instance 0 liveness failures at %v, want [30s 35s 40s]", fails)
				}
				stop := r.first(t, model.ActStopSignal, "liveness")
				if stop.At != 40*time.Second || stop.Attempt != 0 {
					t.Errorf("first stop signal at %v (attempt %d), want 40s (attempt 0)", stop.At, stop.Attempt)
				}
				if stop.Timeout != 30 {
					t.Errorf("stop timeout %d, want 30 (the pod's default grace; the probe sets none)", stop.Timeout)
				}
				kill := r.first(t, model.ActSIGKILL, "liveness")
				ex := r.first(t, model.ActContainerExited, "liveness")
				if kill.At != 70*time.Second || ex.At != 70*time.Second || ex.ExitCode != 137 || ex.Reason != "Error" {
					t.Errorf("SIGKILL at %v, exit %d (%s) at %v; want SIGKILL and exit 137 (Error) at 1m10s", kill.At, ex.ExitCode, ex.Reason, ex.At)
				}
				// The first kill restarts at once: no exited instance yet, so doBackOff returns early.
				if g := r.restartGaps("liveness"); len(g) == 0 || g[0] != 0 {
					t.Errorf("restart delays %v, want the first to be 0", g)
				}
				if st := r.statusAt(t, 71*time.Second); cstatus(t, st, "liveness").RestartCount != 1 {
					t.Errorf("restartCount at 71s = %d, want 1", cstatus(t, st, "liveness").RestartCount)
				}
			},
		},
		{
			what:   "liveness never runs before initialDelaySeconds (5s) after a start, nor once the kill has begun",
			source: "docs/semantics.md §5.3, §5.6 (initialDelaySeconds; liveness stops for a container being killed: worker onHold)",
			check: func(t tb, r *run) {
				starts := map[int]time.Duration{}
				for _, a := range r.of(model.ActContainerStarted, "liveness") {
					starts[a.Attempt] = a.At
				}
				stops := map[int]time.Duration{}
				for _, a := range r.of(model.ActStopSignal, "liveness") {
					stops[a.Attempt] = a.At
				}
				for _, a := range r.of(model.ActProbeResult, "liveness") {
					if a.At-starts[a.Attempt] < 5*time.Second {
						t.Errorf("liveness probe of instance %d at %v, %v after its start", a.Attempt, a.At, a.At-starts[a.Attempt])
					}
					if s, ok := stops[a.Attempt]; ok && a.At > s {
						t.Errorf("liveness probe of instance %d at %v, after its kill began at %v", a.Attempt, a.At, s)
					}
				}
			},
		},
		{
			what:   "restart count grows; the first five restarts skip the back-off, the sixth kill meets CrashLoopBackOff at 7m",
			source: "container_probe.go \"should have monotonically increasing restart count\" [Conformance]; doBackOff reads SyncPod's pod status snapshot, taken while the killed instance still ran: the watch of this very pod in https://github.com/kubernetes/kubernetes/issues/99697 shows restarts at 67s, 2m17s, 3m26s, 4m36s, 5m46s and CrashLoopBackOff at 6m56s",
			check: func(t tb, r *run) {
				prev := int32(0)
				for _, a := range r.statuses() {
					n := cstatus(t, a.Status, "liveness").RestartCount
					if n < prev {
						t.Errorf("restartCount fell from %d to %d at %v", prev, n, a.At)
					}
					prev = n
				}
				if prev < 10 {
					t.Errorf("restartCount after 30m = %d, want at least 10", prev)
				}
				var starts []time.Duration
				for _, a := range r.of(model.ActContainerStarted, "liveness") {
					starts = append(starts, a.At)
				}
				if want := secs(0, 70, 140, 210, 280, 350); len(starts) < len(want) || !equalSeq(starts[:len(want)], want) {
					t.Errorf("starts at %v, want %v first", starts, want)
				}
				gaps := r.restartGaps("liveness")
				if len(gaps) < 6 || !equalSeq(gaps[:5], secs(0, 0, 0, 0, 0)) || gaps[5] == 0 {
					t.Errorf("restart delays = %v, want five 0s then a back-off", gaps)
				}
				bo := r.first(t, model.ActBackOff, "liveness")
				if bo.At != 7*time.Minute || bo.Attempt != 5 || bo.Delay != 80*time.Second {
					t.Errorf("first BackOff at %v (attempt %d, delay %v), want 7m0s (attempt 5, delay 1m20s)", bo.At, bo.Attempt, bo.Delay)
				}
				if row := r.rowAt(t, "CrashLoopBackOff"); row.At != 7*time.Minute || !strings.HasPrefix(row.Restarts, "5 ") {
					t.Errorf("first CrashLoopBackOff row at %v with RESTARTS %s, want 7m0s with 5", row.At, row.Restarts)
				}
			},
		},
	},
	"examples/liveness-http.yaml": {
		{
			what:   "no status shows a liveness-killed instance as the current state",
			source: "kubelet.go SyncPod (status generated before kuberuntime SyncPod kills and restarts); kubernetes/kubernetes#99697",
			check: func(t tb, r *run) {
				noKilledInstanceShown(t, r, "liveness")
			},
		},
		{
			what:   "probes from 3s every 3s; failures at 12, 15, 18s kill the container at 18s; restart count grows",
			source: "docs/semantics.md §5.9; container_probe.go \"should be restarted with a /healthz http liveness probe\" and \"should have monotonically increasing restart count\"",
			check: func(t tb, r *run) {
				if a := r.first(t, model.ActProbeResult, "liveness"); a.At != 3*time.Second {
					t.Errorf("first liveness probe at %v, want 3s (initialDelaySeconds)", a.At)
				}
				var fails []time.Duration
				for _, a := range r.of(model.ActProbeResult, "liveness") {
					if a.Attempt == 0 && a.Result == model.ResultFailure {
						fails = append(fails, a.At)
					}
				}
				if !equalSeq(fails, secs(12, 15, 18)) {
					t.Errorf("instance 0 liveness failures at %v, want [12s 15s 18s]", fails)
				}
				if a := r.first(t, model.ActStopSignal, "liveness"); a.At != 18*time.Second {
					t.Errorf("first kill at %v, want 18s", a.At)
				}
				if st := r.statusAt(t, 19*time.Second); cstatus(t, st, "liveness").RestartCount != 1 {
					t.Errorf("restartCount at 19s = %d, want 1", cstatus(t, st, "liveness").RestartCount)
				}
				prev := int32(0)
				for _, a := range r.statuses() {
					n := cstatus(t, a.Status, "liveness").RestartCount
					if n < prev {
						t.Errorf("restartCount fell from %d to %d at %v", prev, n, a.At)
					}
					prev = n
				}
				if prev < 5 {
					t.Errorf("restartCount after 30m = %d, want at least 5", prev)
				}
			},
		},
	},
	"examples/goproxy.yaml": {
		{
			what:   "not Ready before the 15s initial delay, Ready from the first tick after it (20s), never restarted",
			source: "container_probe.go \"with readiness probe should not be ready before initial delay and never restart\" [Conformance]; docs/semantics.md §5.1, §5.3, §5.10; pkg/kubelet/prober/worker.go (the ticker runs from the pod's admission)",
			check: func(t tb, r *run) {
				st := r.statusAt(t, 14*time.Second)
				wantPhase(t, st, v1.PodRunning)
				wantCond(t, st, v1.PodReady, v1.ConditionFalse, "ContainersNotReady")
				if cs := cstatus(t, st, "goproxy"); cs.Ready || !isTrue(cs.Started) {
					t.Errorf("at 14s ready=%v started=%v, want not ready but started", cs.Ready, isTrue(cs.Started))
				}
				st = r.final(t)
				wantCond(t, st, v1.PodReady, v1.ConditionTrue, "")
				cs := cstatus(t, st, "goproxy")
				readyAt := r.sinceEpoch(cond(t, st, v1.PodReady).LastTransitionTime.Time)
				started := r.sinceEpoch(cs.State.Running.StartedAt.Time)
				if readyAt-started < 15*time.Second {
					t.Errorf("Ready at %v, %v after the container started; want at least the 15s initial delay", readyAt, readyAt-started)
				}
				if readyAt != 20*time.Second {
					t.Errorf("Ready at %v, want 20s (the worker's first tick after the initial delay)", readyAt)
				}
				if cs.RestartCount != 0 || len(r.of(model.ActStopSignal, "")) != 0 {
					t.Errorf("restartCount %d, %d stop signals; want none", cs.RestartCount, len(r.of(model.ActStopSignal, "")))
				}
			},
		},
	},
	"examples/startup-probe.yaml": {
		{
			what:   "liveness does not run until the startup probe succeeds (100s); then started and Ready",
			source: "docs/semantics.md §5.7; container_probe.go \"should *not* be restarted by liveness probe because startup probe delays it\"",
			check: func(t tb, r *run) {
				var startupOK time.Duration = -1
				for _, a := range r.of(model.ActProbeResult, "app") {
					if a.Probe == model.Startup && a.Result == model.ResultSuccess {
						startupOK = a.At
						break
					}
				}
				if startupOK != 100*time.Second {
					t.Fatalf("startup probe first succeeded at %v, want 100s (first probe after 95s at period 10s)", startupOK)
				}
				for _, a := range r.of(model.ActProbeResult, "app") {
					if a.Probe == model.Liveness && a.At < startupOK {
						t.Errorf("liveness probe at %v, before the startup probe succeeded", a.At)
					}
				}
				st := r.statusAt(t, 99*time.Second)
				if cs := cstatus(t, st, "app"); isTrue(cs.Started) || cs.Ready || cs.State.Running == nil {
					t.Errorf("at 99s: %s started=%v ready=%v, want Running, not started, not ready", stateString(cs.State), isTrue(cs.Started), cs.Ready)
				}
				st = r.statusAt(t, 100*time.Second)
				if cs := cstatus(t, st, "app"); !isTrue(cs.Started) || !cs.Ready {
					t.Errorf("at 100s: started=%v ready=%v, want both", isTrue(cs.Started), cs.Ready)
				}
				if n := len(r.of(model.ActStopSignal, "")); n != 0 {
					t.Errorf("%d kills, want none: 10 startup failures are below failureThreshold 30", n)
				}
			},
		},
	},
	"examples/hook-demo.yaml": {
		{
			what:   "postStart holds the container in ContainerCreating (not started, not Ready) until it returns at 2s",
			source: "docs/semantics.md §2.6, §6.2; lifecycle_hook.go \"should execute poststart exec hook properly\"",
			check: func(t tb, r *run) {
				const c = "lifecycle-demo-container"
				hs, he := r.first(t, model.ActHookStarted, c), r.first(t, model.ActHookEnded, c)
				if hs.Hook != model.HookPostStart || hs.At != 0 || he.At != 2*time.Second || he.Result != model.ResultOK {
					t.Errorf("postStart %v..%v (%s, %s), want postStart 0s..2s ok", hs.At, he.At, hs.Hook, he.Result)
				}
				st := r.statusAt(t, time.Second)
				cs := cstatus(t, st, c)
				wantWaiting(t, cs, "ContainerCreating")
				if isTrue(cs.Started) || cs.Ready {
					t.Errorf("during postStart started=%v ready=%v, want neither", isTrue(cs.Started), cs.Ready)
				}
				wantCond(t, st, v1.PodReady, v1.ConditionFalse, "ContainersNotReady")
				st = r.statusAt(t, 2*time.Second)
				wantCond(t, st, v1.PodReady, v1.ConditionTrue, "")
			},
		},
		{
			what:   "on delete preStop runs before the stop signal, within the grace period: StopSignal timeout 25 = 30 - 5",
			source: "docs/semantics.md §6.6, §7.3 (killContainer); lifecycle_hook.go \"should execute prestop exec hook properly\"",
			check: func(t tb, r *run) {
				const c = "lifecycle-demo-container"
				t0, g := r.deletion(t)
				if t0 != time.Minute || g != 30 {
					t.Errorf("delete at %v grace %d, want 1m0s grace 30", t0, g)
				}
				var pre model.Action
				for _, a := range r.of(model.ActHookStarted, c) {
					if a.Hook == model.HookPreStop {
						pre = a
					}
				}
				stop := r.first(t, model.ActStopSignal, c)
				if pre.Hook == "" || pre.At != t0 {
					t.Errorf("preStop started at %v, want at the delete (%v)", pre.At, t0)
				}
				if stop.At != t0+5*time.Second || stop.Timeout != 25 {
					t.Errorf("stop signal at %v timeout %d, want %v timeout 25", stop.At, stop.Timeout, t0+5*time.Second)
				}
				if r.index(model.ActHookStarted, "") > r.index(model.ActStopSignal, c) {
					t.Errorf("stop signal before the preStop hook")
				}
				if n := len(r.of(model.ActSIGKILL, "")); n != 0 {
					t.Errorf("%d SIGKILLs, want none (nginx exits 1s after SIGTERM)", n)
				}
				if a := r.first(t, model.ActPodRemoved, ""); a.At != 66*time.Second {
					t.Errorf("pod removed at %v, want 1m6s", a.At)
				}
				if row := r.rowAt(t, "Terminating"); row.At != t0 {
					t.Errorf("Terminating shown at %v, want %v", row.At, t0)
				}
				wantPhase(t, r.final(t), v1.PodSucceeded)
				terminationBound(t, r)
			},
		},
	},
	"examples/sidecar.yaml": {
		{
			what:   "migrate completes, then the sidecar starts, then the app; the sidecar counts in READY",
			source: "docs/semantics.md §2.3, §11.2; https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/ (seed note 003)",
			check: func(t tb, r *run) {
				if i, j := r.index(model.ActContainerExited, "migrate"), r.index(model.ActContainerCreated, "log-shipper"); i < 0 || j < i {
					t.Errorf("log-shipper created (action %d) before migrate exited (action %d)", j, i)
				}
				if i, j := r.index(model.ActContainerStarted, "log-shipper"), r.index(model.ActContainerCreated, "app"); i < 0 || j < i {
					t.Errorf("app created (action %d) before log-shipper started (action %d)", j, i)
				}
				// While the sidecar is not yet started, the app waits.
				for _, a := range r.statuses() {
					if !isTrue(cstatus(t, a.Status, "log-shipper").Started) {
						wantWaiting(t, cstatus(t, a.Status, "app"), "PodInitializing")
					}
				}
				st := r.final(t)
				wantPhase(t, st, v1.PodRunning)
				wantCond(t, st, v1.PodInitialized, v1.ConditionTrue, "")
				wantCond(t, st, v1.PodReady, v1.ConditionTrue, "")
				if cs := cstatus(t, st, "log-shipper"); cs.State.Running == nil || !isTrue(cs.Started) || !cs.Ready {
					t.Errorf("sidecar %s started=%v ready=%v, want Running, started, ready", stateString(cs.State), isTrue(cs.Started), cs.Ready)
				}
				last := r.rows[len(r.rows)-1]
				if last.Ready != "2/2" || last.Status != "Running" {
					t.Errorf("last row READY %s STATUS %s, want 2/2 Running", last.Ready, last.Status)
				}
			},
		},
	},

	// -------------------------------------------------------------- upstream
	"upstream/init-container-restartnever.yaml": {
		{
			what:   "once Succeeded the sandbox is stopped and PodReadyToStartContainers is False",
			source: "pod_workers.go (SyncPod returns isTerminal → completeSync → SyncTerminatingPod → killPod → StopPodSandbox); status/generate.go GeneratePodReadyToStartContainersCondition",
			check:  func(t tb, r *run) { sandboxStoppedWhenTerminal(t, r) },
		},
		{
			what:   "Succeeded, Initialized True, init statuses Ready and Terminated with exit 0",
			source: "init_container.go \"should invoke init containers on a RestartNever pod\" [Conformance]",
			check: func(t tb, r *run) {
				st := r.final(t)
				wantPhase(t, st, v1.PodSucceeded)
				wantCond(t, st, v1.PodInitialized, v1.ConditionTrue, "-")
				if n := len(st.InitContainerStatuses); n != 2 {
					t.Fatalf("%d init container statuses, want 2", n)
				}
				for i := range st.InitContainerStatuses {
					cs := &st.InitContainerStatuses[i]
					if !cs.Ready {
						t.Errorf("init container %s should be in Ready status", cs.Name)
					}
					wantTerminated(t, cs, 0, "Completed")
				}
				wantTerminated(t, cstatus(t, st, "run1"), 0, "Completed")
			},
		},
		{
			what:   "init1, init2 and run1 run one after another, once each",
			source: "docs/semantics.md §2.2, §3.1 (Never: nothing restarts)",
			check: func(t tb, r *run) {
				order := []string{"init1", "init2", "run1"}
				for k := 1; k < len(order); k++ {
					if i, j := r.index(model.ActContainerExited, order[k-1]), r.index(model.ActContainerCreated, order[k]); i < 0 || j < i {
						t.Errorf("%s created before %s exited", order[k], order[k-1])
					}
				}
				for _, c := range order {
					if n := len(r.of(model.ActContainerStarted, c)); n != 1 {
						t.Errorf("%s started %d times, want once", c, n)
					}
				}
				wantCond(t, r.final(t), v1.PodReady, v1.ConditionFalse, "PodCompleted")
			},
		},
	},
	"upstream/init-container-restartalways.yaml": {
		{
			what:   "Running, Initialized True, init statuses Ready and Terminated with exit 0",
			source: "init_container.go \"should invoke init containers on a RestartAlways pod\" [Conformance]",
			check: func(t tb, r *run) {
				st := r.final(t)
				wantPhase(t, st, v1.PodRunning)
				wantCond(t, st, v1.PodInitialized, v1.ConditionTrue, "")
				if n := len(st.InitContainerStatuses); n != 2 {
					t.Fatalf("%d init container statuses, want 2", n)
				}
				for i := range st.InitContainerStatuses {
					cs := &st.InitContainerStatuses[i]
					if !cs.Ready {
						t.Errorf("init container %s should be in Ready status", cs.Name)
					}
					wantTerminated(t, cs, 0, "Completed")
				}
				if cs := cstatus(t, st, "run1"); cs.State.Running == nil || cs.RestartCount != 0 {
					t.Errorf("run1 %s restarts %d, want Running, 0", stateString(cs.State), cs.RestartCount)
				}
				// Once Initialized, never back (initContainersInvariants).
				was := false
				for _, a := range r.statuses() {
					now := cond(t, a.Status, v1.PodInitialized).Status == v1.ConditionTrue
					if was && !now {
						t.Errorf("Initialized regressed to not True at %v", a.At)
					}
					was = was || now
				}
			},
		},
	},
	"upstream/init-container-fails-restartalways.yaml": {
		{
			what:   "every status: run1 and init2 Waiting (PodInitializing), init1 never exits 0",
			source: "init_container.go \"should not start app containers if init containers fail on a RestartAlways pod\" [Conformance] (its watch conditions)",
			check: func(t tb, r *run) {
				for _, a := range r.statuses() {
					for _, n := range []string{"run1", "init2"} {
						cs := cstatus(t, a.Status, n)
						wantWaiting(t, cs, "PodInitializing")
						if cs.RestartCount != 0 {
							t.Errorf("%s restartCount %d at %v, want 0", n, cs.RestartCount, a.At)
						}
					}
					if tt := cstatus(t, a.Status, "init1").State.Terminated; tt != nil && tt.ExitCode == 0 {
						t.Errorf("init1 terminated with exit 0 at %v", a.At)
					}
				}
				noStart(t, r, "init2")
				noStart(t, r, "run1")
			},
		},
		{
			what:   "when init1's restartCount reaches 3: Pending, Initialized False (ContainersNotInitialized, [init1 init2])",
			source: "init_container.go \"should not start app containers if init containers fail on a RestartAlways pod\" [Conformance]; docs/semantics.md §3.2, §4.3, §8.5",
			check: func(t tb, r *run) {
				var at *model.Action
				for _, a := range r.statuses() {
					if cstatus(t, a.Status, "init1").RestartCount >= 3 {
						a := a
						at = &a
						break
					}
				}
				if at == nil {
					t.Fatalf("init1 never reached restartCount 3")
				}
				if at.At != 33*time.Second {
					t.Errorf("restartCount 3 at %v, want 33s (restarts at 1s, 12s, 33s: delays 0, 10s, 20s)", at.At)
				}
				for _, st := range []*v1.PodStatus{at.Status, r.final(t)} {
					wantPhase(t, st, v1.PodPending)
					wantCond(t, st, v1.PodInitialized, v1.ConditionFalse, "ContainersNotInitialized")
					if m := cond(t, st, v1.PodInitialized).Message; m != "containers with incomplete status: [init1 init2]" {
						t.Errorf("Initialized message = %q", m)
					}
					if n := len(st.InitContainerStatuses); n != 2 {
						t.Errorf("%d init container statuses, want 2", n)
					}
				}
				st := r.statusAt(t, 20*time.Second)
				if cs := cstatus(t, st, "init1"); waitingReason(cs) != "CrashLoopBackOff" || cs.LastTerminationState.Terminated == nil {
					t.Errorf("init1 at 20s: %s, want Waiting (CrashLoopBackOff) with a last termination", stateString(cs.State))
				}
				if r.rowAt(t, "Init:CrashLoopBackOff").At != 2*time.Second {
					t.Errorf("Init:CrashLoopBackOff first shown at %v, want 2s", r.rowAt(t, "Init:CrashLoopBackOff").At)
				}
			},
		},
	},
	"upstream/init-container-fails-restartnever.yaml": {
		{
			what:   "once Failed the sandbox is stopped and PodReadyToStartContainers is False",
			source: "pod_workers.go (SyncPod returns isTerminal → completeSync → SyncTerminatingPod → killPod → StopPodSandbox); status/generate.go GeneratePodReadyToStartContainersCondition",
			check:  func(t tb, r *run) { sandboxStoppedWhenTerminal(t, r) },
		},
		{
			what:   "Failed, Initialized False (ContainersNotInitialized, [init2]), run1 never started and still Waiting",
			source: "init_container.go \"should not start app containers and fail the pod if init containers fail on a RestartNever pod\" [Conformance]; docs/semantics.md §3.2, §8.5 (its first case)",
			check: func(t tb, r *run) {
				for _, a := range r.statuses() {
					wantWaiting(t, cstatus(t, a.Status, "run1"), "PodInitializing")
				}
				st := r.final(t)
				wantPhase(t, st, v1.PodFailed)
				wantCond(t, st, v1.PodInitialized, v1.ConditionFalse, "ContainersNotInitialized")
				if m := cond(t, st, v1.PodInitialized).Message; m != "containers with incomplete status: [init2]" {
					t.Errorf("Initialized message = %q", m)
				}
				if n := len(st.InitContainerStatuses); n != 2 {
					t.Errorf("%d init container statuses, want 2", n)
				}
				wantTerminated(t, cstatus(t, st, "init1"), 0, "Completed")
				wantTerminated(t, cstatus(t, st, "init2"), 1, "Error")
				if cs := cstatus(t, st, "init2"); cs.RestartCount != 0 {
					t.Errorf("init2 restartCount %d, want 0 (Never)", cs.RestartCount)
				}
				if st.ContainerStatuses[0].State.Waiting == nil {
					t.Errorf("run1 state %s, want Waiting", stateString(st.ContainerStatuses[0].State))
				}
				noStart(t, r, "run1")
				if got := r.statusColumn(); got[len(got)-1] != "Init:Error" {
					t.Errorf("final STATUS %q, want Init:Error", got[len(got)-1])
				}
			},
		},
	},
	"upstream/first-crash-restarts-immediately.yaml": {
		{
			what:   "restart 1 at once, restart 2 after 10s, restart 3 after 20s",
			source: "https://github.com/kubernetes/kubernetes/issues/133472; docs/semantics.md §4.5",
			check: func(t tb, r *run) {
				gaps := r.restartGaps("app")
				if len(gaps) < 3 || !equalSeq(gaps[:3], secs(0, 10, 20)) {
					t.Errorf("restart delays %v, want [0s 10s 20s ...]", gaps)
				}
				bo := r.first(t, model.ActBackOff, "app")
				if bo.At != 4*time.Second || bo.Delay != 10*time.Second || bo.Attempt != 1 {
					t.Errorf("first BackOff at %v delay %v attempt %d, want 4s, 10s, after instance 1", bo.At, bo.Delay, bo.Attempt)
				}
				st := r.statusAt(t, 2*time.Second)
				if cs := cstatus(t, st, "app"); cs.RestartCount != 1 || cs.State.Running == nil {
					t.Errorf("at 2s: %s restarts %d, want Running again with restartCount 1", stateString(cs.State), cs.RestartCount)
				}
			},
		},
	},
	"upstream/completed-container-crashloopbackoff.yaml": {
		{
			what:   "exit 0 under Always: restarted, then Waiting (CrashLoopBackOff) with last state Completed, pod Running",
			source: "https://github.com/kubernetes/kubernetes/issues/53125; docs/semantics.md §3.1, §4.3, §8.5",
			check: func(t tb, r *run) {
				st := r.statusAt(t, 5*time.Second) // exits at 1s and 2s; back-off until 12s
				cs := cstatus(t, st, "command-demo")
				wantWaiting(t, cs, "CrashLoopBackOff")
				if lt := cs.LastTerminationState.Terminated; lt == nil || lt.ExitCode != 0 || lt.Reason != "Completed" {
					t.Errorf("lastState %s, want Terminated (exit 0, Completed)", stateString(cs.LastTerminationState))
				}
				wantPhase(t, st, v1.PodRunning)
				for _, a := range r.of(model.ActContainerExited, "command-demo") {
					if a.ExitCode != 0 {
						t.Errorf("exit code %d at %v, want 0", a.ExitCode, a.At)
					}
				}
				if gaps := r.restartGaps("command-demo"); len(gaps) < 3 || !equalSeq(gaps[:3], secs(0, 10, 20)) {
					t.Errorf("restart delays %v, want [0s 10s 20s ...]: exit codes do not matter to the back-off", gaps)
				}
				if !strings.Contains(strings.Join(r.statusColumn(), " "), "Completed CrashLoopBackOff") {
					t.Errorf("STATUS column %v lacks Completed then CrashLoopBackOff", r.statusColumn())
				}
			},
		},
	},
	"upstream/prestop-no-second-grace-period.yaml": {
		{
			what:   "hanging preStop + ignored SIGTERM: hook abandoned at delete+60s, SIGKILL at +62s, not 2 x grace",
			source: "https://github.com/kubernetes/kubernetes/issues/115817 (and #117373); docs/semantics.md §6.7, §7.11",
			check: func(t tb, r *run) {
				t0, g := r.deletion(t)
				if t0 != 30*time.Second || g != 60 {
					t.Fatalf("delete at %v grace %d, want 30s grace 60", t0, g)
				}
				var ended model.Action
				for _, a := range r.of(model.ActHookEnded, "busybox") {
					if a.Hook == model.HookPreStop {
						ended = a
					}
				}
				if ended.At != t0+60*time.Second || ended.Result != model.ResultAbandoned {
					t.Errorf("preStop ended at %v (%s), want abandoned at %v", ended.At, ended.Result, t0+60*time.Second)
				}
				stop := r.first(t, model.ActStopSignal, "busybox")
				if stop.At != t0+60*time.Second || stop.Timeout != 2 {
					t.Errorf("stop signal at %v timeout %d, want %v timeout 2 (the floor)", stop.At, stop.Timeout, t0+60*time.Second)
				}
				kill := r.first(t, model.ActSIGKILL, "busybox")
				if kill.At != t0+62*time.Second {
					t.Errorf("SIGKILL at %v, want %v; the regression gave %v", kill.At, t0+62*time.Second, t0+120*time.Second)
				}
				ex := r.first(t, model.ActContainerExited, "busybox")
				if ex.ExitCode != 137 {
					t.Errorf("exit code %d, want 137", ex.ExitCode)
				}
				terminationBound(t, r)
				wantPhase(t, r.final(t), v1.PodFailed)
			},
		},
	},
	"upstream/force-delete-gives-node-one-second.yaml": {
		{
			what:   "force delete: the API object goes at once; preStop still gets 1 s, then the 2 s floor; SIGKILL at delete+3s",
			source: "pkg/kubelet/pod_workers.go calculateEffectiveGracePeriod (\"we always supply a grace period of 1\"); kuberuntime_container.go killContainer; found by the upstream kubelet adapter",
			check: func(t tb, r *run) {
				t0, g := r.deletion(t)
				if t0 != 10*time.Second || g != 0 {
					t.Fatalf("delete at %v grace %d, want a force delete at 10s", t0, g)
				}
				removed := r.first(t, model.ActPodRemoved, "")
				if removed.At != t0 {
					t.Errorf("pod removed at %v, want at once (%v)", removed.At, t0)
				}
				started := r.first(t, model.ActHookStarted, "app")
				if started.At != t0 || started.Hook != model.HookPreStop {
					t.Errorf("%s hook started at %v, want preStop at %v", started.Hook, started.At, t0)
				}
				ended := r.first(t, model.ActHookEnded, "app")
				if ended.At != t0+time.Second || ended.Result != model.ResultAbandoned {
					t.Errorf("preStop ended at %v (%s), want abandoned at %v: the node's 1 s", ended.At, ended.Result, t0+time.Second)
				}
				stop := r.first(t, model.ActStopSignal, "app")
				if stop.At != t0+time.Second || stop.Timeout != 2 {
					t.Errorf("stop signal at %v timeout %d, want %v timeout 2 (the floor)", stop.At, stop.Timeout, t0+time.Second)
				}
				kill := r.first(t, model.ActSIGKILL, "app")
				if kill.At != t0+3*time.Second {
					t.Errorf("SIGKILL at %v, want %v", kill.At, t0+3*time.Second)
				}
			},
		},
	},
	"upstream/shorter-grace-keeps-kill-in-progress.yaml": {
		{
			what:   "a shorter delete and a force delete during preStop change nothing on the node: the hook keeps its 30s, one stop signal at 40s, SIGKILL at 42s",
			source: "https://github.com/kubernetes/kubernetes/issues/127339; pkg/kubelet/kubelet.go SyncTerminatingPod (context.TODO(), TODO(#113606)); kuberuntime_container.go killContainer; found by the upstream kubelet adapter",
			check: func(t tb, r *run) {
				dels := r.of(model.ActDeleteRequested, "")
				if len(dels) != 3 {
					t.Fatalf("%d deletes, want 3", len(dels))
				}
				for k, want := range []struct {
					at    time.Duration
					grace int64
					force bool
				}{{10 * time.Second, 30, false}, {15 * time.Second, 5, false}, {20 * time.Second, 0, true}} {
					if d := dels[k]; d.At != want.at || d.Grace != want.grace || d.Force != want.force {
						t.Errorf("delete %d at %v grace %d force %v, want %v grace %d force %v", k, d.At, d.Grace, d.Force, want.at, want.grace, want.force)
					}
				}
				if removed := r.first(t, model.ActPodRemoved, ""); removed.At != 20*time.Second {
					t.Errorf("pod removed at %v, want at the force delete (20s)", removed.At)
				}
				hooks := r.of(model.ActHookStarted, "nginx")
				if len(hooks) != 1 || hooks[0].At != 10*time.Second {
					t.Fatalf("preStop started %d times (%v), want once at 10s", len(hooks), hooks)
				}
				ended := r.first(t, model.ActHookEnded, "nginx")
				if ended.At != 40*time.Second || ended.Result != model.ResultAbandoned {
					t.Errorf("preStop ended at %v (%s), want abandoned at 40s (10s + the 30s it started with; not 20s or 21s)", ended.At, ended.Result)
				}
				stops := r.of(model.ActStopSignal, "nginx")
				if len(stops) != 1 || stops[0].At != 40*time.Second || stops[0].Timeout != 2 {
					t.Errorf("stop signals %v, want one at 40s with timeout 2 (the floor)", stops)
				}
				kill := r.first(t, model.ActSIGKILL, "nginx")
				if kill.At != 42*time.Second {
					t.Errorf("SIGKILL at %v, want 42s", kill.At)
				}
				if sb := r.first(t, model.ActSandboxStopped, ""); sb.At != 42*time.Second {
					t.Errorf("sandbox stopped at %v, want 42s", sb.At)
				}
			},
		},
	},
	"upstream/delete-waits-for-poststart.yaml": {
		{
			what:   "a delete during postStart waits for the hook and the rest of the sync (helper starts at 60s); the termination then uses the 10s in force, not 30s from the first delete",
			source: "https://github.com/kubernetes/kubernetes/issues/116032; pkg/kubelet/kubelet.go SyncPod (context.WithoutCancel, TODO(#113606)); pkg/kubelet/pod_workers.go calculateEffectiveGracePeriod; found by the upstream kubelet adapter",
			check: func(t tb, r *run) {
				t0, g := r.deletion(t)
				if t0 != 10*time.Second || g != 30 {
					t.Fatalf("first delete at %v grace %d, want 10s grace 30", t0, g)
				}
				ended := r.first(t, model.ActHookEnded, "reproducer")
				if ended.Hook != model.HookPostStart || ended.At != time.Minute || ended.Result != model.ResultOK {
					t.Errorf("%s hook ended at %v (%s), want postStart ok at 1m0s: the delete does not cancel it", ended.Hook, ended.At, ended.Result)
				}
				for _, k := range []model.ActionKind{model.ActContainerCreated, model.ActContainerStarted} {
					if a := r.first(t, k, "helper"); a.At != time.Minute {
						t.Errorf("helper %s at %v, want 1m0s: the sync goes on with its plan", k, a.At)
					}
				}
				for _, c := range []string{"reproducer", "helper"} {
					stops := r.of(model.ActStopSignal, c)
					if len(stops) != 1 || stops[0].At != time.Minute || stops[0].Timeout != 10 {
						t.Errorf("%s stop signals %v, want one at 1m0s with timeout 10 (the grace in force when the termination began)", c, stops)
					}
				}
				if kill := r.first(t, model.ActSIGKILL, "helper"); kill.At != 70*time.Second {
					t.Errorf("helper SIGKILL at %v, want 1m10s", kill.At)
				}
				if n := len(r.of(model.ActSIGKILL, "reproducer")); n != 0 {
					t.Errorf("reproducer got SIGKILL %d times, want none: it exits on SIGTERM", n)
				}
				if removed := r.first(t, model.ActPodRemoved, ""); removed.At != 70*time.Second {
					t.Errorf("pod removed at %v, want 1m10s (not by 10s + 30s + 2s)", removed.At)
				}
				wantPhase(t, r.final(t), v1.PodFailed)
			},
		},
	},
	"upstream/readiness-during-termination.yaml": {
		{
			what:   "readiness keeps probing after the delete; the pod turns unready at 61s while still running",
			source: "https://github.com/kubernetes/kubernetes/issues/110309; docs/semantics.md §5.12; kubernetes/website#49476 (a terminating pod stays Ready until its probe says otherwise)",
			check: func(t tb, r *run) {
				t0, _ := r.deletion(t)
				exit := r.first(t, model.ActContainerExited, "bash")
				n := 0
				for _, a := range r.of(model.ActProbeResult, "bash") {
					if a.Probe != model.Readiness {
						t.Errorf("%s probe at %v: the pod has only a readiness probe", a.Probe, a.At)
					}
					if a.At > t0 && a.At < exit.At {
						n++
					}
				}
				if n < 5 {
					t.Errorf("%d readiness probes between the delete (%v) and the exit (%v), want them to keep running every 2s", n, t0, exit.At)
				}
				st := r.statusAt(t, t0)
				wantCond(t, st, v1.PodReady, v1.ConditionTrue, "")
				st = r.statusAt(t, t0+time.Second)
				wantCond(t, st, v1.PodReady, v1.ConditionFalse, "ContainersNotReady")
				wantCond(t, st, v1.ContainersReady, v1.ConditionFalse, "ContainersNotReady")
				if cs := cstatus(t, st, "bash"); cs.State.Running == nil || cs.Ready {
					t.Errorf("at %v bash %s ready=%v, want Running and not ready", t0+time.Second, stateString(cs.State), cs.Ready)
				}
				wantPhase(t, st, v1.PodRunning)
				if row := r.rows[len(r.rows)-2]; row.Status != "Terminating" || row.Ready != "0/1" {
					t.Errorf("row before the end: %s %s, want 0/1 Terminating", row.Ready, row.Status)
				}
				if exit.At != t0+20*time.Second || exit.ExitCode != 0 {
					t.Errorf("exit at %v code %d, want %v code 0", exit.At, exit.ExitCode, t0+20*time.Second)
				}
				wantPhase(t, r.final(t), v1.PodSucceeded)
				terminationBound(t, r)
			},
		},
	},
	"upstream/readiness-gates.yaml": {
		{
			what:   "Running but not Ready until both gates' conditions are True (at 20s, not at 10s); not Ready again once one is False (at 30s); the containers stay ready throughout",
			source: `test/e2e/common/node/pods.go "should support pod readiness gates" (v1.36.3); pkg/kubelet/status/generate.go GeneratePodReadyCondition; docs/semantics.md §9.8`,
			check: func(t tb, r *run) {
				ready := func(at time.Duration) *v1.PodCondition {
					st := r.statusAt(t, at)
					if st.Phase != v1.PodRunning || !st.ContainerStatuses[0].Ready {
						t.Errorf("at %v: phase %s, container ready %v: want Running, ready", at, st.Phase, st.ContainerStatuses[0].Ready)
					}
					return cond(t, st, v1.PodReady)
				}
				for _, w := range []struct {
					at     time.Duration
					status v1.ConditionStatus
					msg    string
				}{
					{5 * time.Second, v1.ConditionFalse, `corresponding condition of pod readiness gate "k8s.io/test-condition1" does not exist., corresponding condition of pod readiness gate "k8s.io/test-condition2" does not exist.`},
					{15 * time.Second, v1.ConditionFalse, `corresponding condition of pod readiness gate "k8s.io/test-condition2" does not exist.`},
					{20 * time.Second, v1.ConditionTrue, ""},
					{30 * time.Second, v1.ConditionFalse, `the status of pod readiness gate "k8s.io/test-condition1" is not "True", but False`},
				} {
					c := ready(w.at)
					if c.Status != w.status || c.Message != w.msg {
						t.Errorf("Ready at %v: %s %q, want %s %q", w.at, c.Status, c.Message, w.status, w.msg)
					}
					if w.status == v1.ConditionFalse && c.Reason != model.ReasonReadinessGatesNotReady {
						t.Errorf("Ready at %v: reason %q, want %s", w.at, c.Reason, model.ReasonReadinessGatesNotReady)
					}
				}
			},
		},
	},
	"upstream/readiness-result-reads-old-gates.yaml": {
		{
			what:   "at 15s the readiness success first shows Ready False (ReadinessGatesNotReady: the gate's condition does not exist) beside the API's True condition, then, in the same instant, Ready True",
			source: "pkg/kubelet/status/status_manager.go SetContainerReadiness (GeneratePodReadyCondition over its own copy's conditions); seen on the local real node, docs/upstream-differences.md section 2.35",
			check: func(t tb, r *run) {
				var at15 []*v1.PodStatus
				for _, a := range r.statuses() {
					if a.At == 15*time.Second {
						at15 = append(at15, a.Status)
					}
				}
				if len(at15) != 2 {
					t.Fatalf("%d statuses at 15s, want 2 (the patch, then the sync's)", len(at15))
				}
				gate := cond(t, at15[0], "example.com/load-balancer").Status
				first, second := cond(t, at15[0], v1.PodReady), cond(t, at15[1], v1.PodReady)
				if gate != v1.ConditionTrue || first.Status != v1.ConditionFalse || first.Reason != model.ReasonReadinessGatesNotReady ||
					first.Message != `corresponding condition of pod readiness gate "example.com/load-balancer" does not exist.` {
					t.Errorf("first status at 15s: gate %q, Ready %s %s %q", gate, first.Status, first.Reason, first.Message)
				}
				if !at15[0].ContainerStatuses[0].Ready {
					t.Errorf("first status at 15s: the container is not ready")
				}
				if second.Status != v1.ConditionTrue {
					t.Errorf("second status at 15s: Ready %s %s, want True", second.Status, second.Reason)
				}
			},
		},
	},
	"upstream/exec-readiness-during-termination.yaml": {
		{
			what:   "after the delete the exec readiness probe gives no result (the pod worker's context it runs on is cancelled), and the terminating pod stays Ready until its container exits at 81s",
			source: "https://github.com/kubernetes/kubernetes/issues/140881; pkg/kubelet/pod_workers.go UpdatePod (cancelFn); pkg/kubelet/prober/prober_manager.go AddPod (go w.run(ctx)); pkg/kubelet/prober/worker.go doProbe (an errored probe's result is dropped); docs/upstream-differences.md section 3.12",
			check: func(t tb, r *run) {
				t0, _ := r.deletion(t)
				exit := r.first(t, model.ActContainerExited, "bash")
				before := 0
				for _, a := range r.of(model.ActProbeResult, "bash") {
					if a.At > t0 {
						t.Errorf("%s probe result %s at %v, after the delete at %v: an exec probe errors on the cancelled context", a.Probe, a.Result, a.At, t0)
					} else {
						before++
					}
				}
				if before == 0 {
					t.Errorf("no readiness result before the delete")
				}
				for _, at := range []time.Duration{t0, t0 + time.Second, exit.At - time.Second} {
					st := r.statusAt(t, at)
					wantCond(t, st, v1.PodReady, v1.ConditionTrue, "")
					if cs := cstatus(t, st, "bash"); cs.State.Running == nil || !cs.Ready {
						t.Errorf("at %v bash %s ready=%v, want Running and ready", at, stateString(cs.State), cs.Ready)
					}
				}
				if exit.At != t0+20*time.Second || exit.ExitCode != 0 {
					t.Errorf("exit at %v code %d, want %v code 0", exit.At, exit.ExitCode, t0+20*time.Second)
				}
				wantPhase(t, r.final(t), v1.PodSucceeded)
				terminationBound(t, r)
			},
		},
	},
	"upstream/liveness-probe-grace-override.yaml": {
		{
			what:   "no status shows a liveness-killed instance as the current state; Ready stays True across restarts",
			source: "kubelet.go SyncPod (status generated before kuberuntime SyncPod kills and restarts); kubernetes/kubernetes#99697",
			check: func(t tb, r *run) {
				noKilledInstanceShown(t, r, "app")
				if lt := cond(t, r.final(t), v1.PodReady).LastTransitionTime.Time; r.sinceEpoch(lt) != 0 {
					t.Errorf("Ready last changed at %v, want 0s (never False after the start)", r.sinceEpoch(lt))
				}
			},
		},
		{
			what:   "the liveness kill uses the probe's 5s grace for preStop and the stop: SIGKILL 7s after the kill began",
			source: "https://github.com/kubernetes/kubernetes/issues/92432 (analogue); setTerminationGracePeriod in kuberuntime_container.go (KEP-2238); docs/semantics.md §5.9, §7.2",
			check: func(t tb, r *run) {
				hs := r.first(t, model.ActHookStarted, "app")
				if hs.Hook != model.HookPreStop || hs.At != 30*time.Second {
					t.Errorf("first hook %s at %v, want preStop at 30s (third liveness failure)", hs.Hook, hs.At)
				}
				var he model.Action
				for _, a := range r.of(model.ActHookEnded, "app") {
					if a.Attempt == 0 && a.Hook == model.HookPreStop {
						he = a
					}
				}
				if he.At != 35*time.Second || he.Result != model.ResultAbandoned {
					t.Errorf("preStop ended at %v (%s), want abandoned at 35s (probe grace 5s, not the pod's 60s)", he.At, he.Result)
				}
				for _, a := range r.of(model.ActStopSignal, "app") {
					if a.Timeout != 2 {
						t.Errorf("stop signal at %v with timeout %d, want 2 (5s grace used up by preStop, then the floor)", a.At, a.Timeout)
					}
				}
				kill := r.first(t, model.ActSIGKILL, "app")
				if kill.At != 37*time.Second {
					t.Errorf("SIGKILL at %v, want 37s; with the pod's grace it would be 92s", kill.At)
				}
				if ex := r.first(t, model.ActContainerExited, "app"); ex.ExitCode != 137 || ex.At != 37*time.Second {
					t.Errorf("exit %d at %v, want 137 at 37s", ex.ExitCode, ex.At)
				}
				if g := r.restartGaps("app"); len(g) == 0 || g[0] != 0 {
					t.Errorf("restart delays %v, want the first to be 0", g)
				}
			},
		},
	},
	"upstream/sidecar-exit-zero-shows-terminated.yaml": {
		{
			what:   "a sidecar that exits 0 is backed off (0s, 10s, 20s, ...) but shows Terminated (Completed, 0) while it waits, never CrashLoopBackOff",
			source: "pkg/kubelet/kubelet_pods.go convertToAPIContainerStatuses (init containers that exited 0 skip the reason cache); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				// (The last scripted attempt repeats: the loop goes on.)
				if got, want := r.restartGaps("proxy"), secs(0, 10, 20); len(got) < 3 || !equalSeq(got[:3], want) {
					t.Errorf("proxy restart delays %v, want them to begin %v", got, want)
				}
				// Second exit at 10s, back-off until 20s.
				cs := cstatus(t, r.statusAt(t, 15*time.Second), "proxy")
				wantTerminated(t, cs, 0, "Completed")
				for _, a := range r.of(model.ActStatus, "") {
					for _, c := range a.Status.InitContainerStatuses {
						if w := c.State.Waiting; w != nil && w.Reason == model.ReasonCrashLoopBackOff {
							t.Errorf("at %v: %s shows CrashLoopBackOff", a.At, c.Name)
						}
					}
				}
			},
		},
	},
	"upstream/tcpsocket-hooks-fail.yaml": {
		{
			what:   "a tcpSocket postStart fails the instant it starts (the script's 20s success is unused): FailedPostStartHook stops web with the pod's 30s in the same sync, before worker starts; Always restarts it at once, then after 10s and 20s",
			source: "pkg/kubelet/lifecycle/handlers.go handlerRunner.Run (default case: \"invalid handler\"); k8s.io/api core/v1 LifecycleHandler.TCPSocket (\"lifecycle hooks will fail at runtime when it is specified\"); kuberuntime_container.go startContainer (FailedPostStartHook, killContainer); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				if got, want := r.restartGaps("web"), secs(0, 10, 20); !equalSeq(got, want) {
					t.Errorf("web restart delays %v, want %v", got, want)
				}
				started := r.of(model.ActHookStarted, "web")
				ended := r.of(model.ActHookEnded, "web")
				stops := r.of(model.ActStopSignal, "web")
				if len(started) != 4 || len(ended) != 4 || len(stops) != 4 {
					t.Fatalf("web: %d hooks started, %d ended, %d stop signals; want 4 of each (instances at 0s, 0s, 10s, 30s)", len(started), len(ended), len(stops))
				}
				for k := range started {
					hs, he, st := started[k], ended[k], stops[k]
					if hs.Hook != model.HookPostStart || he.Hook != model.HookPostStart || he.Attempt != hs.Attempt || he.At != hs.At || he.Result != model.ResultFailed {
						t.Errorf("web#%d: %s hook started at %v, %s ended at %v (%s); want postStart failed in the same instant", hs.Attempt, hs.Hook, hs.At, he.Hook, he.At, he.Result)
					}
					if st.Attempt != hs.Attempt || st.At != hs.At || st.Timeout != 30 {
						t.Errorf("web#%d: stop signal at %v timeout %d, want at %v timeout 30 (the pod's grace)", st.Attempt, st.At, st.Timeout, hs.At)
					}
				}
				if ws, we := r.index(model.ActContainerStarted, "worker"), r.index(model.ActContainerExited, "web"); ws < we {
					t.Errorf("worker started (action %d) before web#0 exited (action %d): the kill is part of web's start", ws, we)
				}
				for _, a := range r.statuses() {
					cs := cstatus(t, a.Status, "web")
					if cs.State.Running != nil || isTrue(cs.Started) || cs.Ready {
						t.Errorf("at %v web is %s started=%v ready=%v; its postStart never succeeds", a.At, stateString(cs.State), isTrue(cs.Started), cs.Ready)
					}
				}
				st := r.statusAt(t, 44*time.Second)
				if cs := cstatus(t, st, "web"); waitingReason(cs) != "CrashLoopBackOff" || cs.RestartCount != 3 {
					t.Errorf("at 44s web is %s with %d restarts, want Waiting (CrashLoopBackOff) with 3", stateString(cs.State), cs.RestartCount)
				}
				seen := false
				for _, a := range r.statuses() {
					if cs := cstatus(t, a.Status, "web"); a.At == 0 && waitingReason(cs) == "PostStartHookError" && cs.RestartCount == 0 {
						seen = true
					}
				}
				if !seen {
					t.Errorf("no status at 0s shows web#0 Waiting (PostStartHookError): the reason cache holds it until the next start attempt")
				}
			},
		},
		{
			what:   "a tcpSocket preStop fails at the delete (45s), the script's 20s unused: the stop signal follows at once with the whole 30s; the status at the delete shows web Terminated, not CrashLoopBackOff; the pod is gone at 50s",
			source: "pkg/kubelet/lifecycle/handlers.go handlerRunner.Run; kuberuntime_container.go executePreStopHook (FailedPreStopHook; returns the seconds used) and killContainer; kubelet_pods.go convertToAPIContainerStatuses (ShouldContainerBeRestarted is false once the pod has a deletion timestamp); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				t0, g := r.deletion(t)
				if t0 != 45*time.Second || g != 30 {
					t.Fatalf("delete at %v grace %d, want 45s grace 30", t0, g)
				}
				hs, he := r.first(t, model.ActHookStarted, "worker"), r.first(t, model.ActHookEnded, "worker")
				if hs.Hook != model.HookPreStop || hs.At != t0 || he.Hook != model.HookPreStop || he.At != t0 || he.Result != model.ResultFailed {
					t.Errorf("worker: %s started at %v, %s ended at %v (%s); want preStop started and failed at %v", hs.Hook, hs.At, he.Hook, he.At, he.Result, t0)
				}
				stops := r.of(model.ActStopSignal, "worker")
				if len(stops) != 1 || stops[0].At != t0 || stops[0].Timeout != 30 {
					t.Errorf("worker stop signals %v, want one at %v with timeout 30 (the hook used no time)", stops, t0)
				}
				if ex := r.first(t, model.ActContainerExited, "worker"); ex.At != 50*time.Second || ex.ExitCode != 0 {
					t.Errorf("worker exit %d at %v, want 0 at 50s", ex.ExitCode, ex.At)
				}
				if n := len(r.of(model.ActSIGKILL, "")); n != 0 {
					t.Errorf("%d SIGKILLs, want none", n)
				}
				if starts := r.of(model.ActContainerStarted, "web"); starts[len(starts)-1].At > t0 {
					t.Errorf("web started at %v, after the delete", starts[len(starts)-1].At)
				}
				st := r.statusAt(t, t0)
				wantPhase(t, st, v1.PodRunning)
				wantTerminated(t, cstatus(t, st, "web"), 0, "Completed")
				if removed := r.first(t, model.ActPodRemoved, ""); removed.At != 50*time.Second {
					t.Errorf("pod removed at %v, want 50s", removed.At)
				}
				wantPhase(t, r.final(t), v1.PodSucceeded)
				terminationBound(t, r)
			},
		},
	},
	"upstream/restart-keeps-started-flag.yaml": {
		{
			what:   "app#1, restarted in the sync that killed app#0 at 14s, shows started=true and ready=true at 14s; the startup worker's tick at 20s, with no action, turns it started=false, ready=false; its startup probe succeeds at 30s",
			source: "pkg/kubelet/kubelet_pods.go convertToAPIContainerStatuses (copies the old Started flag while ChangeContainerStatusOnKubeletRestart is off); pkg/kubelet/prober/prober_manager.go isContainerStarted; pkg/kubelet/prober/worker.go doProbe (a new container ID gets the initial value); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				if a := r.first(t, model.ActProbeResult, "app"); a.Probe != model.Startup || a.At != 10*time.Second || a.Result != model.ResultSuccess {
					t.Errorf("first probe result %s %s at %v, want startup success at 10s", a.Probe, a.Result, a.At)
				}
				stop := r.first(t, model.ActStopSignal, "app")
				if stop.At != 14*time.Second || stop.Attempt != 0 {
					t.Errorf("stop signal of app#%d at %v, want app#0 at 14s (liveness failure)", stop.Attempt, stop.At)
				}
				starts := r.of(model.ActContainerStarted, "app")
				if len(starts) != 2 || starts[1].At != 14*time.Second {
					t.Fatalf("app started %d times (%v), want twice, the second at 14s", len(starts), starts)
				}
				for _, w := range []struct {
					at             time.Duration
					started, ready bool
					podReady       v1.ConditionStatus
				}{
					{14 * time.Second, true, true, v1.ConditionTrue},
					{20 * time.Second, false, false, v1.ConditionFalse},
					{30 * time.Second, true, true, v1.ConditionTrue},
				} {
					var st *v1.PodStatus
					for _, a := range r.statuses() {
						if a.At == w.at {
							st = a.Status
						}
					}
					if st == nil {
						t.Errorf("no status at %v", w.at)
						continue
					}
					cs := cstatus(t, st, "app")
					if cs.State.Running == nil || cs.RestartCount != 1 || isTrue(cs.Started) != w.started || cs.Ready != w.ready {
						t.Errorf("at %v app is %s, %d restarts, started=%v ready=%v; want Running, 1 restart, started=%v ready=%v", w.at, stateString(cs.State), cs.RestartCount, isTrue(cs.Started), cs.Ready, w.started, w.ready)
					}
					wantCond(t, st, v1.PodReady, w.podReady, "-")
				}
				for _, a := range r.acts {
					if a.At > 14*time.Second && a.At < 30*time.Second && a.Kind != model.ActStatus {
						t.Errorf("%s of %s at %v: between the restart and the startup success only statuses change (no probe runs: app#1 shows not started from 20s)", a.Kind, a.Container, a.At)
					}
				}
				if a := r.statusAt(t, 29*time.Second); isTrue(cstatus(t, a, "app").Started) {
					t.Errorf("app started at 29s, want not started from 20s until 30s")
				}
				for _, a := range r.of(model.ActProbeResult, "app") {
					if a.Probe == model.Startup && a.Attempt == 1 && (a.At != 30*time.Second || a.Result != model.ResultSuccess) {
						t.Errorf("app#1 startup %s at %v, want one success at 30s", a.Result, a.At)
					}
				}
			},
		},
	},
	"upstream/startup-result-while-busy-patches-status.yaml": {
		{
			what:   "side-b's startup Success at 20s, while side-a's preStop keeps the pod worker busy and side-b is being stopped, changes only side-b's started flag in the last status: started=true, ready=false, Initialized still False",
			source: "pkg/kubelet/status/status_manager.go SetContainerStartup; pkg/kubelet/prober/prober_manager.go StopLivenessAndStartup (app containers only); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				t0, g := r.deletion(t)
				if t0 != 10*time.Second || g != 30 {
					t.Fatalf("delete at %v grace %d, want 10s grace 30", t0, g)
				}
				if hs := r.first(t, model.ActHookStarted, "side-a"); hs.Hook != model.HookPreStop || hs.At != t0 {
					t.Errorf("side-a %s hook at %v, want preStop at 10s", hs.Hook, hs.At)
				}
				if he := r.first(t, model.ActHookEnded, "side-a"); he.At != 40*time.Second {
					t.Errorf("side-a preStop ended at %v, want 40s: the pod worker is busy until then", he.At)
				}
				if ss := r.first(t, model.ActStopSignal, "side-b"); ss.At != t0 {
					t.Errorf("side-b's stop signal at %v, want 10s", ss.At)
				}
				if ex := r.first(t, model.ActContainerExited, "side-b"); ex.At != 35*time.Second || ex.ExitCode != 0 {
					t.Errorf("side-b exit %d at %v, want 0 at 35s", ex.ExitCode, ex.At)
				}
				if pr := r.first(t, model.ActProbeResult, "side-b"); pr.Probe != model.Startup || pr.At != 20*time.Second || pr.Result != model.ResultSuccess {
					t.Errorf("side-b's first probe result %s %s at %v, want startup success at 20s", pr.Probe, pr.Result, pr.At)
				}
				before := r.statusAt(t, 19*time.Second)
				if cs := cstatus(t, before, "side-b"); cs.State.Running == nil || isTrue(cs.Started) {
					t.Errorf("before 20s side-b is %s started=%v, want Running, not started", stateString(cs.State), isTrue(cs.Started))
				}
				var at20 *v1.PodStatus
				for _, a := range r.statuses() {
					if a.At > 10*time.Second && a.At < 40*time.Second {
						if a.At != 20*time.Second || at20 != nil {
							t.Errorf("status at %v, want one status between the delete and the end, at 20s", a.At)
						}
						at20 = a.Status
					}
				}
				if at20 == nil {
					t.Fatalf("no status at 20s")
				}
				cs := cstatus(t, at20, "side-b")
				if cs.State.Running == nil || !isTrue(cs.Started) || cs.Ready {
					t.Errorf("at 20s side-b is %s started=%v ready=%v, want Running, started, not ready (a generation would make it ready)", stateString(cs.State), isTrue(cs.Started), cs.Ready)
				}
				wantCond(t, at20, v1.PodInitialized, v1.ConditionFalse, model.ReasonContainersNotInitialized)
				want := before.DeepCopy()
				started := true
				cstatus(t, want, "side-b").Started = &started
				if !equality.Semantic.DeepEqual(want, at20) {
					t.Errorf("the status at 20s is not the one before it with only side-b's started flag set:\nbefore: %+v\nat 20s: %+v", before, at20)
				}
			},
		},
	},
	"upstream/terminate-pod-keeps-last-state.yaml": {
		{
			what:   "proxy, in CrashLoopBackOff when app's exit at 30s ends the pod, ends Terminated (137, ContainerStatusUnknown) with lastState still Terminated (1, Error, finished at 25s) and 2 restarts",
			source: "pkg/kubelet/status/status_manager.go TerminatePod (replaces the state of containers that are not terminated, nothing else); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				if got, want := r.restartGaps("proxy"), secs(0, 10); !equalSeq(got, want) {
					t.Errorf("proxy restart delays %v, want %v", got, want)
				}
				bo := r.of(model.ActBackOff, "proxy")
				if len(bo) == 0 || bo[len(bo)-1].At != 25*time.Second || bo[len(bo)-1].Delay != 20*time.Second {
					t.Errorf("proxy back-offs %v, want the last at 25s with delay 20s", bo)
				}
				cs := cstatus(t, r.statusAt(t, 29*time.Second), "proxy")
				wantWaiting(t, cs, model.ReasonCrashLoopBackOff)
				if ex := r.first(t, model.ActContainerExited, "app"); ex.At != 30*time.Second || ex.ExitCode != 1 {
					t.Errorf("app exit %d at %v, want 1 at 30s", ex.ExitCode, ex.At)
				}
				st := r.final(t)
				wantPhase(t, st, v1.PodFailed)
				cs = cstatus(t, st, "proxy")
				wantTerminated(t, cs, 137, model.ReasonStatusUnknown)
				lt := cs.LastTerminationState.Terminated
				if lt == nil || lt.ExitCode != 1 || lt.Reason != "Error" || r.sinceEpoch(lt.FinishedAt.Time) != 25*time.Second {
					t.Errorf("proxy lastState %+v, want Terminated (1, Error) finished at 25s", cs.LastTerminationState)
				}
				if cs.RestartCount != 2 {
					t.Errorf("proxy restartCount %d, want 2", cs.RestartCount)
				}
				wantTerminated(t, cstatus(t, st, "app"), 1, "Error")
			},
		},
	},
	"upstream/back-off-reported-when-refused.yaml": {
		{
			what:   "the sync at 4.5s refuses a's restart (BackOff at 4.5s, delay 10s, until 12s) before it starts b#1 and runs b's postStart hook until 6.5s; a restarts at 12s",
			source: "pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff (the refusal and its BackOffStartContainer event happen in the middle of SyncPod) and SyncPod (startContainer runs postStart synchronously); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				bo := r.of(model.ActBackOff, "a")
				if len(bo) == 0 || bo[0].At != 4500*time.Millisecond || bo[0].Delay != 10*time.Second || bo[0].Wait != 7500*time.Millisecond {
					t.Errorf("a's back-offs %v, want the first at 4.5s with delay 10s and wait 7.5s", bo)
				}
				if st := r.of(model.ActContainerStarted, "b"); len(st) != 2 || st[1].At != 4500*time.Millisecond {
					t.Errorf("b starts %v, want the second at 4.5s", st)
				}
				if st := r.of(model.ActContainerStarted, "a"); len(st) < 3 || st[2].At != 12*time.Second {
					t.Errorf("a starts %v, want the third at 12s", st)
				}
			},
		},
	},
	"upstream/terminated-pod-status-final.yaml": {
		{
			what:   "after the final status at 30s (proxy Terminated (137, ContainerStatusUnknown)) no status follows: the delete at 60s only removes the pod",
			source: "pkg/kubelet/kubelet.go SyncTerminatedPod (the last status generation); pkg/kubelet/pod_workers.go (no sync of a terminated pod); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				ss := r.statuses()
				if len(ss) == 0 || ss[len(ss)-1].At != 30*time.Second {
					t.Fatalf("the last status is not at 30s: %d statuses", len(ss))
				}
				st := r.final(t)
				wantPhase(t, st, v1.PodFailed)
				wantTerminated(t, cstatus(t, st, "proxy"), 137, model.ReasonStatusUnknown)
				if rm := r.first(t, model.ActPodRemoved, ""); rm.At != 60*time.Second {
					t.Errorf("pod removed at %v, want 60s", rm.At)
				}
			},
		},
	},
	"upstream/pruned-init-container-last-state.yaml": {
		{
			what:   "setup, pruned to its second instance, shows CrashLoopBackOff with lastState setup#1 at 2s; after the delete at 5s it ends Terminated (1, Error) of setup#1 with lastState setup#1 again, not setup#0",
			source: "pkg/kubelet/kuberuntime/kuberuntime_container.go pruneInitContainersBeforeStart; pkg/kubelet/kubelet_pods.go convertToAPIContainerStatuses (lastState from the old status when the runtime has one instance); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				cs := cstatus(t, r.statusAt(t, 4*time.Second), "setup")
				wantWaiting(t, cs, model.ReasonCrashLoopBackOff)
				id := cs.ContainerID
				st := r.final(t)
				cs = cstatus(t, st, "setup")
				wantTerminated(t, cs, 1, "Error")
				lt := cs.LastTerminationState.Terminated
				if cs.ContainerID != id || lt == nil || lt.ContainerID != id || lt.ExitCode != 1 {
					t.Errorf("setup ends as %s with lastState %+v; want lastState the same instance %s (exit 1)", cs.ContainerID, cs.LastTerminationState, id)
				}
			},
		},
	},
	"upstream/sandbox-recreated-after-kill-pod.yaml": {
		{
			what:   "after the KillPod at 10s the sandbox is created again at once; proxy#1 (the creating sync), then logger#0 again and app#1 start at 10s; logger ends with restartCount 1",
			source: "pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions (createPodSandbox branch), SyncPod, purgeInitContainers; pkg/kubelet/kuberuntime/kuberuntime_container.go startContainer (attempt from the sync's pod status); pkg/kubelet/kubelet_pods.go convertContainerStatus; checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				var got []string
				for _, a := range r.acts {
					switch a.Kind {
					case model.ActSandboxCreated, model.ActSandboxStopped, model.ActContainerStarted:
						got = append(got, fmt.Sprintf("%v %s %s#%d", a.At, a.Kind, a.Container, a.Attempt))
					}
				}
				want := []string{
					"0s SandboxCreated #0", "0s ContainerStarted proxy#0", "0s ContainerStarted logger#0", "0s ContainerStarted app#0",
					"10s SandboxStopped #0", "10s SandboxCreated #0",
					"10s ContainerStarted proxy#1", "10s ContainerStarted logger#0", "10s ContainerStarted app#1",
					"30s SandboxStopped #0",
				}
				if !equalSeq(got, want) {
					t.Errorf("sandbox and start actions = %v, want %v", got, want)
				}
				st := r.final(t)
				if cs := cstatus(t, st, "logger"); cs.RestartCount != 1 {
					t.Errorf("logger ends with restartCount %d, want 1", cs.RestartCount)
				}
				if cs := cstatus(t, st, "app"); cs.RestartCount != 1 {
					t.Errorf("app ends with restartCount %d, want 1", cs.RestartCount)
				}
			},
		},
	},
	"upstream/init-container-rerun-status-refused.yaml": {
		{
			what:   "from init#0's second start at 25s until it exits 0 at 45s no status is published; the status in force shows side#1 running and init's first instance terminated; side#2 (started at 35s) is first probed, and ready, at 45s",
			source: "pkg/kubelet/status/status_manager.go checkContainerStateTransition (updateStatusInternal); pkg/kubelet/prober/worker.go doProbe (reads the status manager's copy); pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions (createPodSandbox); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				for _, a := range r.statuses() {
					if a.At > 25*time.Second && a.At < 45*time.Second {
						t.Errorf("status published at %v, while init runs again", a.At)
					}
				}
				st := r.statusAt(t, 44*time.Second)
				if cs := cstatus(t, st, "init"); cs.State.Terminated == nil || cs.State.Terminated.ExitCode != 0 {
					t.Errorf("at 44s init shows %+v, want its first instance terminated with 0", cs.State)
				}
				if cs := cstatus(t, st, "side"); cs.State.Running == nil || !strings.HasSuffix(cs.ContainerID, "/1") {
					t.Errorf("at 44s side shows %s %+v, want side#1 running", cs.ContainerID, cs.State)
				}
				var probes []time.Duration
				for _, a := range r.of(model.ActProbeResult, "side") {
					if a.Attempt == 2 {
						probes = append(probes, a.At)
					}
				}
				if len(probes) == 0 || probes[0] != 45*time.Second {
					t.Errorf("side#2's readiness results at %v, want the first at 45s", probes)
				}
				if cs := cstatus(t, r.statusAt(t, 45*time.Second), "side"); !cs.Ready {
					t.Errorf("side not ready at 45s")
				}
			},
		},
	},
	"upstream/initial-delay-from-whole-second-start.yaml": {
		{
			what:   "app starts at 0.5s; its first liveness probe (initialDelaySeconds 5, periodSeconds 1) is at 5s, not 6s",
			source: "pkg/kubelet/prober/worker.go doProbe (the initial delay from the status's startedAt); pkg/kubelet/status/status_manager.go normalizeStatus (timestamps in whole seconds); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				if st := r.first(t, model.ActContainerStarted, "app"); st.At != 500*time.Millisecond {
					t.Errorf("app started at %v, want 500ms", st.At)
				}
				if p := r.first(t, model.ActProbeResult, "app"); p.At != 5*time.Second {
					t.Errorf("app's first probe at %v, want 5s", p.At)
				}
				wantPhase(t, r.final(t), v1.PodSucceeded)
			},
		},
	},
	"upstream/two-kills-either-order.yaml": {
		{
			what:   "the sync at 30s kills both containers one after another: a Choice at 30s between alpha and beta; alpha first by default, beta first when the other option is taken; both restart at 40s",
			source: "pkg/kubelet/kuberuntime/kuberuntime_manager.go SyncPod Step 3 (range over the ContainersToKill map); docs/upstream-differences.md 2.32; both orders seen from the upstream kubelet adapter",
			check: func(t tb, r *run) {
				kills := func(acts []model.Action) []string {
					var got []string
					for _, a := range acts {
						switch a.Kind {
						case model.ActHookStarted, model.ActStopSignal, model.ActContainerStarted:
							got = append(got, fmt.Sprintf("%v %s %s#%d", a.At, a.Kind, a.Container, a.Attempt))
						}
					}
					return got
				}
				order := func(first, second string) []string {
					return []string{
						"0s ContainerStarted alpha#0", "0s ContainerStarted beta#0",
						"30s HookStarted " + first + "#0", "35s StopSignal " + first + "#0",
						"35s HookStarted " + second + "#0", "40s StopSignal " + second + "#0",
						"40s ContainerStarted alpha#1", "40s ContainerStarted beta#1",
					}
				}
				if got, want := kills(r.acts), order("alpha", "beta"); !equalSeq(got, want) {
					t.Errorf("default order: %v, want %v", got, want)
				}
				sim, err := model.NewSimChoosing(r.sc, 10*time.Minute, 0, []int{1})
				if err != nil {
					t.Fatalf("NewSimChoosing: %v", err)
				}
				other := append([]model.Action(nil), sim.Initial()...)
				for !sim.Done() {
					acts, err := sim.Step()
					if err != nil {
						t.Fatalf("step: %v", err)
					}
					other = append(other, acts...)
				}
				if got, want := kills(other), order("beta", "alpha"); !equalSeq(got, want) {
					t.Errorf("other order: %v, want %v", got, want)
				}
				ch := sim.Model().Choices()
				if len(ch) != 1 || ch[0].At != 30*time.Second || !equalSeq(ch[0].Options, []string{"alpha", "beta"}) || ch[0].Picked != 1 {
					t.Errorf("choices = %+v, want one at 30s between alpha and beta, picked 1", ch)
				}
			},
		},
	},
	"upstream/zero-grace-pod-ends-without-prestop.yaml": {
		{
			what:   "with terminationGracePeriodSeconds 0, app's exit at 10s ends the pod: proxy gets a stop signal with timeout 2 at 10s and no preStop hook; the pod Succeeds",
			source: "pkg/kubelet/pod_workers.go completeSync (replays the last sync's update: no grace override); pkg/kubelet/kuberuntime/kuberuntime_container.go killContainer (preStop only if the grace is above 0, the 2 s floor); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				if hs := r.of(model.ActHookStarted, "proxy"); len(hs) != 0 {
					t.Errorf("proxy hooks %v, want none: a grace period of 0 runs no preStop", hs)
				}
				stops := r.of(model.ActStopSignal, "proxy")
				if len(stops) != 1 || stops[0].At != 10*time.Second || stops[0].Timeout != 2 {
					t.Errorf("proxy stop signals %v, want one at 10s with timeout 2", stops)
				}
				wantPhase(t, r.final(t), v1.PodSucceeded)
			},
		},
	},
	"upstream/liveness-restart-exit-zero-shows-terminated.yaml": {
		{
			what:   "under OnFailure, app killed by liveness (exit 0) is restarted at once four times; the back-off refuses the fifth at 1m41s and the status shows it Terminated (0, Completed), never CrashLoopBackOff; the pod Succeeds",
			source: "pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions (restarts a liveness kill unless Never); pkg/kubelet/kubelet_pods.go convertToAPIContainerStatuses; pkg/kubelet/container/helpers.go ShouldContainerBeRestarted (no for exit 0 under OnFailure); checked against the upstream kubelet adapter",
			check: func(t tb, r *run) {
				stops := r.of(model.ActStopSignal, "app")
				exits := r.of(model.ActContainerExited, "app")
				if len(stops) != 5 || len(exits) != 5 {
					t.Fatalf("%d stop signals, %d exits of app; want 5 of each", len(stops), len(exits))
				}
				for k := range stops {
					at := time.Duration(20*(k+1)) * time.Second
					if stops[k].At != at || stops[k].Timeout != 30 {
						t.Errorf("stop signal %d at %v timeout %d, want %v timeout 30", k, stops[k].At, stops[k].Timeout, at)
					}
					if exits[k].At != at+time.Second || exits[k].ExitCode != 0 {
						t.Errorf("exit %d: %d at %v, want 0 at %v", k, exits[k].ExitCode, exits[k].At, at+time.Second)
					}
				}
				if got, want := r.restartGaps("app"), secs(0, 0, 0, 0); !equalSeq(got, want) {
					t.Errorf("app restart delays %v, want %v", got, want)
				}
				bo := r.of(model.ActBackOff, "app")
				if len(bo) != 1 || bo[0].At != 101*time.Second || bo[0].Delay != 40*time.Second || bo[0].Wait != 20*time.Second {
					t.Fatalf("back-offs %v, want one at 1m41s with delay 40s, wait 20s", bo)
				}
				for _, a := range r.statuses() {
					if cs := cstatus(t, a.Status, "app"); waitingReason(cs) == model.ReasonCrashLoopBackOff {
						t.Errorf("at %v app shows CrashLoopBackOff", a.At)
					}
				}
				st := r.statusAt(t, bo[0].At)
				cs := cstatus(t, st, "app")
				wantTerminated(t, cs, 0, "Completed")
				if cs.RestartCount != 4 {
					t.Errorf("app restartCount %d at 1m41s, want 4", cs.RestartCount)
				}
				wantPhase(t, st, v1.PodSucceeded)
				wantPhase(t, r.final(t), v1.PodSucceeded)
			},
		},
	},
}
