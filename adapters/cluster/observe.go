package cluster

import (
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/types"

	"github.com/podconform/podconform/internal/refine"
	"github.com/podconform/podconform/model"
)

// observer turns the pod statuses an API watch delivers into a trace. It
// keeps, per container, the last instance it reported started and exited.
type observer struct {
	t0   time.Time // the pod's creation request: time 0
	acts []model.Action
	// last is the time of the last status, start, exit or removal; evLast
	// of the last event; delLast of the last delete: no class goes back.
	// The classes are merged by time (emit), so an event or a delete
	// reported first does not hold back a start or an exit that a later
	// status proves happened before it.
	last, evLast, delLast time.Duration
	ctrs                  map[string]*runState
	// uid is the pod's: only its events count. seen holds, per event
	// object, the count last reported.
	uid  types.UID
	seen map[types.UID]int32
	// lastSt is the last status reported (nil before any).
	lastSt *v1.PodStatus
}

// runState is what the observer reported of one container: the last
// instance started and the last exited (its own attempt numbers, -1 for
// none), and the restartCount and start time the statuses showed for the
// last one started.
type runState struct {
	started, exited int
	n               int
	at              time.Time
	// witness is the time of the latest Started event that arrived while
	// no instance was known to run (-1 for none): the next instance the
	// statuses show started by then (see start in runsOf).
	witness time.Duration
}

func newObserver(t0 time.Time) *observer {
	return &observer{t0: t0, ctrs: map[string]*runState{}, seen: map[types.UID]int32{}}
}

// at returns the trace time of wall time w.
func (o *observer) at(w time.Time) time.Duration { return w.Sub(o.t0) }

// bound returns the earliest time an action can be placed at: the arrival
// of the status that showed it, or, when the status's own timestamp (whole
// seconds, truncated) proves it happened earlier, the end of that second.
func (o *observer) bound(arrival time.Duration, ts time.Time) time.Duration {
	t := arrival
	if !ts.IsZero() {
		if u := ts.Add(time.Second).Sub(o.t0); u < t {
			t = u
		}
	}
	return t
}

// emit adds a to the trace, never before the last action of its class
// (events, deletes, or the rest), and after every action placed at or
// before its time. Events come from another watch than statuses, and a
// delete is the world's, noted at its time: neither is evidence about the
// statuses. The Started event of a container whose postStart hook holds
// the pod worker arrives seconds before the first status that shows it
// running, and that status's startedAt still places the start before the
// events that followed it (FailedPostStartHook, Killing) and before a
// delete made meanwhile.
func (o *observer) emit(a model.Action) {
	// Whole milliseconds (the exec protocol's unit), rounded up: a time
	// stays a bound the action happened by.
	if r := a.At % time.Millisecond; r != 0 {
		a.At += time.Millisecond - r
	}
	floor := &o.last
	switch a.Kind {
	case model.ActEvent:
		floor = &o.evLast
	case model.ActDeleteRequested:
		floor = &o.delLast
	}
	a.At = max(a.At, *floor)
	*floor = a.At
	i := len(o.acts)
	for i > 0 && o.acts[i-1].At > a.At {
		i--
	}
	o.acts = slices.Insert(o.acts, i, a)
}

// written reports whether st was written by the node (the status of a pod
// just created, before any node took it, has no conditions at all).
func written(st *v1.PodStatus) bool {
	return len(st.Conditions) > 0 || len(st.ContainerStatuses) > 0 || len(st.InitContainerStatuses) > 0 ||
		(st.Phase != v1.PodPending && st.Phase != "")
}

// status takes one status the watch delivered at wall time w.
func (o *observer) status(st *v1.PodStatus, w time.Time) {
	if !written(st) {
		return
	}
	if o.lastSt != nil && equality.Semantic.DeepEqual(o.lastSt, st) {
		// The pod object changed, its status did not: the watch delivers
		// every update of the object, and a delete sets its deletion
		// timestamp. The status manager writes only a status that changed
		// (status_manager.go needsUpdate), so this is no report of the
		// node's. Reported, it would hold back every start and exit a
		// later status proves happened before it: a start during a
		// postStart hook, which no status shows until the hook returns,
		// was placed after the delete, and the world timed the hook's
		// answer from there.
		return
	}
	arrival := o.at(w)
	var runs []model.Action
	for _, list := range [][]v1.ContainerStatus{st.InitContainerStatuses, st.ContainerStatuses} {
		for i := range list {
			runs = o.runsOf(&list[i], arrival, runs)
		}
	}
	// By time; in one instant, in the order runsOf found them: the
	// statuses' order (init containers first, in spec order), and for
	// one container its previous instance's exit before the current
	// start. One status that shows several containers change says
	// nothing more about their order.
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].At < runs[j].At })
	for _, a := range runs {
		o.emit(a)
	}
	c := st.DeepCopy()
	o.lastSt = c
	o.emit(model.Action{At: arrival, Kind: model.ActStatus, Status: c})
}

// runsOf appends the starts and exits that cs shows and were not reported
// yet. An instance is known by the restartCount and the start time the
// statuses show with it (running, or terminated; while the container
// waits to restart, its last instance is in lastState). A count above the
// last one's, or the same count running again with another start time
// after the last instance ended (a new sandbox: the kubelet counts on from
// its old instances), is a new instance; it gets the next attempt number.
// A terminated state with the last count and another start time is that
// instance still, its start time rewritten (KWOK's stages do it): a real
// kubelet never changes an instance's start time.
func (o *observer) runsOf(cs *v1.ContainerStatus, arrival time.Duration, out []model.Action) []model.Action {
	r := o.run(cs.Name)
	n := int(cs.RestartCount)
	start := func(n int, ts time.Time, ended bool) {
		if r.started >= 0 {
			switch {
			case n < r.n:
				return // an instance before the last one
			case n == r.n && (ts.Equal(r.at) || r.exited < r.started || ended):
				return // the last one, or still running
			}
		}
		k := n
		if k <= r.started {
			k = r.started + 1
		}
		at := o.bound(arrival, ts)
		if r.witness >= 0 && (ts.IsZero() || r.witness >= ts.Sub(o.t0)) {
			// A Started event that came after the last instance's
			// exit was reported, and not before this one's start
			// second: this instance, the first after that exit,
			// started by then. It tightens the status's bound when a
			// postStart hook or a slow status write kept the instance
			// out of the statuses.
			at = min(at, r.witness)
		}
		r.witness = -1
		out = append(out, model.Action{At: at, Kind: model.ActContainerStarted, Container: cs.Name, Attempt: k})
		r.started, r.n, r.at = k, n, ts
	}
	// exit notes the end of the instance that runs. From lastState it must
	// be that instance (its start time); from the state itself, the
	// instance with the running one's restart count ended, even if the
	// implementation reports another start time for it (KWOK's stages
	// rewrite it).
	exit := func(n int, t *v1.ContainerStateTerminated, last bool) {
		if r.started < 0 || r.exited == r.started || n != r.n || last && !t.StartedAt.Time.Equal(r.at) {
			return // nothing runs, or not the instance that runs
		}
		out = append(out, model.Action{At: o.bound(arrival, t.FinishedAt.Time), Kind: model.ActContainerExited, Container: cs.Name,
			Attempt: r.started, ExitCode: t.ExitCode, Reason: t.Reason})
		r.exited = r.started
	}
	prev := n - 1
	if cs.State.Waiting != nil {
		prev = n
	}
	if lt := cs.LastTerminationState.Terminated; lt != nil && prev >= 0 {
		start(prev, lt.StartedAt.Time, false)
		exit(prev, lt, true)
	}
	switch {
	case cs.State.Running != nil:
		start(n, cs.State.Running.StartedAt.Time, false)
	case cs.State.Terminated != nil:
		t := cs.State.Terminated
		if !(t.Reason == model.ReasonStatusUnknown && t.StartedAt.IsZero()) {
			// TerminatePod marks a container that never ran
			// ContainerStatusUnknown, with no start time: that is no
			// instance. On one that ran, it ends that instance.
			start(n, t.StartedAt.Time, true)
		}
		exit(n, t, false)
	}
	return out
}

// until returns the trace up to time limit u: what the watch delivered
// after it (the last instants before the deadline fired) is left out.
func (o *observer) until(u time.Duration) []model.Action {
	n := len(o.acts)
	for n > 0 && o.acts[n-1].At > u {
		n--
	}
	return o.acts[:n]
}

// removed notes the object's removal at wall time w.
func (o *observer) removed(w time.Time) {
	o.emit(model.Action{At: o.at(w), Kind: model.ActPodRemoved})
}

// deletedAt notes the world's delete, scripted at trace time at, with the
// effective grace (never before the last delete).
func (o *observer) deletedAt(at time.Duration, grace int64, force bool) {
	o.emit(model.Action{At: at, Kind: model.ActDeleteRequested, Grace: grace, Force: force})
}

// eventContainer returns the container an event's field path names
// ("spec.containers{app}", "spec.initContainers{init}"); ok is false for
// an event about the pod itself or an ephemeral container.
func eventContainer(fieldPath string) (string, bool) {
	for _, p := range []string{"spec.containers{", "spec.initContainers{"} {
		if rest, ok := strings.CutPrefix(fieldPath, p); ok {
			if name, ok := strings.CutSuffix(rest, "}"); ok && name != "" {
				return name, true
			}
		}
	}
	return "", false
}

// eventTime is the latest moment an event object says it occurred: its
// last timestamp (whole seconds), or the newer API's microsecond times.
func eventTime(ev *v1.Event) time.Time {
	t := ev.LastTimestamp.Time
	if et := ev.EventTime.Time; et.After(t) {
		t = et
	}
	if ev.Series != nil && ev.Series.LastObservedTime.Time.After(t) {
		t = ev.Series.LastObservedTime.Time
	}
	return t
}

// event takes one event object the watch delivered at wall time w. An
// occurrence is reported once per delivery that shows the object new or
// its count grown (the recorder aggregates repeats into one object and
// counts them): the count says how many, but only the last has a time,
// and an event is a witness whose repeats add nothing (internal/refine).
// Only the pod's own events about a container, with a reason the checker
// judges, are reported.
func (o *observer) event(ev *v1.Event, w time.Time) {
	if ev.InvolvedObject.UID != o.uid || !refine.JudgedEvent(ev.Reason) {
		return
	}
	name, ok := eventContainer(ev.InvolvedObject.FieldPath)
	if !ok {
		return
	}
	n := max(ev.Count, 1)
	if ev.Series != nil && ev.Series.Count > n {
		n = ev.Series.Count
	}
	if n <= o.seen[ev.UID] {
		return
	}
	o.seen[ev.UID] = n
	r := o.run(name)
	attempt := max(r.started, 0)
	msg := boundedMessage(ev.Message)
	o.emit(model.Action{At: o.bound(o.at(w), eventTime(ev)), Kind: model.ActEvent, Container: name, Attempt: attempt, Reason: ev.Reason, Result: msg})
	if ev.Reason == refine.EventStarted && r.exited == r.started {
		r.witness = o.evLast // where emit put it
	}
}

// run returns what the observer reported of container name.
func (o *observer) run(name string) *runState {
	r := o.ctrs[name]
	if r == nil {
		r = &runState{started: -1, exited: -1, witness: -1}
		o.ctrs[name] = r
	}
	return r
}

// maxMessage bounds the message an Event action keeps (the kubelet's are
// short; a node may write any).
const maxMessage = 1024

// boundedMessage is an event's message as a trace keeps it: valid UTF-8,
// at most maxMessage bytes (cut at a character, marked with "..."), never
// empty.
func boundedMessage(m string) string {
	m = strings.ToValidUTF8(m, "\uFFFD")
	if len(m) > maxMessage {
		cut := maxMessage
		for cut > 0 && !utf8.RuneStart(m[cut]) {
			cut--
		}
		m = m[:cut] + "..."
	}
	if m == "" {
		m = "(no message)"
	}
	return m
}
