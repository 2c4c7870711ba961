package trace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	v1 "k8s.io/api/core/v1"
	kjson "sigs.k8s.io/json"

	"github.com/podconform/podconform/model"
)

// Encode writes d in the canonical JSON form. Equal documents give
// byte-identical output. It returns an error, and writes nothing, if d
// does not pass Validate.
func Encode(w io.Writer, d *Document) error {
	b, err := appendJSON(nil, d)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// MarshalJSON returns the canonical JSON form of d (see Encode), so that a
// Document embedded in another JSON value keeps its format.
func (d Document) MarshalJSON() ([]byte, error) {
	return appendJSON(nil, &d)
}

// UnmarshalJSON decodes the JSON form strictly (see Decode). As usual for
// encoding/json, null leaves d unchanged.
func (d *Document) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	doc, err := decodeJSON(data)
	if err != nil {
		return err
	}
	*d = *doc
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func appendJSON(b []byte, d *Document) ([]byte, error) {
	if err := Validate(d); err != nil {
		return nil, err
	}
	if b == nil {
		b = make([]byte, 0, 256+96*len(d.Actions))
	}
	var se statusEncoder
	b = append(b, "{\n  \"apiVersion\": "...)
	b = appendJSONString(b, orDefault(d.APIVersion, APIVersion))
	b = append(b, ",\n  \"kind\": "...)
	b = appendJSONString(b, orDefault(d.Kind, DocumentKind))
	b = append(b, ",\n  \"scenario\": "...)
	b = appendJSONString(b, d.Scenario)
	b = append(b, ",\n  \"profile\": "...)
	b = appendJSONString(b, d.Profile)
	b = append(b, ",\n  \"pod\": "...)
	b = appendJSONString(b, d.Pod)
	b = append(b, ",\n  \"actions\": ["...)
	for i := range d.Actions {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    "...)
		var err error
		if b, err = appendActionJSON(b, &d.Actions[i], &se); err != nil {
			return nil, &Error{Action: i, Field: "status", Msg: err.Error()}
		}
	}
	if len(d.Actions) > 0 {
		b = append(b, "\n  "...)
	}
	b = append(b, "]\n}\n"...)
	return b, nil
}

// appendActionJSON appends the JSON object of a valid action.
func appendActionJSON(b []byte, a *model.Action, se *statusEncoder) ([]byte, error) {
	set, _ := kindFields(a.Kind)
	b = append(b, `{"at":"`...)
	b = append(b, a.At.String()...)
	b = append(b, `","kind":`...)
	b = appendJSONString(b, string(a.Kind))
	if set&fContainer != 0 {
		b = append(b, `,"container":`...)
		b = appendJSONString(b, a.Container)
	}
	if set&fAttempt != 0 {
		b = append(b, `,"attempt":`...)
		b = strconv.AppendInt(b, int64(a.Attempt), 10)
	}
	if set&fHook != 0 {
		b = append(b, `,"hook":`...)
		b = appendJSONString(b, a.Hook)
	}
	if set&fProbe != 0 {
		b = append(b, `,"probe":`...)
		b = appendJSONString(b, string(a.Probe))
	}
	if set&fResult != 0 {
		b = append(b, `,"result":`...)
		b = appendJSONString(b, a.Result)
	}
	if set&fTimeout != 0 {
		b = append(b, `,"timeout":`...)
		b = strconv.AppendInt(b, a.Timeout, 10)
	}
	if set&fExitCode != 0 {
		b = append(b, `,"exitCode":`...)
		b = strconv.AppendInt(b, int64(a.ExitCode), 10)
	}
	if set&fReason != 0 && a.Reason != "" {
		b = append(b, `,"reason":`...)
		b = appendJSONString(b, a.Reason)
	}
	if set&fWait != 0 {
		b = append(b, `,"wait":"`...)
		b = append(b, a.Wait.String()...)
		b = append(b, '"')
	}
	if set&fDelay != 0 {
		b = append(b, `,"delay":"`...)
		b = append(b, a.Delay.String()...)
		b = append(b, '"')
	}
	if set&fGrace != 0 {
		b = append(b, `,"grace":`...)
		b = strconv.AppendInt(b, a.Grace, 10)
	}
	if set&fForce != 0 && a.Force {
		b = append(b, `,"force":true`...)
	}
	if set&fStatus != 0 {
		js, err := se.encode(a.Status)
		if err != nil {
			return b, err
		}
		b = append(b, `,"status":`...)
		b = append(b, js...)
	}
	return append(b, '}'), nil
}

// statusEncoder marshals PodStatuses compactly, without HTML escaping,
// reusing its buffer.
type statusEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// encode returns the compact JSON of st; the bytes are valid until the
// next call.
func (se *statusEncoder) encode(st *v1.PodStatus) ([]byte, error) {
	if se.enc == nil {
		se.enc = json.NewEncoder(&se.buf)
		se.enc.SetEscapeHTML(false)
	}
	se.buf.Reset()
	if err := se.enc.Encode(st); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(se.buf.Bytes(), []byte{'\n'}), nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaping as encoding/json
// does except that <, > and & are left alone. Invalid UTF-8 becomes
// U+FFFD (Validate rejects it before encoding).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Decode reads one JSON trace document from r, strictly: unknown and
// duplicate fields, a wrong apiVersion or kind, unknown action kinds,
// missing or unused action fields, bad values and decreasing times are
// errors (of type *Error) that name the action index and field.
func Decode(r io.Reader) (*Document, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("trace: reading: %w", err)
	}
	return decodeJSON(data)
}

// wireDoc is the document as decoded; pointers tell absent fields.
type wireDoc struct {
	APIVersion *string           `json:"apiVersion"`
	Kind       *string           `json:"kind"`
	Scenario   *string           `json:"scenario"`
	Profile    *string           `json:"profile"`
	Pod        *string           `json:"pod"`
	Actions    []json.RawMessage `json:"actions"`
}

// wireAction is an action as decoded; pointers tell absent fields.
type wireAction struct {
	At        *string       `json:"at"`
	Kind      *string       `json:"kind"`
	Container *string       `json:"container"`
	Attempt   *int          `json:"attempt"`
	Hook      *string       `json:"hook"`
	Probe     *string       `json:"probe"`
	Result    *string       `json:"result"`
	Timeout   *int64        `json:"timeout"`
	ExitCode  *int32        `json:"exitCode"`
	Reason    *string       `json:"reason"`
	Wait      *string       `json:"wait"`
	Delay     *string       `json:"delay"`
	Grace     *int64        `json:"grace"`
	Force     *bool         `json:"force"`
	Status    *v1.PodStatus `json:"status"`
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func decodeJSON(data []byte) (*Document, error) {
	var w wireDoc
	if fe := unmarshalStrict(data, &w); fe != nil {
		e := &Error{Action: -1, Field: fe.field, Msg: fe.msg}
		if fe.offset >= 0 {
			e.Line, e.Msg = lineCol(data, fe.offset, fe.msg)
		}
		return nil, e
	}
	if w.APIVersion == nil {
		return nil, &Error{Action: -1, Field: "apiVersion", Msg: "required"}
	}
	if *w.APIVersion != APIVersion {
		return nil, &Error{Action: -1, Field: "apiVersion", Msg: fmt.Sprintf("unsupported apiVersion %q (want %q)", *w.APIVersion, APIVersion)}
	}
	if w.Kind == nil {
		return nil, &Error{Action: -1, Field: "kind", Msg: "required"}
	}
	if *w.Kind != DocumentKind {
		return nil, &Error{Action: -1, Field: "kind", Msg: fmt.Sprintf("unsupported kind %q (want %q)", *w.Kind, DocumentKind)}
	}
	d := &Document{
		APIVersion: APIVersion,
		Kind:       DocumentKind,
		Scenario:   deref(w.Scenario),
		Profile:    deref(w.Profile),
		Pod:        deref(w.Pod),
	}
	if len(w.Actions) > 0 {
		d.Actions = make([]model.Action, len(w.Actions))
	}
	var prev time.Duration
	for i, raw := range w.Actions {
		a := &d.Actions[i]
		fe := decodeActionJSON(raw, a)
		if fe == nil {
			fe = validateAction(a)
		}
		if fe == nil {
			fe = checkOrder(a.At, prev)
		}
		if fe != nil {
			return nil, &Error{Action: i, Field: fe.field, Msg: fe.msg}
		}
		prev = a.At
	}
	return d, nil
}

// jsonError is a fieldError from the JSON decoder, with the byte offset of
// a syntax error (or -1).
type jsonError struct {
	fieldError
	offset int64
	// other is set for errors that are neither syntax, type nor strict
	// errors: those of a field's own UnmarshalJSON (metav1.Time,
	// resource.Quantity), which carry no path.
	other bool
}

// unmarshalStrict decodes data into v with sigs.k8s.io/json's strict,
// case-sensitive decoding and turns its errors into field errors.
func unmarshalStrict(data []byte, v any) (je *jsonError) {
	defer func() {
		// A PodStatus holds third-party decoders (metav1.Time,
		// resource.Quantity); never let them panic through Decode.
		if p := recover(); p != nil {
			je = &jsonError{fieldError{msg: fmt.Sprintf("internal error decoding JSON: %v", p)}, -1, true}
		}
	}()
	strict, err := kjson.UnmarshalStrict(data, v)
	if err != nil {
		if ok, off := kjson.SyntaxErrorOffset(err); ok {
			return &jsonError{fieldError{msg: "invalid JSON: " + err.Error()}, off, false}
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &jsonError{fieldError{field: te.Field, msg: fmt.Sprintf("want %s, got %s", describeType(te.Type), te.Value)}, -1, false}
		}
		return &jsonError{fieldError{msg: err.Error()}, -1, true}
	}
	if len(strict) > 0 {
		e := &jsonError{offset: -1}
		var fe kjson.FieldError
		if errors.As(strict[0], &fe) {
			e.field = fe.FieldPath()
			e.msg = strings.TrimSuffix(fe.Error(), " "+strconv.Quote(fe.FieldPath()))
		} else {
			e.msg = strict[0].Error()
		}
		if len(strict) > 1 {
			e.msg += fmt.Sprintf(" (and %d more)", len(strict)-1)
		}
		return e
	}
	return nil
}

// describeType names a Go type the way a JSON user thinks of it.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprintf("an integer (%s)", t.Kind())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprintf("an unsigned integer (%s)", t.Kind())
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// lineCol returns the 1-based line of the error at syntax-error offset off
// (the byte at off-1 is the offending one) in data, and msg with the
// column added.
func lineCol(data []byte, off int64, msg string) (int, string) {
	off--
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := 1 + bytes.Count(before, []byte{'\n'})
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, fmt.Sprintf("column %d: %s", col, msg)
}

// decodeActionJSON decodes one action object into a and checks which
// fields are present against its kind. The values are checked by
// validateAction afterwards.
func decodeActionJSON(raw []byte, a *model.Action) *fieldError {
	var w wireAction
	if je := unmarshalStrict(raw, &w); je != nil {
		if je.other && je.field == "" {
			// Only the status has fields with their own decoders.
			je.field = "status"
		}
		return &je.fieldError
	}
	if w.At == nil {
		return ferr("at", "required")
	}
	at, err := time.ParseDuration(*w.At)
	if err != nil {
		return ferr("at", "invalid duration %q", *w.At)
	}
	if w.Kind == nil {
		return ferr("kind", "required")
	}
	a.At = at
	a.Kind = model.ActionKind(*w.Kind)
	set, ok := kindFields(a.Kind)
	if !ok {
		return ferr("kind", "unknown action kind %q", *w.Kind)
	}
	var present fieldSet
	if w.Container != nil {
		present |= fContainer
		a.Container = *w.Container
	}
	if w.Attempt != nil {
		present |= fAttempt
		a.Attempt = *w.Attempt
	}
	if w.Hook != nil {
		present |= fHook
		a.Hook = *w.Hook
	}
	if w.Probe != nil {
		present |= fProbe
		a.Probe = model.ProbeType(*w.Probe)
	}
	if w.Result != nil {
		present |= fResult
		a.Result = *w.Result
	}
	if w.Timeout != nil {
		present |= fTimeout
		a.Timeout = *w.Timeout
	}
	if w.ExitCode != nil {
		present |= fExitCode
		a.ExitCode = *w.ExitCode
	}
	if w.Reason != nil {
		present |= fReason
		a.Reason = *w.Reason
	}
	if w.Wait != nil {
		present |= fWait
	}
	if w.Delay != nil {
		present |= fDelay
	}
	if w.Grace != nil {
		present |= fGrace
		a.Grace = *w.Grace
	}
	if w.Force != nil {
		present |= fForce
		a.Force = *w.Force
	}
	if w.Status != nil {
		present |= fStatus
	}
	if fe := checkPresence(a.Kind, set, present); fe != nil {
		return fe
	}
	if w.Wait != nil {
		if a.Wait, err = time.ParseDuration(*w.Wait); err != nil {
			return ferr("wait", "invalid duration %q", *w.Wait)
		}
	}
	if w.Delay != nil {
		if a.Delay, err = time.ParseDuration(*w.Delay); err != nil {
			return ferr("delay", "invalid duration %q", *w.Delay)
		}
	}
	if w.Status != nil {
		st, fe := normalStatus(w.Status)
		if fe != nil {
			return fe
		}
		a.Status = st
	}
	return nil
}

// checkPresence checks that the fields present are exactly those the kind
// uses, less the optional ones.
func checkPresence(kind model.ActionKind, set, present fieldSet) *fieldError {
	if extra := present &^ set; extra != 0 {
		return ferr(extra.first(), "not used by %s", kind)
	}
	if missing := set &^ optionalFields &^ present; missing != 0 {
		return ferr(missing.first(), "required by %s", kind)
	}
	return nil
}

// normalStatus returns a decoded status as the API would hold it after a
// round trip: st encoded and decoded again, which drops what the JSON form
// cannot carry (sub-second timestamps). It is an error if that status does
// not encode to the same bytes again (a timestamp whose UTC year is before
// 0000, say, encodes to something that does not decode).
func normalStatus(st *v1.PodStatus) (*v1.PodStatus, *fieldError) {
	var se statusEncoder
	js, err := se.encode(st)
	if err != nil {
		return nil, ferr("status", "cannot encode: %v", err)
	}
	m1 := bytes.Clone(js)
	st2 := new(v1.PodStatus)
	if je := unmarshalStrict(m1, st2); je != nil {
		return nil, ferr("status", "does not survive re-encoding: %s", je.msg)
	}
	m2, err := se.encode(st2)
	if err != nil {
		return nil, ferr("status", "cannot encode: %v", err)
	}
	if !bytes.Equal(m1, m2) {
		return nil, ferr("status", "does not re-encode stably: %s", m1)
	}
	return st2, nil
}
