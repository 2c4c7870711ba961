package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// tlRun runs a corpus scenario through the model and returns its trace and
// its containers in spec order (init containers first).
func tlRun(t *testing.T, file string, until time.Duration) ([]model.Action, []string) {
	t.Helper()
	doc, err := scenario.Load(filepath.Join("..", "corpus", file))
	require.NoError(t, err)
	acts, err := model.Run(doc.Model(), until)
	require.NoError(t, err)
	var names []string
	for _, c := range doc.Pod.Spec.InitContainers {
		names = append(names, c.Name)
	}
	for _, c := range doc.Pod.Spec.Containers {
		names = append(names, c.Name)
	}
	return acts, names
}

// tlPx is where virtual time at must be drawn on an axis ending at end.
func tlPx(tl Timeline, end, at time.Duration) int {
	return tl.PlotX + int(math.Round(float64(at)/float64(end)*float64(tl.PlotW)))
}

// tlActs lists the actions of one kind (and container, if not "").
func tlActs(acts []model.Action, kind model.ActionKind, container string) []model.Action {
	var out []model.Action
	for _, a := range acts {
		if a.Kind == kind && (container == "" || a.Container == container) {
			out = append(out, a)
		}
	}
	return out
}

// tlWithClass lists the rectangles that have class among their classes.
func tlWithClass(rs []Rect, class string) []Rect {
	var out []Rect
	for _, r := range rs {
		if slices.Contains(strings.Fields(r.Class), class) {
			out = append(out, r)
		}
	}
	return out
}

func tlLaneNames(tl Timeline) []string {
	var out []string
	for _, l := range tl.Lanes {
		out = append(out, l.Name)
	}
	return out
}

func tlLane(t *testing.T, tl Timeline, name string) Lane {
	t.Helper()
	for _, l := range tl.Lanes {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no lane %q in %v", name, tlLaneNames(tl))
	return Lane{}
}

func tlBand(t *testing.T, tl Timeline, label string) Band {
	t.Helper()
	for _, b := range tl.Conditions {
		if b.Label == label {
			return b
		}
	}
	t.Fatalf("no condition band %q", label)
	return Band{}
}

// tlAllRects lists every rectangle of the picture.
func tlAllRects(tl Timeline) []Rect {
	out := slices.Clone(tl.Phase.Spans)
	for _, b := range tl.Conditions {
		out = append(out, b.Spans...)
	}
	for _, l := range tl.Lanes {
		out = append(out, l.Background)
		out = append(out, l.Segments...)
		out = append(out, l.Hooks...)
		out = append(out, l.Probes...)
		out = append(out, l.Marks...)
	}
	out = append(out, tl.PodMarks...)
	if tl.HasMark {
		out = append(out, tl.Mark)
	}
	return out
}

// tlRender executes the "timeline" template of assets/timeline.tmpl.
func tlRender(t *testing.T, tl Timeline) string {
	t.Helper()
	tmpl := template.Must(template.ParseFiles("assets/timeline.tmpl"))
	var b bytes.Buffer
	require.NoError(t, tmpl.ExecuteTemplate(&b, "timeline", &tl))
	return b.String()
}

// tlParseXML decodes doc strictly and returns its elements and its text.
func tlParseXML(t *testing.T, doc string) (elems []xml.StartElement, text string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	var sb strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "not well-formed XML:\n%s", doc)
		switch tok := tok.(type) {
		case xml.StartElement:
			elems = append(elems, tok.Copy())
		case xml.CharData:
			sb.Write(tok)
		}
	}
	return elems, sb.String()
}

func TestTimelineLanesInSpecOrder(t *testing.T) {
	acts, names := tlRun(t, "examples/sidecar.yaml", 10*time.Minute)
	require.Equal(t, []string{"migrate", "log-shipper", "app"}, names)
	tl := BuildTimeline(acts, TimelineOptions{Containers: names})
	require.Equal(t, names, tlLaneNames(tl))

	// Unlisted containers follow in order of first appearance, and a listed
	// container that never ran still has its (empty) lane.
	tl = BuildTimeline(acts, TimelineOptions{Containers: []string{"app", "never-ran", "app"}})
	require.Equal(t, []string{"app", "never-ran", "migrate", "log-shipper"}, tlLaneNames(tl))
	require.Empty(t, tl.Lanes[1].Segments)
	require.NotEmpty(t, tl.Lanes[0].Segments)

	// Lanes are stacked without overlapping, under the condition bands.
	prev := tl.Conditions[len(tl.Conditions)-1].Spans[0]
	bottom := prev.Y + prev.H
	for _, l := range tl.Lanes {
		require.GreaterOrEqual(t, l.Background.Y, bottom, l.Name)
		bottom = l.Background.Y + l.Background.H
		require.Less(t, l.LabelY, bottom)
		require.Greater(t, l.LabelY, l.Background.Y)
	}
}

func TestTimelineRunningSegmentsFollowStarts(t *testing.T) {
	const end = 10 * time.Minute
	for _, file := range []string{"examples/crashloop.yaml", "examples/liveness-exec.yaml", "examples/sidecar.yaml", "examples/hook-demo.yaml", "examples/init-demo.yaml"} {
		acts, names := tlRun(t, file, end)
		tl := BuildTimeline(acts, TimelineOptions{Containers: names, End: end})
		for _, lane := range tl.Lanes {
			starts := tlActs(acts, model.ActContainerStarted, lane.Name)
			running := tlWithClass(lane.Segments, "tl-running")
			require.Len(t, running, len(starts), "%s %s", file, lane.Name)
			for i, a := range starts {
				require.Equal(t, tlPx(tl, end, a.At), running[i].X, "%s %s", file, lane.Name)
				require.Contains(t, running[i].Title, fmt.Sprintf("%s#%d running", lane.Name, a.Attempt))
			}
		}
	}

	// In a crash loop every run ends where its instance exited, and the
	// terminated state is not drawn over the back-off that follows at once.
	acts, names := tlRun(t, "examples/crashloop.yaml", end)
	tl := BuildTimeline(acts, TimelineOptions{Containers: names, End: end})
	running := tlWithClass(tl.Lanes[0].Segments, "tl-running")
	exits := tlActs(acts, model.ActContainerExited, "app")
	require.Len(t, exits, len(running))
	for i, a := range exits {
		require.Equal(t, tlPx(tl, end, a.At), running[i].X+running[i].W, "exit of app#%d", a.Attempt)
	}
	require.Empty(t, tlWithClass(tl.Lanes[0].Segments, "tl-terminated"))
	require.Empty(t, tlWithClass(tl.Lanes[0].Segments, "tl-dense"))
}

func TestTimelineBackOffSpansItsWait(t *testing.T) {
	const end = 10 * time.Minute
	acts, names := tlRun(t, "examples/crashloop.yaml", end)
	tl := BuildTimeline(acts, TimelineOptions{Containers: names, End: end})
	backoffs := tlActs(acts, model.ActBackOff, "app")
	require.GreaterOrEqual(t, len(backoffs), 5)
	segs := tlWithClass(tl.Lanes[0].Segments, "tl-backoff")
	require.Len(t, segs, len(backoffs))
	for i, a := range backoffs {
		x1 := tlPx(tl, end, a.At)
		require.Equal(t, x1, segs[i].X)
		require.Contains(t, segs[i].Title, "wait "+tlFmtDur(a.Wait))
		if a.At+a.Wait <= end {
			require.Equal(t, tlPx(tl, end, a.At+a.Wait)-x1, segs[i].W, "back-off at %v", a.At)
		} else {
			// Still waiting at the end of the axis: drawn a little past it.
			require.Equal(t, tl.PlotX+tl.PlotW+tlOngoingW-x1, segs[i].W)
		}
	}
}

// Synthetic traces for the cases the corpus does not show.
func tlAct(at time.Duration, kind model.ActionKind, container string, attempt int) model.Action {
	return model.Action{At: at, Kind: kind, Container: container, Attempt: attempt}
}

func TestTimelineBackOffCutShortOrExpired(t *testing.T) {
	const end = time.Minute
	s := time.Second
	exit := tlAct(5*s, model.ActContainerExited, "c", 0)
	exit.ExitCode, exit.Reason = 137, "Error"
	bo := tlAct(10*s, model.ActBackOff, "c", 0)
	bo.Wait, bo.Delay = 30*s, 30*s

	// The container starts before the wait is over: the back-off ends there.
	acts := []model.Action{tlAct(0, model.ActContainerCreated, "c", 0), tlAct(0, model.ActContainerStarted, "c", 0), exit, bo,
		tlAct(20*s, model.ActContainerCreated, "c", 1), tlAct(25*s, model.ActContainerStarted, "c", 1)}
	tl := BuildTimeline(acts, TimelineOptions{End: end})
	segs := tl.Lanes[0].Segments
	back := tlWithClass(segs, "tl-backoff")
	require.Len(t, back, 1)
	require.Equal(t, tlPx(tl, end, 10*s), back[0].X)
	require.Equal(t, tlPx(tl, end, 20*s), back[0].X+back[0].W)
	wait := tlWithClass(segs, "tl-waiting")
	require.Len(t, wait, 1)
	require.Equal(t, tlPx(tl, end, 20*s), wait[0].X)
	require.Equal(t, tlPx(tl, end, 25*s), wait[0].X+wait[0].W)
	term := tlWithClass(segs, "tl-terminated")
	require.Len(t, term, 1)
	require.Equal(t, "c#0 terminated 5s–10s: exited code 137 (Error)", term[0].Title)

	// Nothing happens when the wait is over: the instance shows as
	// terminated again until the next one is created.
	acts = []model.Action{tlAct(0, model.ActContainerStarted, "c", 0), exit, bo, tlAct(50*s, model.ActContainerCreated, "c", 1)}
	tl = BuildTimeline(acts, TimelineOptions{End: end})
	segs = tl.Lanes[0].Segments
	back = tlWithClass(segs, "tl-backoff")
	require.Len(t, back, 1)
	require.Equal(t, tlPx(tl, end, 40*s), back[0].X+back[0].W)
	term = tlWithClass(segs, "tl-terminated")
	require.Len(t, term, 2)
	require.Equal(t, tlPx(tl, end, 40*s), term[1].X)
	require.Equal(t, tlPx(tl, end, 50*s), term[1].X+term[1].W)
	require.Contains(t, term[1].Title, "exited code 137 (Error)")
}

func TestTimelineHookSpans(t *testing.T) {
	const end = 2 * time.Minute
	acts, names := tlRun(t, "examples/hook-demo.yaml", end)
	tl := BuildTimeline(acts, TimelineOptions{Containers: names, End: end})
	lane := tlLane(t, tl, "lifecycle-demo-container")
	started := tlActs(acts, model.ActHookStarted, lane.Name)
	ended := tlActs(acts, model.ActHookEnded, lane.Name)
	require.Len(t, started, 2)
	require.Len(t, ended, 2)
	require.Len(t, lane.Hooks, 2)
	for i, h := range lane.Hooks {
		require.Equal(t, started[i].Hook, ended[i].Hook)
		require.Equal(t, tlPx(tl, end, started[i].At), h.X)
		require.Equal(t, tlPx(tl, end, ended[i].At), h.X+h.W)
		require.Contains(t, h.Title, started[i].Hook+" hook")
		require.Contains(t, h.Title, ": ok")
		require.Equal(t, "tl-hook", h.Class)
	}
	// The scenario's hooks: postStart takes 2s, preStop runs 1m to 1m5s.
	require.Contains(t, lane.Hooks[0].Title, "postStart hook 0s–2s")
	require.Contains(t, lane.Hooks[1].Title, "preStop hook 1m–1m5s")
	// The hook row is under the state bar, inside the lane.
	bar := lane.Segments[0]
	require.GreaterOrEqual(t, lane.Hooks[0].Y, bar.Y+bar.H)
	require.LessOrEqual(t, lane.Hooks[0].Y+lane.Hooks[0].H, lane.Background.Y+lane.Background.H)

	// A failed hook is marked, and one that never ends runs to the end.
	s := time.Second
	failed := tlAct(3*s, model.ActHookEnded, "c", 0)
	failed.Hook, failed.Result = model.HookPostStart, model.ResultFailed
	post := tlAct(s, model.ActHookStarted, "c", 0)
	post.Hook = model.HookPostStart
	pre := tlAct(10*s, model.ActHookStarted, "c", 0)
	pre.Hook = model.HookPreStop
	tl = BuildTimeline([]model.Action{tlAct(0, model.ActContainerStarted, "c", 0), post, failed, pre}, TimelineOptions{End: 30 * s})
	hooks := tl.Lanes[0].Hooks
	require.Len(t, hooks, 2)
	require.Equal(t, "tl-hook tl-hook-failed", hooks[0].Class)
	require.Contains(t, hooks[0].Title, ": failed")
	require.Equal(t, tl.PlotX+tl.PlotW+tlOngoingW, hooks[1].X+hooks[1].W)
	require.Contains(t, hooks[1].Title, "not ended")
}

func TestTimelineStopAndKillMarks(t *testing.T) {
	const end = 10 * time.Minute
	acts, names := tlRun(t, "examples/liveness-exec.yaml", end)
	tl := BuildTimeline(acts, TimelineOptions{Containers: names, End: end})
	lane := tlLane(t, tl, "liveness")
	for _, c := range []struct {
		kind  model.ActionKind
		class string
	}{{model.ActSIGKILL, "tl-kill"}, {model.ActStopSignal, "tl-stop"}} {
		want := tlActs(acts, c.kind, "liveness")
		require.GreaterOrEqual(t, len(want), 3, c.kind)
		got := tlWithClass(lane.Marks, c.class)
		require.Len(t, got, len(want), c.kind)
		for i, a := range want {
			// A mark is 3 px wide, centred on its moment, across the bar.
			require.Equal(t, tlPx(tl, end, a.At), got[i].X+1, "%s at %v", c.kind, a.At)
			require.Equal(t, 3, got[i].W)
			require.Equal(t, lane.Background.Y, got[i].Y)
			require.Greater(t, got[i].Y+got[i].H, lane.Segments[0].Y+lane.Segments[0].H-1)
		}
	}
	require.Contains(t, tlWithClass(lane.Marks, "tl-stop")[0].Title, "SIGKILL after 30s")

	// hook-demo: the container exits on the stop signal; no SIGKILL; one
	// delete, then the pod is removed.
	acts, names = tlRun(t, "examples/hook-demo.yaml", end)
	tl = BuildTimeline(acts, TimelineOptions{Containers: names, End: end})
	lane = tl.Lanes[0]
	require.Len(t, tlWithClass(lane.Marks, "tl-stop"), 1)
	require.Empty(t, tlWithClass(lane.Marks, "tl-kill"))
	del := tlWithClass(tl.PodMarks, "tl-delete")
	require.Len(t, del, 1)
	require.Equal(t, tlPx(tl, end, time.Minute), del[0].X+1)
	require.Equal(t, "delete requested at 1m (grace 30s)", del[0].Title)
	require.Len(t, tlWithClass(tl.PodMarks, "tl-removed"), 1)
	// Nothing is drawn after the pod is gone, but for the short tail of
	// the states it ended in (here: the exit and the Succeeded phase, both
	// at the moment of removal).
	removed := tlActs(acts, model.ActPodRemoved, "")[0].At
	for _, r := range slices.Concat(lane.Segments, tl.Phase.Spans) {
		require.LessOrEqual(t, r.X+r.W, tlPx(tl, end, removed)+tlOngoingW, r.Title)
	}
	term := tlWithClass(lane.Segments, "tl-terminated")
	require.Len(t, term, 1)
	last := term[0]
	require.Equal(t, "lifecycle-demo-container#0 terminated 1m6s–1m6s: exited code 0 (Completed)", last.Title)
	require.Equal(t, tlPx(tl, end, removed), last.X)
	require.Equal(t, tlOngoingW, last.W)
}

func TestTimelineProbeMarks(t *testing.T) {
	const end = 10 * time.Minute
	acts, names := tlRun(t, "examples/liveness-exec.yaml", end)
	tl := BuildTimeline(acts, TimelineOptions{Containers: names, End: end})
	lane := tlLane(t, tl, "liveness")
	probes := tlActs(acts, model.ActProbeResult, "liveness")
	// Probes 5s apart are 6 px apart here: one tick each.
	require.Len(t, lane.Probes, len(probes))
	fails := 0
	for i, a := range probes {
		r := lane.Probes[i]
		require.Equal(t, tlPx(tl, end, a.At), r.X+1)
		require.Equal(t, fmt.Sprintf("liveness#%d liveness %s at %s", a.Attempt, a.Result, tlFmtDur(a.At)), r.Title)
		if a.Result == model.ResultFailure {
			fails++
			require.Equal(t, "tl-probe tl-probe-fail", r.Class)
		} else {
			require.Equal(t, "tl-probe tl-probe-ok", r.Class)
		}
	}
	require.GreaterOrEqual(t, fails, 3)
	require.Contains(t, lane.Probes[6].Title, "liveness failure at 35s")

	// Equal results on neighbouring pixels merge into one bar: the startup
	// probe's hours of successes are a handful of rectangles, not 8,000.
	acts, names = tlRun(t, "examples/startup-probe.yaml", 24*time.Hour)
	results := tlActs(acts, model.ActProbeResult, "")
	require.Greater(t, len(results), 5000)
	tl = BuildTimeline(acts, TimelineOptions{Containers: names})
	lane = tl.Lanes[0]
	require.LessOrEqual(t, len(lane.Probes), 20)
	n := 0
	for _, r := range lane.Probes {
		if tlIsMerged(r) {
			n += tlMerged(r.Title, "success") + tlMerged(r.Title, "failure")
		} else {
			n++
		}
	}
	require.Equal(t, len(results), n, "merged ticks must account for every probe result")

	// A probe that succeeds for 10 minutes, fails for 10, and so on, every
	// second: six bars that alternate, not one.
	acts = []model.Action{tlAct(0, model.ActContainerStarted, "c", 0)}
	for at := time.Second; at < time.Hour; at += time.Second {
		p := tlAct(at, model.ActProbeResult, "c", 0)
		p.Probe, p.Result = model.Readiness, model.ResultSuccess
		if (at/(10*time.Minute))%2 == 1 {
			p.Result = model.ResultFailure
		}
		acts = append(acts, p)
	}
	tl = BuildTimeline(acts, TimelineOptions{End: time.Hour})
	probesRow := tl.Lanes[0].Probes
	require.Len(t, probesRow, 6)
	for i, r := range probesRow {
		want := []string{"tl-probe tl-probe-ok", "tl-probe tl-probe-fail"}[i%2]
		require.Equal(t, want, r.Class, r.Title)
		require.Equal(t, 600-tlBtoi(i == 0), tlMerged(r.Title, []string{"success", "failure"}[i%2]), r.Title)
	}
	require.Equal(t, "c#0 readiness 10m–19m59s: failure ×600", probesRow[1].Title)
}

func tlBtoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tlMerged adds up the "word ×N" counts in the tooltip of a merged mark
// or dense rectangle.
func tlMerged(title, word string) int {
	total := 0
	for _, g := range regexp.MustCompile(regexp.QuoteMeta(word)+` ×(\d+)`).FindAllStringSubmatch(title, -1) {
		n, _ := strconv.Atoi(g[1])
		total += n
	}
	return total
}

// tlIsMerged says whether a rectangle stands for several actions.
func tlIsMerged(r Rect) bool { return strings.Contains(r.Title, "×") }

// tlPhases is the pod phase over time as the trace's status updates give
// it: the last phase reported at each moment, changes only.
func tlPhases(acts []model.Action) (at []time.Duration, phase []v1.PodPhase) {
	for _, a := range tlActs(acts, model.ActStatus, "") {
		if n := len(at); n > 0 && at[n-1] == a.At {
			at, phase = at[:n-1], phase[:n-1]
		}
		if n := len(at); n > 0 && phase[n-1] == a.Status.Phase {
			continue
		}
		at, phase = append(at, a.At), append(phase, a.Status.Phase)
	}
	return at, phase
}

func TestTimelinePhaseBand(t *testing.T) {
	for _, c := range []struct {
		file string
		want []v1.PodPhase
	}{
		{"examples/hook-demo.yaml", []v1.PodPhase{v1.PodPending, v1.PodRunning, v1.PodSucceeded}},
		{"examples/crashloop.yaml", []v1.PodPhase{v1.PodRunning}},
		{"examples/init-demo.yaml", []v1.PodPhase{v1.PodPending, v1.PodRunning}},
		{"upstream/init-container-fails-restartnever.yaml", []v1.PodPhase{v1.PodPending, v1.PodFailed}},
	} {
		acts, names := tlRun(t, c.file, 10*time.Minute)
		end := acts[len(acts)-1].At
		tl := BuildTimeline(acts, TimelineOptions{Containers: names})
		// A phase that lasts no time (Pending, then Running at once) is not
		// drawn, but a phase entered at the very end is.
		at, phases := tlPhases(acts)
		require.Equal(t, c.want, phases, c.file)
		spans := tl.Phase.Spans
		require.Len(t, spans, len(c.want), c.file)
		for i, r := range spans {
			require.Equal(t, "tl-phase tl-phase-"+string(c.want[i]), r.Class, c.file)
			require.Equal(t, tlPx(tl, end, at[i]), r.X, c.file)
			if i+1 < len(spans) {
				require.Equal(t, spans[i+1].X, r.X+r.W, "phase spans must tile")
			}
		}
		require.Equal(t, "phase", tl.Phase.Label)
	}
	// A pod that fails at its last action still shows Failed, past the end.
	acts, names := tlRun(t, "upstream/init-container-fails-restartnever.yaml", 10*time.Minute)
	tl := BuildTimeline(acts, TimelineOptions{Containers: names})
	last := tl.Phase.Spans[len(tl.Phase.Spans)-1]
	require.Equal(t, tl.PlotX+tl.PlotW, last.X)
	require.Equal(t, tlOngoingW, last.W)
	require.Equal(t, "phase Failed from 2s", last.Title)
}

func TestTimelineConditionBands(t *testing.T) {
	const end = 10 * time.Minute
	acts, names := tlRun(t, "examples/crashloop.yaml", end)
	tl := BuildTimeline(acts, TimelineOptions{Containers: names, End: end})
	var labels []string
	for _, b := range tl.Conditions {
		labels = append(labels, b.Label)
	}
	require.Equal(t, []string{"PodScheduled", "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready"}, labels)
	// The pod is Ready from each start until the exit that follows.
	starts := tlActs(acts, model.ActContainerStarted, "app")
	exits := tlActs(acts, model.ActContainerExited, "app")
	for _, name := range []string{"Ready", "ContainersReady"} {
		band := tlBand(t, tl, name)
		trues := tlWithClass(band.Spans, "tl-cond-true")
		require.Len(t, trues, len(starts), name)
		for i := range starts {
			require.Equal(t, tlPx(tl, end, starts[i].At), trues[i].X, name)
			require.Equal(t, tlPx(tl, end, exits[i].At), trues[i].X+trues[i].W, name)
		}
		falses := tlWithClass(band.Spans, "tl-cond-false")
		require.NotEmpty(t, falses)
		require.Equal(t, name+" False 10s–20s: ContainersNotReady", falses[0].Title)
		require.Contains(t, falses[len(falses)-1].Title, ": ContainersNotReady")
	}
	sched := tlBand(t, tl, "PodScheduled")
	require.Len(t, sched.Spans, 1)
	require.Equal(t, "tl-cond tl-cond-true", sched.Spans[0].Class)
	// The bands are stacked in order above the lanes.
	for i := 1; i < len(tl.Conditions); i++ {
		require.Greater(t, tl.Conditions[i].Spans[0].Y, tl.Conditions[i-1].Spans[0].Y)
	}
	require.Less(t, tl.Conditions[len(tl.Conditions)-1].Spans[0].Y, tl.Lanes[0].Background.Y)
}

func TestTimelineMark(t *testing.T) {
	const end = 10 * time.Minute
	acts, names := tlRun(t, "examples/crashloop.yaml", end)
	mark := 7*time.Minute + 10*time.Second
	tl := BuildTimeline(acts, TimelineOptions{Containers: names, End: end, Mark: mark, HasMark: true})
	require.True(t, tl.HasMark)
	require.Equal(t, tlPx(tl, end, mark), tl.MarkX)
	require.Equal(t, tl.MarkX-1, tl.Mark.X)
	require.Equal(t, "tl-mark", tl.Mark.Class)
	require.Equal(t, "violation at 7m10s", tl.Mark.Title)
	// The band crosses every row, from the phase band to the last lane.
	last := tl.Lanes[len(tl.Lanes)-1].Background
	require.LessOrEqual(t, tl.Mark.Y, tl.Phase.Spans[0].Y)
	require.GreaterOrEqual(t, tl.Mark.Y+tl.Mark.H, last.Y+last.H)
	require.Contains(t, tl.Label, "violation at 7m10s")
	require.Contains(t, tlRender(t, tl), `<rect class="tl-mark"`)

	// A mark after the end moves the end, so the violation is in view.
	tl = BuildTimeline(acts, TimelineOptions{Containers: names, End: end, Mark: 12 * time.Minute, HasMark: true})
	require.Equal(t, tl.PlotX+tl.PlotW, tl.MarkX)
	require.Equal(t, "12m", tl.Axis.Ticks[len(tl.Axis.Ticks)-1].Label)

	tl = BuildTimeline(acts, TimelineOptions{Containers: names, End: end})
	require.False(t, tl.HasMark)
	require.NotContains(t, tlRender(t, tl), "tl-mark")
}

func TestTimelineStaysInsideItsBox(t *testing.T) {
	files, err := filepath.Glob("../corpus/examples/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		rel, _ := filepath.Rel("../corpus", f)
		for _, until := range []time.Duration{10 * time.Minute, 6 * time.Hour} {
			acts, names := tlRun(t, rel, until)
			for _, width := range []int{0, 333, 1600} {
				tl := BuildTimeline(acts, TimelineOptions{Containers: names, Width: width, Mark: until / 3, HasMark: true})
				what := fmt.Sprintf("%s until %v width %d", rel, until, width)
				if width == 0 {
					require.Equal(t, 900, tl.Width, what)
				} else {
					require.Equal(t, width, tl.Width, what)
				}
				require.Equal(t, fmt.Sprintf("0 0 %d %d", tl.Width, tl.Height), tl.ViewBox)
				for _, r := range tlAllRects(tl) {
					require.GreaterOrEqual(t, r.X, tl.PlotX-2, "%s: %+v", what, r)
					require.Greater(t, r.W, 0, "%s: %+v", what, r)
					require.LessOrEqual(t, r.X+r.W, tl.Width, "%s: %+v", what, r)
					require.GreaterOrEqual(t, r.Y, 0, "%s: %+v", what, r)
					require.Greater(t, r.H, 0, "%s: %+v", what, r)
					require.LessOrEqual(t, r.Y+r.H, tl.Axis.Y, "%s: %+v", what, r)
				}
				for _, k := range tl.Axis.Ticks {
					require.GreaterOrEqual(t, k.X, tl.PlotX)
					require.LessOrEqual(t, k.X, tl.PlotX+tl.PlotW)
				}
				require.Less(t, tl.Axis.LabelY, tl.Height)
			}
		}
	}
}

func TestTimelineAxisTicks(t *testing.T) {
	for _, c := range []struct {
		end   time.Duration
		first []string // the first labels, when given
		last  string
	}{
		{time.Second, []string{"0s", "100ms", "200ms"}, "1s"},
		{2 * time.Second, []string{"0s", "200ms"}, "2s"},
		{7 * time.Second, []string{"0s", "1s", "2s"}, "7s"},
		{90 * time.Second, []string{"0s", "10s", "20s"}, "1m30s"},
		{7*time.Minute + 10*time.Second, []string{"0s", "1m", "2m"}, "7m"},
		{10 * time.Minute, []string{"0s", "1m", "2m"}, "10m"},
		{time.Hour, []string{"0s", "10m", "20m"}, "1h"},
		{90 * time.Minute, []string{"0s", "10m"}, "1h30m"},
		{24 * time.Hour, []string{"0s", "3h", "6h"}, "24h"},
		{72 * time.Hour, []string{"0s", "12h"}, "72h"},
		{30 * 24 * time.Hour, nil, ""},
		{250 * time.Millisecond, []string{"0s", "50ms"}, "250ms"},
	} {
		tl := BuildTimeline(nil, TimelineOptions{End: c.end})
		ticks := tl.Axis.Ticks
		require.GreaterOrEqual(t, len(ticks), 5, c.end)
		require.LessOrEqual(t, len(ticks), 12, c.end)
		var labels []string
		for i, k := range ticks {
			labels = append(labels, k.Label)
			if i > 1 {
				// Evenly spaced (to a pixel).
				require.InDelta(t, ticks[1].X-ticks[0].X, k.X-ticks[i-1].X, 1, c.end)
			}
		}
		if c.first != nil {
			require.Equal(t, c.first, labels[:len(c.first)], c.end)
			require.Equal(t, c.last, labels[len(labels)-1], c.end)
		}
		require.Equal(t, tl.PlotX, ticks[0].X)
	}
	// With no End, the axis ends at the last action, or at 1s.
	tl := BuildTimeline([]model.Action{tlAct(0, model.ActSandboxCreated, "", 0), tlAct(42*time.Second, model.ActPodRemoved, "", 0)}, TimelineOptions{})
	require.Contains(t, tl.Label, "0s to 42s")
	tl = BuildTimeline([]model.Action{tlAct(0, model.ActSandboxCreated, "", 0)}, TimelineOptions{})
	require.Contains(t, tl.Label, "0s to 1s")
}

func TestTimelineFmtDur(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 500 * time.Millisecond: "500ms", 1500 * time.Millisecond: "1.5s", 90 * time.Second: "1m30s",
		5 * time.Minute: "5m", time.Hour: "1h", 90 * time.Minute: "1h30m", time.Hour + 5*time.Second: "1h0m5s", 26 * time.Hour: "26h",
	} {
		require.Equal(t, want, tlFmtDur(d))
	}
}

// tlHostile is a trace whose strings try to break out of the SVG.
func tlHostile() ([]model.Action, []string) {
	s := time.Second
	names := []string{`<script>alert(1)</script>`, `"quote'`, "コンテナ-ü&amp;", "ctl\x01\x7f\xffname"}
	var acts []model.Action
	for i, n := range names {
		acts = append(acts, tlAct(time.Duration(i)*s, model.ActContainerCreated, n, 0), tlAct(time.Duration(i)*s, model.ActContainerStarted, n, 0))
		ex := tlAct(time.Duration(i+5)*s, model.ActContainerExited, n, 0)
		ex.ExitCode, ex.Reason = 1, `</title><script>alert(2)</script>`
		h := tlAct(time.Duration(i+1)*s, model.ActHookStarted, n, 0)
		h.Hook = `"><g onload="alert(3)">`
		p := tlAct(time.Duration(i+2)*s, model.ActProbeResult, n, 0)
		p.Probe, p.Result = `]]><!--`, `<b>`
		acts = append(acts, h, p, ex)
	}
	st := &v1.PodStatus{Phase: `Running"><script>`, Conditions: []v1.PodCondition{{Type: `<Ready>`, Status: `"True"`, Reason: `<i>&`}}}
	acts = append(acts, model.Action{At: 2 * s, Kind: model.ActStatus, Status: st})
	slices.SortStableFunc(acts, func(a, b model.Action) int { return int(a.At - b.At) })
	return acts, names
}

func TestTimelineTemplateEscapesAndIsWellFormed(t *testing.T) {
	acts, names := tlHostile()
	tl := BuildTimeline(acts, TimelineOptions{Containers: names[:1], Mark: 3 * time.Second, HasMark: true})
	out := tlRender(t, tl)
	elems, text := tlParseXML(t, out)

	root := elems[0]
	require.Equal(t, "svg", root.Name.Local)
	attrs := map[string]string{}
	for _, a := range root.Attr {
		attrs[a.Name.Local] = a.Value
	}
	require.Equal(t, strconv.Itoa(tl.Width), attrs["width"])
	require.Equal(t, strconv.Itoa(tl.Height), attrs["height"])
	require.Equal(t, tl.ViewBox, attrs["viewBox"])
	require.Equal(t, "img", attrs["role"])
	require.Equal(t, "tl timeline", attrs["class"])
	require.Contains(t, attrs["aria-label"], "4 containers")

	// Only the elements the template writes; no attribute that could run
	// or load anything, and no inline style.
	allowed := []string{"svg", "title", "g", "line", "text", "rect"}
	titles := 0
	for _, e := range elems {
		require.Contains(t, allowed, e.Name.Local)
		if e.Name.Local == "title" {
			titles++
		}
		for _, a := range e.Attr {
			n := strings.ToLower(a.Name.Local)
			require.False(t, strings.HasPrefix(n, "on") || n == "style" || n == "href", "attribute %s", n)
		}
	}
	require.Greater(t, titles, 10)
	require.NotContains(t, out, "<script")
	require.NotContains(t, out, "<b>")
	require.NotContains(t, out, "<!--")

	// The hostile strings come back as text, whole: escaped, not dropped.
	for _, s := range []string{`<script>alert(1)</script>`, `"quote'`, "コンテナ-ü&amp;", `</title><script>alert(2)</script>`, `"><g onload="alert(3)">`, `<i>&`, `<Ready>`} {
		require.Contains(t, text, s)
	}
	// Characters XML forbids are replaced.
	require.Contains(t, text, "ctl\ufffd\ufffd\ufffdname")
	// Classes come from a fixed set, never from the trace.
	require.Contains(t, out, `class="tl-phase tl-phase-Unknown"`)
	require.Contains(t, out, `class="tl-cond tl-cond-unknown"`)
	// A long name is shortened in the label but whole in its tooltip.
	require.Equal(t, "<script>alert(1)</s…", tl.Lanes[0].Label)
	require.Equal(t, "<script>alert(1)</script>: 1 start", tl.Lanes[0].Title)
}

func TestTimelineLegend(t *testing.T) {
	tmpl := template.Must(template.ParseFiles("assets/timeline.tmpl"))
	var b bytes.Buffer
	require.NoError(t, tmpl.ExecuteTemplate(&b, "timeline-legend", nil))
	elems, text := tlParseXML(t, b.String())
	require.Equal(t, "ul", elems[0].Name.Local)
	for _, s := range []string{"running", "crash-loop back-off", "SIGKILL", "violation", "probe failure"} {
		require.Contains(t, text, s)
	}
	// Every class the legend shows is styled.
	cssBytes, err := os.ReadFile("assets/timeline.css")
	require.NoError(t, err)
	css := string(cssBytes)
	for _, m := range regexp.MustCompile(`class="([^"]+)"`).FindAllStringSubmatch(b.String(), -1) {
		for _, c := range strings.Fields(m[1]) {
			require.Contains(t, css, "."+c, "class %s has no style", c)
		}
	}
}

func TestTimelineLongTracesStaySmall(t *testing.T) {
	for _, c := range []struct {
		file     string
		until    time.Duration
		maxBytes int
	}{
		// A day of crash loop: about 290 instances, 2,000 actions.
		{"examples/crashloop.yaml", 24 * time.Hour, 16 << 10},
		// Two hours: every instance still drawn on its own.
		{"examples/crashloop.yaml", 2 * time.Hour, 40 << 10},
		// A day of liveness kills: 17,000 probe results.
		{"examples/liveness-exec.yaml", 24 * time.Hour, 16 << 10},
	} {
		acts, names := tlRun(t, c.file, c.until)
		require.Greater(t, len(acts), 200)
		tl := BuildTimeline(acts, TimelineOptions{Containers: names, Mark: c.until / 2, HasMark: true})
		out := tlRender(t, tl)
		t.Logf("%s until %v: %d actions, %d bytes of SVG", c.file, c.until, len(acts), len(out))
		require.Less(t, len(out), c.maxBytes, c.file)
		tlParseXML(t, out)

		// Every row is bounded, and what is merged is still counted: the
		// running segments, single or dense, add up to the starts.
		lane := tl.Lanes[0]
		require.LessOrEqual(t, len(lane.Segments), tlMaxSpansPerRow)
		require.LessOrEqual(t, len(lane.Marks), tlMaxMarksPerRow)
		require.LessOrEqual(t, len(lane.Probes), tlMaxMarksPerRow)
		for _, b := range tl.Conditions {
			require.LessOrEqual(t, len(b.Spans), tlMaxSpansPerRow)
		}
		starts := len(tlActs(acts, model.ActContainerStarted, lane.Name))
		require.Equal(t, starts, tlCountRunning(lane.Segments), c.file)
		if c.until == 2*time.Hour {
			require.Len(t, tlWithClass(lane.Segments, "tl-running"), starts, "no merging yet at 2h")
			require.Empty(t, tlWithClass(lane.Segments, "tl-dense"))
		} else {
			require.NotEmpty(t, tlWithClass(lane.Segments, "tl-dense"))
		}
		kills := len(tlActs(acts, model.ActSIGKILL, lane.Name))
		n := 0
		for _, r := range lane.Marks {
			switch {
			case tlIsMerged(r):
				n += tlMerged(r.Title, "SIGKILL")
			case r.Class == "tl-kill":
				n++
			}
		}
		require.Equal(t, kills, n)
	}
}

// tlCountRunning counts the runs a lane's segments stand for.
func tlCountRunning(segs []Rect) int {
	n := 0
	for _, r := range segs {
		switch {
		case strings.Contains(r.Class, "tl-dense"):
			n += tlMerged(r.Title, "running")
		case strings.Contains(r.Class, "tl-running"):
			n++
		}
	}
	return n
}

func TestTimelineCleanText(t *testing.T) {
	require.Equal(t, "a\ufffdb c", tlClean("a\x00b\tc"))
	require.Equal(t, "\ufffd", tlClean("\xff"))
	long := strings.Repeat("x", 1000)
	require.Equal(t, tlMaxTextRunes, len([]rune(tlClean(long))))
	require.True(t, strings.HasSuffix(tlClean(long), "…"))
	require.Equal(t, "ok ü", tlClean("ok ü"))
}

// TestTimelineEventMarks: an Event action is a mark on its container's
// lane, titled with its reason, time and message.
func TestTimelineEventMarks(t *testing.T) {
	const end = time.Minute
	acts := []model.Action{
		{At: 0, Kind: model.ActContainerStarted, Container: "app"},
		{At: 3 * time.Second, Kind: model.ActEvent, Container: "app", Reason: "Killing", Result: "Stopping container app"},
	}
	tl := BuildTimeline(acts, TimelineOptions{Containers: []string{"app"}, End: end})
	got := tlWithClass(tlLane(t, tl, "app").Marks, "tl-event")
	require.Len(t, got, 1)
	require.Equal(t, tlPx(tl, end, 3*time.Second), got[0].X+1)
	require.Equal(t, "app event Killing reported by 3s: Stopping container app", got[0].Title)
}
