package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	sjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"github.com/podconform/podconform/internal/bounded"
)

// MaxFileBytes bounds a scenario file: Load reads no more (a scenario of
// the largest pod the API server accepts is far smaller), so that a file
// like /dev/zero is an error, not a process that grows until it dies.
const MaxFileBytes = bounded.ScenarioBytes

// readBounded reads at most max bytes of path; a longer file is an error
// naming it.
func readBounded(path string, max int64) ([]byte, error) {
	return bounded.ReadFile(path, max, "a scenario file")
}

// Load reads the scenario file at path, parses it and validates it. Every
// error names the path.
func Load(path string) (*Document, error) {
	data, err := readBounded(path, MaxFileBytes)
	if err != nil {
		return nil, err
	}
	d, err := Parse(data, path)
	if err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("%s: invalid scenario: %w", path, err)
	}
	return d, nil
}

// Parse decodes one scenario document, YAML or JSON, strictly: unknown and
// duplicate fields are errors that name the field's full path. filename is
// used only in error messages.
//
// The document is either a Scenario (apiVersion podconform.dev/v1alpha1,
// kind Scenario) or a bare Pod manifest (apiVersion v1, kind Pod), which
// becomes the pod of a Scenario with the default profile and behaviour and
// metadata.name set to the pod's name.
//
// Parse does not validate; call Validate, or use Load. It returns a
// canonical document: pod.metadata.creationTimestamp and managedFields
// (set by the API server, ignored by the model) are dropped, and values
// that encode the same way are made identical (an empty list and a missing
// one, "0.5" and "500m"), so that Parse(d.Marshal()) is deep-equal to d
// when d is valid.
//
// Parse never panics: a panic inside a decoder becomes an error that says
// "internal error".
func Parse(data []byte, filename string) (doc *Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%s: internal error while parsing (please report): %v", filename, r)
		}
	}()
	j, err := toJSON(data, filename)
	if err != nil {
		return nil, err
	}
	return fromJSON(j, filename)
}

var bom = []byte("\xef\xbb\xbf")

// toJSON turns the file into the JSON of its one document.
func toJSON(data []byte, filename string) ([]byte, error) {
	data = bytes.TrimPrefix(data, bom)
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		if json.Valid(trimmed) {
			return trimmed, nil
		}
		// One JSON value and more after it: the YAML reader below would
		// read the first and drop the rest without a word.
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		var v json.RawMessage
		if dec.Decode(&v) == nil {
			off := int(dec.InputOffset())
			rest := trimmed[off:]
			off += len(rest) - len(bytes.TrimLeft(rest, " \t\r\n"))
			line := 1 + bytes.Count(data[:len(data)-len(bytes.TrimLeft(data, " \t\r\n"))], []byte("\n")) + bytes.Count(trimmed[:off], []byte("\n"))
			return nil, fmt.Errorf("%s: line %d: data after the JSON document's end: one document per file (split the file, one scenario or Pod in each)", filename, line)
		}
	}
	docs := splitYAML(data)
	var found []yamlDoc
	for _, d := range docs {
		if !d.empty() {
			found = append(found, d)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%s: empty file: want a Scenario (apiVersion %s) or a bare Pod manifest (apiVersion v1)", filename, APIVersion)
	case 1:
	default:
		return nil, fmt.Errorf("%s: line %d: a second YAML document: one document per file (split the file, one scenario or Pod in each)", filename, found[1].firstLine)
	}
	d := found[0]
	j, err := yaml.YAMLToJSONStrict(d.text)
	if err != nil {
		return nil, fmt.Errorf("%s: malformed YAML: %s", filename, yamlMessage(err.Error(), d.firstLine-1))
	}
	return j, nil
}

// yamlDoc is one document of a YAML stream.
type yamlDoc struct {
	text      []byte
	firstLine int // 1-based line of the file where text begins
}

// empty reports whether the document has nothing but blank lines,
// comments and directives.
func (d yamlDoc) empty() bool {
	for line := range bytes.Lines(d.text) {
		s := bytes.TrimSpace(line)
		if len(s) == 0 || s[0] == '#' || s[0] == '%' {
			continue
		}
		return false
	}
	return true
}

// splitYAML splits a YAML stream at its document markers: a line that
// begins with "---" or "..." followed by nothing, a blank or a comment.
// Text after a "---" on the same line (as in "--- {a: 1}") belongs to the
// next document.
func splitYAML(data []byte) []yamlDoc {
	var docs []yamlDoc
	cur := yamlDoc{firstLine: 1}
	lineNo := 0
	for line := range bytes.Lines(data) {
		lineNo++
		if rest, ok := docMarker(line); ok {
			docs = append(docs, cur)
			cur = yamlDoc{firstLine: lineNo}
			// Keep the rest of the marker line, blanked where the marker
			// was, so that columns and line numbers stay right.
			cur.text = append(cur.text, "   "...)
			cur.text = append(cur.text, rest...)
			continue
		}
		cur.text = append(cur.text, line...)
	}
	return append(docs, cur)
}

func docMarker(line []byte) (rest []byte, ok bool) {
	if !bytes.HasPrefix(line, []byte("---")) && !bytes.HasPrefix(line, []byte("...")) {
		return nil, false
	}
	rest = line[3:]
	if len(rest) == 0 {
		return rest, true
	}
	switch rest[0] {
	case ' ', '\t', '\n', '\r':
		return rest, true
	}
	return nil, false
}

// maxYAMLErrors is how many of go-yaml's errors a message repeats.
const maxYAMLErrors = 5

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// yamlMessage tidies a go-yaml error and shifts its line numbers by offset
// so that they count from the top of the file.
func yamlMessage(msg string, offset int) string {
	msg = strings.TrimPrefix(msg, "error converting YAML to JSON: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:")
	var parts []string
	for _, p := range strings.Split(msg, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if n := len(parts); n > maxYAMLErrors {
		parts = append(parts[:maxYAMLErrors], fmt.Sprintf("and %d more", n-maxYAMLErrors))
	}
	msg = strings.Join(parts, "; ")
	msg = strings.ReplaceAll(msg, "already set in map", "appears twice (duplicate field)")
	if offset == 0 {
		return msg
	}
	return yamlLineRE.ReplaceAllStringFunc(msg, func(s string) string {
		n, err := strconv.Atoi(s[len("line "):])
		if err != nil {
			return s
		}
		return "line " + strconv.Itoa(n+offset)
	})
}

func fromJSON(j []byte, filename string) (*Document, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(j, &top); err != nil || top == nil {
		if err != nil && strings.Contains(err.Error(), "exceeded max depth") {
			return nil, fmt.Errorf("%s: nested too deeply: a scenario file may nest lists and objects at most 10000 levels deep", filename)
		}
		return nil, fmt.Errorf("%s: a scenario file must hold one YAML or JSON object (a mapping of keys to values), not %s", filename, jsonKind(j))
	}
	apiVersion, err := headerString(top, "apiVersion")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	kind, err := headerString(top, "kind")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	switch kind {
	case Kind:
		if apiVersion != APIVersion {
			return nil, fmt.Errorf("%s: %s", filename, badScenarioVersion(apiVersion))
		}
		var d Document
		if err := decodeStrict(j, &d, ""); err != nil {
			return nil, fmt.Errorf("%s: %w", filename, err)
		}
		return canonical(&d), nil
	case "Pod":
		if apiVersion != "v1" {
			return nil, fmt.Errorf("%s: a bare Pod manifest must have apiVersion v1, not %q", filename, apiVersion)
		}
		var w struct {
			Pod v1.Pod `json:"pod"`
		}
		if err := decodeStrict(j, &w, "pod"); err != nil {
			return nil, fmt.Errorf("%s: %w", filename, err)
		}
		d := &Document{APIVersion: APIVersion, Kind: Kind, Metadata: Metadata{Name: w.Pod.Name}}
		d.Pod = w.Pod
		return canonical(d), nil
	case "":
		return nil, fmt.Errorf("%s: missing kind: want kind %s (apiVersion %s) or a bare Pod manifest (apiVersion v1, kind Pod)", filename, Kind, APIVersion)
	default:
		return nil, fmt.Errorf("%s: kind %q is not supported: want kind %s (apiVersion %s) or a bare Pod manifest (apiVersion v1, kind Pod)", filename, kind, Kind, APIVersion)
	}
}

func badScenarioVersion(v string) string {
	switch {
	case v == "":
		return fmt.Sprintf("missing apiVersion: a %s must have apiVersion %s", Kind, APIVersion)
	case strings.HasPrefix(v, "podconform.dev/"):
		return fmt.Sprintf("unsupported apiVersion %q: this podconform reads %s only", v, APIVersion)
	default:
		return fmt.Sprintf("apiVersion %q is not a podconform scenario version: a %s must have apiVersion %s", v, Kind, APIVersion)
	}
}

func headerString(top map[string]json.RawMessage, key string) (string, error) {
	raw, ok := top[key]
	if !ok {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s must be a string, not %s", key, jsonKind(raw))
	}
	return s, nil
}

func jsonKind(j []byte) string {
	j = bytes.TrimSpace(j)
	if len(j) == 0 {
		return "nothing"
	}
	switch j[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

// decodeStrict decodes j into v, case-sensitively, and fails on unknown or
// duplicate fields. If wrap is not empty, j is decoded as the value of the
// field wrap of v, so that field paths in errors start with it.
func decodeStrict(j []byte, v interface{}, wrap string) error {
	if wrap != "" {
		w := make([]byte, 0, len(j)+len(wrap)+5)
		w = append(w, `{"`...)
		w = append(w, wrap...)
		w = append(w, `":`...)
		w = append(w, j...)
		w = append(w, '}')
		j = w
	}
	strict, err := sjson.UnmarshalStrict(j, v)
	if err != nil {
		return decodeError(err, j)
	}
	if len(strict) > 0 {
		msgs := make([]string, len(strict))
		for i, e := range strict {
			msgs[i] = e.Error()
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	return nil
}

var typeErrorRE = regexp.MustCompile(`^json: cannot unmarshal (.+) into Go (?:struct field|value) (\S+) of type (\S+)$`)

// decodeError rewrites a decoding error so that it names the field.
func decodeError(err error, j []byte) error {
	msg := err.Error()
	if m := typeErrorRE.FindStringSubmatch(msg); m != nil {
		path := jsonPath(m[2])
		if last := path[strings.LastIndex(path, ".")+1:]; durationKeys[last] {
			if bad := badDuration(j); bad != "" {
				path = bad
			}
			return fmt.Errorf("field %s: want a Go duration string such as 1.5s, 300ms or 2m, not a %s", path, m[1])
		}
		return fmt.Errorf("field %s: cannot decode %s into a value of Go type %s", path, m[1], m[3])
	}
	if strings.HasPrefix(msg, "time: ") {
		if path := badDuration(j); path != "" {
			return fmt.Errorf("field %s: %s (want a Go duration such as 1.5s, 300ms or 2m)", path, msg)
		}
	}
	if errors.Is(err, resource.ErrFormatWrong) || errors.Is(err, resource.ErrNumeric) || errors.Is(err, resource.ErrSuffix) {
		var v interface{}
		if json.Unmarshal(j, &v) == nil {
			if path := findBadQuantity(v, "", false); path != "" {
				return fmt.Errorf("field %s: %s", path, msg)
			}
		}
		return fmt.Errorf("a resource quantity: %s", msg)
	}
	return err
}

// jsonPath turns the Go-side path of a decoding error, such as
// "Probe.pod.spec.containers.ProbeHandler.exec.command", into the
// document's path ("pod.spec.containers.exec.command") by dropping the
// names of Go types, which begin with an upper-case letter; the document's
// keys do not.
func jsonPath(goPath string) string {
	var keep []string
	for _, seg := range strings.Split(goPath, ".") {
		if seg == "" || (seg[0] >= 'A' && seg[0] <= 'Z') {
			continue
		}
		keep = append(keep, seg)
	}
	return strings.Join(keep, ".")
}

// durationKeys are the keys of the document format whose values are
// durations.
var durationKeys = map[string]bool{
	"backoffInitial": true, "backoffMax": true, "backoffReset": true, "syncFrequency": true,
	"exitAfter": true, "after": true, "respondsIn": true, "duration": true, "at": true,
}

// badDuration finds the path of the first duration-valued field that does
// not hold a valid Go duration string, or "".
func badDuration(j []byte) string {
	var v interface{}
	if json.Unmarshal(j, &v) != nil {
		return ""
	}
	return findBadDuration(v, "")
}

func findBadDuration(v interface{}, path string) string {
	switch t := v.(type) {
	case map[string]interface{}:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			sub := t[k]
			p := k
			if path != "" {
				p = path + "." + k
			}
			if durationKeys[k] && path != "" && !strings.HasPrefix(path, "pod") {
				s, ok := sub.(string)
				if !ok {
					return p
				}
				if _, err := time.ParseDuration(s); err != nil {
					return p
				}
				continue
			}
			// behaviour.containers is keyed by container name.
			if path == "behaviour" && k == "containers" {
				if m, ok := sub.(map[string]interface{}); ok {
					names := make([]string, 0, len(m))
					for name := range m {
						names = append(names, name)
					}
					slices.Sort(names)
					for _, name := range names {
						if bad := findBadDuration(m[name], p+"["+name+"]"); bad != "" {
							return bad
						}
					}
					continue
				}
			}
			if bad := findBadDuration(sub, p); bad != "" {
				return bad
			}
		}
	case []interface{}:
		for i, sub := range t {
			if bad := findBadDuration(sub, path+"["+strconv.Itoa(i)+"]"); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// quantityMaps are the keys whose values map resource names to quantities.
var quantityMaps = map[string]bool{"requests": true, "limits": true, "overhead": true}

// findBadQuantity finds the path of the first resource quantity that does
// not parse, or "". inMap is true when v is the value of a quantity map.
func findBadQuantity(v interface{}, path string, inMap bool) string {
	switch t := v.(type) {
	case map[string]interface{}:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			sub := t[k]
			p := k
			if path != "" {
				p = path + "." + k
			}
			if inMap || k == "sizeLimit" {
				if inMap {
					p = path + "[" + k + "]"
				}
				s, ok := sub.(string)
				if !ok {
					if _, isNum := sub.(float64); isNum {
						continue
					}
					return p
				}
				if _, err := resource.ParseQuantity(strings.TrimSpace(s)); err != nil {
					return p
				}
				continue
			}
			if bad := findBadQuantity(sub, p, quantityMaps[k]); bad != "" {
				return bad
			}
		}
	case []interface{}:
		for i, sub := range t {
			if bad := findBadQuantity(sub, path+"["+strconv.Itoa(i)+"]", false); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// canonical returns d in canonical form: server-set metadata the model
// ignores is dropped, and d goes once through its own JSON encoding, so
// that empty and missing lists, and equal quantities written differently,
// become identical.
func canonical(d *Document) *Document {
	d.Pod.CreationTimestamp = metav1.Time{}
	d.Pod.ManagedFields = nil
	j, err := json.Marshal(d)
	if err != nil {
		return d
	}
	var c Document
	if err := sjson.UnmarshalCaseSensitivePreserveInts(j, &c); err != nil {
		return d
	}
	return &c
}
