package scenario

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	v1 "k8s.io/api/core/v1"
)

// The fuzz targets' documents live here, with the targets, so that this
// file builds on its own, as ClusterFuzzLite's build of a native Go fuzz
// target needs (.clusterfuzzlite/build.sh); the other tests use them too.

// scenarioDoc is a valid scenario with an init container, a sidecar and an
// app container with probes and hooks. Tests edit it with strings.Replace.
const scenarioDoc = `apiVersion: podconform.dev/v1alpha1
kind: Scenario
metadata:
  name: test
  description: a test
profile:
  backoffInitial: 1s
  backoffMax: 60s
pod:
  apiVersion: v1
  kind: Pod
  metadata:
    name: demo
  spec:
    terminationGracePeriodSeconds: 30
    initContainers:
    - name: init
      image: busybox
    - name: side
      image: busybox
      restartPolicy: Always
      startupProbe:
        exec:
          command: ["true"]
    containers:
    - name: web
      image: nginx
      livenessProbe:
        httpGet:
          port: 8080
          path: /healthz
        initialDelaySeconds: 5
      readinessProbe:
        tcpSocket:
          port: 8080
      lifecycle:
        preStop:
          sleep:
            seconds: 5
behaviour:
  containers:
    init:
      attempts:
      - exitAfter: 20s
    web:
      probes:
        liveness:
        - after: 30s
          result: failure
      preStop:
        duration: 5s
      attempts:
      - exitAfter: 5s
        exitCode: 1
      - onStopSignal:
          ignore: true
events:
- at: 60s
  type: Delete
  gracePeriodSeconds: 10
`

const podDoc = `apiVersion: v1
kind: Pod
metadata:
  name: bare
spec:
  containers:
  - name: app
    image: busybox
`

// FuzzParse feeds any bytes to Parse. Parse either fails (without a panic
// and without an internal error) or returns a document whose validation
// does not panic and which Marshal renders; a document that validates
// must round-trip: Parse(Marshal(d)) is deep-equal to d, and Marshal of
// that is byte-identical.
func FuzzParse(f *testing.F) {
	f.Add([]byte(scenarioDoc))
	f.Add([]byte(podDoc))
	f.Add([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"},"spec":{"containers":[{"name":"a","image":"b"}]}}`))
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: q, labels: {a: 'yes'}}\nspec:\n  containers:\n  - {name: a, image: b, resources: {requests: {cpu: '0.5'}}}\n"))
	f.Add([]byte("---\napiVersion: v1\nkind: Pod\n---\n"))
	f.Add([]byte("kind: Scenario\napiVersion: podconform.dev/v1alpha1\nevents: [{at: 1s, type: Delete}]\n"))
	if files, err := filepath.Glob(filepath.Join("..", "corpus", "examples", "*")); err == nil {
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data, "fuzz.yaml")
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("Parse: %v", err)
			}
			return
		}
		if d == nil {
			t.Fatal("Parse returned neither a document nor an error")
		}
		valid := d.Validate() == nil
		out, err := d.Marshal()
		if err != nil {
			if valid {
				t.Fatalf("Marshal of a valid document: %v", err)
			}
			return
		}
		if !valid {
			return
		}
		d2, err := Parse(out, "marshalled.yaml")
		if err != nil {
			t.Fatalf("Parse(Marshal(d)): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(d, d2) {
			out2, _ := d2.Marshal()
			t.Fatalf("Parse(Marshal(d)) != d\nmarshalled:\n%s\nre-marshalled:\n%s", out, out2)
		}
		if err := d2.Validate(); err != nil {
			t.Fatalf("the round-tripped document does not validate: %v\n%s", err, out)
		}
		out2, err := d2.Marshal()
		if err != nil || string(out) != string(out2) {
			t.Fatalf("Marshal is not canonical (%v)\nfirst:\n%s\nsecond:\n%s", err, out, out2)
		}
	})
}

// trickyStrings are strings that YAML could read as something else.
var trickyStrings = []string{
	"", "yes", "no", "on", "off", "y", "n", "Y", "N", "TRUE", "null", "~", "<<", "=",
	"1e3", "0x1F", "0o17", "017", "1_000", ".inf", "-.inf", ".nan", "2001-12-14", "12:30:00",
	"#", "# c", ": ", "- ", "-", "?", "'", "\"", "\\", "@", "`", "%", "!tag", "&a", "*a",
	"{", "}", "[", "]", ",", "|", ">", " leading", "trailing ", "\ttab", "multi\nline",
	"multi\nline \n", "trailing newline\n", "\n", "\r\n", "\x00", "\x7f", "\u0085", "\u00a0",
	"\u2028", "\u2029", "\ufeff", "é", "日本", "😀", "---", "...", "--- x", "a: b", "[1, 2]",
}

// FuzzRoundTripStrings puts one string into every free-text place of a
// valid document (metadata, labels, annotations, a command, an env value)
// and checks that the document round-trips through Marshal and Parse with
// the string intact.
func FuzzRoundTripStrings(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		base, err := Parse([]byte(podDoc), "pod.yaml")
		if err != nil {
			t.Fatal(err)
		}
		d := base
		d.Metadata.Description = s
		d.Metadata.Source = s
		d.Pod.Labels = map[string]string{"k": s}
		d.Pod.Annotations = map[string]string{s: s, "x": "y"}
		c := &d.Pod.Spec.Containers[0]
		c.Command = []string{s, "-c", s}
		c.Env = append(c.Env, v1.EnvVar{Name: "E", Value: s})
		out, err := d.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		d2, err := Parse(out, "marshalled.yaml")
		if err != nil {
			t.Fatalf("Parse(Marshal(d)): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatalf("Parse(Marshal(d)) != d for %q\n%s", s, out)
		}
		if err := d2.Validate(); err != nil {
			t.Fatal(err)
		}
	})
}
