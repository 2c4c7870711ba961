package exec

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/adapters"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// requireSameTrace checks that got is the trace want, statuses compared as
// the API would.
func requireSameTrace(t testing.TB, want, got []model.Action, where string) {
	t.Helper()
	requireSameReply(t, adapters.Reply{Actions: want}, adapters.Reply{Actions: got}, where)
}

// TestAutonomousPipeMatchesModel: the model served autonomously over the
// protocol returns exactly the traces of the model in process, on 150
// generated scenarios; so does a mutant.
func TestAutonomousPipeMatchesModel(t *testing.T) {
	n := 150
	if testing.Short() {
		n = 40
	}
	mut, err := modeladapter.AutonomousMutant("parallel-init")
	require.NoError(t, err)
	for _, ref := range []*modeladapter.AutonomousAdapter{modeladapter.Autonomous(), mut} {
		c, stop := pipeConn(t, ref, Options{})
		info := c.Info()
		require.Equal(t, "exec:"+ref.Info().Name, info.Name)
		require.Equal(t, adapters.Autonomous, info.Mode)
		require.Equal(t, ref.Info().Observes, info.Observes)
		actions := 0
		for i := 0; i < n; i++ {
			doc := gen.Scenario(gen.DefaultKnobs()).Example(i)
			s, until := doc.Model(), gen.Until(doc)
			want, err := ref.Run(context.Background(), s, until)
			require.NoError(t, err)
			got, err := c.Run(adapters.WithScenarioName(context.Background(), doc.Metadata.Name), s, until)
			require.NoError(t, err, "%s scenario %d", info.Name, i)
			requireSameTrace(t, want, got, fmt.Sprintf("%s scenario %d", info.Name, i))
			actions += len(got)
		}
		require.Greater(t, actions, 10*n, "the scenarios should exercise the protocol")
		require.NoError(t, c.Err())
		stop()
	}
}

// TestWrongModeIsNotSent: Open on an autonomous implementation and Run on
// a driven one fail without asking, and leave the connection usable.
func TestWrongModeIsNotSent(t *testing.T) {
	doc := gen.Scenario(gen.DefaultKnobs()).Example(3)
	s, until := doc.Model(), gen.Until(doc)

	auto, stop := pipeConn(t, modeladapter.Autonomous(), Options{})
	_, err := auto.Open(context.Background(), s)
	require.ErrorContains(t, err, "autonomous")
	require.NoError(t, auto.Err())
	acts, err := auto.Run(context.Background(), s, until)
	require.NoError(t, err)
	require.NotEmpty(t, acts)
	stop()

	driven, stop := pipeConn(t, modeladapter.New(), Options{})
	require.Equal(t, adapters.Driven, driven.Info().Mode)
	_, err = driven.Run(context.Background(), s, until)
	require.ErrorContains(t, err, "driven")
	require.NoError(t, driven.Err())
	sess, err := driven.Open(context.Background(), s)
	require.NoError(t, err)
	require.NoError(t, sess.Close())
	stop()
}

// serveLines runs Serve on the request lines and returns its reply lines.
func serveLines(t *testing.T, a adapters.Adapter, reqs ...string) []string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, Serve(context.Background(), strings.NewReader(strings.Join(reqs, "\n")+"\n"), &out, a))
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
}

// TestServeAutonomous: the server's side of the autonomous mode, line by
// line: the hello says autonomous; open, input and close are errors; run
// is a trace (or a refusal, or an error for a request it cannot read). A
// driven server answers run with an error and keeps its hello as it was.
func TestServeAutonomous(t *testing.T) {
	doc := gen.Scenario(gen.DefaultKnobs()).Example(5)
	s := doc.Model()
	hello := string(appendHello(nil))
	run, err := appendRun(nil, "five", s, gen.Until(doc))
	require.NoError(t, err)
	open, err := appendOpen(nil, "five", s)
	require.NoError(t, err)
	typ := func(line string) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		return m["type"].(string)
	}

	got := serveLines(t, modeladapter.Autonomous(), hello, string(open), `{"type":"input","input":{"kind":"Tick","atMs":5}}`, `{"type":"close"}`, string(run), `{"type":"run","name":"x","untilMs":5}`)
	require.Len(t, got, 6)
	require.Equal(t, `{"type":"hello","protocol":"podconform-exec","version":2,"name":"model:autonomous","mode":"autonomous","observes":["actions","hooks","probes","backoff","requests","containerStatuses","phase","conditions","kubectl","runs"]}`, got[0])
	require.Equal(t, `{"type":"error","message":"open: this implementation is autonomous (its hello says so): send run"}`, got[1])
	require.Equal(t, TypeError, typ(got[2]))
	require.Equal(t, TypeError, typ(got[3]))
	require.Equal(t, TypeTrace, typ(got[4]))
	r, fe := decodeReply([]byte(got[4]))
	require.Nil(t, fe)
	want, err := modeladapter.Autonomous().Run(context.Background(), s, gen.Until(doc))
	require.NoError(t, err)
	requireSameTrace(t, want, r.trace, "served trace")
	require.Equal(t, `{"type":"error","message":"bad request: scenario: required"}`, got[5])

	// A scenario the model cannot run is refused.
	bad := *s
	bad.Pod.Spec.Containers = nil
	bad.Pod.Spec.InitContainers = nil
	bad.Behaviour = model.Behaviour{}
	run2, err := appendRun(nil, "empty", &bad, time.Minute)
	require.NoError(t, err)
	got = serveLines(t, modeladapter.Autonomous(), hello, string(run2), string(run))
	require.Equal(t, TypeRefuse, typ(got[1]), got[1])
	require.Equal(t, TypeTrace, typ(got[2]))

	got = serveLines(t, modeladapter.New(), hello, string(run), string(open))
	require.Equal(t, `{"type":"hello","protocol":"podconform-exec","version":2,"name":"model","observes":["actions","hooks","probes","backoff","requests","containerStatuses","phase","conditions","kubectl","runs"]}`, got[0])
	require.Equal(t, `{"type":"error","message":"run: this implementation is driven (its hello says so): send open, input and close"}`, got[1])
	require.Equal(t, TypeStep, typ(got[2]))
}

// twoFaced has both method sets; its Info says which it is.
type twoFaced struct {
	*modeladapter.Adapter
	auto *modeladapter.AutonomousAdapter
	mode adapters.Mode
}

func (x twoFaced) Info() adapters.Info {
	i := x.Adapter.Info()
	i.Mode = x.mode
	return i
}

func (x twoFaced) Run(ctx context.Context, s *model.Scenario, until time.Duration) ([]model.Action, error) {
	return x.auto.Run(ctx, s, until)
}

// onlyDriven says it is autonomous but cannot run.
type onlyDriven struct{ *modeladapter.Adapter }

func (o onlyDriven) Info() adapters.Info {
	i := o.Adapter.Info()
	i.Mode = adapters.Autonomous
	return i
}

// TestServeChoosesByMode: an adapter with both method sets is served as
// its mode says; one whose mode it does not implement is not served.
func TestServeChoosesByMode(t *testing.T) {
	hello := string(appendHello(nil))
	for mode, want := range map[adapters.Mode]string{adapters.Autonomous: `"mode":"autonomous"`, adapters.Driven: `"name":"model","observes"`, "": `"name":"model","observes"`} {
		got := serveLines(t, twoFaced{modeladapter.New(), modeladapter.Autonomous(), mode}, hello)
		require.Contains(t, got[0], want, "mode %q", mode)
	}
	err := Serve(context.Background(), strings.NewReader(hello+"\n"), io.Discard, onlyDriven{modeladapter.New()})
	require.ErrorContains(t, err, "does not implement")
}

// fakeAutonomous answers the handshake as an autonomous implementation
// observing obs, then each request with the next of replies; it returns
// the runner's Conn.
func fakeAutonomous(t *testing.T, obs string, replies ...string) *Conn {
	t.Helper()
	reqR, reqW := io.Pipe()
	repR, repW := io.Pipe()
	go func() {
		defer repW.Close()
		br := bufio.NewReader(reqR)
		send := func(l string) bool {
			if _, err := br.ReadString('\n'); err != nil {
				return false
			}
			_, err := io.WriteString(repW, l+"\n")
			return err == nil
		}
		if !send(`{"type":"hello","protocol":"podconform-exec","version":1,"name":"liar","mode":"autonomous","observes":[` + obs + `]}`) {
			return
		}
		for _, r := range replies {
			if !send(r) {
				return
			}
		}
		_, _ = io.Copy(io.Discard, reqR)
	}()
	t.Cleanup(func() { reqW.Close(); repR.Close() })
	c, err := NewConn(repR, reqW, Options{Timeout: 5 * time.Second})
	require.NoError(t, err)
	require.Equal(t, adapters.Autonomous, c.Info().Mode)
	return c
}

// TestLyingTraces: a trace that breaks the protocol is a protocol error
// naming what is wrong, and breaks the connection; a refusal does not.
func TestLyingTraces(t *testing.T) {
	s := &model.Scenario{}
	s.Pod.Name = "liar"
	s.Pod.Spec.InitContainers = []v1.Container{{Name: "setup", Image: "busybox"}}
	s.Pod.Spec.Containers = []v1.Container{{Name: "app", Image: "busybox"}}
	until := time.Minute
	const sandbox = `{"atMs":0,"kind":"SandboxCreated"}`
	for _, c := range []struct {
		name, obs, reply, msg string
	}{
		{"decreasing", `"all"`, `{"type":"trace","actions":[` + sandbox + `,{"atMs":2000,"kind":"ContainerStarted","container":"setup","attempt":0},{"atMs":1000,"kind":"ContainerExited","container":"setup","attempt":0,"exitCode":0}]}`,
			`actions\[2\] \(ContainerExited\) at 1000ms: before the previous action \(2000ms\)`},
		{"unknown container", `"all"`, `{"type":"trace","actions":[` + sandbox + `,{"atMs":0,"kind":"ContainerCreated","container":"ghost","attempt":0}]}`,
			`actions\[1\] \(ContainerCreated\): unknown container "ghost"`},
		{"after until", `"all"`, `{"type":"trace","actions":[` + sandbox + `,{"atMs":60001,"kind":"SandboxStopped"}]}`,
			`actions\[1\] \(SandboxStopped\) at 60001ms: after the run's time limit \(untilMs 60000\)`},
		{"unobserved", `"actions"`, `{"type":"trace","actions":[` + sandbox + `,{"atMs":0,"kind":"DeleteRequested","grace":30}]}`,
			`actions\[1\]: DeleteRequested is not among the observables`},
		{"unknown kind", `"all"`, `{"type":"trace","actions":[{"atMs":0,"kind":"Teleported"}]}`,
			`actions\[0\]\.kind: unknown action kind "Teleported"`},
		{"step instead", `"all"`, `{"type":"step","actions":[]}`,
			`got a step reply to run, want trace or refuse`},
		{"trace with a timer", `"all"`, `{"type":"trace","actions":[],"nextMs":5}`,
			`nextMs: not allowed in a trace reply`},
		{"error", `"all"`, `{"type":"error","message":"the kubelet panicked"}`,
			`answered the run request with an error: the kubelet panicked`},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn := fakeAutonomous(t, c.obs, c.reply)
			_, err := conn.Run(context.Background(), s, until)
			ae := requireProtocolError(t, err)
			require.Regexp(t, c.msg, ae.Error())
			require.Error(t, conn.Err(), "a protocol error breaks the connection")
			_, err = conn.Run(context.Background(), s, until)
			require.Error(t, err)
		})
	}

	// The same actions, in order and in range, are a trace; a refusal
	// leaves the connection usable.
	good := `{"type":"trace","actions":[` + sandbox + `,{"atMs":1000,"kind":"ContainerStarted","container":"setup","attempt":0},{"atMs":60000,"kind":"SandboxStopped"}]}`
	conn := fakeAutonomous(t, `"all"`, `{"type":"refuse","message":"no sidecars here"}`, good)
	_, err := conn.Run(context.Background(), s, until)
	var ae *adapters.Error
	require.ErrorAs(t, err, &ae)
	require.Equal(t, adapters.ErrKindUnsupported, ae.Kind)
	require.Contains(t, ae.Error(), "no sidecars here")
	require.NoError(t, conn.Err())
	acts, err := conn.Run(context.Background(), s, until)
	require.NoError(t, err)
	require.Len(t, acts, 3)
	require.Equal(t, time.Minute, acts[2].At)

	// What the protocol cannot carry is refused without asking.
	_, err = conn.Run(context.Background(), s, time.Minute+time.Microsecond)
	require.ErrorAs(t, err, &ae)
	require.Equal(t, adapters.ErrKindRefused, ae.Kind)
	require.NoError(t, conn.Err())
}

func requireProtocolError(t *testing.T, err error) *adapters.Error {
	t.Helper()
	var ae *adapters.Error
	require.ErrorAs(t, err, &ae)
	require.Equal(t, adapters.ErrKindProtocol, ae.Kind, "%v", err)
	return ae
}

// TestOptionsName: Options.Name replaces the name reports give the
// implementation; its implVersion stays.
func TestOptionsName(t *testing.T) {
	c, stop := pipeConn(t, versioned{modeladapter.Autonomous()}, Options{Name: "kubelet"})
	defer stop()
	info := c.Info()
	require.Equal(t, "kubelet", info.Name)
	require.Equal(t, "v1.36.3", info.Version)
	require.Equal(t, adapters.Autonomous, info.Mode)
	require.Equal(t, properties.ObsAll, info.Observes)
}

type versioned struct {
	*modeladapter.AutonomousAdapter
}

func (v versioned) Info() adapters.Info {
	i := v.AutonomousAdapter.Info()
	i.Version = "v1.36.3"
	return i
}
