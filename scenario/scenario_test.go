package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
)

func TestValidScenario(t *testing.T) {
	d, err := Parse([]byte(scenarioDoc), "test.yaml")
	require.NoError(t, err)
	require.NoError(t, d.Validate())
	assert.Equal(t, "test", d.Metadata.Name)
	m := d.Model()
	assert.Equal(t, "demo", m.Pod.Name)
	assert.Equal(t, time.Second, m.Profile.BackoffInitial.Duration)
	web := m.Behaviour.Containers["web"]
	require.Len(t, web.Attempts, 2)
	assert.Equal(t, int32(1), web.Attempts[0].ExitCode)
	assert.True(t, web.Attempts[1].OnStopSignal.Ignore)
	assert.Equal(t, model.ProbeFailure, web.Probes.Liveness[0].Result)
	require.Len(t, m.Events, 1)
	assert.Equal(t, model.EventDelete, m.Events[0].Type)
	// Model points into the document.
	m.Pod.Name = "changed"
	assert.Equal(t, "changed", d.Pod.Name)
}

func TestBarePod(t *testing.T) {
	d, err := Parse([]byte(podDoc), "bare.yaml")
	require.NoError(t, err)
	require.NoError(t, d.Validate())
	assert.Equal(t, APIVersion, d.APIVersion)
	assert.Equal(t, Kind, d.Kind)
	assert.Equal(t, "bare", d.Metadata.Name)
	assert.Equal(t, "app", d.Pod.Spec.Containers[0].Name)
	assert.Empty(t, d.Behaviour.Containers)
	assert.Empty(t, d.Events)
	assert.Equal(t, model.Profile{}, d.Profile)
}

func TestBarePodJSON(t *testing.T) {
	j := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"},"spec":{"containers":[{"name":"a","image":"b"}]}}`
	d, err := Parse([]byte(j), "pod.json")
	require.NoError(t, err)
	require.NoError(t, d.Validate())
	assert.Equal(t, "j", d.Metadata.Name)
}

// parseErr is the error of Parse, or of Validate if Parse succeeds.
func parseErr(t *testing.T, doc string) error {
	t.Helper()
	d, err := Parse([]byte(doc), "case.yaml")
	if err != nil {
		return err
	}
	return d.Validate()
}

func edit(t *testing.T, doc, old, new string) string {
	t.Helper()
	require.Contains(t, doc, old, "test bug: the text to replace is not in the document")
	return strings.Replace(doc, old, new, 1)
}

func TestBadInput(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want []string // substrings of the error
	}{
		{
			name: "malformed YAML",
			doc:  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n",
			want: []string{"case.yaml", "malformed YAML", "line 4"},
		},
		{
			name: "malformed YAML in a document after a leading separator",
			doc:  "# comment\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: x\n",
			want: []string{"case.yaml", "line 5"},
		},
		{
			name: "tab indentation",
			doc:  "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n",
			want: []string{"case.yaml", "line 4"},
		},
		{
			name: "unknown field, nested",
			doc:  edit(t, scenarioDoc, "    - name: web\n      image: nginx", "    - name: web\n      imagee: nginx"),
			want: []string{"case.yaml", `unknown field "pod.spec.containers[0].imagee"`},
		},
		{
			name: "unknown field in a bare pod",
			doc:  edit(t, podDoc, "spec:", "spec:\n  restartPolicyy: Never"),
			want: []string{`unknown field "pod.spec.restartPolicyy"`},
		},
		{
			name: "unknown field in behaviour",
			doc:  edit(t, scenarioDoc, "      - exitAfter: 20s", "      - exitAfter: 20s\n        exitcode: 1"),
			want: []string{`unknown field "behaviour.containers.init.attempts[0].exitcode"`},
		},
		{
			name: "unknown top-level field",
			doc:  scenarioDoc + "extra: 1\n",
			want: []string{`unknown field "extra"`},
		},
		{
			name: "duplicate field",
			doc:  edit(t, scenarioDoc, "    - name: web\n", "    - name: web\n      name: web2\n"),
			want: []string{"case.yaml", "line", `"name"`, "duplicate field"},
		},
		{
			name: "duplicate field in JSON",
			doc:  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","name":"b"},"spec":{"containers":[{"name":"a","image":"b"}]}}`,
			want: []string{`duplicate field "pod.metadata.name"`},
		},
		{
			name: "wrong value type",
			doc:  edit(t, scenarioDoc, "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: thirty"),
			want: []string{"pod.spec.terminationGracePeriodSeconds", "string"},
		},
		{
			name: "bad duration",
			doc:  edit(t, scenarioDoc, "exitAfter: 20s", "exitAfter: 20"),
			want: []string{"behaviour.containers[init].attempts[0].exitAfter"},
		},
		{
			name: "bad duration string",
			doc:  edit(t, scenarioDoc, "- at: 60s", "- at: soon"),
			want: []string{"events[0].at", `"soon"`},
		},
		{
			name: "duplicate container names",
			doc:  edit(t, scenarioDoc, "    - name: side\n", "    - name: web\n"),
			want: []string{`pod.spec.initContainers[1].name: Duplicate value: "web"`},
		},
		{
			name: "duplicate app container names",
			doc:  edit(t, podDoc, "  - name: app\n    image: busybox\n", "  - name: app\n    image: busybox\n  - name: app\n    image: busybox\n"),
			want: []string{`pod.spec.containers[1].name: Duplicate value: "app"`},
		},
		{
			name: "probe on a regular init container",
			doc:  edit(t, scenarioDoc, "    - name: init\n      image: busybox\n", "    - name: init\n      image: busybox\n      livenessProbe:\n        exec:\n          command: [\"true\"]\n"),
			want: []string{"pod.spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers"},
		},
		{
			name: "readiness probe on a regular init container",
			doc:  edit(t, scenarioDoc, "    - name: init\n      image: busybox\n", "    - name: init\n      image: busybox\n      readinessProbe:\n        exec:\n          command: [\"true\"]\n"),
			want: []string{"pod.spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers"},
		},
		{
			name: "lifecycle on a regular init container",
			doc:  edit(t, scenarioDoc, "    - name: init\n      image: busybox\n", "    - name: init\n      image: busybox\n      lifecycle:\n        postStart:\n          exec:\n            command: [\"true\"]\n"),
			want: []string{"pod.spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers"},
		},
		{
			name: "successThreshold 2 on liveness",
			doc:  edit(t, scenarioDoc, "        initialDelaySeconds: 5\n", "        initialDelaySeconds: 5\n        successThreshold: 2\n"),
			want: []string{"pod.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"},
		},
		{
			name: "successThreshold 2 on startup",
			doc:  edit(t, scenarioDoc, "          command: [\"true\"]\n", "          command: [\"true\"]\n        successThreshold: 2\n"),
			want: []string{"pod.spec.initContainers[1].startupProbe.successThreshold: Invalid value: 2: must be 1"},
		},
		{
			name: "successThreshold 2 on readiness is fine",
			doc:  edit(t, scenarioDoc, "          port: 8080\n      lifecycle:", "          port: 8080\n        successThreshold: 2\n      lifecycle:"),
		},
		{
			name: "negative initialDelaySeconds",
			doc:  edit(t, scenarioDoc, "initialDelaySeconds: 5", "initialDelaySeconds: -1"),
			want: []string{"pod.spec.containers[0].livenessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0"},
		},
		{
			name: "negative terminationGracePeriodSeconds",
			doc:  edit(t, scenarioDoc, "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: -1"),
			want: []string{"pod.spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0"},
		},
		{
			name: "zero probe terminationGracePeriodSeconds",
			doc:  edit(t, scenarioDoc, "initialDelaySeconds: 5", "initialDelaySeconds: 5\n        terminationGracePeriodSeconds: 0"),
			want: []string{"pod.spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0"},
		},
		{
			name: "readiness probe terminationGracePeriodSeconds",
			doc:  edit(t, scenarioDoc, "          port: 8080\n      lifecycle:", "          port: 8080\n        terminationGracePeriodSeconds: 5\n      lifecycle:"),
			want: []string{"pod.spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes"},
		},
		{
			name: "negative exitAfter",
			doc:  edit(t, scenarioDoc, "      - exitAfter: 5s", "      - exitAfter: -5s"),
			want: []string{`behaviour.containers[web].attempts[0].exitAfter: Invalid value: "-5s": must be greater than or equal to 0`},
		},
		{
			name: "negative event time",
			doc:  edit(t, scenarioDoc, "- at: 60s", "- at: -1s"),
			want: []string{`events[0].at: Invalid value: "-1s": must be greater than or equal to 0`},
		},
		{
			name: "negative event grace",
			doc:  edit(t, scenarioDoc, "gracePeriodSeconds: 10", "gracePeriodSeconds: -10"),
			want: []string{"events[0].gracePeriodSeconds: Invalid value: -10"},
		},
		{
			name: "unknown event type",
			doc:  edit(t, scenarioDoc, "type: Delete", "type: Evict"),
			want: []string{`events[0].type: Unsupported value: "Evict"`, `"Delete"`, `"ForceDelete"`},
		},
		{
			name: "events out of order",
			doc:  scenarioDoc + "- at: 30s\n  type: ForceDelete\n",
			want: []string{"events[1].at", "sorted by at"},
		},
		{
			name: "grace on a force delete",
			doc:  edit(t, scenarioDoc, "type: Delete", "type: ForceDelete"),
			want: []string{"events[0].gracePeriodSeconds: Forbidden"},
		},
		{
			name: "activeDeadlineSeconds",
			doc:  edit(t, scenarioDoc, "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 30\n    activeDeadlineSeconds: 60"),
			want: []string{"pod.spec.activeDeadlineSeconds: Forbidden: unsupported by podconform's model"},
		},
		{
			name: "readinessGates: not a qualified name",
			doc:  edit(t, scenarioDoc, "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 30\n    readinessGates:\n    - conditionType: -ready"),
			want: []string{`pod.spec.readinessGates[0].conditionType: Invalid value: "-ready"`},
		},
		{
			name: "readinessGates: a condition the kubelet owns",
			doc:  edit(t, scenarioDoc, "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 30\n    readinessGates:\n    - conditionType: Ready"),
			want: []string{"pod.spec.readinessGates[0].conditionType: Forbidden: unsupported by podconform's model"},
		},
		{
			name: "SetCondition: not a gate",
			doc: edit(t, edit(t, scenarioDoc, "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 30\n    readinessGates:\n    - conditionType: example.com/ready"),
				"type: Delete\n  gracePeriodSeconds: 10", "type: SetCondition\n  conditionType: example.com/other\n  status: \"True\""),
			want: []string{`events[0].conditionType: Invalid value: "example.com/other": must be the conditionType of one of pod.spec.readinessGates (example.com/ready)`},
		},
		{
			name: "SetCondition: a bad status",
			doc: edit(t, edit(t, scenarioDoc, "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 30\n    readinessGates:\n    - conditionType: example.com/ready"),
				"type: Delete\n  gracePeriodSeconds: 10", "type: SetCondition\n  conditionType: example.com/ready\n  status: \"Yes\""),
			want: []string{`events[0].status: Unsupported value: "Yes"`},
		},
		{
			name: "SetCondition: no gates, grace set",
			doc:  edit(t, scenarioDoc, "type: Delete", "type: SetCondition\n  conditionType: example.com/ready\n  status: \"True\""),
			want: []string{"events[0].conditionType", "and the pod has none", "events[0].gracePeriodSeconds: Forbidden: only for Delete"},
		},
		{
			name: "condition fields on a delete",
			doc:  edit(t, scenarioDoc, "type: Delete", "type: Delete\n  status: \"True\""),
			want: []string{"events[0].status: Forbidden: only for SetCondition"},
		},
		{
			name: "ephemeralContainers",
			doc:  edit(t, podDoc, "spec:", "spec:\n  ephemeralContainers:\n  - name: debug\n    image: busybox"),
			want: []string{"pod.spec.ephemeralContainers: Forbidden: unsupported by podconform's model"},
		},
		{
			name: "deletionTimestamp",
			doc:  edit(t, podDoc, "  name: bare", "  name: bare\n  deletionTimestamp: \"2024-01-01T00:00:00Z\"\n  deletionGracePeriodSeconds: 30"),
			want: []string{"pod.metadata.deletionTimestamp: Forbidden: unsupported", "pod.metadata.deletionGracePeriodSeconds: Forbidden: unsupported"},
		},
		{
			name: "status",
			doc:  podDoc + "status:\n  phase: Running\n",
			want: []string{"pod.status: Forbidden: unsupported by podconform's model"},
		},
		{
			name: "restartPolicyRules on an init container",
			doc: edit(t, scenarioDoc, "      restartPolicy: Always\n",
				"      restartPolicy: Always\n      restartPolicyRules:\n      - action: Restart\n        exitCodes: {operator: In, values: [42]}\n"),
			want: []string{"pod.spec.initContainers[1].restartPolicyRules: Forbidden: unsupported by podconform's model"},
		},
		{
			name: "resizePolicy RestartContainer",
			doc:  edit(t, podDoc, "    image: busybox\n", "    image: busybox\n    resizePolicy:\n    - resourceName: memory\n      restartPolicy: RestartContainer\n"),
			want: []string{"pod.spec.containers[0].resizePolicy[0].restartPolicy: Forbidden: unsupported by podconform's model"},
		},
		{
			name: "init container restartPolicy Never",
			doc:  edit(t, scenarioDoc, "    - name: init\n      image: busybox\n", "    - name: init\n      image: busybox\n      restartPolicy: Never\n"),
			want: []string{"pod.spec.initContainers[0].restartPolicy: Forbidden: unsupported by podconform's model"},
		},
		{
			name: "init container restartPolicy Never without the gate",
			doc: edit(t, edit(t, scenarioDoc, "    - name: init\n      image: busybox\n", "    - name: init\n      image: busybox\n      restartPolicy: Never\n"),
				"  backoffMax: 60s\n", "  backoffMax: 60s\n  containerRestartRules: false\n"),
			want: []string{`pod.spec.initContainers[0].restartPolicy: Unsupported value: "Never": supported values: "Always"`},
		},
		{
			name: "container restart rules without the gate",
			doc: edit(t, edit(t, podDoc, "    image: busybox\n", "    image: busybox\n    restartPolicy: Never\n"),
				"kind: Pod\n", "kind: Pod\n"),
			want: nil, // allowed: the gate is on by default
		},
		{
			name: "container restart rules malformed",
			doc: edit(t, podDoc, "    image: busybox\n",
				"    image: busybox\n    restartPolicyRules:\n    - action: Ignore\n      exitCodes: {operator: Equals, values: [1, 1]}\n    - action: Restart\n"),
			want: []string{
				"pod.spec.containers[0].restartPolicy: Required value: must specify restartPolicy when restart rules are used",
				`pod.spec.containers[0].restartPolicyRules[0].action: Unsupported value: "Ignore"`,
				`pod.spec.containers[0].restartPolicyRules[0].exitCodes.operator: Unsupported value: "Equals"`,
				"pod.spec.containers[0].restartPolicyRules[0].exitCodes.values[1]: Duplicate value: 1",
				"pod.spec.containers[0].restartPolicyRules[1].exitCodes: Required value",
			},
		},
		{
			name: "probe with two handlers",
			doc:  edit(t, scenarioDoc, "        tcpSocket:\n          port: 8080\n", "        tcpSocket:\n          port: 8080\n        exec:\n          command: [\"true\"]\n"),
			want: []string{"pod.spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"},
		},
		{
			name: "probe with no handler",
			doc:  edit(t, scenarioDoc, "        tcpSocket:\n          port: 8080\n", "        periodSeconds: 3\n"),
			want: []string{"pod.spec.containers[0].readinessProbe: Required value: must specify a handler type"},
		},
		{
			name: "hook with no handler",
			doc:  edit(t, scenarioDoc, "        preStop:\n          sleep:\n            seconds: 5\n", "        preStop: {}\n"),
			want: []string{"pod.spec.containers[0].lifecycle.preStop: Required value: must specify a handler type"},
		},
		{
			name: "sleep hook longer than the grace period",
			doc:  edit(t, scenarioDoc, "seconds: 5", "seconds: 31"),
			want: []string{"pod.spec.containers[0].lifecycle.preStop.sleep.seconds: Invalid value: 31"},
		},
		{
			name: "tcpSocket hook is accepted",
			doc:  edit(t, scenarioDoc, "          sleep:\n            seconds: 5\n", "          tcpSocket:\n            port: 80\n"),
		},
		{
			name: "bad restartPolicy",
			doc:  edit(t, scenarioDoc, "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 30\n    restartPolicy: Sometimes"),
			want: []string{`pod.spec.restartPolicy: Unsupported value: "Sometimes"`},
		},
		{
			name: "no containers",
			doc:  "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {}\n",
			want: []string{"pod.spec.containers: Required value"},
		},
		{
			name: "container without name and image",
			doc:  edit(t, podDoc, "  - name: app\n    image: busybox\n", "  - command: [x]\n"),
			want: []string{"pod.spec.containers[0].name: Required value", "pod.spec.containers[0].image: Required value"},
		},
		{
			name: "container name not a DNS label",
			doc:  edit(t, podDoc, "name: app", "name: App_1"),
			want: []string{`pod.spec.containers[0].name: Invalid value: "App_1"`},
		},
		{
			name: "behaviour for an unknown container",
			doc:  edit(t, scenarioDoc, "    init:\n      attempts:", "    ghost:\n      attempts:"),
			want: []string{`behaviour.containers[ghost]: Invalid value: no container named "ghost"`},
		},
		{
			name: "probe script for a probe the container lacks",
			doc:  edit(t, scenarioDoc, "        liveness:\n        - after: 30s", "        startup:\n        - after: 30s"),
			want: []string{"behaviour.containers[web].probes.startup: Invalid value: container has no startupProbe"},
		},
		{
			name: "probe script for a regular init container",
			doc:  edit(t, scenarioDoc, "      - exitAfter: 20s\n", "      - exitAfter: 20s\n        probes: {}\n"),
			want: []string{"behaviour.containers[init].attempts[0].probes: Forbidden: may not be set for a regular init container"},
		},
		{
			name: "hook script for a hook the container lacks",
			doc:  edit(t, scenarioDoc, "      preStop:\n        duration: 5s", "      postStart:\n        duration: 5s"),
			want: []string{"behaviour.containers[web].postStart: Invalid value: container has no lifecycle.postStart hook"},
		},
		{
			name: "bad probe result",
			doc:  edit(t, scenarioDoc, "result: failure", "result: timeout"),
			want: []string{`behaviour.containers[web].probes.liveness[0].result: Unsupported value: "timeout"`},
		},
		{
			name: "probe steps out of order",
			doc:  edit(t, scenarioDoc, "          result: failure\n", "          result: failure\n        - after: 10s\n          result: success\n"),
			want: []string{"behaviour.containers[web].probes.liveness[1].after", "sorted by after"},
		},
		{
			name: "exit code out of range",
			doc:  edit(t, scenarioDoc, "exitCode: 1", "exitCode: 256"),
			want: []string{"behaviour.containers[web].attempts[0].exitCode: Invalid value: 256"},
		},
		{
			name: "signal out of range",
			doc:  edit(t, scenarioDoc, "exitCode: 1", "signal: 65"),
			want: []string{"behaviour.containers[web].attempts[0].signal: Invalid value: 65"},
		},
		{
			name: "oomKilled with an exit code",
			doc:  edit(t, scenarioDoc, "exitCode: 1", "exitCode: 1\n        oomKilled: true"),
			want: []string{"behaviour.containers[web].attempts[0].exitCode: Forbidden: may not be set when oomKilled is true"},
		},
		{
			name: "stop script that ignores and exits",
			doc:  edit(t, scenarioDoc, "          ignore: true", "          ignore: true\n          exitAfter: 1s"),
			want: []string{"behaviour.containers[web].attempts[1].onStopSignal.exitAfter: Forbidden"},
		},
		{
			name: "profile durations",
			doc:  edit(t, scenarioDoc, "  backoffInitial: 1s\n  backoffMax: 60s\n", "  backoffInitial: 0s\n  backoffMax: -60s\n  minimumGracePeriodSeconds: -1\n"),
			want: []string{
				`profile.backoffInitial: Invalid value: "0s": must be at least 1s`,
				`profile.backoffMax: Invalid value: "-1m0s": must be at least 1s`,
				"profile.minimumGracePeriodSeconds: Invalid value: -1",
			},
		},
		{
			name: "backoffInitial above backoffMax",
			doc:  edit(t, scenarioDoc, "backoffInitial: 1s", "backoffInitial: 61s"),
			want: []string{`profile.backoffInitial: Invalid value: "1m1s": must be less than or equal to backoffMax (1m0s)`},
		},
		{
			name: "backoffMax below the default backoffInitial",
			doc:  edit(t, scenarioDoc, "  backoffInitial: 1s\n", ""),
			want: nil, // 10s <= 60s
		},
		{
			name: "backoffMax below the default backoffInitial, too low",
			doc:  edit(t, scenarioDoc, "  backoffInitial: 1s\n  backoffMax: 60s\n", "  backoffMax: 5s\n"),
			want: []string{"profile.backoffInitial", "set backoffInitial too"},
		},
		{
			name: "wrong kind",
			doc:  edit(t, podDoc, "kind: Pod", "kind: Deployment"),
			want: []string{"case.yaml", `kind "Deployment" is not supported`},
		},
		{
			name: "missing kind",
			doc:  edit(t, podDoc, "kind: Pod\n", ""),
			want: []string{"case.yaml", "missing kind"},
		},
		{
			name: "wrong apiVersion for a scenario",
			doc:  edit(t, scenarioDoc, "apiVersion: podconform.dev/v1alpha1", "apiVersion: podconform.dev/v2"),
			want: []string{"case.yaml", `unsupported apiVersion "podconform.dev/v2"`, APIVersion},
		},
		{
			name: "missing apiVersion for a scenario",
			doc:  edit(t, scenarioDoc, "apiVersion: podconform.dev/v1alpha1\n", ""),
			want: []string{"case.yaml", "missing apiVersion"},
		},
		{
			name: "wrong apiVersion for a pod",
			doc:  edit(t, podDoc, "apiVersion: v1", "apiVersion: v2"),
			want: []string{"case.yaml", "apiVersion v1", `"v2"`},
		},
		{
			name: "multi-document",
			doc:  podDoc + "---\n" + podDoc,
			want: []string{"case.yaml", "line 9", "one document per file"},
		},
		{
			name: "a second document after a document-end marker",
			doc:  podDoc + "...\n" + podDoc,
			want: []string{"case.yaml", "line 9", "one document per file"},
		},
		{
			name: "a second JSON object after the first",
			doc:  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"b"}]}}` + "\n\n" + `{"x":1}` + "\n",
			want: []string{"case.yaml", "line 3", "data after the JSON document's end"},
		},
		{
			name: "trailing garbage after a JSON object",
			doc:  `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"b"}]}} x`,
			want: []string{"case.yaml", "line 1", "data after the JSON document's end"},
		},
		{
			name: "document-end marker and directives are fine",
			doc:  "%YAML 1.1\n---\n" + podDoc + "...\n",
		},
		{
			name: "multi-document with empty documents is fine",
			doc:  "---\n# just a comment\n---\n" + podDoc + "---\n",
		},
		{
			name: "empty file",
			doc:  "# nothing here\n",
			want: []string{"case.yaml", "empty file"},
		},
		{
			name: "a list, not a mapping",
			doc:  "- a\n- b\n",
			want: []string{"case.yaml", "not a list"},
		},
		{
			name: "kind not a string",
			doc:  "kind: [Pod]\n",
			want: []string{"case.yaml", "kind must be a string"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := parseErr(t, c.doc)
			if len(c.want) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// TestValidateErrorList checks that Validate returns one field error per
// problem.
func TestValidateErrorList(t *testing.T) {
	d, err := Parse([]byte(edit(t, scenarioDoc, "initialDelaySeconds: 5", "initialDelaySeconds: -5\n        periodSeconds: -1")), "x.yaml")
	require.NoError(t, err)
	errs := d.ValidateFields()
	require.Len(t, errs, 2)
	assert.Equal(t, "pod.spec.containers[0].livenessProbe.initialDelaySeconds", errs[0].Field)
	assert.Equal(t, "pod.spec.containers[0].livenessProbe.periodSeconds", errs[1].Field)
}

func TestValidateNil(t *testing.T) {
	var d *Document
	assert.Error(t, d.Validate())
	assert.Nil(t, d.Model())
	_, err := d.Marshal()
	assert.Error(t, err)
	assert.Error(t, (&Document{}).Validate())
}

func roundTrip(t *testing.T, d *Document) {
	t.Helper()
	out, err := d.Marshal()
	require.NoError(t, err)
	d2, err := Parse(out, "marshalled.yaml")
	require.NoError(t, err, "%s", out)
	if !reflect.DeepEqual(d, d2) {
		out2, _ := d2.Marshal()
		t.Fatalf("Parse(Marshal(d)) != d\nfirst:\n%s\nsecond:\n%s", out, out2)
	}
	out2, err := d2.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(out), string(out2), "Marshal is not canonical")
}

func TestRoundTrip(t *testing.T) {
	for name, doc := range map[string]string{"scenario": scenarioDoc, "pod": podDoc} {
		t.Run(name, func(t *testing.T) {
			d, err := Parse([]byte(doc), name)
			require.NoError(t, err)
			roundTrip(t, d)
		})
	}
}

// TestRoundTripCanonical checks values that decode to equal but differently
// represented Go values: empty lists and maps, quantities, timestamps.
func TestRoundTripCanonical(t *testing.T) {
	doc := edit(t, podDoc, "    image: busybox\n", `    image: busybox
    env: []
    resources:
      requests:
        cpu: "0.5"
        memory: 1Gi
      limits:
        cpu: 1000m
`)
	doc = edit(t, doc, "  name: bare\n", "  name: bare\n  creationTimestamp: \"2024-05-01T10:00:00.5+02:00\"\n  labels: {}\n  managedFields:\n  - manager: kubectl\n    time: \"2024-05-01T10:00:00Z\"\n")
	d, err := Parse([]byte(doc), "x.yaml")
	require.NoError(t, err)
	require.NoError(t, d.Validate())
	assert.True(t, d.Pod.CreationTimestamp.IsZero(), "creationTimestamp is dropped")
	assert.Nil(t, d.Pod.ManagedFields)
	roundTrip(t, d)

	// A document built in Go, with empty (non-nil) collections, is
	// canonical after one Parse.
	built := &Document{APIVersion: APIVersion, Kind: Kind, Metadata: Metadata{Name: "built"}}
	built.Pod = v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Labels: map[string]string{}},
		Spec: v1.PodSpec{Containers: []v1.Container{{Name: "c", Image: "i", Args: []string{}}}}}
	built.Behaviour.Containers = map[string]model.ContainerBehaviour{"c": {Attempts: []model.Attempt{}}}
	built.Events = []model.Event{}
	out, err := built.Marshal()
	require.NoError(t, err)
	parsed, err := Parse(out, "built.yaml")
	require.NoError(t, err)
	require.NoError(t, parsed.Validate())
	roundTrip(t, parsed)
}

func TestMarshalIsTidy(t *testing.T) {
	d, err := Parse([]byte(podDoc), "x.yaml")
	require.NoError(t, err)
	out, err := d.Marshal()
	require.NoError(t, err)
	s := string(out)
	for _, noise := range []string{"creationTimestamp", "status:", "resources:", "null", "profile:", "behaviour:"} {
		assert.NotContains(t, s, noise)
	}
	assert.True(t, strings.HasPrefix(s, "apiVersion: "+APIVersion+"\nkind: Scenario\nmetadata:\n"), s)
	assert.Contains(t, s, "  apiVersion: v1\n  kind: Pod\n")
}

func TestNeverPanics(t *testing.T) {
	inputs := []string{
		"", "\x00", "{", "}", "[", "---", "---\n---", "...", "~", "null", "true", "42", `"s"`,
		"{}", "[]", "kind: Scenario", "kind: Pod", "kind: Pod\napiVersion: v1",
		"kind: Scenario\napiVersion: podconform.dev/v1alpha1",
		"kind: Scenario\napiVersion: podconform.dev/v1alpha1\npod: null\nbehaviour: null\nevents: null\nprofile: null",
		"kind: Scenario\napiVersion: podconform.dev/v1alpha1\nbehaviour: {containers: {x: null}}",
		"kind: Scenario\napiVersion: podconform.dev/v1alpha1\nbehaviour: {containers: {'': {attempts: [null, {}]}}}",
		"kind: Scenario\napiVersion: podconform.dev/v1alpha1\npod: {spec: {containers: [null, {}], initContainers: [{restartPolicy: Always, lifecycle: {}}]}}",
		"kind: Pod\napiVersion: v1\nspec: {containers: [{livenessProbe: {httpGet: {port: -1}}, lifecycle: {preStop: {sleep: {seconds: -9}}}}]}",
		"a: &a [*a]", "a: &a\n  b: *a\n", "? [a]\n: b", "!!binary AAAA: 1", "a: !!binary x",
		"\xef\xbb\xbf{\"kind\":\"Pod\"}", "{\"kind\": 1}", "kind: Pod\napiVersion: v1\nmetadata: {name: 1}",
		"kind: Scenario\napiVersion: podconform.dev/v1alpha1\nevents: [{at: 9999999999999h}]",
		"kind: Scenario\napiVersion: podconform.dev/v1alpha1\nprofile: {backoffMax: 1ns, minimumGracePeriodSeconds: 99999999999999999999}",
		strings.Repeat("[", 10000), strings.Repeat("- ", 5000) + "a",
	}
	for _, in := range inputs {
		assert.NotPanics(t, func() {
			d, err := Parse([]byte(in), "garbage.yaml")
			if err != nil {
				assert.NotContains(t, err.Error(), "internal error")
				return
			}
			if d.Validate() == nil {
				roundTrip(t, d)
			} else {
				_, _ = d.Marshal()
			}
		}, "input %q", in)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	require.NoError(t, os.WriteFile(good, []byte(scenarioDoc), 0o644))
	d, err := Load(good)
	require.NoError(t, err)
	assert.Equal(t, "test", d.Metadata.Name)

	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte(edit(t, scenarioDoc, "initialDelaySeconds: 5", "initialDelaySeconds: -1")), 0o644))
	_, err = Load(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), bad)
	assert.Contains(t, err.Error(), "livenessProbe.initialDelaySeconds")

	_, err = Load(filepath.Join(dir, "missing.yaml"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing.yaml")

	malformed := filepath.Join(dir, "malformed.yaml")
	require.NoError(t, os.WriteFile(malformed, []byte("kind: Pod\n  x: [\n"), 0o644))
	_, err = Load(malformed)
	require.Error(t, err)
	assert.Contains(t, err.Error(), malformed)
}

// TestExamples checks that every file in corpus/examples loads, validates
// and round-trips.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "corpus", "examples", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			d, err := Load(f)
			require.NoError(t, err)
			roundTrip(t, d)
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(string(data), "# "), "every example starts with a comment header")
			assert.Contains(t, string(data), "Source:", "every example names its source")
		})
	}
}

func TestBadQuantityNamesField(t *testing.T) {
	doc := edit(t, podDoc, "    image: busybox\n", "    image: busybox\n    resources: {requests: {cpu: 1, memory: lots}}\n")
	err := parseErr(t, doc)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pod.spec.containers[0].resources.requests[memory]")
}

// TestLoadIsBounded: a file larger than MaxFileBytes (here /dev/zero,
// which never ends) is an error naming it, read no further than the bound.
func TestLoadIsBounded(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("SKIPPED: no /dev/zero")
	}
	_, err := Load("/dev/zero")
	require.Error(t, err)
	require.Contains(t, err.Error(), "/dev/zero: larger than 8 MiB")
}

// TestBoundsKeepTheModelExact: values the model cannot honour exactly, or
// that would make its work unbounded, are errors naming the field: a
// back-off below the kubelet's 1 s minimum, durations and grace periods
// past 10 years (whose sums overflow the model's arithmetic), and a time
// limit past a day.
func TestBoundsKeepTheModelExact(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           []string
	}{
		{"a 1 ns back-off", "backoffInitial: 1s", "backoffInitial: 1ns", []string{"profile.backoffInitial", "at least 1s"}},
		{"a zero back-off cap", "backoffMax: 60s", "backoffMax: 0s", []string{"profile.backoffMax", "at least 1s"}},
		{"an exit after 300,000 hours", "- exitAfter: 20s", "- exitAfter: 300000h", []string{"exitAfter", "at most 87600h"}},
		{"a grace of 2^63-1 s", "gracePeriodSeconds: 10", "gracePeriodSeconds: 9223372036854775807", []string{"events[0].gracePeriodSeconds", "at most 315360000"}},
	}
	for _, c := range cases {
		err := parseErr(t, edit(t, scenarioDoc, c.old, c.new))
		require.Error(t, err, c.name)
		for _, w := range c.want {
			require.Contains(t, err.Error(), w, c.name)
		}
	}
	err := parseErr(t, strings.Replace(podDoc, "spec:", "spec:\n  terminationGracePeriodSeconds: 9223372036854775807", 1))
	require.Error(t, err)
	require.Contains(t, err.Error(), "pod.spec.terminationGracePeriodSeconds")
	require.Contains(t, err.Error(), "at most 315360000")
}

// TestContainerCountIsBounded: a pod with more than MaxContainers
// containers (init and app together) is refused, naming the field, since
// a run's trace grows with the square of the count; MaxContainers is fine.
func TestContainerCountIsBounded(t *testing.T) {
	doc := func(inits int) string {
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: Pod\nmetadata: {name: many}\nspec:\n  initContainers:\n")
		for i := 0; i < inits; i++ {
			fmt.Fprintf(&b, "  - {name: i%d, image: busybox}\n", i)
		}
		b.WriteString("  containers:\n  - {name: app, image: busybox}\n")
		return b.String()
	}
	d, err := Parse([]byte(doc(MaxContainers-1)), "many.yaml")
	require.NoError(t, err)
	require.NoError(t, d.Validate())

	d, err = Parse([]byte(doc(MaxContainers)), "many.yaml")
	if err == nil {
		err = d.Validate()
	}
	require.ErrorContains(t, err, "pod.spec.containers")
	require.ErrorContains(t, err, "at most 100")
}
