// Package properties is podconform's catalogue of named invariants over
// traces: the checks a trace of one pod's life must pass, whether it comes
// from the reference model or, through an adapter, from a real kubelet.
//
// Each Property encodes one rule of docs/semantics.md (or of an
// upstream kubelet function) and builds a Checker that reads the trace one
// action at a time. A checker knows only the trace, the pod's spec and the
// profile (Context); it never looks inside the model. The only helpers of
// package model it calls are pure functions of API objects (IsSidecar,
// InitializedCondition, ContainersReadyCondition, Kubectl).
//
// Checkers are cheap: they keep a little state per container, indexed by the
// container's position in the spec, and do O(containers) work per action at
// most. Check runs every property over a whole trace; Suite runs them
// incrementally and stops at the first violation, as a fuzzer wants.
//
// A property that finds nothing wrong has not necessarily judged anything:
// backoff-cap on a trace without a BackOff, init-strict-order on a pod
// without init containers, the preStop properties where no container with
// a preStop hook was killed. A property is exercised by a trace when it
// tested, on that trace, a condition that could have failed (each rule
// marks the point where it does so, past the cases it does not constrain);
// a violated property always is. Audit checks a whole trace, as Check
// does, and returns each property's outcome: whether the trace exercised
// it, and its first violation, so that a conformance run reports a
// property that held without being exercised as not exercised rather than
// passed. (A property about what must not happen is exercised only by an
// action of the kind it forbids, where it forbids it, excused or not:
// no-restart-while-deleting by a start after the delete. A conformant
// implementation may well leave it unexercised.)
//
// Timing properties state the earliest (and, where the kubelet acts at
// once, the only) virtual time of an action, as the model computes it. A
// real node acts up to one sync period later. Each property says what a
// trace must report for it to apply (Property.Needs: the Observables it
// reads) and whether it pins an action's time with no slack
// (Property.Exact); Applicable selects the properties a runner checks on an
// implementation that observes some of the trace and may act late, and
// CheckProps or NewSuite runs just those.
package properties

import (
	"fmt"
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// Context is what a checker may know besides the trace.
type Context struct {
	Pod     *v1.Pod       // the scenario's pod (spec, metadata); never mutated
	Profile model.Profile // with defaults applied (callers pass p.WithDefaults())
	// Events are the external events the world sent (the scenario's
	// deletes), in time order, when the caller knows them; nil when not.
	// Properties about how requests were honoured use them.
	Events []model.Event
	// Behaviour is the world's script (the scenario's behaviour), when the
	// caller knows it; nil when not. exits-reported reads the exits it
	// schedules, and judges nothing without it.
	Behaviour *model.Behaviour
	// Slack is how much later than the world's script an implementation
	// may report what the script did (the run's tolerance plus the
	// adapter's declared lag; 0 for the reference model, which reports it
	// at once).
	Slack time.Duration
}

// Violation is a broken property.
type Violation struct {
	ID      string        // the property's ID
	Index   int           // index of the action at which it was detected (-1 at the end of the trace)
	At      time.Duration // virtual time of detection
	Message string        // what was expected and what was seen, with container names and times
}

func (v *Violation) Error() string {
	if v.Index < 0 {
		return fmt.Sprintf("%s: at the end of the trace (%v): %s", v.ID, v.At, v.Message)
	}
	return fmt.Sprintf("%s: at action %d (%v): %s", v.ID, v.Index, v.At, v.Message)
}

// Property is one named invariant.
type Property struct {
	ID     string // stable, kebab-case
	Title  string // one line
	Doc    string // a paragraph: what is checked and why
	Source string // the rule it encodes, "docs/semantics.md §N.M: ..." in a few words, with its upstream path; or an upstream file/function
	New    func(ctx *Context) Checker

	// Needs is what a trace must report for the property to apply: the
	// observables its rule reads, directly or through the tracker's state,
	// wherever a trace without them could make it fail wrongly, and those
	// its statement is about. (An observable that only gives the rule
	// reasons to excuse or skip, so that without it the rule is weaker but
	// never wrong, is left out unless the property is about it; the
	// catalogue says so where it matters.) On a trace restricted to its
	// needs (Restrict) a property still catches what it names.
	Needs Observables
	// Exact says the property pins the virtual time of an action relative to
	// other actions with no slack: an exact time ("at once", "in the same
	// instant", "exactly then"), a deadline ("by", "within"), or a value
	// computed from the time that elapsed. An implementation that is
	// conformant but acts up to one sync period later than the model's
	// earliest moment can break it. Properties that only say "never earlier
	// than" or "never after" are not exact.
	Exact bool

	mk func(t *tracker) rule
}

// Checker reads one trace.
type Checker interface {
	// Observe is called for each action in order (i is its index in the
	// trace). It returns a violation as soon as the property is broken.
	Observe(i int, a *model.Action) *Violation
	// End is called once when the trace ends at virtual time end; complete
	// says the pod finished (nothing more can happen) rather than the run
	// being cut off by a time limit. Properties that talk about deadlines
	// only conclude what the trace up to end proves.
	End(end time.Duration, complete bool) *Violation
}

// rule is a property's check over a shared tracker. before sees the
// tracker's state before the action, after the state once the action is
// applied. Each returns "" or a message describing the violation.
// exercised reports whether the rule has judged anything so far (see
// judged).
type rule interface {
	before(i int, a *model.Action) string
	after(i int, a *model.Action) string
	end(end time.Duration, complete bool) string
	exercised() bool
}

// nop is embedded by rules that use only some of the hooks. It does not
// provide exercised: every rule says for itself when it judges (judged).
type nop struct{}

func (nop) before(int, *model.Action) string    { return "" }
func (nop) after(int, *model.Action) string     { return "" }
func (nop) end(time.Duration, bool) string      { return "" }
func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// judged is embedded by every rule. A rule calls judge where it begins to
// test a condition that can fail on the trace at hand: past its early "not
// my business" returns (an action of a kind it looks at, but about
// something it does not constrain), so that a rule that had nothing to
// judge is not reported as passed. Every violation is reported after a
// judge.
type judged struct{ ex bool }

func (j *judged) judge()          { j.ex = true }
func (j *judged) exercised() bool { return j.ex }

// def builds a catalogue entry.
func def(id, title, source, doc string, mk func(t *tracker) rule) Property {
	p := Property{ID: id, Title: title, Doc: doc, Source: source, mk: mk}
	p.New = func(ctx *Context) Checker {
		t := newTracker(ctx)
		s := &single{id: id, t: t, r: mk(t)}
		s.bm, s.am = masksOf(s.r)
		return s
	}
	return p
}

// single is a Checker for one property with its own tracker.
type single struct {
	id     string
	t      *tracker
	r      rule
	bm, am kmask
	done   *Violation
}

func (s *single) Observe(i int, a *model.Action) *Violation {
	if s.done != nil {
		return s.done
	}
	s.t.prepare(a)
	msg := ""
	if s.bm&s.t.kb != 0 {
		msg = s.r.before(i, a)
	}
	s.t.update(a)
	if s.am&s.t.kb != 0 {
		if m := s.r.after(i, a); msg == "" {
			msg = m
		}
	}
	if msg != "" {
		s.done = &Violation{ID: s.id, Index: i, At: a.At, Message: msg}
	}
	return s.done
}

func (s *single) End(end time.Duration, complete bool) *Violation {
	if s.done != nil {
		return s.done
	}
	s.t.catchUp(end)
	if msg := s.r.end(end, complete); msg != "" {
		s.done = &Violation{ID: s.id, Index: -1, At: end, Message: msg}
	}
	return s.done
}

var byID = func() map[string]int {
	m := make(map[string]int, len(catalogue))
	for i := range catalogue {
		m[catalogue[i].ID] = i
	}
	return m
}()

// All returns the catalogue, in a stable order. The slice is the caller's.
func All() []Property { return append([]Property(nil), catalogue...) }

// ByID returns the property with the given ID.
func ByID(id string) (Property, bool) {
	i, ok := byID[id]
	if !ok {
		return Property{}, false
	}
	return catalogue[i], true
}

// Check runs every property over a whole trace and returns all violations
// (at most one per property), in catalogue order.
func Check(ctx *Context, trace []model.Action, end time.Duration, complete bool) []Violation {
	return CheckProps(ctx, catalogue, trace, end, complete)
}

// CheckProps is Check for the given properties only (from the catalogue:
// All, ByID, Applicable), sharing one view of the trace; violations come in
// the order of props. No properties check nothing. It is Audit's verdicts
// without the coverage.
func CheckProps(ctx *Context, props []Property, trace []model.Action, end time.Duration, complete bool) []Violation {
	_, found := audit(ctx, props, trace, end, complete)
	var out []Violation
	for _, v := range found {
		if v != nil {
			out = append(out, *v)
		}
	}
	return out
}

// Outcome is one property's verdict on one trace.
type Outcome struct {
	ID string // the property's ID
	// Exercised says the property had something to judge on the trace: it
	// tested a condition that could have failed there (an init
	// container's start for init-strict-order, a BackOff for backoff-cap,
	// a stop signal to a container with a preStop hook for
	// prestop-before-stop-signal, a deadline that was checked, ...). A
	// property that holds without being exercised holds vacuously. A
	// violated property is exercised.
	Exercised bool
	Violation *Violation // the first violation, nil if the property holds
}

// Audit checks the given properties (from the catalogue: All, ByID,
// Applicable) over a whole trace, as CheckProps does, sharing one view of
// the trace: each property goes on after others broke and reports at most
// its first violation. It returns one outcome per property, in the order of
// props, with whether the trace exercised it.
func Audit(ctx *Context, props []Property, trace []model.Action, end time.Duration, complete bool) []Outcome {
	rules, found := audit(ctx, props, trace, end, complete)
	out := make([]Outcome, len(props))
	for k := range props {
		out[k] = Outcome{ID: props[k].ID, Exercised: rules[k].exercised(), Violation: found[k]}
	}
	return out
}

// audit runs props over the trace: the rules as they ended, and each one's
// first violation (nil if none), in the order of props.
func audit(ctx *Context, props []Property, trace []model.Action, end time.Duration, complete bool) ([]rule, []*Violation) {
	t := newTracker(ctx)
	rules := make([]rule, len(props))
	bm := make([]kmask, len(props))
	am := make([]kmask, len(props))
	found := make([]*Violation, len(props))
	for k := range props {
		rules[k] = props[k].mk(t)
		bm[k], am[k] = masksOf(rules[k])
	}
	for i := range trace {
		a := &trace[i]
		if a.Kind == model.ActEvent {
			continue // a witness only (ObsEvents): no invariant reads it
		}
		t.prepare(a)
		for k, r := range rules {
			if found[k] == nil && bm[k]&t.kb != 0 {
				if msg := r.before(i, a); msg != "" {
					found[k] = &Violation{ID: props[k].ID, Index: i, At: a.At, Message: msg}
				}
			}
		}
		t.update(a)
		for k, r := range rules {
			if found[k] == nil && am[k]&t.kb != 0 {
				if msg := r.after(i, a); msg != "" {
					found[k] = &Violation{ID: props[k].ID, Index: i, At: a.At, Message: msg}
				}
			}
		}
	}
	t.catchUp(end)
	for k, r := range rules {
		if found[k] == nil {
			if msg := r.end(end, complete); msg != "" {
				found[k] = &Violation{ID: props[k].ID, Index: -1, At: end, Message: msg}
			}
		}
	}
	return rules, found
}

// Suite runs properties incrementally over one trace: Observe each new
// action as it is produced. It stops at the first violation: from then on
// Observe and End return that violation and do nothing else.
type Suite struct {
	t     *tracker
	ids   []string
	rules []rule
	// the rules whose before (after) hook looks at each kind of action
	before, after [kindCount][]int
	done          *Violation
}

const kindCount = 16

// NewSuite returns a suite of the given properties (all of them if none are
// given), sharing one view of the trace.
func NewSuite(ctx *Context, props ...Property) *Suite {
	if len(props) == 0 {
		props = catalogue
	}
	s := &Suite{t: newTracker(ctx), ids: make([]string, len(props)), rules: make([]rule, len(props))}
	masks := make([][2]kmask, len(props))
	var count [2][kindCount]int
	total := 0
	for k := range props {
		s.ids[k] = props[k].ID
		s.rules[k] = props[k].mk(s.t)
		masks[k][0], masks[k][1] = masksOf(s.rules[k])
		for h := 0; h < 2; h++ {
			for b := 0; b < kindCount; b++ {
				if masks[k][h]&(1<<b) != 0 {
					count[h][b]++
					total++
				}
			}
		}
	}
	// one backing array for all the per-kind lists
	buf := make([]int, 0, total)
	lists := [2]*[kindCount][]int{&s.before, &s.after}
	for h := 0; h < 2; h++ {
		for b := 0; b < kindCount; b++ {
			start := len(buf)
			for k := range props {
				if masks[k][h]&(1<<b) != 0 {
					buf = append(buf, k)
				}
			}
			lists[h][b] = buf[start:len(buf):len(buf)]
		}
	}
	return s
}

func bitIndex(b kmask) int {
	for k := 0; k < kindCount; k++ {
		if b == 1<<k {
			return k
		}
	}
	return kindCount - 1
}

// Observe checks action a, the i-th of the trace.
func (s *Suite) Observe(i int, a *model.Action) *Violation {
	if s.done != nil {
		return s.done
	}
	s.t.prepare(a)
	b := bitIndex(s.t.kb)
	for _, k := range s.before[b] {
		if msg := s.rules[k].before(i, a); msg != "" {
			s.done = &Violation{ID: s.ids[k], Index: i, At: a.At, Message: msg}
			break
		}
	}
	s.t.update(a)
	if s.done != nil {
		return s.done
	}
	for _, k := range s.after[b] {
		if msg := s.rules[k].after(i, a); msg != "" {
			s.done = &Violation{ID: s.ids[k], Index: i, At: a.At, Message: msg}
			return s.done
		}
	}
	return nil
}

// End finishes the trace at virtual time end (see Checker.End).
func (s *Suite) End(end time.Duration, complete bool) *Violation {
	if s.done != nil {
		return s.done
	}
	s.t.catchUp(end)
	for k, r := range s.rules {
		if msg := r.end(end, complete); msg != "" {
			s.done = &Violation{ID: s.ids[k], Index: -1, At: end, Message: msg}
			return s.done
		}
	}
	return nil
}
