package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	yamlv2 "sigs.k8s.io/yaml/goyaml.v2"

	"github.com/podconform/podconform/model"
)

// APIVersion is the only scenario format version this package reads and
// writes.
const APIVersion = "podconform.dev/v1alpha1"

// Kind is the kind of a scenario document.
const Kind = "Scenario"

// Document is one scenario file: a versioned header, metadata, and the
// model's input (profile, pod, behaviour, events) as top-level keys.
type Document struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   Metadata `json:"metadata"`
	model.Scenario
}

// Metadata names and describes a scenario.
type Metadata struct {
	// Name identifies the scenario (a DNS-1123 subdomain: lower-case
	// letters, digits, '-' and '.'). For a bare Pod manifest it is the
	// pod's name.
	Name string `json:"name"`
	// Description says, in prose, what the scenario shows.
	Description string `json:"description,omitempty"`
	// Source says where the case comes from: an upstream test, an issue, a
	// documentation page, a seed note.
	Source string `json:"source,omitempty"`
	// Counterexample is set on a scenario that was found to break a
	// property; `podconform replay` checks that it still does.
	Counterexample *Counterexample `json:"counterexample,omitempty"`
}

// Counterexample records the property a scenario breaks, on which model,
// and where.
type Counterexample struct {
	// Property is the violated invariant's ID (see `podconform properties`).
	Property string `json:"property"`
	// Model is "" for the reference model, or the name of a self-test
	// mutant (see model.Mutations).
	Model string `json:"model,omitempty"`
	// At is the virtual time of the violation; Message says what was seen.
	At      metav1.Duration `json:"at"`
	Message string          `json:"message,omitempty"`
	// Until is the run's time limit.
	Until metav1.Duration `json:"until"`
	// Adapter names the implementation it was found on, when that was not
	// the model or a mutant run in-process by the self-test (see
	// `podconform run --adapter`); Property is then "refinement" for a
	// divergence from the model, whose kind Divergence gives.
	Adapter    string `json:"adapter,omitempty"`
	Divergence string `json:"divergence,omitempty"`
	// Action is the index, in the observed trace saved beside the file,
	// of the action at which the failure was found (absent when it was
	// found at the trace's end or between actions).
	Action *int `json:"action,omitempty"`
	// Tolerance is the refinement's tolerance when Property is
	// "refinement" (absent: 0).
	Tolerance *metav1.Duration `json:"tolerance,omitempty"`
	// Rerun holds the flags of podconform run that name the adapter it
	// was found on and the run's settings (e.g. `--adapter exec
	// --adapter-cmd "./impl" --tolerance 10s`), for a replay on an
	// adapter podconform replay cannot start by itself.
	Rerun string `json:"rerun,omitempty"`
}

// Model returns the scenario the model runs. It points into d: changing
// one changes the other.
func (d *Document) Model() *model.Scenario {
	if d == nil {
		return nil
	}
	return &d.Scenario
}

// Marshal renders d as canonical YAML: keys in the order of the Go types
// (apiVersion, kind, metadata, profile, pod, behaviour, events), two-space
// indentation, sequences not indented, durations as Go duration strings.
// Null values and the empty pod status and container resources that the
// API types always emit are left out; none of them changes what Parse
// reads back, so Parse(Marshal(d)) equals a parsed d.
func (d *Document) Marshal() ([]byte, error) {
	if d == nil {
		return nil, fmt.Errorf("scenario: Marshal of a nil document")
	}
	j, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("scenario %q: %w", d.Metadata.Name, err)
	}
	// go-yaml writes a "<<" key unquoted, and reads it back as a merge
	// key. Such keys (an annotation may be one) are written as a
	// placeholder that occurs nowhere else, then quoted.
	mergeKey := "podconform-merge-key"
	for i := 0; bytes.Contains(j, []byte(mergeKey)); i++ {
		mergeKey = fmt.Sprintf("podconform-merge-key-%d", i)
	}
	tree, err := orderedJSON(j, mergeKey)
	if err != nil {
		return nil, fmt.Errorf("scenario %q: %w", d.Metadata.Name, err)
	}
	if top, ok := tree.(yamlv2.MapSlice); ok {
		tree = tidy(top)
	}
	out, err := yamlv2.Marshal(tree)
	if err != nil {
		return nil, fmt.Errorf("scenario %q: %w", d.Metadata.Name, err)
	}
	return bytes.ReplaceAll(out, []byte(mergeKey+":"), []byte(`"<<":`)), nil
}

// orderedJSON decodes JSON into YAML values that keep the order of object
// keys: objects become yaml.MapSlice, arrays []interface{}, integers int64
// (or uint64), other numbers float64. A key "<<" becomes mergeKey.
func orderedJSON(j []byte, mergeKey string) (interface{}, error) {
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	v, err := orderedValue(dec, mergeKey)
	if err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

func orderedValue(dec *json.Decoder, mergeKey string) (interface{}, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			ms := yamlv2.MapSlice{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", kt)
				}
				if key == "<<" {
					key = mergeKey
				}
				val, err := orderedValue(dec, mergeKey)
				if err != nil {
					return nil, err
				}
				ms = append(ms, yamlv2.MapItem{Key: key, Value: val})
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			return ms, nil
		case '[':
			list := []interface{}{}
			for dec.More() {
				val, err := orderedValue(dec, mergeKey)
				if err != nil {
					return nil, err
				}
				list = append(list, val)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return nil, err
			}
			return list, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i, nil
		}
		var u uint64
		if err := json.Unmarshal([]byte(t), &u); err == nil {
			return u, nil
		}
		f, err := t.Float64()
		if err != nil {
			return nil, err
		}
		return f, nil
	default: // string, bool, nil
		return t, nil
	}
}

// tidy drops what the API types always emit but carries no information:
// null values in objects (a missing key decodes to the same zero value),
// an empty profile or behaviour, the empty pod status and the empty
// resources of each container. All of them are struct or nil values, so
// decoding without them gives the same Go value. It also writes the pod's
// apiVersion before its kind.
func tidy(doc yamlv2.MapSlice) yamlv2.MapSlice {
	doc = dropNulls(doc).(yamlv2.MapSlice)
	doc = dropEmpty(doc, "profile")
	doc = dropEmpty(doc, "behaviour")
	pod, ok := get(doc, "pod").(yamlv2.MapSlice)
	if !ok {
		return doc
	}
	pod = dropEmpty(pod, "status")
	pod = apiVersionFirst(pod)
	if spec, ok := get(pod, "spec").(yamlv2.MapSlice); ok {
		for _, list := range []string{"initContainers", "containers"} {
			if cs, ok := get(spec, list).([]interface{}); ok {
				for i, c := range cs {
					if cm, ok := c.(yamlv2.MapSlice); ok {
						cs[i] = dropEmpty(cm, "resources")
					}
				}
			}
		}
		pod = set(pod, "spec", spec)
	}
	return set(doc, "pod", pod)
}

func dropNulls(v interface{}) interface{} {
	switch t := v.(type) {
	case yamlv2.MapSlice:
		out := make(yamlv2.MapSlice, 0, len(t))
		for _, it := range t {
			if it.Value == nil {
				continue
			}
			out = append(out, yamlv2.MapItem{Key: it.Key, Value: dropNulls(it.Value)})
		}
		return out
	case []interface{}:
		for i := range t {
			t[i] = dropNulls(t[i])
		}
		return t
	}
	return v
}

func get(m yamlv2.MapSlice, key string) interface{} {
	for _, it := range m {
		if it.Key == key {
			return it.Value
		}
	}
	return nil
}

func set(m yamlv2.MapSlice, key string, v interface{}) yamlv2.MapSlice {
	for i, it := range m {
		if it.Key == key {
			m[i].Value = v
		}
	}
	return m
}

// apiVersionFirst moves apiVersion before kind, as manifests are written.
func apiVersionFirst(m yamlv2.MapSlice) yamlv2.MapSlice {
	if len(m) >= 2 && m[0].Key == "kind" && m[1].Key == "apiVersion" {
		m[0], m[1] = m[1], m[0]
	}
	return m
}

func dropEmpty(m yamlv2.MapSlice, key string) yamlv2.MapSlice {
	out := m[:0:0]
	for _, it := range m {
		if it.Key == key {
			if sub, ok := it.Value.(yamlv2.MapSlice); ok && len(sub) == 0 {
				continue
			}
		}
		out = append(out, it)
	}
	return out
}
