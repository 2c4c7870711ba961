package trace

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// sampleDoc is a realistic trace: an init container, a sidecar, an app
// container that crash-loops, probes, hooks and a graceful delete.
func sampleDoc() *Document {
	s := time.Second
	return New("init-then-crashloop", "kubernetes-1.36", "myapp", []model.Action{
		{At: 0, Kind: model.ActSandboxCreated},
		{At: 0, Kind: model.ActStatus, Status: &v1.PodStatus{Phase: v1.PodPending, StartTime: tsp(0),
			Conditions: []v1.PodCondition{{Type: v1.PodScheduled, Status: v1.ConditionTrue, LastTransitionTime: ts(0)}}}},
		{At: 0, Kind: model.ActContainerCreated, Container: "init-myservice"},
		{At: 0, Kind: model.ActContainerStarted, Container: "init-myservice"},
		{At: 20 * s, Kind: model.ActContainerExited, Container: "init-myservice", ExitCode: 0, Reason: "Completed"},
		{At: 20 * s, Kind: model.ActContainerCreated, Container: "log-shipper"},
		{At: 21 * s, Kind: model.ActContainerStarted, Container: "log-shipper"},
		{At: 21 * s, Kind: model.ActProbeResult, Container: "log-shipper", Probe: model.Startup, Result: model.ResultSuccess},
		{At: 21 * s, Kind: model.ActContainerCreated, Container: "web"},
		{At: 21 * s, Kind: model.ActContainerStarted, Container: "web"},
		{At: 21 * s, Kind: model.ActHookStarted, Container: "web", Hook: model.HookPostStart},
		{At: 21*s + 500*time.Millisecond, Kind: model.ActHookEnded, Container: "web", Hook: model.HookPostStart, Result: model.ResultOK},
		{At: 25 * s, Kind: model.ActContainerExited, Container: "web", ExitCode: 1, Reason: "Error"},
		{At: 25 * s, Kind: model.ActBackOff, Container: "web", Attempt: 1, Wait: 10 * s, Delay: 10 * s},
		{At: 35 * s, Kind: model.ActContainerCreated, Container: "web", Attempt: 1},
		{At: 35 * s, Kind: model.ActContainerStarted, Container: "web", Attempt: 1},
		{At: 45 * s, Kind: model.ActProbeResult, Container: "web", Attempt: 1, Probe: model.Liveness, Result: model.ResultFailure},
		{At: 45 * s, Kind: model.ActStopSignal, Container: "web", Attempt: 1, Timeout: 30},
		{At: 50 * s, Kind: model.ActContainerExited, Container: "web", Attempt: 1, ExitCode: 137, Reason: "Error"},
		{At: 50 * s, Kind: model.ActBackOff, Container: "web", Attempt: 2, Wait: 20 * s, Delay: 20 * s},
		{At: 50 * s, Kind: model.ActStatus, Status: status(50*s, v1.PodRunning, false)},
		{At: 70 * s, Kind: model.ActContainerCreated, Container: "web", Attempt: 2},
		{At: 70 * s, Kind: model.ActContainerStarted, Container: "web", Attempt: 2},
		{At: 80 * s, Kind: model.ActProbeResult, Container: "web", Attempt: 2, Probe: model.Readiness, Result: model.ResultSuccess},
		{At: 80 * s, Kind: model.ActStatus, Status: status(80*s, v1.PodRunning, true)},
		{At: 90 * s, Kind: model.ActDeleteRequested, Grace: 30},
		{At: 90 * s, Kind: model.ActHookStarted, Container: "web", Attempt: 2, Hook: model.HookPreStop},
		{At: 91*s + 500*time.Millisecond, Kind: model.ActHookEnded, Container: "web", Attempt: 2, Hook: model.HookPreStop, Result: model.ResultOK},
		{At: 91*s + 500*time.Millisecond, Kind: model.ActStopSignal, Container: "web", Attempt: 2, Timeout: 29},
		{At: 91*s + 500*time.Millisecond, Kind: model.ActStopSignal, Container: "log-shipper", Timeout: 29},
		{At: 92 * s, Kind: model.ActContainerExited, Container: "web", Attempt: 2, ExitCode: 0, Reason: "Completed"},
		{At: 120*s + 500*time.Millisecond, Kind: model.ActSIGKILL, Container: "log-shipper"},
		{At: 120*s + 500*time.Millisecond, Kind: model.ActContainerExited, Container: "log-shipper", ExitCode: 137, Reason: "Error"},
		{At: 120*s + 500*time.Millisecond, Kind: model.ActSandboxStopped},
		{At: 121 * s, Kind: model.ActStatus, Status: status(121*s, v1.PodSucceeded, false)},
		{At: 121 * s, Kind: model.ActPodRemoved},
	})
}

func testDocs() map[string]*Document {
	return map[string]*Document{"sample": sampleDoc(), "kinds": kindsDoc(), "empty": emptyDoc()}
}

func encodeJSON(t testing.TB, d *Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, d))
	return buf.Bytes()
}

func encodeText(t testing.TB, d *Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, EncodeText(&buf, d))
	return buf.Bytes()
}

// requireSame checks that got equals want: exactly (reflect.DeepEqual)
// for everything but statuses, semantically for statuses.
func requireSame(t testing.TB, want, got *Document) {
	t.Helper()
	require.True(t, Equal(want, got), "documents differ")
	strip := func(d *Document) *Document {
		c := *d
		c.Actions = nil
		for _, a := range d.Actions {
			if a.Status != nil {
				a.Status = &v1.PodStatus{}
			}
			c.Actions = append(c.Actions, a)
		}
		return &c
	}
	require.Equal(t, strip(want), strip(got))
}

func TestRoundTripJSON(t *testing.T) {
	for name, d := range testDocs() {
		t.Run(name, func(t *testing.T) {
			enc := encodeJSON(t, d)
			got, err := Decode(bytes.NewReader(enc))
			require.NoError(t, err)
			requireSame(t, d, got)
			require.Equal(t, string(enc), string(encodeJSON(t, got)), "re-encoding differs")
		})
	}
}

func TestRoundTripText(t *testing.T) {
	for name, d := range testDocs() {
		t.Run(name, func(t *testing.T) {
			enc := encodeText(t, d)
			got, err := DecodeText(bytes.NewReader(enc))
			require.NoError(t, err)
			requireSame(t, d, got)
			require.Equal(t, string(enc), string(encodeText(t, got)), "re-encoding differs")
		})
	}
}

func TestStatusTimesExact(t *testing.T) {
	// Whole-second times survive exactly (as instants).
	d := sampleDoc()
	got, err := Decode(bytes.NewReader(encodeJSON(t, d)))
	require.NoError(t, err)
	want := d.Actions[20].Status.ContainerStatuses[0].LastTerminationState.Terminated.FinishedAt
	have := got.Actions[20].Status.ContainerStatuses[0].LastTerminationState.Terminated.FinishedAt
	require.True(t, want.Equal(&have), "%v != %v", want, have)
	require.Equal(t, false, *got.Actions[20].Status.ContainerStatuses[0].Started)
	require.Equal(t, true, *got.Actions[20].Status.InitContainerStatuses[1].Started)
}

func TestSubSecondStatusTimesTruncate(t *testing.T) {
	// As documented: statuses carry whole-second timestamps.
	d := New("s", "p", "pod", []model.Action{{Kind: model.ActStatus, Status: &v1.PodStatus{
		StartTime: &metav1.Time{Time: epoch.Add(1500 * time.Millisecond)}}}})
	got, err := Decode(bytes.NewReader(encodeJSON(t, d)))
	require.NoError(t, err)
	require.True(t, got.Actions[0].Status.StartTime.Time.Equal(epoch.Add(time.Second)))
}

func TestDecodeNormalisesStatus(t *testing.T) {
	in := jsonDoc(`{"at":"0s","kind":"Status","status":{"startTime":"2026-03-14T16:09:26.5+01:00",` +
		`"containerStatuses":[{"name":"a","ready":true,"restartCount":0,"image":"","imageID":"","allocatedResources":{"cpu":"1000m"}}]}}`)
	d, err := Decode(strings.NewReader(in))
	require.NoError(t, err)
	st := d.Actions[0].Status
	require.True(t, st.StartTime.Time.Equal(epoch), "%v", st.StartTime)
	require.Equal(t, "1", st.ContainerStatuses[0].AllocatedResources.Cpu().String())
	require.Contains(t, string(encodeJSON(t, d)), `"status":{"startTime":"2026-03-14T15:09:26Z","containerStatuses":[`)
}

func TestCrossFormat(t *testing.T) {
	for name, d := range testDocs() {
		t.Run(name, func(t *testing.T) {
			fromText, err := DecodeText(bytes.NewReader(encodeText(t, d)))
			require.NoError(t, err)
			require.Equal(t, string(encodeJSON(t, d)), string(encodeJSON(t, fromText)))
		})
	}
}

func TestGolden(t *testing.T) {
	for _, name := range []string{"sample", "kinds", "empty"} {
		d := testDocs()[name]
		for _, form := range []struct {
			ext    string
			encode func(testing.TB, *Document) []byte
			decode func([]byte) (*Document, error)
		}{
			{"json", encodeJSON, func(b []byte) (*Document, error) { return Decode(bytes.NewReader(b)) }},
			{"txt", encodeText, func(b []byte) (*Document, error) { return DecodeText(bytes.NewReader(b)) }},
		} {
			t.Run(name+"."+form.ext, func(t *testing.T) {
				path := filepath.Join("testdata", name+"."+form.ext)
				enc := form.encode(t, d)
				if *update {
					require.NoError(t, os.MkdirAll("testdata", 0o755))
					require.NoError(t, os.WriteFile(path, enc, 0o644))
				}
				golden, err := os.ReadFile(path)
				require.NoError(t, err, "run go test ./trace -run TestGolden -update")
				require.Equal(t, string(golden), string(enc))
				got, err := form.decode(golden)
				require.NoError(t, err)
				requireSame(t, d, got)
			})
		}
	}
}

func TestEncodeShape(t *testing.T) {
	d := New("s", "kubernetes-1.36", "myapp", []model.Action{
		{At: 0, Kind: model.ActSandboxCreated},
		{At: 0, Kind: model.ActContainerStarted, Container: "init-myservice"},
		{At: 20 * time.Second, Kind: model.ActContainerExited, Container: "init-myservice", Reason: "Completed"},
		{At: 70 * time.Second, Kind: model.ActBackOff, Container: "web", Attempt: 2, Wait: 20 * time.Second, Delay: 20 * time.Second},
		{At: 90 * time.Second, Kind: model.ActStopSignal, Container: "web", Attempt: 3, Timeout: 29},
		{At: 90 * time.Second, Kind: model.ActHookStarted, Container: "web", Attempt: 3, Hook: model.HookPreStop},
		{At: 91500 * time.Millisecond, Kind: model.ActHookEnded, Container: "web", Attempt: 3, Hook: model.HookPreStop, Result: "ok"},
		{At: 2 * time.Minute, Kind: model.ActDeleteRequested, Grace: 30},
		{At: 2 * time.Minute, Kind: model.ActDeleteRequested, Grace: 0, Force: true},
		{At: 2 * time.Minute, Kind: model.ActStatus, Status: &v1.PodStatus{Phase: v1.PodPending}},
	})
	require.Equal(t, `{
  "apiVersion": "podconform.dev/v1alpha1",
  "kind": "Trace",
  "scenario": "s",
  "profile": "kubernetes-1.36",
  "pod": "myapp",
  "actions": [
    {"at":"0s","kind":"SandboxCreated"},
    {"at":"0s","kind":"ContainerStarted","container":"init-myservice","attempt":0},
    {"at":"20s","kind":"ContainerExited","container":"init-myservice","attempt":0,"exitCode":0,"reason":"Completed"},
    {"at":"1m10s","kind":"BackOff","container":"web","attempt":2,"wait":"20s","delay":"20s"},
    {"at":"1m30s","kind":"StopSignal","container":"web","attempt":3,"timeout":29},
    {"at":"1m30s","kind":"HookStarted","container":"web","attempt":3,"hook":"preStop"},
    {"at":"1m31.5s","kind":"HookEnded","container":"web","attempt":3,"hook":"preStop","result":"ok"},
    {"at":"2m0s","kind":"DeleteRequested","grace":30},
    {"at":"2m0s","kind":"DeleteRequested","grace":0,"force":true},
    {"at":"2m0s","kind":"Status","status":{"phase":"Pending"}}
  ]
}
`, string(encodeJSON(t, d)))
	require.Equal(t, `# podconform trace v1alpha1 scenario=s profile=kubernetes-1.36 pod=myapp
0s        SandboxCreated
0s        ContainerStarted init-myservice#0
20s       ContainerExited init-myservice#0 exitCode=0 reason=Completed
1m10s     BackOff web#2 wait=20s delay=20s
1m30s     StopSignal web#3 timeout=29
1m30s     HookStarted web#3 hook=preStop
1m31.5s   HookEnded web#3 hook=preStop result=ok
2m0s      DeleteRequested grace=30
2m0s      DeleteRequested grace=0 force
2m0s      Status {"phase":"Pending"}
`, string(encodeText(t, d)))
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, emptyDoc()))
	require.Contains(t, buf.String(), "\"actions\": []\n}\n")
}

func TestEncodeDefaultsVersion(t *testing.T) {
	d := &Document{Scenario: "s", Actions: []model.Action{{Kind: model.ActSandboxCreated}}}
	got, err := Decode(bytes.NewReader(encodeJSON(t, d)))
	require.NoError(t, err)
	require.Equal(t, APIVersion, got.APIVersion)
	require.Equal(t, DocumentKind, got.Kind)
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		a    model.Action
		want string
	}{
		{model.Action{Kind: model.ActSandboxCreated}, "0s SandboxCreated"},
		{model.Action{At: 20 * time.Second, Kind: model.ActContainerExited, Container: "init-myservice", Reason: "Completed"},
			"20s ContainerExited init-myservice#0 exitCode=0 reason=Completed"},
		{model.Action{At: 90 * time.Second, Kind: model.ActStopSignal, Container: "web", Attempt: 3, Timeout: 29},
			"1m30s StopSignal web#3 timeout=29"},
		{model.Action{At: time.Second, Kind: model.ActHookEnded, Container: "web", Hook: "preStop", Result: "timed out"},
			`1s HookEnded web#0 hook=preStop result="timed out"`},
		{model.Action{At: time.Second, Kind: model.ActDeleteRequested, Force: true},
			"1s DeleteRequested grace=0 force"},
		{model.Action{Kind: model.ActStatus, Status: &v1.PodStatus{Phase: v1.PodRunning}},
			`0s Status {"phase":"Running"}`},
		// Invalid actions show everything that is set.
		{model.Action{Kind: model.ActSandboxCreated, Container: "web", ExitCode: 3},
			"0s SandboxCreated web#0 exitCode=3"},
		{model.Action{Kind: "Bogus thing", Grace: 5}, `0s "Bogus thing" grace=5`},
		{model.Action{Kind: model.ActStatus}, "0s Status null"},
	} {
		require.Equal(t, c.want, Describe(c.a))
	}
}

func TestDescribeMatchesText(t *testing.T) {
	d := sampleDoc()
	lines := strings.Split(strings.TrimSuffix(string(encodeText(t, d)), "\n"), "\n")[1:]
	for i, a := range d.Actions {
		f := strings.Fields(lines[i])
		want := f[0] + " " + strings.TrimLeft(strings.TrimPrefix(lines[i], f[0]), " ")
		require.Equal(t, want, Describe(a))
	}
}

func TestMarshalJSON(t *testing.T) {
	type wrapper struct {
		Name  string    `json:"name"`
		Trace *Document `json:"trace"`
	}
	d := sampleDoc()
	b, err := json.Marshal(wrapper{Name: "x", Trace: d})
	require.NoError(t, err)
	var w wrapper
	require.NoError(t, json.Unmarshal(b, &w))
	requireSame(t, d, w.Trace)

	// json.Marshal compacts the canonical form (and escapes <, >, & as
	// it always does).
	var direct, marshalled bytes.Buffer
	require.NoError(t, json.Compact(&direct, encodeJSON(t, d)))
	enc := json.NewEncoder(&marshalled)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(d))
	require.Equal(t, direct.String()+"\n", marshalled.String())

	require.ErrorContains(t, json.Unmarshal([]byte(`{"trace":{"apiVersion":"x"}}`), &w), "unsupported apiVersion")
	var v struct{ Trace Document }
	require.NoError(t, json.Unmarshal([]byte(`{"Trace":null}`), &v))
	require.True(t, Equal(&Document{}, &v.Trace))
}

func TestDecodeErrors(t *testing.T) {
	ok := `{"at":"0s","kind":"SandboxCreated"}`
	for _, c := range []struct {
		name, in, want string
	}{
		{"empty", ``, "trace: line 1: column 1: invalid JSON: unexpected end of JSON input"},
		{"syntax", "{\n  \"apiVersion\": x}", "trace: line 2: column 17: invalid JSON: invalid character 'x'"},
		{"trailing", jsonDoc() + `{}`, "invalid JSON: invalid character '{' after top-level value"},
		{"not object", `[]`, "trace: want an object, got array"},
		{"unknown top field", `{"apiVersion":"podconform.dev/v1alpha1","kind":"Trace","extra":1}`, `trace: extra: unknown field`},
		{"case sensitive", `{"apiVersion":"podconform.dev/v1alpha1","Kind":"Trace"}`, `trace: Kind: unknown field`},
		{"missing apiVersion", `{"kind":"Trace"}`, "trace: apiVersion: required"},
		{"wrong apiVersion", `{"apiVersion":"podconform.dev/v2","kind":"Trace"}`, `trace: apiVersion: unsupported apiVersion "podconform.dev/v2" (want "podconform.dev/v1alpha1")`},
		{"wrong kind", `{"apiVersion":"podconform.dev/v1alpha1","kind":"Pod"}`, `trace: kind: unsupported kind "Pod" (want "Trace")`},
		{"actions not array", `{"apiVersion":"podconform.dev/v1alpha1","kind":"Trace","actions":{}}`, "trace: actions: want an array, got object"},
		{"action not object", jsonDoc(`"x"`), "trace: actions[0]: want an object, got string"},
		{"unknown action field", jsonDoc(ok, `{"at":"0s","kind":"SandboxCreated","foo":1}`), `trace: actions[1].foo: unknown field`},
		{"duplicate field", jsonDoc(`{"at":"0s","kind":"SandboxCreated","kind":"SandboxStopped"}`), `trace: actions[0].kind: duplicate field`},
		{"unknown status field", jsonDoc(`{"at":"0s","kind":"Status","status":{"conditions":[{"type":"Ready","bogus":1}]}}`),
			`trace: actions[0].status.conditions[0].bogus: unknown field`},
		{"bad duration", jsonDoc(ok, ok, ok, `{"at":"x","kind":"SandboxCreated"}`), `trace: actions[3].at: invalid duration "x"`},
		{"at not string", jsonDoc(`{"at":5,"kind":"SandboxCreated"}`), `trace: actions[0].at: want a string, got number`},
		{"missing at", jsonDoc(`{"kind":"SandboxCreated"}`), `trace: actions[0].at: required`},
		{"missing kind", jsonDoc(`{"at":"0s"}`), `trace: actions[0].kind: required`},
		{"unknown kind", jsonDoc(`{"at":"0s","kind":"Bogus"}`), `trace: actions[0].kind: unknown action kind "Bogus"`},
		{"negative at", jsonDoc(`{"at":"-1s","kind":"SandboxCreated"}`), `trace: actions[0].at: negative time -1s`},
		{"times decreasing", jsonDoc(`{"at":"2s","kind":"SandboxCreated"}`, `{"at":"1s","kind":"PodRemoved"}`),
			`trace: actions[1].at: 1s is before the previous action's time 2s`},
		{"missing attempt", jsonDoc(`{"at":"0s","kind":"ContainerStarted","container":"web"}`), `trace: actions[0].attempt: required by ContainerStarted`},
		{"missing exitCode", jsonDoc(`{"at":"0s","kind":"ContainerExited","container":"web","attempt":0}`), `trace: actions[0].exitCode: required by ContainerExited`},
		{"unused zero field", jsonDoc(`{"at":"0s","kind":"ContainerExited","container":"web","attempt":0,"exitCode":0,"grace":0}`),
			`trace: actions[0].grace: not used by ContainerExited`},
		{"attempt type", jsonDoc(`{"at":"0s","kind":"ContainerStarted","container":"web","attempt":"1"}`),
			`trace: actions[0].attempt: want an integer (int), got string`},
		{"exitCode overflow", jsonDoc(`{"at":"0s","kind":"ContainerExited","container":"web","attempt":0,"exitCode":2147483648}`),
			`trace: actions[0].exitCode: want an integer (int32), got number 2147483648`},
		{"negative attempt", jsonDoc(`{"at":"0s","kind":"ContainerStarted","container":"web","attempt":-1}`), `trace: actions[0].attempt: negative attempt -1`},
		{"bad container", jsonDoc(`{"at":"0s","kind":"ContainerStarted","container":"Web App","attempt":0}`),
			`trace: actions[0].container: invalid container name "Web App" (want a DNS-1123 label)`},
		{"unknown hook", jsonDoc(`{"at":"0s","kind":"HookStarted","container":"web","attempt":0,"hook":"preStart"}`),
			`trace: actions[0].hook: unknown hook "preStart"`},
		{"unknown probe", jsonDoc(`{"at":"0s","kind":"ProbeResult","container":"web","attempt":0,"probe":"ready","result":"success"}`),
			`trace: actions[0].probe: unknown probe "ready"`},
		{"empty result", jsonDoc(`{"at":"0s","kind":"HookEnded","container":"web","attempt":0,"hook":"preStop","result":""}`),
			`trace: actions[0].result: required by HookEnded`},
		{"bad wait", jsonDoc(`{"at":"0s","kind":"BackOff","container":"web","attempt":0,"wait":"10","delay":"1s"}`),
			`trace: actions[0].wait: invalid duration "10"`},
		{"negative delay", jsonDoc(`{"at":"0s","kind":"BackOff","container":"web","attempt":0,"wait":"1s","delay":"-1s"}`),
			`trace: actions[0].delay: negative duration -1s`},
		{"negative grace", jsonDoc(`{"at":"0s","kind":"DeleteRequested","grace":-1}`), `trace: actions[0].grace: negative grace period -1`},
		{"null status", jsonDoc(`{"at":"0s","kind":"Status","status":null}`), `trace: actions[0].status: required by Status`},
		{"bad status time", jsonDoc(`{"at":"0s","kind":"Status","status":{"startTime":"yesterday"}}`), `trace: actions[0].status: parsing time "yesterday"`},
		{"unstable status time", jsonDoc(`{"at":"0s","kind":"Status","status":{"startTime":"0000-01-01T00:00:00+01:00"}}`),
			`trace: actions[0].status: does not survive re-encoding`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Decode(strings.NewReader(c.in))
			require.Error(t, err)
			require.Nil(t, d)
			require.Contains(t, err.Error(), c.want)
			var te *Error
			require.ErrorAs(t, err, &te)
		})
	}
}

func TestDecodeLenient(t *testing.T) {
	// Non-canonical but valid input: any whitespace and field order,
	// durations in any ParseDuration form, optional fields spelt out,
	// missing header strings.
	in := `{"kind":"Trace","apiVersion":"podconform.dev/v1alpha1","actions":[
	  {"kind":"DeleteRequested","grace":0,"force":false,"at":"90s"},
	  {"at":"1.5m","kind":"ContainerExited","reason":"","exitCode":0,"attempt":0,"container":"web"}]}`
	d, err := Decode(strings.NewReader(in))
	require.NoError(t, err)
	require.Equal(t, []model.Action{
		{At: 90 * time.Second, Kind: model.ActDeleteRequested},
		{At: 90 * time.Second, Kind: model.ActContainerExited, Container: "web"},
	}, d.Actions)
}

func TestDecodeTextErrors(t *testing.T) {
	const h = "# podconform trace v1alpha1 scenario=s profile=p pod=x\n"
	for _, c := range []struct {
		name, in, want string
	}{
		{"empty", ``, `trace: line 1: missing header line`},
		{"no header", "0s SandboxCreated\n", `trace: line 1: missing header line`},
		{"wrong version", "# podconform trace v2 scenario=s profile=p pod=x\n", `trace: line 1: unsupported version "v2" (want "v1alpha1")`},
		{"missing header key", "# podconform trace v1alpha1 scenario=s profile=p\n", `trace: line 1: pod: missing from header`},
		{"unknown header key", "# podconform trace v1alpha1 scenario=s profile=p pod=x node=n\n", `trace: line 1: unknown header key "node"`},
		{"duplicate header key", "# podconform trace v1alpha1 scenario=s scenario=t profile=p pod=x\n", `trace: line 1: scenario: duplicate`},
		{"bad duration", h + "0s SandboxCreated\n\n# comment\nx SandboxCreated\n", `trace: line 5: at: invalid duration "x"`},
		{"unknown kind", h + "0s Bogus\n", `trace: line 2: kind: unknown action kind "Bogus"`},
		{"missing kind", h + "0s\n", `trace: line 2: kind: missing action kind`},
		{"times decreasing", h + "2s SandboxCreated\n1s PodRemoved\n", `trace: line 3: at: 1s is before the previous action's time 2s`},
		{"negative", h + "-1s SandboxCreated\n", `trace: line 2: at: negative time -1s`},
		{"missing container", h + "0s ContainerStarted\n", `trace: line 2: container: required by ContainerStarted`},
		{"no attempt", h + "0s ContainerStarted web\n", `trace: line 2: container: want NAME#ATTEMPT, got "web"`},
		{"bad attempt", h + "0s ContainerStarted web#x\n", `trace: line 2: attempt: invalid attempt "x"`},
		{"bad container", h + "0s ContainerStarted Web#0\n", `trace: line 2: container: invalid container name "Web"`},
		{"missing key", h + "0s ContainerExited web#0 reason=Error\n", `trace: line 2: exitCode: required by ContainerExited`},
		{"unused key", h + "0s ContainerExited web#0 exitCode=0 grace=0\n", `trace: line 2: grace: not used by ContainerExited`},
		{"unknown key", h + "0s ContainerExited web#0 exitCode=0 signal=9\n", `trace: line 2: unknown key "signal"`},
		{"duplicate key", h + "0s ContainerExited web#0 exitCode=0 exitCode=1\n", `trace: line 2: exitCode: duplicate`},
		{"bad int", h + "0s ContainerExited web#0 exitCode=2147483648\n", `trace: line 2: exitCode: invalid int32 "2147483648"`},
		{"stray word", h + "0s SandboxCreated web\n", `trace: line 2: unexpected "web" (want key=value)`},
		{"force value", h + "0s DeleteRequested grace=0 force=true\n", `trace: line 2: force: is a flag`},
		{"force unused", h + "0s ContainerStarted web#0 force\n", `trace: line 2: force: not used by ContainerStarted`},
		{"bad quote", h + "0s ContainerExited web#0 exitCode=0 reason=\"abc\n", `trace: line 2: reason: invalid quoted value`},
		{"after quote", h + "0s ContainerExited web#0 exitCode=0 reason=\"a\"b\n", `trace: line 2: reason: unexpected "b" after quoted value`},
		{"bad wait", h + "0s BackOff web#0 wait=10 delay=1s\n", `trace: line 2: wait: invalid duration "10"`},
		{"unknown hook", h + "0s HookStarted web#0 hook=preStart\n", `trace: line 2: hook: unknown hook "preStart"`},
		{"invalid utf8", h + "0s ContainerExited web#0 exitCode=0 reason=\"\\xff\"\n", `trace: line 2: reason: invalid UTF-8`},
		{"status missing", h + "0s Status\n", `trace: line 2: status: required by Status`},
		{"status null", h + "0s Status null\n", `trace: line 2: status: required by Status`},
		{"status unknown field", h + "0s Status {\"phase\":\"Running\",\"bogus\":1}\n", `trace: line 2: status.bogus: unknown field`},
		{"status syntax", h + "  0s Status {\"phase\":\n", `trace: line 2: status: column 21: invalid JSON: unexpected end of JSON input`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := DecodeText(strings.NewReader(c.in))
			require.Error(t, err)
			require.Nil(t, d)
			require.Contains(t, err.Error(), c.want)
		})
	}
}

func TestDecodeTextLenient(t *testing.T) {
	in := "# podconform trace v1alpha1 pod=x profile=\"\" scenario=\"a b\"\r\n" +
		"\n# a comment\n" +
		"  1m30s\tDeleteRequested force   grace=30\r\n" +
		"90s ContainerExited web#0 reason=\"Completed\" exitCode=0\n" +
		"90s ContainerExited web#1 exitCode=1 reason=\n" +
		"90s Status   {\"phase\": \"Running\"}  "
	d, err := DecodeText(strings.NewReader(in))
	require.NoError(t, err)
	require.Equal(t, &Document{APIVersion: APIVersion, Kind: DocumentKind, Scenario: "a b", Pod: "x", Actions: []model.Action{
		{At: 90 * time.Second, Kind: model.ActDeleteRequested, Grace: 30, Force: true},
		{At: 90 * time.Second, Kind: model.ActContainerExited, Container: "web", Reason: "Completed"},
		{At: 90 * time.Second, Kind: model.ActContainerExited, Container: "web", Attempt: 1, ExitCode: 1},
		{At: 90 * time.Second, Kind: model.ActStatus, Status: &v1.PodStatus{Phase: v1.PodRunning}},
	}}, d)
}

func TestEncodeErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		d    *Document
		want string
	}{
		{"nil", nil, "trace: nil document"},
		{"apiVersion", &Document{APIVersion: "v1"}, `trace: apiVersion: unsupported apiVersion "v1"`},
		{"kind", &Document{Kind: "Pod"}, `trace: kind: unsupported kind "Pod"`},
		{"utf8", &Document{Pod: "\xff"}, `trace: pod: invalid UTF-8`},
		{"unused field", New("", "", "", []model.Action{{Kind: model.ActSandboxCreated, Container: "web"}}),
			`trace: actions[0].container: not used by SandboxCreated`},
		{"unused attempt", New("", "", "", []model.Action{{Kind: model.ActDeleteRequested, Attempt: 2}}),
			`trace: actions[0].attempt: not used by DeleteRequested`},
		{"no kind", New("", "", "", []model.Action{{}}), `trace: actions[0].kind: required`},
		{"no container", New("", "", "", []model.Action{{Kind: model.ActContainerStarted}}),
			`trace: actions[0].container: required by ContainerStarted`},
		{"no status", New("", "", "", []model.Action{{Kind: model.ActStatus}}), `trace: actions[0].status: required by Status`},
		{"order", New("", "", "", []model.Action{{At: 2, Kind: model.ActSandboxCreated}, {At: 1, Kind: model.ActPodRemoved}}),
			`trace: actions[1].at: 1ns is before the previous action's time 2ns`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.ErrorContains(t, Encode(&buf, c.d), c.want)
			require.ErrorContains(t, EncodeText(&buf, c.d), c.want)
			require.Zero(t, buf.Len())
		})
	}
}

func TestEqual(t *testing.T) {
	a, b := sampleDoc(), sampleDoc()
	require.True(t, Equal(a, b))
	b.Actions[20].Status.ContainerStatuses[0].RestartCount++
	require.False(t, Equal(a, b))
	b = sampleDoc()
	b.Actions[3].Attempt = 1
	require.False(t, Equal(a, b))
	require.True(t, Equal(emptyDoc(), &Document{APIVersion: APIVersion, Kind: DocumentKind, Actions: []model.Action{}}))
	require.False(t, Equal(a, nil))
	require.True(t, EqualAction(model.Action{Kind: model.ActStatus, Status: &v1.PodStatus{Conditions: []v1.PodCondition{}}},
		model.Action{Kind: model.ActStatus, Status: &v1.PodStatus{}}))
	require.False(t, EqualAction(model.Action{Kind: model.ActStatus, Status: &v1.PodStatus{}}, model.Action{Kind: model.ActStatus}))
}

// TestFieldTable checks that every field of model.Action is covered by
// the encoding, so a field added to Action is not silently dropped.
func TestFieldTable(t *testing.T) {
	typ := reflect.TypeOf(model.Action{})
	var names []string
	for i := 0; i < typ.NumField(); i++ {
		names = append(names, typ.Field(i).Name)
	}
	require.Equal(t, []string{"At", "Kind", "Container", "Attempt", "Hook", "Probe", "Result", "Timeout", "Grace",
		"Force", "ExitCode", "Reason", "Wait", "Delay", "Status"}, names,
		"model.Action changed: update the trace format (fieldSet, wire types, doc.go)")
}

func ExampleEncodeText() {
	d := New("restart", "kubernetes-1.36", "myapp", []model.Action{
		{At: 0, Kind: model.ActSandboxCreated},
		{At: 0, Kind: model.ActContainerStarted, Container: "web"},
		{At: 5 * time.Second, Kind: model.ActContainerExited, Container: "web", ExitCode: 1, Reason: "Error"},
		{At: 5 * time.Second, Kind: model.ActBackOff, Container: "web", Attempt: 1, Wait: 10 * time.Second, Delay: 10 * time.Second},
	})
	if err := EncodeText(os.Stdout, d); err != nil {
		fmt.Println(err)
	}
	// Output:
	// # podconform trace v1alpha1 scenario=restart profile=kubernetes-1.36 pod=myapp
	// 0s        SandboxCreated
	// 0s        ContainerStarted web#0
	// 5s        ContainerExited web#0 exitCode=1 reason=Error
	// 5s        BackOff web#1 wait=10s delay=10s
}

func ExampleDescribe() {
	fmt.Println(Describe(model.Action{At: 91500 * time.Millisecond, Kind: model.ActHookEnded,
		Container: "web", Attempt: 3, Hook: model.HookPreStop, Result: model.ResultOK}))
	// Output: 1m31.5s HookEnded web#3 hook=preStop result=ok
}

func benchDoc() *Document {
	// A long realistic trace: the sample repeated with times shifted.
	base := sampleDoc()
	d := New(base.Scenario, base.Profile, base.Pod, nil)
	for r := 0; r < 5; r++ {
		shift := time.Duration(r) * 10 * time.Minute
		for _, a := range base.Actions {
			a.At += shift
			d.Actions = append(d.Actions, a)
		}
	}
	return d
}

func BenchmarkEncode(b *testing.B) {
	d := benchDoc()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkEncodeText(b *testing.B) {
	d := benchDoc()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := EncodeText(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkEncodeNoStatus(b *testing.B) {
	d := benchDoc()
	var acts []model.Action
	for _, a := range d.Actions {
		if a.Kind != model.ActStatus {
			acts = append(acts, a)
		}
	}
	d.Actions = acts
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkDecode(b *testing.B) {
	enc := encodeJSON(b, benchDoc())
	b.ReportAllocs()
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(enc)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDocExamples checks that the two examples in doc.go are the canonical
// encodings of one and the same trace.
func TestDocExamples(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	var jsonEx, textEx []string
	inJSON, inText := false, false
	for _, line := range strings.Split(string(src), "\n") {
		l, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			inJSON, inText = false, false
			continue
		}
		switch {
		case l == "{" && jsonEx == nil:
			inJSON = true
		case strings.HasPrefix(l, "# podconform trace v1alpha1 scenario=init") && textEx == nil:
			inText = true
		}
		if inJSON {
			jsonEx = append(jsonEx, l)
		}
		if inText {
			textEx = append(textEx, l)
		}
	}
	js := strings.Join(jsonEx, "\n") + "\n"
	txt := strings.Join(textEx, "\n") + "\n"
	require.Greater(t, len(jsonEx), 10)
	require.Len(t, textEx, len(jsonEx)-9+1)

	fromJSON, err := Decode(strings.NewReader(js))
	require.NoError(t, err)
	fromText, err := DecodeText(strings.NewReader(txt))
	require.NoError(t, err)
	require.True(t, Equal(fromJSON, fromText))
	require.Equal(t, js, string(encodeJSON(t, fromJSON)))
	require.Equal(t, txt, string(encodeText(t, fromText)))
}
