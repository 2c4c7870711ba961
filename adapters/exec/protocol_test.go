package exec

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

func TestActionRoundTrip(t *testing.T) {
	st := &v1.PodStatus{
		Phase:     v1.PodRunning,
		StartTime: &metav1.Time{Time: model.DefaultEpoch},
		Conditions: []v1.PodCondition{{
			Type: v1.PodReady, Status: v1.ConditionFalse, Reason: "ContainersNotReady",
			LastTransitionTime: metav1.Time{Time: model.DefaultEpoch.Add(3 * time.Second)},
		}},
		ContainerStatuses: []v1.ContainerStatus{{
			Name: "app", RestartCount: 2,
			State: v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: "CrashLoopBackOff"}},
		}},
	}
	acts := []model.Action{
		{At: 0, Kind: model.ActSandboxCreated},
		{At: 1500 * time.Millisecond, Kind: model.ActContainerCreated, Container: "init-1", Attempt: 0},
		{At: 2 * time.Second, Kind: model.ActContainerStarted, Container: "app", Attempt: 3},
		{At: 3 * time.Second, Kind: model.ActHookStarted, Container: "app", Attempt: 1, Hook: model.HookPostStart},
		{At: 3 * time.Second, Kind: model.ActHookEnded, Container: "app", Attempt: 1, Hook: model.HookPreStop, Result: model.ResultAbandoned},
		{At: 4 * time.Second, Kind: model.ActProbeResult, Container: "app", Probe: model.Readiness, Result: model.ResultFailure},
		{At: 5 * time.Second, Kind: model.ActStopSignal, Container: "app", Attempt: 2, Timeout: 30},
		{At: 5 * time.Second, Kind: model.ActSIGKILL, Container: "app", Attempt: 2},
		{At: 6 * time.Second, Kind: model.ActContainerExited, Container: "app", Attempt: 2, ExitCode: 137, Reason: "OOMKilled"},
		{At: 6 * time.Second, Kind: model.ActContainerExited, Container: "app", Attempt: 2, ExitCode: 0},
		{At: 7 * time.Second, Kind: model.ActBackOff, Container: "app", Attempt: 2, Wait: 9999 * time.Millisecond, Delay: 20 * time.Second},
		{At: 8 * time.Second, Kind: model.ActDeleteRequested, Grace: 30},
		{At: 8 * time.Second, Kind: model.ActDeleteRequested, Grace: 0, Force: true},
		{At: 9 * time.Second, Kind: model.ActSandboxStopped},
		{At: 9 * time.Second, Kind: model.ActPodRemoved},
		{At: 10 * time.Second, Kind: model.ActStatus, Status: st},
		{At: 11 * time.Second, Kind: model.ActEvent, Container: "app", Attempt: 2, Reason: "Unhealthy", Result: "Liveness probe failed: exit 1"},
	}
	for _, a := range acts {
		b, err := AppendAction(nil, &a)
		require.NoError(t, err, "%+v", a)
		got, err := DecodeAction(b)
		require.NoError(t, err, "%s", b)
		if a.Kind == model.ActStatus {
			require.True(t, model.StatusEqual(a.Status, got.Status), "%s", b)
			got.Status, a.Status = nil, nil
		}
		require.Equal(t, a, got, "%s", b)
	}
	b, _ := AppendAction(nil, &acts[10])
	require.Equal(t, `{"atMs":7000,"kind":"BackOff","container":"app","attempt":2,"waitMs":9999,"delayMs":20000}`, string(b))
	b, _ = AppendAction(nil, &acts[1])
	require.Equal(t, `{"atMs":1500,"kind":"ContainerCreated","container":"init-1","attempt":0}`, string(b))
}

func TestAppendActionRejects(t *testing.T) {
	for _, c := range []struct {
		a     model.Action
		field string
	}{
		{model.Action{At: 1500 * time.Microsecond, Kind: model.ActSandboxCreated}, "atMs"},
		{model.Action{Kind: "Bogus"}, "kind"},
		{model.Action{Kind: model.ActSandboxCreated, Container: "x"}, "container"},
		{model.Action{Kind: model.ActBackOff, Container: "x", Wait: time.Microsecond}, "waitMs"},
		{model.Action{Kind: model.ActStatus}, "status"},
		{model.Action{Kind: model.ActHookEnded, Container: "x", Hook: "preStop", Result: "meh"}, "result"},
	} {
		_, err := AppendAction(nil, &c.a)
		var fe *FieldError
		require.ErrorAs(t, err, &fe, "%+v", c.a)
		require.Equal(t, c.field, fe.Field, "%v", err)
	}
}

func TestDecodeActionStrict(t *testing.T) {
	for _, c := range []struct {
		json, field, msg string
	}{
		{`{"atMs":0,"kind":"SandboxCreated","bogus":1}`, "bogus", "unknown field"},
		{`{"atMs":0,"kind":"SandboxCreated","container":"c"}`, "container", "not used by SandboxCreated"},
		{`{"atMs":0,"kind":"ContainerStarted","container":"c"}`, "attempt", "required by ContainerStarted"},
		{`{"atMs":0,"kind":"Exploded"}`, "kind", "unknown action kind"},
		{`{"kind":"SandboxCreated"}`, "atMs", "required"},
		{`{"atMs":-5,"kind":"SandboxCreated"}`, "atMs", "negative"},
		{`{"atMs":"5","kind":"SandboxCreated"}`, "atMs", "want an integer"},
		{`{"atMs":1.5,"kind":"SandboxCreated"}`, "atMs", "want an integer"},
		{`{"atMs":0,"kind":"BackOff","container":"c","attempt":0,"wait":"10s","delayMs":1}`, "wait", "unknown field"},
		{`{"atMs":0,"kind":"ProbeResult","container":"c","attempt":0,"probe":"sanity","result":"success"}`, "probe", "unknown probe"},
		{`{"atMs":0,"kind":"Status","status":{"phase":"Running","colour":"blue"}}`, "status.colour", "unknown field"},
		{`{"atMs":0,"kind":"DeleteRequested","grace":30,"grace":20}`, "grace", "duplicate field"},
		{`{"atMs":0,"kind":"Event","container":"c","attempt":0,"result":"Stopping container c"}`, "reason", "required by Event"},
	} {
		_, err := DecodeAction([]byte(c.json))
		var fe *FieldError
		require.ErrorAs(t, err, &fe, c.json)
		require.Equal(t, c.field, fe.Field, "%s: %v", c.json, err)
		require.Contains(t, fe.Msg, c.msg, c.json)
	}
}

func TestInputRoundTrip(t *testing.T) {
	ins := []model.Input{
		{Kind: model.InTick, At: 20 * time.Second},
		{Kind: model.InExit, At: time.Second, Container: "a", ExitCode: 137, OOMKilled: true},
		{Kind: model.InExit, At: time.Second, Container: "a"},
		{Kind: model.InProbeAnswer, At: 2 * time.Millisecond, Container: "b", Probe: model.Liveness, Success: true},
		{Kind: model.InHookDone, At: 3 * time.Second, Container: "c", HookOK: true},
		{Kind: model.InDelete, At: 4 * time.Second, Grace: 0},
		{Kind: model.InDelete, At: 4 * time.Second, Grace: -1},
		{Kind: model.InForceDelete, At: 5 * time.Second},
	}
	for _, in := range ins {
		b, err := AppendInput(nil, in)
		require.NoError(t, err)
		got, err := DecodeInput(b)
		require.NoError(t, err, "%s", b)
		require.Equal(t, in, got, "%s", b)
	}
	b, _ := AppendInput(nil, model.Input{Kind: model.InDelete, At: time.Second, Grace: -7})
	require.Equal(t, `{"kind":"Delete","atMs":1000,"grace":-1}`, string(b))
	b, _ = AppendInput(nil, ins[1])
	require.Equal(t, `{"kind":"Exit","atMs":1000,"container":"a","exitCode":137,"oomKilled":true}`, string(b))

	_, err := AppendInput(nil, model.Input{Kind: model.InTick, At: time.Microsecond})
	require.Error(t, err)
	for _, c := range []struct{ json, field string }{
		{`{"kind":"Exit","atMs":1,"container":"a","exitCode":1}`, "oomKilled"},
		{`{"kind":"Tick","atMs":1,"grace":3}`, "grace"},
		{`{"kind":"Tack","atMs":1}`, "kind"},
		{`{"kind":"Tick","atMs":1,"extra":true}`, "extra"},
		{`{"kind":"ProbeAnswer","atMs":1,"container":"a","probe":"x","success":true}`, "probe"},
	} {
		_, err := DecodeInput([]byte(c.json))
		var fe *FieldError
		require.ErrorAs(t, err, &fe, c.json)
		require.Equal(t, c.field, fe.Field, "%s: %v", c.json, err)
	}
}

func TestProfileRoundTrip(t *testing.T) {
	b, err := AppendProfile(nil, model.Profile{})
	require.NoError(t, err)
	require.Equal(t, `{"name":"kubernetes-1.36","backoffInitialMs":10000,"backoffMaxMs":300000,"backoffResetMs":600000,"minimumGracePeriodSeconds":2,"containerRestartRules":true}`, string(b))
	p, err := DecodeProfile(b)
	require.NoError(t, err)
	require.Equal(t, model.DefaultProfile(), p)

	off := false
	one := int64(1)
	q := model.Profile{Name: "x", BackoffInitial: &metav1.Duration{Duration: 1500 * time.Millisecond}, MinimumGracePeriodSeconds: &one, ContainerRestartRules: &off}
	b, err = AppendProfile(nil, q)
	require.NoError(t, err)
	p, err = DecodeProfile(b)
	require.NoError(t, err)
	require.Equal(t, q.WithDefaults(), p)

	_, err = AppendProfile(nil, model.Profile{BackoffMax: &metav1.Duration{Duration: time.Nanosecond}})
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "backoffMaxMs", fe.Field)

	_, err = DecodeProfile([]byte(`{"name":"x","backoffInitialMs":1,"backoffMaxMs":1,"backoffResetMs":1,"minimumGracePeriodSeconds":2}`))
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "containerRestartRules", fe.Field)
}

func TestDecodeReplyStrict(t *testing.T) {
	for _, c := range []struct{ line, field, msg string }{
		{`not json at all`, "", `"not json at all"`},
		{`{"type":"step","actions":[],"nextMS":5}`, "nextMS", "unknown field"},
		{`{"type":"step","actions":[{"atMs":0,"kind":"SandboxCreated","note":"hi"}]}`, "actions[0].note", "unknown field"},
		{`{"type":"step","actions":[{"atMs":0,"kind":"SandboxCreated"},{"atMs":0,"kind":"ContainerStarted","container":"c"}]}`, "actions[1].attempt", "required"},
		{`{"type":"step","message":"hi"}`, "message", "not allowed in a step reply"},
		{`{"type":"steps"}`, "type", "unknown reply type"},
		{`{"actions":[]}`, "type", "required"},
		{`{"type":"step","probes":[{"container":"c","probe":"deep"}]}`, "probes[0].probe", "unknown probe"},
		{`{"type":"hello","protocol":"podconform-exec","version":1,"observes":[]}`, "name", "required"},
		{`{"type":"hello","protocol":"other","version":1,"name":"x","observes":[]}`, "protocol", "want"},
		{`{"type":"step","nextMs":-1}`, "nextMs", "negative"},
	} {
		_, fe := decodeReply([]byte(c.line))
		require.NotNil(t, fe, c.line)
		require.Equal(t, c.field, fe.Field, "%s: %v", c.line, fe)
		require.Contains(t, fe.Msg, c.msg, c.line)
	}
	long := strings.Repeat("x", 1000)
	_, fe := decodeReply([]byte(long))
	require.NotNil(t, fe)
	require.Contains(t, fe.Error(), strings.Repeat("x", 200)+`"...`)
	require.NotContains(t, fe.Error(), strings.Repeat("x", 201))

	r, fe := decodeReply([]byte(`{"type":"step","actions":[{"atMs":5,"kind":"SandboxCreated"}],"nextMs":null,"probes":[{"container":"c","probe":"startup"}]}`))
	require.Nil(t, fe)
	require.False(t, r.step.HasNext)
	require.Equal(t, []model.ProbeAsk{{Container: "c", Probe: model.Startup}}, r.step.Probes)
	require.Equal(t, 5*time.Millisecond, r.step.Actions[0].At)
}

func TestStepRoundTrip(t *testing.T) {
	r := adapters.Reply{
		Actions: []model.Action{{At: time.Second, Kind: model.ActContainerStarted, Container: "a", Attempt: 1}},
		Next:    11 * time.Second, HasNext: true,
		Probes: []model.ProbeAsk{{Container: "a", Probe: model.Liveness}},
	}
	b, err := AppendStep(nil, r)
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(string(b), "\n"))
	got, fe := decodeReply(b[:len(b)-1])
	require.Nil(t, fe)
	require.Equal(t, TypeStep, got.typ)
	require.Equal(t, r, got.step)

	_, err = AppendStep(nil, adapters.Reply{Next: time.Microsecond, HasNext: true})
	require.Error(t, err)
}

func TestRequestRoundTrip(t *testing.T) {
	doc := gen.Scenario(gen.DefaultKnobs()).Example(7)
	s := doc.Model()
	b, err := appendOpen(nil, "seven", s)
	require.NoError(t, err)
	r, fe := decodeRequest(b)
	require.Nil(t, fe, "%s", b)
	require.Equal(t, "seven", r.scenario)
	require.Equal(t, s.Profile.WithDefaults(), r.s.Profile)
	require.Equal(t, s.Pod.Spec, r.s.Pod.Spec)
	require.True(t, r.s.Pod.CreationTimestamp.Equal(&metav1.Time{Time: model.DefaultEpoch}))
	require.True(t, s.Pod.CreationTimestamp.IsZero(), "appendOpen must not change the scenario")

	in := model.Input{Kind: model.InHookDone, At: 2 * time.Second, Container: "x", HookOK: true}
	b, err = appendInputRequest(nil, in)
	require.NoError(t, err)
	r, fe = decodeRequest(b)
	require.Nil(t, fe)
	require.Equal(t, in, r.input)

	r, fe = decodeRequest(appendHello(nil))
	require.Nil(t, fe)
	require.Equal(t, []int{1, 2}, r.versions)

	_, fe = decodeRequest([]byte(`{"type":"open","pod":{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","imagee":"b"}]}},"profile":{}}`))
	require.NotNil(t, fe)
	require.Equal(t, "pod.spec.containers[0].imagee", fe.Field)
	_, fe = decodeRequest([]byte(`{"type":"close","input":{}}`))
	require.NotNil(t, fe)
	require.Equal(t, "input", fe.Field)
}

func TestCheckScenario(t *testing.T) {
	for i := 0; i < 300; i++ {
		require.NoError(t, CheckScenario(gen.Scenario(gen.DefaultKnobs()).Example(i).Model()), "generated scenario %d", i)
	}
	s := gen.Scenario(gen.DefaultKnobs()).Example(1).Model()
	s.Events = append(s.Events, model.Event{At: metav1.Duration{Duration: 1500 * time.Microsecond}, Type: model.EventForceDelete})
	err := CheckScenario(s)
	var ae *adapters.Error
	require.True(t, errors.As(err, &ae))
	require.Equal(t, adapters.ErrKindRefused, ae.Kind)
	require.Contains(t, err.Error(), "events[")

	s = &model.Scenario{Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{
		"a": {Attempts: []model.Attempt{{}, {ExitAfter: &metav1.Duration{Duration: time.Microsecond}}}},
	}}}
	require.ErrorContains(t, CheckScenario(s), "behaviour.containers[a].attempts[1].exitAfter")
}

func TestSplitCommand(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"python3 adapters/exec/example/simple_kubelet.py", []string{"python3", "adapters/exec/example/simple_kubelet.py"}},
		{"  a   b\tc\n", []string{"a", "b", "c"}},
		{`prog 'one arg' "two args" three\ four`, []string{"prog", "one arg", "two args", "three four"}},
		{`a'b c'd`, []string{"ab cd"}},
		{`x "" ''`, []string{"x", "", ""}},
		{`x "a \"q\" \$HOME \n" 'it''s'`, []string{"x", `a "q" $HOME \n`, "its"}},
		{`x $HOME *.go | wc`, []string{"x", "$HOME", "*.go", "|", "wc"}},
		{"x \\\ny", []string{"x", "y"}},
	} {
		got, err := SplitCommand(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, got, c.in)
	}
	for _, bad := range []string{"", "   ", `a 'b`, `a "b`, `a\`} {
		_, err := SplitCommand(bad)
		require.Error(t, err, "%q", bad)
	}
}

// worldScenario is a scenario whose behaviour script and events use every
// field the run request carries.
func worldScenario() *model.Scenario {
	d := func(v time.Duration) *metav1.Duration { return &metav1.Duration{Duration: v} }
	five := int64(5)
	s := &model.Scenario{}
	s.Pod.Name = "world"
	s.Pod.Spec.InitContainers = []v1.Container{{Name: "setup", Image: "busybox"}}
	s.Pod.Spec.Containers = []v1.Container{{
		Name: "app", Image: "nginx",
		ReadinessProbe: &v1.Probe{ProbeHandler: v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"true"}}}, PeriodSeconds: 10},
		Lifecycle: &v1.Lifecycle{
			PostStart: &v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{"true"}}},
			PreStop:   &v1.LifecycleHandler{Sleep: &v1.SleepAction{Seconds: 3}},
		},
	}}
	s.Behaviour.Containers = map[string]model.ContainerBehaviour{
		"setup": {
			Attempts: []model.Attempt{{ExitAfter: d(1500 * time.Millisecond), ExitCode: 3}, {ExitAfter: d(2 * time.Second)}},
			Conduct:  model.Conduct{OnStopSignal: &model.StopScript{Ignore: true}},
		},
		"app": {
			Attempts: []model.Attempt{
				{ExitAfter: d(5 * time.Second), Signal: 9},
				{ExitAfter: d(time.Second), OOMKilled: true, Conduct: model.Conduct{Probes: &model.ProbeScripts{
					Liveness: []model.ProbeStep{{Result: model.ProbeFailure}},
				}}},
				{},
			},
			Conduct: model.Conduct{
				Probes: &model.ProbeScripts{Readiness: []model.ProbeStep{
					{After: metav1.Duration{Duration: 2 * time.Second}, Result: model.ProbeFailure, RespondsIn: d(1500 * time.Millisecond)},
					{After: metav1.Duration{Duration: 4 * time.Second}, Result: model.ProbeSuccess},
				}},
				PostStart:    &model.HookScript{Duration: d(3 * time.Second), Fail: true},
				PreStop:      &model.HookScript{},
				OnStopSignal: &model.StopScript{ExitAfter: d(500 * time.Millisecond), ExitCode: 143},
			},
		},
	}
	s.Events = []model.Event{
		{At: metav1.Duration{Duration: 15 * time.Second}, Type: model.EventDelete, GracePeriodSeconds: &five},
		{At: metav1.Duration{Duration: 20 * time.Second}, Type: model.EventForceDelete},
	}
	return s
}

// carried is s as a run request carries it: the pod with a
// creationTimestamp, the profile complete; as JSON, where an absent field
// and an empty one are the same.
func carried(t testing.TB, s *model.Scenario) string {
	t.Helper()
	c := *s
	if c.Pod.CreationTimestamp.IsZero() {
		c.Pod.CreationTimestamp = metav1.Time{Time: model.DefaultEpoch}
	}
	c.Profile = c.Profile.WithDefaults()
	b, err := json.Marshal(&c)
	require.NoError(t, err)
	return string(b)
}

// TestRunRequestRoundTrip: a run request carries the whole scenario
// (pod, profile, behaviour, events) and the time limit, for every
// generated scenario and for one that uses every field of the world.
func TestRunRequestRoundTrip(t *testing.T) {
	scs := []*model.Scenario{worldScenario()}
	for i := 0; i < 300; i++ {
		scs = append(scs, gen.Scenario(gen.DefaultKnobs()).Example(i).Model())
	}
	worlds := 0
	for i, s := range scs {
		before := carried(t, s)
		b, err := appendRun(nil, fmt.Sprintf("s-%d", i), s, 10*time.Minute)
		require.NoError(t, err, "scenario %d", i)
		require.True(t, strings.HasSuffix(string(b), "}\n"))
		require.NotContains(t, string(b[:len(b)-1]), "\n")
		r, fe := decodeRequest(b)
		require.Nil(t, fe, "scenario %d: %s", i, b)
		require.Equal(t, TypeRun, r.typ)
		require.Equal(t, fmt.Sprintf("s-%d", i), r.scenario)
		require.Equal(t, 10*time.Minute, r.until)
		require.Equal(t, before, carried(t, r.s), "scenario %d: %s", i, b)
		require.Equal(t, before, carried(t, s), "appendRun must not change the scenario")
		if len(s.Behaviour.Containers) > 0 && len(s.Events) > 0 {
			worlds++
		}
		// The public pair agrees.
		sb, err := AppendScenario(nil, s)
		require.NoError(t, err)
		ds, err := DecodeScenario(sb)
		require.NoError(t, err)
		require.Equal(t, before, carried(t, ds))
	}
	require.Greater(t, worlds, 50, "the generated scenarios should have behaviour and events")

	// The wire form of a small world, as docs/adapter-protocol.md shows it.
	s := &model.Scenario{}
	s.Pod.Name = "demo"
	s.Pod.Spec.Containers = []v1.Container{{Name: "app", Image: "busybox"}}
	s.Behaviour.Containers = map[string]model.ContainerBehaviour{"app": {Attempts: []model.Attempt{
		{ExitAfter: &metav1.Duration{Duration: time.Second}, ExitCode: 1},
	}}}
	s.Events = []model.Event{{At: metav1.Duration{Duration: 15 * time.Second}, Type: model.EventDelete}}
	b, err := appendRun(nil, "demo", s, 60*time.Second)
	require.NoError(t, err)
	require.Equal(t, `{"type":"run","name":"demo","scenario":{"pod":{"metadata":{"name":"demo","creationTimestamp":"2026-01-01T00:00:00Z"},"spec":{"containers":[{"name":"app","image":"busybox","resources":{}}]},"status":{}},"profile":{"name":"kubernetes-1.36","backoffInitialMs":10000,"backoffMaxMs":300000,"backoffResetMs":600000,"minimumGracePeriodSeconds":2,"containerRestartRules":true},"behaviour":{"containers":{"app":{"attempts":[{"exitAfterMs":1000,"exitCode":1}]}}},"events":[{"atMs":15000,"type":"Delete"}]},"untilMs":60000}`+"\n", string(b))

	// Times the protocol cannot carry.
	_, err = appendRun(nil, "x", s, 1500*time.Microsecond)
	require.ErrorContains(t, err, "untilMs")
	w := worldScenario()
	w.Behaviour.Containers["app"].Conduct.PostStart.Duration.Duration = time.Microsecond
	_, err = AppendScenario(nil, w)
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "behaviour.containers[app].postStart.durationMs", fe.Field)
}

func TestDecodeRunRequestStrict(t *testing.T) {
	const pod = `"pod":{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"b"}]}}`
	const profile = `"profile":{"name":"x","backoffInitialMs":1,"backoffMaxMs":1,"backoffResetMs":1,"minimumGracePeriodSeconds":2,"containerRestartRules":true}`
	run := func(world string, until string) string {
		return `{"type":"run","name":"n","scenario":{` + pod + `,` + profile + world + `}` + until + `}`
	}
	const u = `,"untilMs":1000`
	// A minimal run request decodes: no behaviour, no events.
	r, fe := decodeRequest([]byte(run("", u)))
	require.Nil(t, fe)
	require.Equal(t, time.Second, r.until)
	require.Empty(t, r.s.Behaviour.Containers)
	require.Empty(t, r.s.Events)
	for _, c := range []struct{ line, field, msg string }{
		{run("", ""), "untilMs", "required"},
		{run("", `,"untilMs":-1`), "untilMs", "negative"},
		{run("", `,"untilMs":1.5`), "untilMs", "want an integer"},
		{`{"type":"run","name":"n","untilMs":1}`, "scenario", "required"},
		{`{"type":"run","scenario":{` + profile + `},"untilMs":1}`, "scenario.pod", "required"},
		{`{"type":"run","scenario":{` + pod + `},"untilMs":1}`, "scenario.profile", "required"},
		{`{"type":"run",` + pod + `,"untilMs":1}`, "pod", "not allowed in a run request"},
		{`{"type":"open","name":"n",` + pod + `,` + profile + `}`, "name", "not allowed in a open request"},
		{`{"type":"open","scenario":{"name":"n"},` + pod + `,` + profile + `}`, "scenario", "want a string"},
		{run(`,"weather":"fine"`, u), "scenario.weather", "unknown field"},
		{run(`,"behaviour":{"containers":{"ghost":{}}}`, u), "scenario.behaviour.containers[ghost]", `no container "ghost"`},
		{run(`,"behaviour":{"containers":{"a":{"attempts":[{"exitAfter":"1s"}]}}}`, u), "scenario.behaviour.containers.a.attempts[0].exitAfter", "unknown field"},
		{run(`,"behaviour":{"containers":{"a":{"attempts":[{"exitAfterMs":-1}]}}}`, u), "scenario.behaviour.containers[a].attempts[0].exitAfterMs", "negative"},
		{run(`,"behaviour":{"containers":{"a":{"probes":{"readiness":[{"afterMs":0,"result":"maybe"}]}}}}`, u), "scenario.behaviour.containers[a].probes.readiness[0].result", "unknown probe answer"},
		{run(`,"behaviour":{"containers":{"a":{"probes":{"readiness":[{"result":"success"}]}}}}`, u), "scenario.behaviour.containers[a].probes.readiness[0].afterMs", "required"},
		{run(`,"behaviour":{"containers":{"a":{"preStop":{"durationMs":-5}}}}`, u), "scenario.behaviour.containers[a].preStop.durationMs", "negative"},
		{run(`,"events":[{"atMs":1,"type":"Evict"}]`, u), "scenario.events[0].type", "unknown event type"},
		{run(`,"events":[{"type":"Delete"}]`, u), "scenario.events[0].atMs", "required"},
		{run(`,"events":[{"atMs":1,"type":"Delete","gracePeriodSeconds":-2}]`, u), "scenario.events[0].gracePeriodSeconds", "negative"},
		{run(`,"events":[{"atMs":1,"type":"Delete","at":"1s"}]`, u), "scenario.events[0].at", "unknown field"},
	} {
		_, fe := decodeRequest([]byte(c.line))
		require.NotNil(t, fe, c.line)
		require.Equal(t, c.field, fe.Field, "%s: %v", c.line, fe)
		require.Contains(t, fe.Msg, c.msg, c.line)
	}
}

func TestTraceAndHelloModeReplies(t *testing.T) {
	acts := []model.Action{
		{At: 0, Kind: model.ActSandboxCreated},
		{At: time.Second, Kind: model.ActContainerStarted, Container: "a", Attempt: 1},
		{At: 2 * time.Second, Kind: model.ActBackOff, Container: "a", Attempt: 1, Wait: 10 * time.Second, Delay: 10 * time.Second},
	}
	b, err := AppendTrace(nil, acts)
	require.NoError(t, err)
	require.Equal(t, `{"type":"trace","actions":[{"atMs":0,"kind":"SandboxCreated"},{"atMs":1000,"kind":"ContainerStarted","container":"a","attempt":1},{"atMs":2000,"kind":"BackOff","container":"a","attempt":1,"waitMs":10000,"delayMs":10000}]}`+"\n", string(b))
	r, fe := decodeReply(b[:len(b)-1])
	require.Nil(t, fe)
	require.Equal(t, TypeTrace, r.typ)
	require.Equal(t, acts, r.trace)
	r, fe = decodeReply([]byte(`{"type":"trace","actions":[]}`))
	require.Nil(t, fe)
	require.Empty(t, r.trace)
	_, err = AppendTrace(nil, []model.Action{{Kind: "Bogus"}})
	require.Error(t, err)

	for _, c := range []struct{ line, field, msg string }{
		{`{"type":"trace"}`, "actions", "required"},
		{`{"type":"trace","actions":[],"nextMs":5}`, "nextMs", "not allowed in a trace reply"},
		{`{"type":"trace","actions":[],"probes":[]}`, "probes", "not allowed in a trace reply"},
		{`{"type":"trace","actions":[{"atMs":0,"kind":"Teleported"}]}`, "actions[0].kind", "unknown action kind"},
		{`{"type":"trace","actions":[{"atMs":0,"kind":"SandboxCreated","container":"a"}]}`, "actions[0].container", "not used by"},
		{`{"type":"step","actions":[],"mode":"autonomous"}`, "mode", "not allowed in a step reply"},
		{`{"type":"hello","protocol":"podconform-exec","version":1,"name":"x","observes":["all"],"mode":"stepped"}`, "mode", "unknown mode"},
	} {
		_, fe := decodeReply([]byte(c.line))
		require.NotNil(t, fe, c.line)
		require.Equal(t, c.field, fe.Field, "%s: %v", c.line, fe)
		require.Contains(t, fe.Msg, c.msg, c.line)
	}

	// The hello: a driven implementation's says nothing of its mode (as
	// before the autonomous mode existed), an autonomous one's says so.
	info := adapters.Info{Name: "x", Version: "1.2", Mode: adapters.Driven, Observes: properties.ObsActions}
	require.Equal(t, `{"type":"hello","protocol":"podconform-exec","version":1,"name":"x","implVersion":"1.2","observes":["actions"]}`+"\n", string(appendHelloReply(nil, info, 1)))
	info.Mode = adapters.Autonomous
	b = appendHelloReply(nil, info, 1)
	require.Equal(t, `{"type":"hello","protocol":"podconform-exec","version":1,"name":"x","implVersion":"1.2","mode":"autonomous","observes":["actions"]}`+"\n", string(b))
	for line, want := range map[string]adapters.Mode{
		string(b[:len(b)-1]): adapters.Autonomous,
		`{"type":"hello","protocol":"podconform-exec","version":1,"name":"x","observes":["all"],"mode":"driven"}`: adapters.Driven,
		`{"type":"hello","protocol":"podconform-exec","version":1,"name":"x","observes":["all"]}`:                 adapters.Driven,
	} {
		r, fe := decodeReply([]byte(line))
		require.Nil(t, fe, line)
		require.Equal(t, want, r.mode, line)
		require.False(t, r.execProbes, line)
	}

	// execProbes: an implementation that runs every probe as an exec
	// handler says so, and the runner hears it.
	info.ExecProbes = true
	b = appendHelloReply(nil, info, 1)
	require.Equal(t, `{"type":"hello","protocol":"podconform-exec","version":1,"name":"x","implVersion":"1.2","mode":"autonomous","execProbes":true,"observes":["actions"]}`+"\n", string(b))
	r, fe = decodeReply(b[:len(b)-1])
	require.Nil(t, fe)
	require.True(t, r.execProbes)
	_, fe = decodeReply([]byte(`{"type":"hello","protocol":"podconform-exec","version":1,"name":"x","observes":["all"],"execProbes":"yes"}`))
	require.NotNil(t, fe)
	_, fe = decodeReply([]byte(`{"type":"step","actions":[],"execProbes":true}`))
	require.NotNil(t, fe)
	require.Equal(t, "execProbes", fe.Field)
}
