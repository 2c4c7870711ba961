package trace

import (
	"bytes"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
)

// The fuzz targets and the documents they and the other tests use live
// in this file, which builds on its own, as ClusterFuzzLite's build of a
// native Go fuzz target needs (.clusterfuzzlite/build.sh).

// epoch is the wall-clock time of virtual time 0 in the test statuses.
var epoch = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// ts returns the metav1.Time of virtual time at (whole seconds, as the API
// serialises).
func ts(at time.Duration) metav1.Time { return metav1.NewTime(epoch.Add(at)) }

func tsp(at time.Duration) *metav1.Time { t := ts(at); return &t }

func boolp(b bool) *bool { return &b }

// status builds a realistic PodStatus at virtual time at: an init
// container that completed, a sidecar that started, and an app container
// in a crash loop with a last state.
func status(at time.Duration, phase v1.PodPhase, ready bool) *v1.PodStatus {
	readyCond := v1.ConditionFalse
	if ready {
		readyCond = v1.ConditionTrue
	}
	st := &v1.PodStatus{
		ObservedGeneration: 1,
		Phase:              phase,
		Conditions: []v1.PodCondition{
			{Type: v1.PodReadyToStartContainers, Status: v1.ConditionTrue, LastTransitionTime: ts(0)},
			{Type: v1.PodInitialized, Status: v1.ConditionTrue, LastTransitionTime: ts(20 * time.Second)},
			{Type: v1.PodReady, Status: readyCond, LastTransitionTime: ts(at), Reason: "ContainersNotReady",
				Message: "containers with unready status: [web]"},
			{Type: v1.ContainersReady, Status: readyCond, LastTransitionTime: ts(at), Reason: "ContainersNotReady",
				Message: "containers with unready status: [web]"},
			{Type: v1.PodScheduled, Status: v1.ConditionTrue, LastTransitionTime: ts(0)},
		},
		HostIP:    "10.0.0.7",
		HostIPs:   []v1.HostIP{{IP: "10.0.0.7"}},
		PodIP:     "10.244.1.23",
		PodIPs:    []v1.PodIP{{IP: "10.244.1.23"}, {IP: "fd00::17"}},
		StartTime: tsp(0),
		InitContainerStatuses: []v1.ContainerStatus{{
			Name: "init-myservice",
			State: v1.ContainerState{Terminated: &v1.ContainerStateTerminated{
				ExitCode: 0, Reason: "Completed", StartedAt: ts(0), FinishedAt: ts(20 * time.Second),
				ContainerID: "containerd://0a1b",
			}},
			Ready:        true,
			RestartCount: 0,
			Image:        "busybox:1.36",
			ImageID:      "docker.io/library/busybox@sha256:0123",
			ContainerID:  "containerd://0a1b",
			Started:      boolp(false),
		}, {
			Name:        "log-shipper",
			State:       v1.ContainerState{Running: &v1.ContainerStateRunning{StartedAt: ts(21 * time.Second)}},
			Ready:       true,
			Image:       "fluent-bit:3",
			ImageID:     "docker.io/fluent/fluent-bit@sha256:4567",
			ContainerID: "containerd://2c3d",
			Started:     boolp(true),
			AllocatedResources: v1.ResourceList{
				v1.ResourceMemory: resource.MustParse("64Mi"),
				v1.ResourceCPU:    resource.MustParse("100m"),
			},
		}},
		ContainerStatuses: []v1.ContainerStatus{{
			Name: "web",
			State: v1.ContainerState{Waiting: &v1.ContainerStateWaiting{
				Reason:  "CrashLoopBackOff",
				Message: "back-off 20s restarting failed container=web pod=myapp_default(1234)",
			}},
			LastTerminationState: v1.ContainerState{Terminated: &v1.ContainerStateTerminated{
				ExitCode: 1, Reason: "Error", Message: "panic: <nil> & \"quoted\"\n", StartedAt: ts(45 * time.Second),
				FinishedAt: ts(50 * time.Second), ContainerID: "containerd://4e5f",
			}},
			Ready:        false,
			RestartCount: 2,
			Image:        "nginx:1.27",
			ImageID:      "docker.io/library/nginx@sha256:89ab",
			ContainerID:  "containerd://4e5f",
			Started:      boolp(false),
		}},
		QOSClass: v1.PodQOSBurstable,
	}
	return st
}

// kindsDoc has every action kind with zero and non-zero values, and
// strings that need quoting in the text form.
func kindsDoc() *Document {
	return New("every kind: zero & non-zero", "", "pod-1", []model.Action{
		{At: 0, Kind: model.ActSandboxCreated},
		{At: 0, Kind: model.ActContainerCreated, Container: "a", Attempt: 0},
		{At: 0, Kind: model.ActContainerStarted, Container: "a", Attempt: 0},
		{At: 1, Kind: model.ActContainerCreated, Container: "a-1", Attempt: 7},
		{At: 1, Kind: model.ActContainerStarted, Container: "a-1", Attempt: 7},
		{At: 2, Kind: model.ActHookStarted, Container: "a", Hook: model.HookPostStart},
		{At: 3, Kind: model.ActHookEnded, Container: "a", Hook: model.HookPostStart, Result: model.ResultFailed},
		{At: 3, Kind: model.ActHookStarted, Container: "a", Attempt: 3, Hook: model.HookPreStop},
		{At: 4, Kind: model.ActHookEnded, Container: "a", Attempt: 3, Hook: model.HookPreStop, Result: model.ResultAbandoned},
		{At: 4, Kind: model.ActHookEnded, Container: "a", Attempt: 3, Hook: model.HookPreStop, Result: "timed out = yes"},
		{At: 5, Kind: model.ActProbeResult, Container: "a", Probe: model.Startup, Result: model.ResultSuccess},
		{At: 5, Kind: model.ActProbeResult, Container: "a", Attempt: 1, Probe: model.Liveness, Result: model.ResultFailure},
		{At: 5, Kind: model.ActProbeResult, Container: "a", Attempt: 2, Probe: model.Readiness, Result: "\"weird\"\tresult\\"},
		{At: time.Second, Kind: model.ActStopSignal, Container: "a", Timeout: 0},
		{At: time.Second, Kind: model.ActStopSignal, Container: "a", Attempt: 1, Timeout: 1 << 40},
		{At: time.Second, Kind: model.ActSIGKILL, Container: "a"},
		{At: time.Second, Kind: model.ActSIGKILL, Container: "a", Attempt: 1},
		{At: time.Minute, Kind: model.ActContainerExited, Container: "a"},
		{At: time.Minute, Kind: model.ActContainerExited, Container: "a", Attempt: 1, ExitCode: -1, Reason: "StartError"},
		{At: time.Minute, Kind: model.ActContainerExited, Container: "a", Attempt: 2, ExitCode: 2147483647, Reason: "with space"},
		{At: time.Minute, Kind: model.ActContainerExited, Container: "a", Attempt: 3, ExitCode: -2147483648, Reason: "ünïcødé#=日本"},
		{At: time.Hour, Kind: model.ActBackOff, Container: "a"},
		{At: time.Hour, Kind: model.ActBackOff, Container: "a", Attempt: 4, Wait: 1500 * time.Millisecond, Delay: 5 * time.Minute},
		{At: time.Hour, Kind: model.ActDeleteRequested},
		{At: time.Hour, Kind: model.ActDeleteRequested, Grace: 30},
		{At: time.Hour, Kind: model.ActDeleteRequested, Grace: 0, Force: true},
		{At: time.Hour, Kind: model.ActStatus, Status: &v1.PodStatus{}},
		{At: time.Hour, Kind: model.ActStatus, Status: &v1.PodStatus{Phase: v1.PodFailed, Reason: "Evicted", Message: "a\nb <&>"}},
		{At: time.Hour + 1, Kind: model.ActSandboxStopped},
		{At: 1<<63 - 1, Kind: model.ActPodRemoved},
	})
}

func emptyDoc() *Document { return New("", "", "", nil) }

// jsonDoc wraps action objects in a valid document.
func jsonDoc(actions ...string) string {
	return `{"apiVersion":"podconform.dev/v1alpha1","kind":"Trace","scenario":"s","profile":"p","pod":"x","actions":[` +
		strings.Join(actions, ",") + `]}`
}

// checkDecoded checks a document that decoded: it must encode in both
// forms, each encoding must decode to an equal document, and re-encoding
// that must give the same bytes.
func checkDecoded(t *testing.T, d *Document) {
	t.Helper()
	var enc bytes.Buffer
	if err := Encode(&enc, d); err != nil {
		t.Fatalf("decoded document does not encode: %v", err)
	}
	d2, err := Decode(bytes.NewReader(enc.Bytes()))
	if err != nil {
		t.Fatalf("encoding does not decode: %v\n%s", err, enc.Bytes())
	}
	if !Equal(d, d2) {
		t.Fatalf("JSON round trip changed the document:\n%s", enc.Bytes())
	}
	var enc2 bytes.Buffer
	if err := Encode(&enc2, d2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc.Bytes(), enc2.Bytes()) {
		t.Fatalf("JSON re-encoding differs:\n%s\n%s", enc.Bytes(), enc2.Bytes())
	}

	var txt bytes.Buffer
	if err := EncodeText(&txt, d); err != nil {
		t.Fatalf("decoded document does not encode as text: %v", err)
	}
	d3, err := DecodeText(bytes.NewReader(txt.Bytes()))
	if err != nil {
		t.Fatalf("text encoding does not decode: %v\n%s", err, txt.Bytes())
	}
	if !Equal(d, d3) {
		t.Fatalf("text round trip changed the document:\n%s", txt.Bytes())
	}
	var txt2 bytes.Buffer
	if err := EncodeText(&txt2, d3); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(txt.Bytes(), txt2.Bytes()) {
		t.Fatalf("text re-encoding differs:\n%s\n%s", txt.Bytes(), txt2.Bytes())
	}
	for _, a := range d.Actions {
		_ = Describe(a)
	}
}

// fuzzSeeds are small valid documents: one per action of kindsDoc, one
// with a realistic status, and an empty one. (Small seeds keep the
// fuzzer's minimisation of new inputs cheap; the PodStatus decoder is
// slow under coverage instrumentation.)
func fuzzSeeds() []*Document {
	var docs []*Document
	for _, a := range kindsDoc().Actions {
		docs = append(docs, New("s", "p", "pod", []model.Action{a}))
	}
	docs = append(docs, New("s", "p", "pod", []model.Action{
		{Kind: model.ActSandboxCreated},
		{At: 50 * time.Second, Kind: model.ActStatus, Status: status(50*time.Second, "Running", false)},
	}))
	return append(docs, emptyDoc())
}

func FuzzDecode(f *testing.F) {
	for _, d := range fuzzSeeds() {
		var b bytes.Buffer
		if err := Encode(&b, d); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add([]byte(jsonDoc(`{"at":"1.5m","kind":"DeleteRequested","grace":0,"force":false}`)))
	f.Add([]byte(jsonDoc(`{"at":"0s","kind":"Status","status":{"startTime":"2026-01-01T00:00:00+01:00",` +
		`"containerStatuses":[{"name":"a","ready":true,"restartCount":0,"image":"","imageID":"",` +
		`"allocatedResources":{"cpu":"1000m"}}]}}`)))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decode(bytes.NewReader(data))
		if err != nil {
			if d != nil {
				t.Fatal("document and error")
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		checkDecoded(t, d)
	})
}

func FuzzTextDecode(f *testing.F) {
	for _, d := range fuzzSeeds() {
		var b bytes.Buffer
		if err := EncodeText(&b, d); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add([]byte("# podconform trace v1alpha1 pod=x profile=\"\" scenario=\"a b\"\r\n\n# c\n" +
		"  1m30s\tDeleteRequested force   grace=30\n90s ContainerExited web#+1 reason=\"\\u00e9\" exitCode=-0\n" +
		"90s Status   {\"phase\": \"Running\", \"startTime\": \"2026-01-01T00:00:00-07:00\"}  "))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := DecodeText(bytes.NewReader(data))
		if err != nil {
			if d != nil {
				t.Fatal("document and error")
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		checkDecoded(t, d)
	})
}
