package exec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kjson "sigs.k8s.io/json"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/trace"
)

// Protocol is the protocol name exchanged in the handshake.
const Protocol = "podconform-exec"

// Version is the newest protocol version this package speaks, MinVersion
// the oldest. Version 2 is version 1 with request ids: every request after
// the hello carries an "id", and every reply echoes its request's, so that
// a late or duplicated reply cannot pass for the reply to the next request.
const (
	Version    = 2
	MinVersion = 1
)

// MaxLineBytes bounds one message line; a longer line is a protocol error.
const MaxLineBytes = 16 << 20

// The message types. Requests (runner to implementation) are hello, open,
// input and close to a driven implementation, hello and run to an
// autonomous one; replies are hello, step, refuse, closed and error, and
// trace from an autonomous implementation.
const (
	TypeHello  = "hello"
	TypeOpen   = "open"
	TypeInput  = "input"
	TypeClose  = "close"
	TypeRun    = "run"
	TypeStep   = "step"
	TypeTrace  = "trace"
	TypeRefuse = "refuse"
	TypeClosed = "closed"
	TypeError  = "error"
)

// FieldError is a malformed message. Field is the JSON path of the
// offending field inside the message ("actions[2].waitMs"), or "" when the
// message as a whole is wrong.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

func ferr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// within prefixes the field of e with path (an array element or an object
// holding it).
func within(path string, e *FieldError) *FieldError {
	switch {
	case e.Field == "":
		e.Field = path
	case strings.HasPrefix(e.Field, "["):
		e.Field = path + e.Field
	default:
		e.Field = path + "." + e.Field
	}
	return e
}

// Millis returns d in milliseconds, and whether d is a whole number of
// them (only those can be carried by the protocol).
func Millis(d time.Duration) (int64, bool) {
	return int64(d / time.Millisecond), d%time.Millisecond == 0
}

// ms is the Duration of n milliseconds.
func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

// maxMs is the largest time in milliseconds a time.Duration can hold.
const maxMs = int64(1<<63-1) / int64(time.Millisecond)

func checkMs(field string, n int64) *FieldError {
	if n < 0 {
		return ferr(field, "negative time %d", n)
	}
	if n > maxMs {
		return ferr(field, "time %d out of range", n)
	}
	return nil
}

// ---- strict JSON decoding ----

// unmarshalStrict decodes data into v with sigs.k8s.io/json's strict,
// case-sensitive decoding: unknown and duplicate fields are errors naming
// the field, as are values of the wrong type.
func unmarshalStrict(data []byte, v any) (fe *FieldError) {
	defer func() {
		// A PodStatus holds third-party decoders (metav1.Time,
		// resource.Quantity); never let them panic through a decode.
		if p := recover(); p != nil {
			fe = ferr("", "internal error decoding JSON: %v", p)
		}
	}()
	strict, err := kjson.UnmarshalStrict(data, v)
	if err != nil {
		if ok, off := kjson.SyntaxErrorOffset(err); ok {
			return ferr("", "invalid JSON at byte %d: %v", off, err)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return ferr(te.Field, "want %s, got %s", describeType(te.Type), te.Value)
		}
		return ferr("", "%v", err)
	}
	if len(strict) > 0 {
		e := &FieldError{}
		var kfe kjson.FieldError
		if errors.As(strict[0], &kfe) {
			e.Field = kfe.FieldPath()
			e.Msg = strings.TrimSuffix(kfe.Error(), " "+strconv.Quote(kfe.FieldPath()))
		} else {
			e.Msg = strict[0].Error()
		}
		if len(strict) > 1 {
			e.Msg += fmt.Sprintf(" (and %d more)", len(strict)-1)
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
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an unsigned integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// isNull reports whether raw is absent or the JSON null.
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// ---- JSON writing ----

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping as encoding/json does
// except that <, > and & are left alone. Invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
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
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendJSON appends the compact JSON of v, without HTML escaping.
func appendJSON(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})...), nil
}

// ---- actions ----

// fieldSet is a set of an action's optional fields (atMs and kind are
// always present).
type fieldSet uint16

const (
	fContainer fieldSet = 1 << iota
	fAttempt
	fHook
	fProbe
	fResult
	fTimeout
	fExitCode
	fReason
	fWait
	fDelay
	fGrace
	fForce
	fStatus
	numFields = iota
)

var fieldNames = [numFields]string{
	"container", "attempt", "hook", "probe", "result", "timeout",
	"exitCode", "reason", "waitMs", "delayMs", "grace", "force", "status",
}

// optionalFields may be left out: an empty reason and a false force.
const optionalFields = fReason | fForce

func (s fieldSet) first() string {
	for i := 0; i < numFields; i++ {
		if s&(1<<i) != 0 {
			return fieldNames[i]
		}
	}
	return ""
}

// kindFields returns the fields an action kind uses, and whether the kind
// is known: the trace format's schema (same fields, same bit order).
func kindFields(k model.ActionKind) (fieldSet, bool) {
	m, ok := trace.KindFieldMask(k)
	return fieldSet(m), ok
}

// nonZero returns the fields of a that are set.
func nonZero(a *model.Action) fieldSet {
	var s fieldSet
	set := func(f fieldSet, on bool) {
		if on {
			s |= f
		}
	}
	set(fContainer, a.Container != "")
	set(fAttempt, a.Attempt != 0)
	set(fHook, a.Hook != "")
	set(fProbe, a.Probe != "")
	set(fResult, a.Result != "")
	set(fTimeout, a.Timeout != 0)
	set(fExitCode, a.ExitCode != 0)
	set(fReason, a.Reason != "")
	set(fWait, a.Wait != 0)
	set(fDelay, a.Delay != 0)
	set(fGrace, a.Grace != 0)
	set(fForce, a.Force)
	set(fStatus, a.Status != nil)
	return s
}

// checkAction checks the values of an action whose fields are those of its
// kind: names, enumerations and signs.
func checkAction(a *model.Action) *FieldError {
	set, ok := kindFields(a.Kind)
	if !ok {
		return ferr("kind", "unknown action kind %q", string(a.Kind))
	}
	if a.At < 0 {
		return ferr("atMs", "negative time")
	}
	if set&fContainer != 0 && a.Container == "" {
		return ferr("container", "required by %s", a.Kind)
	}
	if a.Kind == model.ActEvent && a.Reason == "" {
		return ferr("reason", "required by %s", a.Kind)
	}
	if a.Kind == model.ActEvent && a.Result == "" {
		return ferr("result", "required by %s", a.Kind)
	}
	if set&fAttempt != 0 && a.Attempt < 0 {
		return ferr("attempt", "negative attempt %d", a.Attempt)
	}
	if set&fHook != 0 && a.Hook != model.HookPostStart && a.Hook != model.HookPreStop {
		return ferr("hook", "unknown hook %q (want %s or %s)", a.Hook, model.HookPostStart, model.HookPreStop)
	}
	if set&fProbe != 0 && !validProbe(a.Probe) {
		return ferr("probe", "unknown probe %q (want %s, %s or %s)", string(a.Probe), model.Startup, model.Liveness, model.Readiness)
	}
	switch a.Kind {
	case model.ActHookEnded:
		if a.Result != model.ResultOK && a.Result != model.ResultFailed && a.Result != model.ResultAbandoned {
			return ferr("result", "unknown hook result %q (want %s, %s or %s)", a.Result, model.ResultOK, model.ResultFailed, model.ResultAbandoned)
		}
	case model.ActProbeResult:
		if a.Result != model.ResultSuccess && a.Result != model.ResultFailure {
			return ferr("result", "unknown probe result %q (want %s or %s)", a.Result, model.ResultSuccess, model.ResultFailure)
		}
	}
	if set&fTimeout != 0 && a.Timeout < 0 {
		return ferr("timeout", "negative timeout %d", a.Timeout)
	}
	if set&fReason != 0 && !utf8.ValidString(a.Reason) {
		return ferr("reason", "invalid UTF-8")
	}
	if set&fWait != 0 && a.Wait < 0 {
		return ferr("waitMs", "negative duration")
	}
	if set&fDelay != 0 && a.Delay < 0 {
		return ferr("delayMs", "negative duration")
	}
	if set&fGrace != 0 && a.Grace < 0 {
		return ferr("grace", "negative grace period %d", a.Grace)
	}
	if set&fStatus != 0 && a.Status == nil {
		return ferr("status", "required by %s", a.Kind)
	}
	return nil
}

func validProbe(p model.ProbeType) bool {
	return p == model.Startup || p == model.Liveness || p == model.Readiness
}

// AppendAction appends the protocol's JSON object of a to b. It fails if
// a is not a valid action (an unknown kind, a field its kind does not use,
// a bad value) or has a time that is not a whole number of milliseconds.
func AppendAction(b []byte, a *model.Action) ([]byte, error) {
	if fe := checkAction(a); fe != nil {
		return b, fe
	}
	set, _ := kindFields(a.Kind)
	if extra := nonZero(a) &^ set; extra != 0 {
		return b, ferr(extra.first(), "not used by %s", a.Kind)
	}
	at, ok := Millis(a.At)
	if !ok {
		return b, ferr("atMs", "%v is not a whole number of milliseconds", a.At)
	}
	b = append(b, `{"atMs":`...)
	b = strconv.AppendInt(b, at, 10)
	b = append(b, `,"kind":`...)
	b = appendString(b, string(a.Kind))
	if set&fContainer != 0 {
		b = append(b, `,"container":`...)
		b = appendString(b, a.Container)
	}
	if set&fAttempt != 0 {
		b = append(b, `,"attempt":`...)
		b = strconv.AppendInt(b, int64(a.Attempt), 10)
	}
	if set&fHook != 0 {
		b = append(b, `,"hook":`...)
		b = appendString(b, a.Hook)
	}
	if set&fProbe != 0 {
		b = append(b, `,"probe":`...)
		b = appendString(b, string(a.Probe))
	}
	if set&fResult != 0 {
		b = append(b, `,"result":`...)
		b = appendString(b, a.Result)
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
		b = appendString(b, a.Reason)
	}
	if set&fWait != 0 {
		w, ok := Millis(a.Wait)
		if !ok {
			return b, ferr("waitMs", "%v is not a whole number of milliseconds", a.Wait)
		}
		b = append(b, `,"waitMs":`...)
		b = strconv.AppendInt(b, w, 10)
	}
	if set&fDelay != 0 {
		d, ok := Millis(a.Delay)
		if !ok {
			return b, ferr("delayMs", "%v is not a whole number of milliseconds", a.Delay)
		}
		b = append(b, `,"delayMs":`...)
		b = strconv.AppendInt(b, d, 10)
	}
	if set&fGrace != 0 {
		b = append(b, `,"grace":`...)
		b = strconv.AppendInt(b, a.Grace, 10)
	}
	if set&fForce != 0 && a.Force {
		b = append(b, `,"force":true`...)
	}
	if set&fStatus != 0 {
		b = append(b, `,"status":`...)
		var err error
		if b, err = appendJSON(b, a.Status); err != nil {
			return b, ferr("status", "cannot encode: %v", err)
		}
	}
	return append(b, '}'), nil
}

// wireAction is an action as decoded; pointers tell absent fields.
type wireAction struct {
	AtMs      *int64        `json:"atMs"`
	Kind      *string       `json:"kind"`
	Container *string       `json:"container"`
	Attempt   *int          `json:"attempt"`
	Hook      *string       `json:"hook"`
	Probe     *string       `json:"probe"`
	Result    *string       `json:"result"`
	Timeout   *int64        `json:"timeout"`
	ExitCode  *int32        `json:"exitCode"`
	Reason    *string       `json:"reason"`
	WaitMs    *int64        `json:"waitMs"`
	DelayMs   *int64        `json:"delayMs"`
	Grace     *int64        `json:"grace"`
	Force     *bool         `json:"force"`
	Status    *v1.PodStatus `json:"status"`
}

// DecodeAction decodes one action object strictly: unknown fields, fields
// its kind does not use, missing fields and bad values are *FieldError
// errors naming the field.
func DecodeAction(data []byte) (model.Action, error) {
	a, fe := decodeAction(data)
	if fe != nil {
		return model.Action{}, fe
	}
	return a, nil
}

func decodeAction(data []byte) (model.Action, *FieldError) {
	var w wireAction
	if fe := unmarshalStrict(data, &w); fe != nil {
		return model.Action{}, fe
	}
	return actionFromWire(&w)
}

// actionFromWire checks a decoded action's fields against its kind and
// returns it.
func actionFromWire(w *wireAction) (model.Action, *FieldError) {
	var a model.Action
	if w.Kind == nil {
		return a, ferr("kind", "required")
	}
	a.Kind = model.ActionKind(*w.Kind)
	set, ok := kindFields(a.Kind)
	if !ok {
		return a, ferr("kind", "unknown action kind %q", *w.Kind)
	}
	if w.AtMs == nil {
		return a, ferr("atMs", "required")
	}
	if fe := checkMs("atMs", *w.AtMs); fe != nil {
		return a, fe
	}
	a.At = ms(*w.AtMs)
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
	if w.WaitMs != nil {
		present |= fWait
		if fe := checkMs("waitMs", *w.WaitMs); fe != nil {
			return a, fe
		}
		a.Wait = ms(*w.WaitMs)
	}
	if w.DelayMs != nil {
		present |= fDelay
		if fe := checkMs("delayMs", *w.DelayMs); fe != nil {
			return a, fe
		}
		a.Delay = ms(*w.DelayMs)
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
		a.Status = w.Status
	}
	if extra := present &^ set; extra != 0 {
		return a, ferr(extra.first(), "not used by %s", a.Kind)
	}
	if missing := set &^ optionalFields &^ present; missing != 0 {
		return a, ferr(missing.first(), "required by %s", a.Kind)
	}
	if fe := checkAction(&a); fe != nil {
		return a, fe
	}
	return a, nil
}

// ---- inputs ----

// inputKinds maps the wire names of input kinds to model input kinds.
var inputKinds = map[string]model.InputKind{
	"Tick":         model.InTick,
	"Exit":         model.InExit,
	"ProbeAnswer":  model.InProbeAnswer,
	"HookDone":     model.InHookDone,
	"Delete":       model.InDelete,
	"ForceDelete":  model.InForceDelete,
	"SetCondition": model.InSetCondition,
}

// AppendInput appends the protocol's JSON object of in to b (the "input"
// member of an input request). A Delete's negative grace is written as -1
// (the pod's own). It fails on an unknown kind or a time that is not a
// whole number of milliseconds.
func AppendInput(b []byte, in model.Input) ([]byte, error) {
	at, ok := Millis(in.At)
	if !ok {
		return b, ferr("atMs", "%v is not a whole number of milliseconds", in.At)
	}
	if in.At < 0 {
		return b, ferr("atMs", "negative time %v", in.At)
	}
	b = append(b, `{"kind":"`...)
	b = append(b, in.Kind.String()...)
	b = append(b, `","atMs":`...)
	b = strconv.AppendInt(b, at, 10)
	switch in.Kind {
	case model.InTick, model.InForceDelete:
	case model.InExit:
		b = append(b, `,"container":`...)
		b = appendString(b, in.Container)
		b = append(b, `,"exitCode":`...)
		b = strconv.AppendInt(b, int64(in.ExitCode), 10)
		b = append(b, `,"oomKilled":`...)
		b = strconv.AppendBool(b, in.OOMKilled)
	case model.InProbeAnswer:
		if !validProbe(in.Probe) {
			return b, ferr("probe", "unknown probe %q", string(in.Probe))
		}
		b = append(b, `,"container":`...)
		b = appendString(b, in.Container)
		b = append(b, `,"probe":`...)
		b = appendString(b, string(in.Probe))
		b = append(b, `,"success":`...)
		b = strconv.AppendBool(b, in.Success)
	case model.InHookDone:
		b = append(b, `,"container":`...)
		b = appendString(b, in.Container)
		b = append(b, `,"ok":`...)
		b = strconv.AppendBool(b, in.HookOK)
	case model.InDelete:
		g := in.Grace
		if g < 0 {
			g = -1
		}
		b = append(b, `,"grace":`...)
		b = strconv.AppendInt(b, g, 10)
	case model.InSetCondition:
		b = append(b, `,"conditionType":`...)
		b = appendString(b, string(in.Condition))
		b = append(b, `,"status":`...)
		b = appendString(b, string(in.CondStatus))
	default:
		return b, ferr("kind", "unknown input kind %d", in.Kind)
	}
	return append(b, '}'), nil
}

type wireInput struct {
	Kind      *string `json:"kind"`
	AtMs      *int64  `json:"atMs"`
	Container *string `json:"container"`
	ExitCode  *int32  `json:"exitCode"`
	OOMKilled *bool   `json:"oomKilled"`
	Probe     *string `json:"probe"`
	Success   *bool   `json:"success"`
	OK        *bool   `json:"ok"`
	Grace     *int64  `json:"grace"`
	// ConditionType and Status of a SetCondition.
	ConditionType *string `json:"conditionType"`
	Status        *string `json:"status"`
}

// DecodeInput decodes one input object strictly: every field its kind uses
// is required and no other is allowed.
func DecodeInput(data []byte) (model.Input, error) {
	in, fe := decodeInput(data)
	if fe != nil {
		return model.Input{}, fe
	}
	return in, nil
}

func decodeInput(data []byte) (model.Input, *FieldError) {
	var w wireInput
	var in model.Input
	if fe := unmarshalStrict(data, &w); fe != nil {
		return in, fe
	}
	if w.Kind == nil {
		return in, ferr("kind", "required")
	}
	k, ok := inputKinds[*w.Kind]
	if !ok {
		return in, ferr("kind", "unknown input kind %q (want Tick, Exit, ProbeAnswer, HookDone, Delete, ForceDelete or SetCondition)", *w.Kind)
	}
	in.Kind = k
	if w.AtMs == nil {
		return in, ferr("atMs", "required")
	}
	if fe := checkMs("atMs", *w.AtMs); fe != nil {
		return in, fe
	}
	in.At = ms(*w.AtMs)
	// The fields each kind uses, in order, and whether each is present.
	type fld struct {
		name    string
		present bool
	}
	all := []fld{
		{"container", w.Container != nil}, {"exitCode", w.ExitCode != nil}, {"oomKilled", w.OOMKilled != nil},
		{"probe", w.Probe != nil}, {"success", w.Success != nil}, {"ok", w.OK != nil}, {"grace", w.Grace != nil},
		{"conditionType", w.ConditionType != nil}, {"status", w.Status != nil},
	}
	var uses []string
	switch k {
	case model.InExit:
		uses = []string{"container", "exitCode", "oomKilled"}
	case model.InProbeAnswer:
		uses = []string{"container", "probe", "success"}
	case model.InHookDone:
		uses = []string{"container", "ok"}
	case model.InDelete:
		uses = []string{"grace"}
	case model.InSetCondition:
		uses = []string{"conditionType", "status"}
	}
	for _, f := range all {
		used := false
		for _, u := range uses {
			used = used || u == f.name
		}
		switch {
		case used && !f.present:
			return in, ferr(f.name, "required by %s", *w.Kind)
		case !used && f.present:
			return in, ferr(f.name, "not used by %s", *w.Kind)
		}
	}
	switch k {
	case model.InExit:
		in.Container, in.ExitCode, in.OOMKilled = *w.Container, *w.ExitCode, *w.OOMKilled
	case model.InProbeAnswer:
		in.Container, in.Probe, in.Success = *w.Container, model.ProbeType(*w.Probe), *w.Success
		if !validProbe(in.Probe) {
			return in, ferr("probe", "unknown probe %q (want %s, %s or %s)", *w.Probe, model.Startup, model.Liveness, model.Readiness)
		}
	case model.InHookDone:
		in.Container, in.HookOK = *w.Container, *w.OK
	case model.InDelete:
		in.Grace = *w.Grace
		if in.Grace < -1 {
			return in, ferr("grace", "grace %d: want seconds, or -1 for the pod's own", in.Grace)
		}
	case model.InSetCondition:
		in.Condition, in.CondStatus = v1.PodConditionType(*w.ConditionType), v1.ConditionStatus(*w.Status)
		if fe := checkCondition(*w.ConditionType, *w.Status); fe != nil {
			return in, fe
		}
	}
	if w.Container != nil && *w.Container == "" {
		return in, ferr("container", "empty container name")
	}
	return in, nil
}

// ---- profile ----

// wireProfile is the profile of an open request: complete, times in
// milliseconds.
type wireProfile struct {
	Name                      *string `json:"name"`
	BackoffInitialMs          *int64  `json:"backoffInitialMs"`
	BackoffMaxMs              *int64  `json:"backoffMaxMs"`
	BackoffResetMs            *int64  `json:"backoffResetMs"`
	MinimumGracePeriodSeconds *int64  `json:"minimumGracePeriodSeconds"`
	ContainerRestartRules     *bool   `json:"containerRestartRules"`
	// SyncFrequencyMs is optional: absent means the kubelet's default
	// (1m), and it is written only when it differs.
	SyncFrequencyMs *int64 `json:"syncFrequencyMs"`
}

// AppendProfile appends the protocol's JSON object of p, with the defaults
// applied (model.Profile.WithDefaults), to b. It fails if a duration is not
// a whole number of milliseconds.
func AppendProfile(b []byte, p model.Profile) ([]byte, error) {
	p = p.WithDefaults()
	b = append(b, `{"name":`...)
	b = appendString(b, p.Name)
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"backoffInitialMs", p.BackoffInitial.Duration},
		{"backoffMaxMs", p.BackoffMax.Duration},
		{"backoffResetMs", p.BackoffReset.Duration},
	} {
		n, ok := Millis(d.v)
		if !ok {
			return b, ferr(d.name, "%v is not a whole number of milliseconds", d.v)
		}
		b = append(b, `,"`...)
		b = append(b, d.name...)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, n, 10)
	}
	b = append(b, `,"minimumGracePeriodSeconds":`...)
	b = strconv.AppendInt(b, *p.MinimumGracePeriodSeconds, 10)
	b = append(b, `,"containerRestartRules":`...)
	b = strconv.AppendBool(b, *p.ContainerRestartRules)
	if d := p.SyncFrequency.Duration; d != model.DefaultProfile().SyncFrequency.Duration {
		n, ok := Millis(d)
		if !ok {
			return b, ferr("syncFrequencyMs", "%v is not a whole number of milliseconds", d)
		}
		b = append(b, `,"syncFrequencyMs":`...)
		b = strconv.AppendInt(b, n, 10)
	}
	return append(b, '}'), nil
}

// DecodeProfile decodes a profile object strictly: every field is
// required.
func DecodeProfile(data []byte) (model.Profile, error) {
	p, fe := decodeProfile(data)
	if fe != nil {
		return model.Profile{}, fe
	}
	return p, nil
}

func decodeProfile(data []byte) (model.Profile, *FieldError) {
	var w wireProfile
	var p model.Profile
	if fe := unmarshalStrict(data, &w); fe != nil {
		return p, fe
	}
	switch {
	case w.Name == nil:
		return p, ferr("name", "required")
	case w.BackoffInitialMs == nil:
		return p, ferr("backoffInitialMs", "required")
	case w.BackoffMaxMs == nil:
		return p, ferr("backoffMaxMs", "required")
	case w.BackoffResetMs == nil:
		return p, ferr("backoffResetMs", "required")
	case w.MinimumGracePeriodSeconds == nil:
		return p, ferr("minimumGracePeriodSeconds", "required")
	case w.ContainerRestartRules == nil:
		return p, ferr("containerRestartRules", "required")
	}
	for _, f := range []struct {
		name string
		v    int64
		dst  **metav1.Duration
	}{
		{"backoffInitialMs", *w.BackoffInitialMs, &p.BackoffInitial},
		{"backoffMaxMs", *w.BackoffMaxMs, &p.BackoffMax},
		{"backoffResetMs", *w.BackoffResetMs, &p.BackoffReset},
	} {
		if fe := checkMs(f.name, f.v); fe != nil {
			return p, fe
		}
		*f.dst = &metav1.Duration{Duration: ms(f.v)}
	}
	if *w.MinimumGracePeriodSeconds < 0 {
		return p, ferr("minimumGracePeriodSeconds", "negative")
	}
	p.Name = *w.Name
	p.MinimumGracePeriodSeconds = w.MinimumGracePeriodSeconds
	p.ContainerRestartRules = w.ContainerRestartRules
	p.SyncFrequency = model.DefaultProfile().SyncFrequency
	if w.SyncFrequencyMs != nil {
		if fe := checkMs("syncFrequencyMs", *w.SyncFrequencyMs); fe != nil {
			return p, fe
		}
		p.SyncFrequency = &metav1.Duration{Duration: ms(*w.SyncFrequencyMs)}
	}
	return p, nil
}

// ---- scenarios ----

// CheckScenario reports whether the protocol can carry scenario s: every
// time its profile, behaviour script and events give rise to must be a
// whole number of milliseconds. The error is an *adapters.Error of kind
// refused naming the field.
func CheckScenario(s *model.Scenario) error {
	if s == nil {
		return adapters.Errorf(adapters.ErrKindRefused, "nil scenario")
	}
	bad := func(field string, d time.Duration) error {
		return adapters.Errorf(adapters.ErrKindRefused, "%s: %v is not a whole number of milliseconds, which the exec protocol cannot carry", field, d)
	}
	p := s.Profile.WithDefaults()
	for _, f := range []struct {
		name string
		d    time.Duration
	}{
		{"profile.backoffInitial", p.BackoffInitial.Duration},
		{"profile.backoffMax", p.BackoffMax.Duration},
		{"profile.backoffReset", p.BackoffReset.Duration},
		{"profile.syncFrequency", p.SyncFrequency.Duration},
	} {
		if _, ok := Millis(f.d); !ok {
			return bad(f.name, f.d)
		}
	}
	whole := func(d *metav1.Duration) bool {
		if d == nil {
			return true
		}
		_, ok := Millis(d.Duration)
		return ok
	}
	conduct := func(path string, c model.Conduct) error {
		if c.PostStart != nil && !whole(c.PostStart.Duration) {
			return bad(path+"postStart.duration", c.PostStart.Duration.Duration)
		}
		if c.PreStop != nil && !whole(c.PreStop.Duration) {
			return bad(path+"preStop.duration", c.PreStop.Duration.Duration)
		}
		if c.OnStopSignal != nil && !whole(c.OnStopSignal.ExitAfter) {
			return bad(path+"onStopSignal.exitAfter", c.OnStopSignal.ExitAfter.Duration)
		}
		return nil
	}
	for name, cb := range s.Behaviour.Containers {
		path := "behaviour.containers[" + name + "]."
		if err := conduct(path, cb.Conduct); err != nil {
			return err
		}
		for i, a := range cb.Attempts {
			ap := fmt.Sprintf("%sattempts[%d].", path, i)
			if !whole(a.ExitAfter) {
				return bad(ap+"exitAfter", a.ExitAfter.Duration)
			}
			if err := conduct(ap, a.Conduct); err != nil {
				return err
			}
		}
	}
	for i, e := range s.Events {
		if !whole(&e.At) {
			return bad(fmt.Sprintf("events[%d].at", i), e.At.Duration)
		}
	}
	return nil
}

// ---- scenarios, whole: the run request's ----

// The wire form of a scenario's world (its behaviour script and events),
// as the run request carries it for an autonomous implementation: the
// fields of model.Behaviour and model.Event, with every duration in
// integer milliseconds (exitAfterMs, afterMs, respondsInMs, durationMs,
// atMs). An absent optional field is the scenario file's absent field.

type wireBehaviour struct {
	Containers map[string]wireContainerBehaviour `json:"containers,omitempty"`
}

type wireContainerBehaviour struct {
	Attempts []wireAttempt `json:"attempts,omitempty"`
	wireConduct
}

type wireAttempt struct {
	ExitAfterMs *int64 `json:"exitAfterMs,omitempty"`
	ExitCode    int32  `json:"exitCode,omitempty"`
	Signal      int32  `json:"signal,omitempty"`
	OOMKilled   bool   `json:"oomKilled,omitempty"`
	wireConduct
}

type wireConduct struct {
	Probes       *wireProbeScripts `json:"probes,omitempty"`
	PostStart    *wireHookScript   `json:"postStart,omitempty"`
	PreStop      *wireHookScript   `json:"preStop,omitempty"`
	OnStopSignal *wireStopScript   `json:"onStopSignal,omitempty"`
}

type wireProbeScripts struct {
	Startup   []wireProbeStep `json:"startup,omitempty"`
	Liveness  []wireProbeStep `json:"liveness,omitempty"`
	Readiness []wireProbeStep `json:"readiness,omitempty"`
}

type wireProbeStep struct {
	AfterMs      *int64  `json:"afterMs"`
	Result       *string `json:"result"`
	RespondsInMs *int64  `json:"respondsInMs,omitempty"`
}

type wireHookScript struct {
	DurationMs *int64 `json:"durationMs,omitempty"`
	Fail       bool   `json:"fail,omitempty"`
}

type wireStopScript struct {
	ExitAfterMs *int64 `json:"exitAfterMs,omitempty"`
	ExitCode    int32  `json:"exitCode,omitempty"`
	Ignore      bool   `json:"ignore,omitempty"`
}

type wireEvent struct {
	AtMs               *int64  `json:"atMs"`
	Type               *string `json:"type"`
	GracePeriodSeconds *int64  `json:"gracePeriodSeconds,omitempty"`
	ConditionType      *string `json:"conditionType,omitempty"`
	Status             *string `json:"status,omitempty"`
}

// checkCondition checks a SetCondition's condition type (set) and status
// (True, False or Unknown).
func checkCondition(ct, status string) *FieldError {
	if ct == "" {
		return ferr("conditionType", "empty condition type")
	}
	switch v1.ConditionStatus(status) {
	case v1.ConditionTrue, v1.ConditionFalse, v1.ConditionUnknown:
		return nil
	}
	return ferr("status", "condition status %q (want True, False or Unknown)", status)
}

// wireScenario is the scenario object of a run request: pod and profile as
// in an open request, and the world.
type wireScenario struct {
	Pod       json.RawMessage `json:"pod"`
	Profile   json.RawMessage `json:"profile"`
	Behaviour json.RawMessage `json:"behaviour"`
	Events    json.RawMessage `json:"events"`
}

// toMs converts a duration for the wire: it must be a whole number of
// milliseconds.
func toMs(field string, d time.Duration) (int64, *FieldError) {
	n, ok := Millis(d)
	if !ok {
		return 0, ferr(field, "%v is not a whole number of milliseconds", d)
	}
	if d < 0 {
		return 0, ferr(field, "negative duration %v", d)
	}
	return n, nil
}

func toMsPtr(field string, d *metav1.Duration) (*int64, *FieldError) {
	if d == nil {
		return nil, nil
	}
	n, fe := toMs(field, d.Duration)
	if fe != nil {
		return nil, fe
	}
	return &n, nil
}

func fromMsPtr(field string, n *int64) (*metav1.Duration, *FieldError) {
	if n == nil {
		return nil, nil
	}
	if fe := checkMs(field, *n); fe != nil {
		return nil, fe
	}
	return &metav1.Duration{Duration: ms(*n)}, nil
}

func conductToWire(c model.Conduct) (wireConduct, *FieldError) {
	var w wireConduct
	var fe *FieldError
	if ps := c.Probes; ps != nil {
		w.Probes = &wireProbeScripts{}
		for _, p := range []struct {
			name string
			src  []model.ProbeStep
			dst  *[]wireProbeStep
		}{
			{"startup", ps.Startup, &w.Probes.Startup},
			{"liveness", ps.Liveness, &w.Probes.Liveness},
			{"readiness", ps.Readiness, &w.Probes.Readiness},
		} {
			for i, st := range p.src {
				path := fmt.Sprintf("probes.%s[%d]", p.name, i)
				after, fe := toMs("afterMs", st.After.Duration)
				if fe != nil {
					return w, within(path, fe)
				}
				res := string(st.Result)
				ws := wireProbeStep{AfterMs: &after, Result: &res}
				if ws.RespondsInMs, fe = toMsPtr("respondsInMs", st.RespondsIn); fe != nil {
					return w, within(path, fe)
				}
				*p.dst = append(*p.dst, ws)
			}
		}
	}
	for _, h := range []struct {
		name string
		src  *model.HookScript
		dst  **wireHookScript
	}{{"postStart", c.PostStart, &w.PostStart}, {"preStop", c.PreStop, &w.PreStop}} {
		if h.src == nil {
			continue
		}
		wh := &wireHookScript{Fail: h.src.Fail}
		if wh.DurationMs, fe = toMsPtr("durationMs", h.src.Duration); fe != nil {
			return w, within(h.name, fe)
		}
		*h.dst = wh
	}
	if st := c.OnStopSignal; st != nil {
		w.OnStopSignal = &wireStopScript{ExitCode: st.ExitCode, Ignore: st.Ignore}
		if w.OnStopSignal.ExitAfterMs, fe = toMsPtr("exitAfterMs", st.ExitAfter); fe != nil {
			return w, within("onStopSignal", fe)
		}
	}
	return w, nil
}

func conductFromWire(w wireConduct) (model.Conduct, *FieldError) {
	var c model.Conduct
	var fe *FieldError
	if ps := w.Probes; ps != nil {
		c.Probes = &model.ProbeScripts{}
		for _, p := range []struct {
			name string
			src  []wireProbeStep
			dst  *[]model.ProbeStep
		}{
			{"startup", ps.Startup, &c.Probes.Startup},
			{"liveness", ps.Liveness, &c.Probes.Liveness},
			{"readiness", ps.Readiness, &c.Probes.Readiness},
		} {
			for i, ws := range p.src {
				path := fmt.Sprintf("probes.%s[%d]", p.name, i)
				switch {
				case ws.AfterMs == nil:
					return c, within(path, ferr("afterMs", "required"))
				case ws.Result == nil:
					return c, within(path, ferr("result", "required"))
				case *ws.Result != string(model.ProbeSuccess) && *ws.Result != string(model.ProbeFailure):
					return c, within(path, ferr("result", "unknown probe answer %q (want %s or %s)", *ws.Result, model.ProbeSuccess, model.ProbeFailure))
				}
				if fe := checkMs("afterMs", *ws.AfterMs); fe != nil {
					return c, within(path, fe)
				}
				st := model.ProbeStep{After: metav1.Duration{Duration: ms(*ws.AfterMs)}, Result: model.ProbeResult(*ws.Result)}
				if st.RespondsIn, fe = fromMsPtr("respondsInMs", ws.RespondsInMs); fe != nil {
					return c, within(path, fe)
				}
				*p.dst = append(*p.dst, st)
			}
		}
	}
	for _, h := range []struct {
		name string
		src  *wireHookScript
		dst  **model.HookScript
	}{{"postStart", w.PostStart, &c.PostStart}, {"preStop", w.PreStop, &c.PreStop}} {
		if h.src == nil {
			continue
		}
		mh := &model.HookScript{Fail: h.src.Fail}
		if mh.Duration, fe = fromMsPtr("durationMs", h.src.DurationMs); fe != nil {
			return c, within(h.name, fe)
		}
		*h.dst = mh
	}
	if st := w.OnStopSignal; st != nil {
		c.OnStopSignal = &model.StopScript{ExitCode: st.ExitCode, Ignore: st.Ignore}
		if c.OnStopSignal.ExitAfter, fe = fromMsPtr("exitAfterMs", st.ExitAfterMs); fe != nil {
			return c, within("onStopSignal", fe)
		}
	}
	return c, nil
}

// AppendScenario appends the protocol's JSON object of the whole scenario
// s (the "scenario" member of a run request) to b: its pod and profile as
// an open request has them (the pod with a creationTimestamp, the profile
// complete), its behaviour script and its events, with every time in
// milliseconds. It fails on a time that is not a whole number of
// milliseconds.
func AppendScenario(b []byte, s *model.Scenario) ([]byte, error) {
	b, fe := appendScenario(b, s)
	if fe != nil {
		return b, fe
	}
	return b, nil
}

func appendScenario(b []byte, s *model.Scenario) ([]byte, *FieldError) {
	b = append(b, '{')
	b, fe := appendPodProfile(b, s)
	if fe != nil {
		return b, fe
	}
	var wb wireBehaviour
	if len(s.Behaviour.Containers) > 0 {
		wb.Containers = make(map[string]wireContainerBehaviour, len(s.Behaviour.Containers))
	}
	for name, cb := range s.Behaviour.Containers {
		path := "behaviour.containers[" + name + "]"
		var wc wireContainerBehaviour
		if wc.wireConduct, fe = conductToWire(cb.Conduct); fe != nil {
			return b, within(path, fe)
		}
		for i, a := range cb.Attempts {
			ap := fmt.Sprintf("%s.attempts[%d]", path, i)
			wa := wireAttempt{ExitCode: a.ExitCode, Signal: a.Signal, OOMKilled: a.OOMKilled}
			if wa.ExitAfterMs, fe = toMsPtr("exitAfterMs", a.ExitAfter); fe != nil {
				return b, within(ap, fe)
			}
			if wa.wireConduct, fe = conductToWire(a.Conduct); fe != nil {
				return b, within(ap, fe)
			}
			wc.Attempts = append(wc.Attempts, wa)
		}
		wb.Containers[name] = wc
	}
	b = append(b, `,"behaviour":`...)
	var err error
	if b, err = appendJSON(b, wb); err != nil {
		return b, ferr("behaviour", "cannot encode: %v", err)
	}
	b = append(b, `,"events":[`...)
	for i, e := range s.Events {
		if i > 0 {
			b = append(b, ',')
		}
		at, fe := toMs("atMs", e.At.Duration)
		if fe != nil {
			return b, within(fmt.Sprintf("events[%d]", i), fe)
		}
		b = append(b, `{"atMs":`...)
		b = strconv.AppendInt(b, at, 10)
		b = append(b, `,"type":`...)
		b = appendString(b, string(e.Type))
		if e.GracePeriodSeconds != nil {
			b = append(b, `,"gracePeriodSeconds":`...)
			b = strconv.AppendInt(b, *e.GracePeriodSeconds, 10)
		}
		if e.Type == model.EventSetCondition {
			b = append(b, `,"conditionType":`...)
			b = appendString(b, string(e.ConditionType))
			b = append(b, `,"status":`...)
			b = appendString(b, string(e.Status))
		}
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}

// DecodeScenario decodes the scenario object of a run request strictly:
// pod and profile are required (the profile complete, as in an open
// request); behaviour and events may be left out (no script: the
// documented defaults; no events). Unknown fields, bad values and
// behaviour for a container the pod does not have are *FieldError errors
// naming the field.
func DecodeScenario(data []byte) (*model.Scenario, error) {
	s, fe := decodeScenario(data)
	if fe != nil {
		return nil, fe
	}
	return s, nil
}

func decodeScenario(data []byte) (*model.Scenario, *FieldError) {
	var w wireScenario
	if fe := unmarshalStrict(data, &w); fe != nil {
		return nil, fe
	}
	if isNull(w.Pod) {
		return nil, ferr("pod", "required")
	}
	if isNull(w.Profile) {
		return nil, ferr("profile", "required")
	}
	s := &model.Scenario{}
	if fe := unmarshalStrict(w.Pod, &s.Pod); fe != nil {
		return nil, within("pod", fe)
	}
	p, fe := decodeProfile(w.Profile)
	if fe != nil {
		return nil, within("profile", fe)
	}
	s.Profile = p
	if !isNull(w.Behaviour) {
		var wb wireBehaviour
		if fe := unmarshalStrict(w.Behaviour, &wb); fe != nil {
			return nil, within("behaviour", fe)
		}
		names := map[string]bool{}
		for _, c := range s.Pod.Spec.InitContainers {
			names[c.Name] = true
		}
		for _, c := range s.Pod.Spec.Containers {
			names[c.Name] = true
		}
		for name, wc := range wb.Containers {
			path := "behaviour.containers[" + name + "]"
			if !names[name] {
				return nil, ferr(path, "the pod has no container %q", name)
			}
			var cb model.ContainerBehaviour
			if cb.Conduct, fe = conductFromWire(wc.wireConduct); fe != nil {
				return nil, within(path, fe)
			}
			for i, wa := range wc.Attempts {
				ap := fmt.Sprintf("%s.attempts[%d]", path, i)
				a := model.Attempt{ExitCode: wa.ExitCode, Signal: wa.Signal, OOMKilled: wa.OOMKilled}
				if a.ExitAfter, fe = fromMsPtr("exitAfterMs", wa.ExitAfterMs); fe != nil {
					return nil, within(ap, fe)
				}
				if a.Conduct, fe = conductFromWire(wa.wireConduct); fe != nil {
					return nil, within(ap, fe)
				}
				cb.Attempts = append(cb.Attempts, a)
			}
			if s.Behaviour.Containers == nil {
				s.Behaviour.Containers = map[string]model.ContainerBehaviour{}
			}
			s.Behaviour.Containers[name] = cb
		}
	}
	if !isNull(w.Events) {
		var wes []wireEvent
		if fe := unmarshalStrict(w.Events, &wes); fe != nil {
			return nil, within("events", fe)
		}
		for i, we := range wes {
			path := fmt.Sprintf("events[%d]", i)
			switch {
			case we.AtMs == nil:
				return nil, within(path, ferr("atMs", "required"))
			case we.Type == nil:
				return nil, within(path, ferr("type", "required"))
			case *we.Type != string(model.EventDelete) && *we.Type != string(model.EventForceDelete) && *we.Type != string(model.EventSetCondition):
				return nil, within(path, ferr("type", "unknown event type %q (want %s, %s or %s)", *we.Type, model.EventDelete, model.EventForceDelete, model.EventSetCondition))
			case we.GracePeriodSeconds != nil && *we.GracePeriodSeconds < 0:
				return nil, within(path, ferr("gracePeriodSeconds", "negative grace period %d", *we.GracePeriodSeconds))
			case we.GracePeriodSeconds != nil && *we.Type == string(model.EventSetCondition):
				return nil, within(path, ferr("gracePeriodSeconds", "not used by %s", *we.Type))
			case (we.ConditionType != nil || we.Status != nil) && *we.Type != string(model.EventSetCondition):
				return nil, within(path, ferr("conditionType", "conditionType and status are used by %s only", model.EventSetCondition))
			case *we.Type == string(model.EventSetCondition) && we.ConditionType == nil:
				return nil, within(path, ferr("conditionType", "required by %s", *we.Type))
			case *we.Type == string(model.EventSetCondition) && we.Status == nil:
				return nil, within(path, ferr("status", "required by %s", *we.Type))
			}
			if fe := checkMs("atMs", *we.AtMs); fe != nil {
				return nil, within(path, fe)
			}
			ev := model.Event{At: metav1.Duration{Duration: ms(*we.AtMs)}, Type: model.EventType(*we.Type), GracePeriodSeconds: we.GracePeriodSeconds}
			if ev.Type == model.EventSetCondition {
				if fe := checkCondition(*we.ConditionType, *we.Status); fe != nil {
					return nil, within(path, fe)
				}
				ev.ConditionType, ev.Status = v1.PodConditionType(*we.ConditionType), v1.ConditionStatus(*we.Status)
			}
			s.Events = append(s.Events, ev)
		}
	}
	return s, nil
}

// ---- requests ----

// withID appends msg, a JSON object, to b with "id":id as its first
// member. In version 2 the runner numbers its requests after the hello 1,
// 2, ... on each process, and every reply echoes its request's id, so that
// a reply that answers no outstanding request (a late or duplicated one)
// is told from the reply it would pass for.
func withID(b []byte, id int64, msg []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	if len(msg) > 1 && msg[1] != '}' {
		b = append(b, ',')
	}
	return append(b, msg[1:]...)
}

// The requests, as the runner writes them.

func appendHello(b []byte) []byte {
	b = append(b, `{"type":"hello","protocol":"`+Protocol+`","versions":[`...)
	for v := MinVersion; v <= Version; v++ {
		if v > MinVersion {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(v), 10)
	}
	return append(b, "]}\n"...)
}

// appendOpen appends an open request for s, named name. A pod without a
// creationTimestamp gets model.DefaultEpoch, the instant the model takes
// as time 0, so that the implementation need not know it.
func appendOpen(b []byte, name string, s *model.Scenario) ([]byte, error) {
	b = append(b, `{"type":"open","scenario":`...)
	b = appendString(b, name)
	b = append(b, ',')
	b, fe := appendPodProfile(b, s)
	if fe != nil {
		return b, fe
	}
	return append(b, "}\n"...), nil
}

// appendPodProfile appends the "pod" and "profile" members of an open
// request (or of a run request's scenario) for s.
func appendPodProfile(b []byte, s *model.Scenario) ([]byte, *FieldError) {
	pod := &s.Pod
	if pod.CreationTimestamp.IsZero() {
		c := *pod
		c.CreationTimestamp = metav1.Time{Time: model.DefaultEpoch}
		pod = &c
	}
	b = append(b, `"pod":`...)
	var err error
	if b, err = appendJSON(b, pod); err != nil {
		return b, ferr("pod", "cannot encode: %v", err)
	}
	b = append(b, `,"profile":`...)
	if b, err = AppendProfile(b, s.Profile); err != nil {
		return b, within("profile", err.(*FieldError))
	}
	return b, nil
}

// appendRun appends a run request for s, named name, to be run until
// virtual time until (a whole, non-negative number of milliseconds).
func appendRun(b []byte, name string, s *model.Scenario, until time.Duration) ([]byte, error) {
	u, fe := toMs("untilMs", until)
	if fe != nil {
		return b, fe
	}
	b = append(b, `{"type":"run","name":`...)
	b = appendString(b, name)
	b = append(b, `,"scenario":`...)
	if b, fe = appendScenario(b, s); fe != nil {
		return b, within("scenario", fe)
	}
	b = append(b, `,"untilMs":`...)
	b = strconv.AppendInt(b, u, 10)
	return append(b, "}\n"...), nil
}

func appendInputRequest(b []byte, in model.Input) ([]byte, error) {
	b = append(b, `{"type":"input","input":`...)
	b, err := AppendInput(b, in)
	if err != nil {
		return b, within("input", err.(*FieldError))
	}
	return append(b, "}\n"...), nil
}

var closeRequest = []byte(`{"type":"close"}` + "\n")

// request is a request as the implementation decodes it.
type request struct {
	typ      string
	id       *int64 // the runner's request id, echoed in the reply
	versions []int
	scenario string // the scenario's name (open: scenario; run: name)
	s        *model.Scenario
	input    model.Input
	until    time.Duration
}

type wireRequest struct {
	Type     *string         `json:"type"`
	ID       *int64          `json:"id"`
	Protocol *string         `json:"protocol"`
	Versions *[]int          `json:"versions"`
	Scenario json.RawMessage `json:"scenario"` // open: a name; run: the scenario
	Name     *string         `json:"name"`
	Pod      json.RawMessage `json:"pod"`
	Profile  json.RawMessage `json:"profile"`
	Input    json.RawMessage `json:"input"`
	UntilMs  *int64          `json:"untilMs"`
}

// decodeRequest decodes a request line strictly.
func decodeRequest(line []byte) (*request, *FieldError) {
	var w wireRequest
	if fe := unmarshalStrict(line, &w); fe != nil {
		return nil, fe
	}
	if w.Type == nil {
		return nil, ferr("type", "required")
	}
	r := &request{typ: *w.Type, id: w.ID}
	has := map[string]bool{
		"protocol": w.Protocol != nil, "versions": w.Versions != nil, "scenario": w.Scenario != nil,
		"name": w.Name != nil, "pod": w.Pod != nil, "profile": w.Profile != nil, "input": w.Input != nil,
		"untilMs": w.UntilMs != nil,
	}
	var allowed []string
	switch r.typ {
	case TypeHello:
		allowed = []string{"protocol", "versions"}
	case TypeOpen:
		allowed = []string{"scenario", "pod", "profile"}
	case TypeInput:
		allowed = []string{"input"}
	case TypeRun:
		allowed = []string{"name", "scenario", "untilMs"}
	case TypeClose:
	default:
		return nil, ferr("type", "unknown request type %q", r.typ)
	}
	if fe := onlyFields(r.typ+" request", has, allowed); fe != nil {
		return nil, fe
	}
	switch r.typ {
	case TypeHello:
		if w.Protocol == nil || *w.Protocol != Protocol {
			return nil, ferr("protocol", "want %q", Protocol)
		}
		if w.Versions != nil {
			r.versions = *w.Versions
		}
	case TypeOpen:
		if isNull(w.Pod) {
			return nil, ferr("pod", "required")
		}
		if isNull(w.Profile) {
			return nil, ferr("profile", "required")
		}
		if !isNull(w.Scenario) {
			if fe := unmarshalStrict(w.Scenario, &r.scenario); fe != nil {
				return nil, within("scenario", fe)
			}
		}
		s := &model.Scenario{}
		if fe := unmarshalStrict(w.Pod, &s.Pod); fe != nil {
			return nil, within("pod", fe)
		}
		p, fe := decodeProfile(w.Profile)
		if fe != nil {
			return nil, within("profile", fe)
		}
		s.Profile = p
		r.s = s
	case TypeInput:
		if isNull(w.Input) {
			return nil, ferr("input", "required")
		}
		in, fe := decodeInput(w.Input)
		if fe != nil {
			return nil, within("input", fe)
		}
		r.input = in
	case TypeRun:
		if isNull(w.Scenario) {
			return nil, ferr("scenario", "required")
		}
		if w.UntilMs == nil {
			return nil, ferr("untilMs", "required")
		}
		if fe := checkMs("untilMs", *w.UntilMs); fe != nil {
			return nil, fe
		}
		if w.Name != nil {
			r.scenario = *w.Name
		}
		s, fe := decodeScenario(w.Scenario)
		if fe != nil {
			return nil, within("scenario", fe)
		}
		r.s, r.until = s, ms(*w.UntilMs)
	}
	return r, nil
}

// onlyFields checks that only allowed fields of has are present.
func onlyFields(what string, has map[string]bool, allowed []string) *FieldError {
	var extra []string
	for f, ok := range has {
		if !ok {
			continue
		}
		found := false
		for _, a := range allowed {
			found = found || a == f
		}
		if !found {
			extra = append(extra, f)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	// Report the first in a stable order.
	first := extra[0]
	for _, f := range extra {
		if f < first {
			first = f
		}
	}
	return ferr(first, "not allowed in a %s", what)
}

// ---- replies ----

// appendHelloReply appends the implementation's hello, choosing version.
// Its mode is said only when it is autonomous: a driven implementation's
// hello is the same as before autonomous mode existed.
func appendHelloReply(b []byte, info adapters.Info, version int) []byte {
	b = append(b, `{"type":"hello","protocol":"`+Protocol+`","version":`...)
	b = strconv.AppendInt(b, int64(version), 10)
	b = append(b, `,"name":`...)
	b = appendString(b, info.Name)
	if info.Version != "" {
		b = append(b, `,"implVersion":`...)
		b = appendString(b, info.Version)
	}
	if info.Mode == adapters.Autonomous {
		b = append(b, `,"mode":"autonomous"`...)
		if ms := info.Lag.Milliseconds(); ms > 0 {
			b = append(b, `,"lagMs":`...)
			b = strconv.AppendInt(b, ms, 10)
		}
	}
	if info.ExecProbes {
		b = append(b, `,"execProbes":true`...)
	}
	b = append(b, `,"observes":[`...)
	for i, n := range info.Observes.Names() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, n)
	}
	return append(b, "]}\n"...)
}

// AppendStep appends a step reply carrying r, with its newline, to b.
func AppendStep(b []byte, r adapters.Reply) ([]byte, error) {
	b = append(b, `{"type":"step","actions":[`...)
	for i := range r.Actions {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = AppendAction(b, &r.Actions[i]); err != nil {
			return b, within(fmt.Sprintf("actions[%d]", i), err.(*FieldError))
		}
	}
	b = append(b, ']')
	if r.HasNext {
		n, ok := Millis(r.Next)
		if !ok || r.Next < 0 {
			return b, ferr("nextMs", "%v is not a whole, non-negative number of milliseconds", r.Next)
		}
		b = append(b, `,"nextMs":`...)
		b = strconv.AppendInt(b, n, 10)
	}
	if len(r.Probes) > 0 {
		b = append(b, `,"probes":[`...)
		for i, p := range r.Probes {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"container":`...)
			b = appendString(b, p.Container)
			b = append(b, `,"probe":`...)
			b = appendString(b, string(p.Probe))
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, "}\n"...), nil
}

// AppendTrace appends a trace reply carrying acts, with its newline, to b.
// It does not check their order: that is the runner's business.
func AppendTrace(b []byte, acts []model.Action) ([]byte, error) {
	b = append(b, `{"type":"trace","actions":[`...)
	for i := range acts {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = AppendAction(b, &acts[i]); err != nil {
			return b, within(fmt.Sprintf("actions[%d]", i), err.(*FieldError))
		}
	}
	return append(b, "]}\n"...), nil
}

func appendMessage(b []byte, typ, msg string) []byte {
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, `","message":`...)
	b = appendString(b, msg)
	return append(b, "}\n"...)
}

// reply is a reply as the runner decodes it.
type reply struct {
	typ string
	id  *int64 // the id of the request it answers, if it says
	// hello
	version     int
	name        string
	implVersion string
	observes    []string
	mode        adapters.Mode
	lag         time.Duration // hello: lagMs
	execProbes  bool          // hello: execProbes
	// step
	step adapters.Reply
	// trace
	trace []model.Action
	// refuse and error
	message string
}

type wireProbe struct {
	Container *string `json:"container"`
	Probe     *string `json:"probe"`
}

type wireReply struct {
	wireReplyCommon
	Actions *[]json.RawMessage `json:"actions"`
}

// wireReplyFast decodes the actions in the same pass; its errors do not
// always say which action is wrong (decodeReply then decodes again, the
// slow way, for the message).
type wireReplyFast struct {
	wireReplyCommon
	Actions *[]wireAction `json:"actions"`
}

type wireReplyCommon struct {
	Type        *string      `json:"type"`
	ID          *int64       `json:"id"`
	Protocol    *string      `json:"protocol"`
	Version     *int         `json:"version"`
	Name        *string      `json:"name"`
	ImplVersion *string      `json:"implVersion"`
	Observes    *[]string    `json:"observes"`
	Mode        *string      `json:"mode"`
	LagMs       *int64       `json:"lagMs"`
	ExecProbes  *bool        `json:"execProbes"`
	NextMs      *int64       `json:"nextMs"`
	Probes      *[]wireProbe `json:"probes"`
	Message     *string      `json:"message"`
}

// maxLagMs bounds a hello's lagMs (a minute).
const maxLagMs = 60_000

// quoteLine quotes the first 200 bytes of a line for an error message.
func quoteLine(line []byte) string {
	const max = 200
	if len(line) > max {
		return strconv.Quote(string(line[:max])) + "..."
	}
	return strconv.Quote(string(line))
}

// decodeReply decodes a reply line strictly. Its error message quotes the
// line when it is not JSON at all.
func decodeReply(line []byte) (*reply, *FieldError) {
	var fast wireReplyFast
	if fe := unmarshalStrict(line, &fast); fe == nil {
		var n int
		if fast.Actions != nil {
			n = len(*fast.Actions)
		}
		return replyFromWire(&fast.wireReplyCommon, fast.Actions != nil, n, func(i int) (model.Action, *FieldError) {
			return actionFromWire(&(*fast.Actions)[i])
		})
	}
	var w wireReply
	if fe := unmarshalStrict(line, &w); fe != nil {
		if fe.Field == "" {
			fe.Msg = fmt.Sprintf("%s in reply %s", fe.Msg, quoteLine(line))
		}
		return nil, fe
	}
	var n int
	if w.Actions != nil {
		n = len(*w.Actions)
	}
	return replyFromWire(&w.wireReplyCommon, w.Actions != nil, n, func(i int) (model.Action, *FieldError) {
		return decodeAction((*w.Actions)[i])
	})
}

// replyFromWire checks a decoded reply; it has n actions (hasActions says
// whether the field was there), action(i) decodes the i-th.
func replyFromWire(w *wireReplyCommon, hasActions bool, n int, action func(int) (model.Action, *FieldError)) (*reply, *FieldError) {
	if w.Type == nil {
		return nil, ferr("type", "required")
	}
	r := &reply{typ: *w.Type, id: w.ID}
	has := map[string]bool{
		"protocol": w.Protocol != nil, "version": w.Version != nil, "name": w.Name != nil,
		"implVersion": w.ImplVersion != nil, "observes": w.Observes != nil, "actions": hasActions,
		"nextMs": w.NextMs != nil, "probes": w.Probes != nil, "message": w.Message != nil,
		"mode": w.Mode != nil, "lagMs": w.LagMs != nil, "execProbes": w.ExecProbes != nil,
	}
	var allowed []string
	switch r.typ {
	case TypeHello:
		allowed = []string{"protocol", "version", "name", "implVersion", "observes", "mode", "lagMs", "execProbes"}
	case TypeStep:
		allowed = []string{"actions", "nextMs", "probes"}
	case TypeTrace:
		allowed = []string{"actions"}
	case TypeRefuse, TypeError:
		allowed = []string{"message"}
	case TypeClosed:
	default:
		return nil, ferr("type", "unknown reply type %q", r.typ)
	}
	if fe := onlyFields(r.typ+" reply", has, allowed); fe != nil {
		return nil, fe
	}
	if w.Message != nil {
		r.message = *w.Message
	}
	switch r.typ {
	case TypeHello:
		if w.Protocol == nil {
			return nil, ferr("protocol", "required")
		}
		if *w.Protocol != Protocol {
			return nil, ferr("protocol", "got %q, want %q", *w.Protocol, Protocol)
		}
		if w.Version == nil {
			return nil, ferr("version", "required")
		}
		if w.Name == nil || *w.Name == "" {
			return nil, ferr("name", "required")
		}
		if w.Observes == nil {
			return nil, ferr("observes", "required")
		}
		r.version, r.name, r.observes = *w.Version, *w.Name, *w.Observes
		if w.ImplVersion != nil {
			r.implVersion = *w.ImplVersion
		}
		r.mode = adapters.Driven
		if w.Mode != nil {
			switch m := adapters.Mode(*w.Mode); m {
			case adapters.Driven, adapters.Autonomous:
				r.mode = m
			default:
				return nil, ferr("mode", "unknown mode %q (want %s or %s)", *w.Mode, adapters.Driven, adapters.Autonomous)
			}
		}
		if w.LagMs != nil {
			if *w.LagMs < 0 || *w.LagMs > maxLagMs {
				return nil, ferr("lagMs", "%d is outside [0, %d]", *w.LagMs, maxLagMs)
			}
			if r.mode != adapters.Autonomous {
				return nil, ferr("lagMs", "only an autonomous implementation reports late")
			}
			r.lag = time.Duration(*w.LagMs) * time.Millisecond
		}
		if w.ExecProbes != nil {
			r.execProbes = *w.ExecProbes
		}
	case TypeTrace:
		if !hasActions {
			return nil, ferr("actions", "required")
		}
		r.trace = make([]model.Action, n)
		for i := 0; i < n; i++ {
			a, fe := action(i)
			if fe != nil {
				return nil, within(fmt.Sprintf("actions[%d]", i), fe)
			}
			r.trace[i] = a
		}
	case TypeStep:
		if n > 0 {
			r.step.Actions = make([]model.Action, n)
			for i := 0; i < n; i++ {
				a, fe := action(i)
				if fe != nil {
					return nil, within(fmt.Sprintf("actions[%d]", i), fe)
				}
				r.step.Actions[i] = a
			}
		}
		if w.NextMs != nil {
			if fe := checkMs("nextMs", *w.NextMs); fe != nil {
				return nil, fe
			}
			r.step.Next, r.step.HasNext = ms(*w.NextMs), true
		}
		if w.Probes != nil {
			for i, p := range *w.Probes {
				switch {
				case p.Container == nil || *p.Container == "":
					return nil, ferr(fmt.Sprintf("probes[%d].container", i), "required")
				case p.Probe == nil:
					return nil, ferr(fmt.Sprintf("probes[%d].probe", i), "required")
				case !validProbe(model.ProbeType(*p.Probe)):
					return nil, ferr(fmt.Sprintf("probes[%d].probe", i), "unknown probe %q (want %s, %s or %s)", *p.Probe, model.Startup, model.Liveness, model.Readiness)
				}
				r.step.Probes = append(r.step.Probes, model.ProbeAsk{Container: *p.Container, Probe: model.ProbeType(*p.Probe)})
			}
		}
	}
	return r, nil
}
