package reports

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// This file turns a trace into the picture of a counterexample: one swimlane
// per container, with the pod's phase and conditions above the lanes and a
// virtual-time axis below. BuildTimeline does all the arithmetic, so the
// template (assets/timeline.tmpl, "timeline") only prints numbers and
// strings, and html/template escapes every string that comes from a trace.
//
// A report may hold a thousand timelines, so the picture is bounded: when a
// row would need more than tlMaxSpansPerRow rectangles (a crash loop over
// hours), runs of states narrower than a few pixels are drawn as one
// "dense" rectangle whose tooltip counts what it stands for, and
// neighbouring dense rectangles of the same colour are joined; marks (probe
// results, stop signals) that fall on the same pixels are merged the same
// way, up to tlMaxMarksPerRow per row. Short traces are drawn exactly: one
// rectangle per state, one tick per probe result.

// TimelineOptions says how to draw a trace.
type TimelineOptions struct {
	// Containers gives the lane order (init containers first, then app
	// containers, as in the spec). Containers seen in the trace but not
	// listed are appended in order of first appearance.
	Containers []string
	// End is the right edge of the axis (0: the last action's time, and at
	// least 1s). It is moved right to Mark if HasMark and Mark is later:
	// the violation is always in the picture. Actions after End are not
	// drawn.
	End time.Duration
	// DataEnd is where the trace itself ends (0: the axis's end): rows
	// stop there, so a trace shown on a longer axis (beside a longer one)
	// draws nothing past its last moment.
	DataEnd time.Duration
	// Mark is the violating moment, drawn as a vertical band if HasMark.
	Mark    time.Duration
	HasMark bool
	// Width is the drawing's width in px (0: 900; at least 240).
	Width int
}

// Timeline is the view model of one trace's picture. Every coordinate is in
// px of the SVG's user space, which the viewBox makes equal to its size.
type Timeline struct {
	Width, Height int
	ViewBox       string
	// Label describes the picture for assistive technology and as the
	// SVG's own tooltip.
	Label string
	// PlotX and PlotW are the x of virtual time 0 and the width of the
	// time axis: time t is at PlotX + t/End*PlotW.
	PlotX, PlotW int
	// Phase is the pod phase band; Conditions the pod condition bands in
	// lifecycle order.
	Phase      Band
	Conditions []Band
	Lanes      []Lane
	// PodMarks are pod-level moments (delete requested, pod removed),
	// drawn across every row.
	PodMarks []Rect
	Axis     Axis
	// HasMark says whether Mark (the violation band) is drawn; MarkX is the
	// exact x of the violating moment.
	HasMark bool
	MarkX   int
	Mark    Rect
}

// Rect is one drawn rectangle with its CSS classes and tooltip.
type Rect struct {
	X, Y, W, H int
	Class      string
	Title      string
}

// Band is a labelled row of time spans (the pod phase, a condition).
type Band struct {
	Label          string
	LabelX, LabelY int
	Spans          []Rect
}

// Lane is one container's swimlane.
type Lane struct {
	// Name is the container's name; Label the (possibly shortened) text
	// drawn, and Title the lane's tooltip.
	Name, Label, Title string
	LabelX, LabelY     int
	Background         Rect
	// Segments are the instances' states (waiting, back-off, running,
	// terminated), in time order but with the running ones last, so that
	// they are drawn on top; Hooks the postStart and preStop spans; Probes
	// the probe results (one sub-row per probe type); Marks the stop
	// signals and SIGKILLs.
	Segments, Hooks, Probes, Marks []Rect
}

// Axis is the virtual-time axis under the rows, with grid lines across them.
type Axis struct {
	Y              int // the axis line
	X1, X2         int
	GridY1, GridY2 int // extent of the vertical grid lines
	TickY2         int // lower end of a tick
	LabelY         int // baseline of the tick labels
	Ticks          []Tick
}

// Tick is one labelled point of the axis.
type Tick struct {
	X     int
	Label string
}

// Layout constants, in px.
const (
	tlDefaultWidth  = 900
	tlMinWidth      = 240
	tlMaxLabelWidth = 150
	tlRightPad      = 18
	tlTopPad        = 4
	tlPhaseH        = 12
	tlCondH         = 10
	tlRowGap        = 2
	tlLanesGap      = 8
	tlBarH          = 14
	tlSubRowH       = 4 // hook and probe sub-rows
	tlLaneGap       = 6
	tlLabelCharW    = 7 // rough width of a label character, for shortening
	tlOngoingW      = 6 // how far a final state is drawn past its end
	tlMaxTextRunes  = 300

	// tlMaxSpansPerRow and tlMaxMarksPerRow bound the rectangles of one row
	// (see the file comment).
	tlMaxSpansPerRow = 64
	tlMaxMarksPerRow = 100
)

// BuildTimeline lays out the picture of actions.
func BuildTimeline(actions []model.Action, opt TimelineOptions) Timeline {
	end := tlAxisEnd(actions, opt)
	width := opt.Width
	if width <= 0 {
		width = tlDefaultWidth
	}
	width = max(width, tlMinWidth)
	labelW := min(tlMaxLabelWidth, width/4)
	sc := tlScale{x0: labelW, w: width - labelW - tlRightPad, end: end}

	rowsEnd, removed := tlPodEnd(actions, end)
	if opt.DataEnd > 0 && opt.DataEnd < rowsEnd {
		rowsEnd = opt.DataEnd
	}
	scan := tlScanTrace(actions, opt.Containers, rowsEnd, removed)
	tl := Timeline{Width: width, PlotX: sc.x0, PlotW: sc.w}
	y := tlTopPad
	tl.Phase = tlLayoutBand("phase", scan.phase.ivs, sc, y, tlPhaseH)
	y += tlPhaseH + tlRowGap
	for _, c := range scan.conds {
		tl.Conditions = append(tl.Conditions, tlLayoutBand(c.typ, c.ivs, sc, y, tlCondH))
		y += tlCondH + tlRowGap
	}
	y += tlLanesGap - tlRowGap
	for _, l := range scan.lanes {
		lane, h := l.layout(sc, y, labelW)
		tl.Lanes = append(tl.Lanes, lane)
		y += h + tlLaneGap
	}
	bottom := y - tlLaneGap + 2
	tl.PodMarks = tlLayoutMarks(scan.pod, sc, tlMarkRow{name: "pod", y: tlTopPad, h: bottom - tlTopPad, w: 2})
	tl.Axis = tlLayoutAxis(sc, tlTopPad, bottom)
	tl.Height = tl.Axis.LabelY + 6
	tl.ViewBox = fmt.Sprintf("0 0 %d %d", tl.Width, tl.Height)
	if opt.HasMark {
		tl.HasMark, tl.MarkX = true, sc.x(opt.Mark)
		tl.Mark = tlMarkRect(opt.Mark, tl.MarkX, tlTopPad, bottom-tlTopPad)
	}
	tl.Label = tlTimelineLabel(len(tl.Lanes), end, opt)
	return tl
}

// tlAxisEnd is the right edge of the axis: opt.End, or the last moment worth
// showing.
func tlAxisEnd(actions []model.Action, opt TimelineOptions) time.Duration {
	end := opt.End
	if end <= 0 {
		end = time.Second
		if n := len(actions); n > 0 {
			end = max(end, actions[n-1].At)
		}
	}
	if opt.HasMark {
		end = max(end, opt.Mark)
	}
	return end
}

// tlPodEnd is when the rows stop: the pod's removal, if it was removed by
// the end of the axis (a removed pod has no phase or containers to show),
// or else the end of the axis.
func tlPodEnd(actions []model.Action, end time.Duration) (at time.Duration, removed bool) {
	for i := range actions {
		if actions[i].Kind == model.ActPodRemoved && actions[i].At <= end {
			return max(actions[i].At, 0), true
		}
	}
	return end, false
}

func tlMarkRect(at time.Duration, x, y, h int) Rect {
	return tlNewRect(x-1, y, 3, h, "tl-mark", "violation at "+tlFmtDur(at))
}

func tlTimelineLabel(lanes int, end time.Duration, opt TimelineOptions) string {
	s := fmt.Sprintf("Pod timeline: %d container%s, 0s to %s", lanes, tlPlural(lanes), tlFmtDur(end))
	if opt.HasMark {
		s += ", violation at " + tlFmtDur(opt.Mark)
	}
	return s
}

// tlScale maps virtual time to x.
type tlScale struct {
	x0, w int
	end   time.Duration
}

// fx is the exact x of t; times outside the axis are clamped to its ends.
func (s tlScale) fx(t time.Duration) float64 {
	t = min(max(t, 0), s.end)
	return float64(s.x0) + float64(t)/float64(s.end)*float64(s.w)
}

func (s tlScale) x(t time.Duration) int { return int(math.Round(s.fx(t))) }

// tlInterval is a span of virtual time in one state, before layout.
type tlInterval struct {
	from, to time.Duration
	class    string // CSS classes of the state
	kind     string // the state's short name, for summaries of dense runs
	head     string // tooltip text before the time range
	tail     string // and after it
	who      string // the container instance ("#3"), if any
	keep     bool   // drawn even if it takes no time
	// final: the state held when the rows ended (at the end of the axis, or
	// when the pod was removed). It is drawn tlOngoingW px past its end, so
	// a state entered at the last moment (the pod's final phase, the last
	// exit) still shows. ongoing: final, and the pod was not removed.
	final, ongoing bool
}

// tlClosing says how an interval is being closed: by the next state (the
// zero value), or by the end of the rows.
type tlClosing struct{ final, removed bool }

// close ends iv at t and reports whether it is worth drawing.
func (c tlClosing) close(iv *tlInterval, t time.Duration) bool {
	iv.to, iv.final, iv.ongoing = t, c.final, c.final && !c.removed
	return iv.to > iv.from || iv.keep || iv.final
}

func (iv tlInterval) title() string {
	if iv.ongoing {
		return iv.head + " from " + tlFmtDur(iv.from) + iv.tail
	}
	return iv.head + " " + tlFmtDur(iv.from) + "–" + tlFmtDur(iv.to) + iv.tail
}

// tlPoint is one moment on a row, before layout. Where points merge, the
// class of the highest severity wins (a failure shows through successes).
type tlPoint struct {
	at       time.Duration
	class    string
	kind     string
	title    string
	who      string // the container instance ("#3"), if any
	severity int
}

// tlTraceScan holds everything read from the trace, row by row.
type tlTraceScan struct {
	lanes  []*tlLaneBuilder
	byName map[string]*tlLaneBuilder
	phase  tlStateTrack
	conds  []*tlCondTrack
	condBy map[v1.PodConditionType]*tlCondTrack
	pod    []tlPoint
}

// tlScanTrace reads actions up to end into rows; removed says that the pod
// was removed at end.
func tlScanTrace(actions []model.Action, order []string, end time.Duration, removed bool) *tlTraceScan {
	s := &tlTraceScan{byName: map[string]*tlLaneBuilder{}, condBy: map[v1.PodConditionType]*tlCondTrack{}}
	for _, name := range order {
		s.lane(name)
	}
	// Conditions are listed in the order a pod goes through them; others
	// follow in order of appearance.
	for _, t := range []v1.PodConditionType{v1.PodScheduled, v1.PodReadyToStartContainers, v1.PodInitialized, v1.ContainersReady, v1.PodReady} {
		s.condBy[t] = &tlCondTrack{typ: string(t)}
	}
	for i := range actions {
		if a := &actions[i]; a.At <= end {
			s.action(a)
		}
	}
	last := tlClosing{final: true, removed: removed}
	s.phase.finish(end, last)
	s.conds = s.seenConds(end, last)
	for _, l := range s.lanes {
		l.finish(end, last)
	}
	return s
}

func (s *tlTraceScan) lane(name string) *tlLaneBuilder {
	if l, ok := s.byName[name]; ok {
		return l
	}
	l := &tlLaneBuilder{name: name}
	s.byName[name] = l
	s.lanes = append(s.lanes, l)
	return l
}

func (s *tlTraceScan) action(a *model.Action) {
	switch a.Kind {
	case model.ActStatus:
		if a.Status != nil {
			s.status(a.At, a.Status)
		}
	case model.ActDeleteRequested:
		s.pod = append(s.pod, tlDeletePoint(a))
	case model.ActPodRemoved:
		s.pod = append(s.pod, tlPoint{at: a.At, class: "tl-removed", kind: "pod removed", title: "pod removed at " + tlFmtDur(a.At), severity: 1})
	case model.ActContainerCreated, model.ActContainerStarted, model.ActContainerExited, model.ActBackOff,
		model.ActHookStarted, model.ActHookEnded, model.ActProbeResult, model.ActStopSignal, model.ActSIGKILL, model.ActEvent:
		if a.Container != "" {
			s.lane(a.Container).action(a)
		}
	}
}

func tlDeletePoint(a *model.Action) tlPoint {
	title := fmt.Sprintf("delete requested at %s (grace %ds)", tlFmtDur(a.At), a.Grace)
	if a.Force {
		title = "force " + title
	}
	return tlPoint{at: a.At, class: "tl-delete", kind: "delete", title: title}
}

// status records the phase and the conditions of one status update.
func (s *tlTraceScan) status(at time.Duration, st *v1.PodStatus) {
	phase := string(st.Phase)
	s.phase.set(at, phase, tlInterval{class: "tl-phase " + tlPhaseClass(phase), kind: phase, head: "phase " + orNone(phase, "(none)")})
	seen := map[*tlCondTrack]bool{}
	for _, c := range st.Conditions {
		t := s.condBy[c.Type]
		if t == nil {
			t = &tlCondTrack{typ: string(c.Type), extra: true, order: len(s.condBy)}
			s.condBy[c.Type] = t
		}
		seen[t] = true
		t.set(at, c)
	}
	// A condition missing from an update is no longer reported.
	for _, t := range s.condBy {
		if !seen[t] {
			t.finish(at, tlClosing{})
		}
	}
}

// seenConds lists the conditions that appeared, in lifecycle order.
func (s *tlTraceScan) seenConds(end time.Duration, last tlClosing) []*tlCondTrack {
	var out []*tlCondTrack
	for _, t := range s.condBy {
		t.finish(end, last)
		if len(t.ivs) > 0 {
			out = append(out, t)
		}
	}
	rank := func(t *tlCondTrack) int {
		for i, k := range []string{"PodScheduled", "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready"} {
			if !t.extra && t.typ == k {
				return i
			}
		}
		return 100 + t.order
	}
	sort.Slice(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

// tlStateTrack follows one value over time (the pod phase) and records an
// interval per change.
type tlStateTrack struct {
	cur  *tlInterval
	key  string
	ivs  []tlInterval
	open bool
}

func (t *tlStateTrack) set(at time.Duration, key string, iv tlInterval) {
	if t.open && t.key == key {
		return
	}
	t.finish(at, tlClosing{})
	iv.from = at
	t.cur, t.key, t.open = &iv, key, true
}

// finish ends the current state at at.
func (t *tlStateTrack) finish(at time.Duration, how tlClosing) {
	if !t.open {
		return
	}
	iv := *t.cur
	if how.close(&iv, at) {
		t.ivs = append(t.ivs, iv)
	}
	t.cur, t.open = nil, false
}

// tlCondTrack follows one pod condition.
type tlCondTrack struct {
	tlStateTrack
	typ   string
	extra bool // not one of the standard conditions
	order int
}

func (t *tlCondTrack) set(at time.Duration, c v1.PodCondition) {
	st := string(c.Status)
	iv := tlInterval{class: "tl-cond " + tlCondClass(c.Status), kind: st, head: t.typ + " " + orNone(st, "(none)")}
	if c.Reason != "" {
		iv.tail = ": " + c.Reason
	}
	t.tlStateTrack.set(at, st, iv)
}

func tlPhaseClass(p string) string {
	switch v1.PodPhase(p) {
	case v1.PodPending, v1.PodRunning, v1.PodSucceeded, v1.PodFailed:
		return "tl-phase-" + p
	}
	return "tl-phase-Unknown"
}

func tlCondClass(s v1.ConditionStatus) string {
	switch s {
	case v1.ConditionTrue:
		return "tl-cond-true"
	case v1.ConditionFalse:
		return "tl-cond-false"
	}
	return "tl-cond-unknown"
}

// tlLaneBuilder follows one container through the trace.
type tlLaneBuilder struct {
	name   string
	starts int
	// cur is the state being drawn; a back-off ends by itself at
	// backoffEnd, after which the last instance shows as terminated again.
	cur         *tlInterval
	backoffEnd  time.Duration
	lastAttempt int
	lastExit    string
	segs        []tlInterval
	hooks       []tlInterval
	openHooks   map[string]*tlInterval
	probeOrder  []model.ProbeType
	probes      map[model.ProbeType][]tlPoint
	marks       []tlPoint
}

func tlInst(name string, attempt int) string { return name + "#" + strconv.Itoa(attempt) }

func (l *tlLaneBuilder) action(a *model.Action) {
	l.expire(a.At)
	id, who := tlInst(l.name, a.Attempt), tlWho(a.Attempt)
	switch a.Kind {
	case model.ActContainerCreated:
		l.open(a.At, tlInterval{class: "tl-seg tl-waiting", kind: "waiting", head: id + " waiting", tail: " (created, not started)", who: who})
	case model.ActContainerStarted:
		l.starts++
		l.open(a.At, tlInterval{class: "tl-seg tl-running", kind: "running", head: id + " running", who: who, keep: true})
	case model.ActContainerExited:
		l.lastAttempt, l.lastExit = a.Attempt, tlExitText(a)
		l.open(a.At, l.terminated())
	case model.ActBackOff:
		l.backOff(a, id)
	case model.ActHookStarted, model.ActHookEnded:
		l.hook(a, id)
	case model.ActProbeResult:
		l.probe(a, id)
	case model.ActStopSignal:
		l.marks = append(l.marks, tlPoint{at: a.At, class: "tl-stop", kind: "stop signal", who: who,
			title: fmt.Sprintf("%s stop signal at %s (SIGKILL after %ds)", id, tlFmtDur(a.At), a.Timeout)})
	case model.ActSIGKILL:
		l.marks = append(l.marks, tlPoint{at: a.At, class: "tl-kill", kind: "SIGKILL", who: who,
			title: id + " SIGKILL at " + tlFmtDur(a.At), severity: 1})
	case model.ActEvent:
		l.marks = append(l.marks, tlPoint{at: a.At, class: "tl-event", kind: "event " + a.Reason, who: who,
			title: fmt.Sprintf("%s event %s reported by %s: %s", l.name, a.Reason, tlFmtDur(a.At), a.Result)})
	}
}

func tlWho(attempt int) string { return "#" + strconv.Itoa(attempt) }

func tlExitText(a *model.Action) string {
	s := fmt.Sprintf("exited code %d", a.ExitCode)
	if a.Reason != "" {
		s += " (" + a.Reason + ")"
	}
	return s
}

func (l *tlLaneBuilder) terminated() tlInterval {
	return tlInterval{class: "tl-seg tl-terminated", kind: "terminated", who: tlWho(l.lastAttempt),
		head: tlInst(l.name, l.lastAttempt) + " terminated", tail: ": " + l.lastExit}
}

// backOff draws the refused restart: the container waits a.Wait more,
// unless it starts earlier.
func (l *tlLaneBuilder) backOff(a *model.Action, id string) {
	l.open(a.At, tlInterval{class: "tl-seg tl-backoff", kind: "back-off", head: l.name + " back-off", who: tlWho(a.Attempt),
		tail: fmt.Sprintf(" (CrashLoopBackOff after %s: wait %s, delay %s)", id, tlFmtDur(a.Wait), tlFmtDur(a.Delay))})
	l.backoffEnd = a.At + a.Wait
}

// expire ends a back-off whose wait ran out before t.
func (l *tlLaneBuilder) expire(t time.Duration) {
	if l.cur != nil && l.cur.kind == "back-off" && l.backoffEnd < t {
		l.open(l.backoffEnd, l.terminated())
	}
}

// open ends the current state at t and begins iv.
func (l *tlLaneBuilder) open(t time.Duration, iv tlInterval) {
	l.closeAt(t, tlClosing{})
	iv.from = t
	l.cur = &iv
}

func (l *tlLaneBuilder) closeAt(t time.Duration, how tlClosing) {
	if l.cur == nil {
		return
	}
	iv := *l.cur
	if how.close(&iv, t) {
		l.segs = append(l.segs, iv)
	}
	l.cur = nil
}

func (l *tlLaneBuilder) hook(a *model.Action, id string) {
	if l.openHooks == nil {
		l.openHooks = map[string]*tlInterval{}
	}
	if a.Kind == model.ActHookStarted {
		l.openHooks[a.Hook] = &tlInterval{from: a.At, class: "tl-hook", kind: a.Hook, head: id + " " + a.Hook + " hook", who: tlWho(a.Attempt), keep: true}
		return
	}
	iv := l.openHooks[a.Hook]
	if iv == nil {
		return
	}
	delete(l.openHooks, a.Hook)
	iv.to, iv.tail = a.At, ": "+orNone(a.Result, "(none)")
	if a.Result != model.ResultOK {
		iv.class += " tl-hook-failed"
	}
	l.hooks = append(l.hooks, *iv)
}

func (l *tlLaneBuilder) probe(a *model.Action, id string) {
	if l.probes == nil {
		l.probes = map[model.ProbeType][]tlPoint{}
	}
	if _, ok := l.probes[a.Probe]; !ok {
		l.probeOrder = append(l.probeOrder, a.Probe)
	}
	p := tlPoint{at: a.At, class: "tl-probe tl-probe-ok", kind: a.Result, who: tlWho(a.Attempt),
		title: fmt.Sprintf("%s %s %s at %s", id, a.Probe, orNone(a.Result, "(none)"), tlFmtDur(a.At))}
	if a.Result != model.ResultSuccess {
		p.class, p.severity = "tl-probe tl-probe-fail", 1
	}
	l.probes[a.Probe] = append(l.probes[a.Probe], p)
}

// finish closes every open span at the end of the rows.
func (l *tlLaneBuilder) finish(end time.Duration, last tlClosing) {
	l.expire(end)
	l.closeAt(end, last)
	for _, iv := range l.openHooks {
		last.close(iv, end)
		iv.tail = ": not ended by " + tlFmtDur(end)
		l.hooks = append(l.hooks, *iv)
	}
	l.openHooks = nil
	sort.SliceStable(l.hooks, func(i, j int) bool {
		a, b := l.hooks[i], l.hooks[j]
		return a.from < b.from || (a.from == b.from && a.kind < b.kind)
	})
	sort.SliceStable(l.probeOrder, func(i, j int) bool { return tlProbeRank(l.probeOrder[i]) < tlProbeRank(l.probeOrder[j]) })
}

func tlProbeRank(p model.ProbeType) int {
	switch p {
	case model.Startup:
		return 0
	case model.Liveness:
		return 1
	case model.Readiness:
		return 2
	}
	return 3
}

// layout places the lane at y and returns it with its height: a strip for
// dense stop and kill marks, the state bar, then a hook sub-row if there are
// hooks, then one sub-row per probe type.
func (l *tlLaneBuilder) layout(sc tlScale, y, labelW int) (Lane, int) {
	label := tlShorten(l.name, (labelW-8)/tlLabelCharW)
	bar := y + tlSubRowH + 1
	lane := Lane{Name: tlClean(l.name), Label: tlClean(label), LabelX: 4, LabelY: bar + tlBarH - 3,
		Title: tlClean(fmt.Sprintf("%s: %d start%s", l.name, l.starts, tlPlural(l.starts)))}
	lane.Segments = tlRunningLast(tlLayoutSpans(l.segs, sc, tlSpanRow{name: l.name, y: bar, h: tlBarH}))
	lane.Marks = tlLayoutMarks(l.marks, sc, tlMarkRow{name: l.name, y: y, h: bar + tlBarH + 1 - y, denseH: tlSubRowH, w: 3})
	row := bar + tlBarH + 1
	if len(l.hooks) > 0 {
		lane.Hooks = tlLayoutSpans(l.hooks, sc, tlSpanRow{name: l.name, what: "hooks", y: row, h: tlSubRowH})
		row += tlSubRowH + 1
	}
	for _, p := range l.probeOrder {
		pr := tlMarkRow{name: l.name, what: string(p), y: row, h: tlSubRowH, w: 2, runs: true}
		lane.Probes = append(lane.Probes, tlLayoutMarks(l.probes[p], sc, pr)...)
		row += tlSubRowH + 1
	}
	h := row + 1 - y
	lane.Background = Rect{X: sc.x0, Y: y, W: sc.w, H: h, Class: "tl-lane-bg"}
	return lane, h
}

// tlRunningLast puts the running segments after the others, so they are
// drawn on top: a run shorter than a pixel is widened to one, and would
// otherwise vanish under the back-off that follows it.
func tlRunningLast(segs []Rect) []Rect {
	sort.SliceStable(segs, func(i, j int) bool {
		return !strings.HasSuffix(segs[i].Class, "tl-running") && strings.HasSuffix(segs[j].Class, "tl-running")
	})
	return segs
}

func tlLayoutBand(label string, ivs []tlInterval, sc tlScale, y, h int) Band {
	return Band{Label: tlClean(label), LabelX: 4, LabelY: y + h - 1,
		Spans: tlLayoutSpans(ivs, sc, tlSpanRow{name: label, y: y, h: h})}
}

// tlSpanRow says where the spans of one row go, and names the row in the
// tooltips of dense rectangles ("app#3–#9 hooks 1h–2h: …").
type tlSpanRow struct {
	name, what string
	y, h       int
}

// tlLayoutSpans draws the intervals of one row. Each interval is its own
// rectangle unless the row would have more than tlMaxSpansPerRow: then runs of
// intervals narrower than b px are merged into dense rectangles, with b
// doubled until the row fits.
func tlLayoutSpans(ivs []tlInterval, sc tlScale, row tlSpanRow) []Rect {
	if len(ivs) == 0 {
		return nil
	}
	groups := tlSingles(len(ivs))
	for b := 2.0; len(groups) > tlMaxSpansPerRow && b < 4*float64(sc.w); b *= 2 {
		groups = tlGroupSpans(ivs, sc, b)
	}
	class := func(g [2]int) string { c, _ := tlSummarise(ivs[g[0] : g[1]+1]); return c }
	touch := func(p, g [2]int) bool { return sc.x(ivs[g[0]].from)-sc.x(ivs[p[1]].to) <= 1 }
	groups = tlMergeDense(groups, class, touch)
	out := make([]Rect, 0, len(groups))
	for _, g := range groups {
		out = append(out, tlSpanRect(ivs[g[0]:g[1]+1], sc, row))
	}
	return out
}

func tlSingles(n int) [][2]int {
	g := make([][2]int, n)
	for i := range g {
		g[i] = [2]int{i, i}
	}
	return g
}

// tlGroupSpans groups consecutive intervals narrower than b px whose joint
// extent stays within b px; wider intervals stay alone.
func tlGroupSpans(ivs []tlInterval, sc tlScale, b float64) [][2]int {
	width := func(k int) float64 { return sc.fx(ivs[k].to) - sc.fx(ivs[k].from) }
	var out [][2]int
	for i := 0; i < len(ivs); {
		j := i
		if width(i) < b {
			for j+1 < len(ivs) && width(j+1) < b && sc.fx(ivs[j+1].to)-sc.fx(ivs[i].from) <= b {
				j++
			}
		}
		out = append(out, [2]int{i, j})
		i = j + 1
	}
	return out
}

// tlMergeDense joins neighbouring groups of several items each that touch
// and are drawn in the same class: side by side they look like one
// rectangle anyway, and one <rect> is smaller. A steady crash loop over a
// day becomes a single dense rectangle whose tooltip counts the restarts.
func tlMergeDense(groups [][2]int, class func([2]int) string, touch func(p, g [2]int) bool) [][2]int {
	out := make([][2]int, 0, len(groups))
	prevClass := ""
	for _, g := range groups {
		c := ""
		if g[1] > g[0] {
			c = class(g)
		}
		if n := len(out); n > 0 && c != "" && c == prevClass && touch(out[n-1], g) {
			out[n-1][1] = g[1]
			continue
		}
		out = append(out, g)
		prevClass = c
	}
	return out
}

// tlSpanRect draws one interval, or a dense run of several.
func tlSpanRect(ivs []tlInterval, sc tlScale, row tlSpanRow) Rect {
	first, last := ivs[0], ivs[len(ivs)-1]
	x1, x2 := sc.x(first.from), sc.x(last.to)
	if last.final {
		x2 += tlOngoingW
	}
	if len(ivs) == 1 {
		return tlNewRect(x1, row.y, max(x2-x1, 1), row.h, first.class, first.title())
	}
	class, summary := tlSummarise(ivs)
	title := fmt.Sprintf("%s %s–%s: %s", tlRowTitle(row.name, row.what, first.who, last.who),
		tlFmtDur(first.from), tlFmtDur(last.to), summary)
	return tlNewRect(x1, row.y, max(x2-x1, 1), row.h, class+" tl-dense", title)
}

// tlRowTitle names a row in a dense rectangle's tooltip: "app#3–#9 liveness".
func tlRowTitle(name, what, firstWho, lastWho string) string {
	s := name + firstWho
	if lastWho != firstWho {
		s += "–" + lastWho
	}
	if what != "" {
		s += " " + what
	}
	return s
}

// tlSummarise counts the states of a dense run ("running ×8 (40s), back-off
// ×8 (39m20s)") and picks the class of the state that lasted longest.
func tlSummarise(ivs []tlInterval) (class, summary string) {
	type agg struct {
		kind, class string
		n           int
		d           time.Duration
	}
	var aggs []*agg
	byKind := map[string]*agg{}
	for _, iv := range ivs {
		a := byKind[iv.kind]
		if a == nil {
			a = &agg{kind: iv.kind, class: iv.class}
			byKind[iv.kind] = a
			aggs = append(aggs, a)
		}
		a.n++
		a.d += iv.to - iv.from
	}
	best := aggs[0]
	parts := make([]string, 0, len(aggs))
	for _, a := range aggs {
		if a.d > best.d {
			best = a
		}
		parts = append(parts, fmt.Sprintf("%s ×%d (%s)", orNone(a.kind, "(none)"), a.n, tlFmtDur(a.d)))
	}
	return best.class, strings.Join(parts, ", ")
}

// tlMarkRow says where the marks of one row go.
type tlMarkRow struct {
	name, what string
	// y and h place a mark; a merged group wider than a mark (a dense
	// stretch) gets only the top denseH px, so it does not hide the bar
	// under it.
	y, h, denseH int
	w            int // a mark's width
	// runs merges equal marks in adjacent buckets, so a long stretch of
	// equal probe results is one bar.
	runs bool
}

// tlLayoutMarks draws the points of one row as ticks. Points in the same b
// px bucket merge; b starts at 1 and doubles while the row has more than
// tlMaxMarksPerRow ticks.
func tlLayoutMarks(pts []tlPoint, sc tlScale, row tlMarkRow) []Rect {
	if len(pts) == 0 {
		return nil
	}
	var groups [][2]int
	b := 1.0
	for ; ; b *= 2 {
		groups = tlGroupMarks(pts, sc, b, row.runs)
		if len(groups) <= tlMaxMarksPerRow || b >= 4*float64(sc.w) {
			break
		}
	}
	class := func(g [2]int) string { return tlTopPoint(pts[g[0] : g[1]+1]).class }
	touch := func(p, g [2]int) bool { return sc.fx(pts[g[0]].at)-sc.fx(pts[p[1]].at) <= 2*b }
	groups = tlMergeDense(groups, class, touch)
	out := make([]Rect, 0, len(groups))
	for _, g := range groups {
		out = append(out, tlMarkGroupRect(pts[g[0]:g[1]+1], sc, row))
	}
	return out
}

func tlGroupMarks(pts []tlPoint, sc tlScale, b float64, runs bool) [][2]int {
	bucket := func(k int) int { return int((sc.fx(pts[k].at) - float64(sc.x0)) / b) }
	var out [][2]int
	for i := 0; i < len(pts); {
		j, class, sev := i, pts[i].class, pts[i].severity
		for j+1 < len(pts) {
			same := bucket(j+1) == bucket(j)
			adjacent := runs && bucket(j+1) == bucket(j)+1 && pts[j+1].class == class
			if !same && !adjacent {
				break
			}
			j++
			if pts[j].severity > sev {
				class, sev = pts[j].class, pts[j].severity
			}
		}
		out = append(out, [2]int{i, j})
		i = j + 1
	}
	return out
}

// tlTopPoint is the first of the most severe points.
func tlTopPoint(pts []tlPoint) tlPoint {
	top := pts[0]
	for _, p := range pts {
		if p.severity > top.severity {
			top = p
		}
	}
	return top
}

// tlMarkGroupRect draws one point, or a merged group of points with a
// tooltip that counts them and the class of the most severe.
func tlMarkGroupRect(pts []tlPoint, sc tlScale, row tlMarkRow) Rect {
	first, last := pts[0], pts[len(pts)-1]
	x1, x2 := sc.x(first.at), sc.x(last.at)
	if len(pts) == 1 {
		return tlNewRect(x1-row.w/2, row.y, row.w, row.h, first.class, first.title)
	}
	counts := map[string]int{}
	var kinds []string
	for _, p := range pts {
		if counts[p.kind] == 0 {
			kinds = append(kinds, p.kind)
		}
		counts[p.kind]++
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s ×%d", orNone(k, "(none)"), counts[k])
	}
	title := fmt.Sprintf("%s %s–%s: %s", tlRowTitle(row.name, row.what, first.who, last.who),
		tlFmtDur(first.at), tlFmtDur(last.at), strings.Join(parts, ", "))
	h := row.h
	if x2-x1 > row.w && row.denseH > 0 {
		h = row.denseH
	}
	return tlNewRect(x1-row.w/2, row.y, x2-x1+row.w, h, tlTopPoint(pts).class, title)
}

// tlLayoutAxis places the axis under the rows (which end at bottom).
func tlLayoutAxis(sc tlScale, top, bottom int) Axis {
	ax := Axis{Y: bottom + 2, X1: sc.x0, X2: sc.x0 + sc.w, GridY1: top, GridY2: bottom + 2}
	ax.TickY2 = ax.Y + 4
	ax.LabelY = ax.Y + 15
	step := tlNiceStep(sc.end)
	for t := time.Duration(0); t <= sc.end; t += step {
		ax.Ticks = append(ax.Ticks, Tick{X: sc.x(t), Label: tlFmtDur(t)})
	}
	return ax
}

// tlNiceSteps are the axis steps a reader counts in easily.
var tlNiceSteps = []time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond,
	10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// tlNiceStep is the smallest nice step giving at most 11 ticks from 0 to end.
// Consecutive steps differ by at most 2.5×, so there are at least 5.
func tlNiceStep(end time.Duration) time.Duration {
	for _, s := range tlNiceSteps {
		if end <= 10*s {
			return s
		}
	}
	s := tlNiceSteps[len(tlNiceSteps)-1]
	for end > 10*s {
		s *= 2
	}
	return s
}

// tlFmtDur prints a duration the short way: 1m rather than 1m0s, 2h rather
// than 2h0m0s.
func tlFmtDur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func tlPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// tlNewRect makes a rectangle, cleaning its tooltip.
func tlNewRect(x, y, w, h int, class, title string) Rect {
	return Rect{X: x, Y: y, W: w, H: h, Class: class, Title: tlClean(title)}
}

// tlShorten cuts s to n runes, ending it with "…" if it was longer.
func tlShorten(s string, n int) string {
	if n < 2 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// tlClean makes text from a trace safe to put in an SVG that XML tools can
// read: html/template escapes markup, but characters XML forbids (control
// characters, invalid UTF-8) would still break the document, so they
// become U+FFFD. Very long text is cut, to keep the page small.
func tlClean(s string) string {
	s = tlShorten(s, tlMaxTextRunes)
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0xfffe || r == 0xffff || (r >= 0xd800 && r < 0xe000) {
			return utf8.RuneError
		}
		return r
	}, s)
}
