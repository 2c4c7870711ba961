package trace

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/podconform/podconform/model"
)

// APIVersion is the version of the trace format this package reads and
// writes.
const APIVersion = "podconform.dev/v1alpha1"

// DocumentKind is the kind of a trace document.
const DocumentKind = "Trace"

// textVersion is the version word of the text form's header line.
const textVersion = "v1alpha1"

// Document is one trace: the actions the model (or a real kubelet, through
// an adapter) took for one pod of one scenario under one profile.
//
// Its JSON form (Encode, Decode, MarshalJSON, UnmarshalJSON) and its text
// form (EncodeText, DecodeText) are described in the package documentation.
type Document struct {
	// APIVersion is APIVersion. Encode and EncodeText write APIVersion when
	// it is empty; Decode and DecodeText always set it.
	APIVersion string
	// Kind is DocumentKind ("Trace"), with the same rule for empty.
	Kind string
	// Scenario names the scenario the trace was produced from.
	Scenario string
	// Profile names the profile (e.g. "kubernetes-1.36").
	Profile string
	// Pod is the pod's name.
	Pod string
	// Actions in order of their virtual time At; times never decrease.
	Actions []model.Action
}

// New returns a Document of the current version.
func New(scenario, profile, pod string, actions []model.Action) *Document {
	return &Document{
		APIVersion: APIVersion,
		Kind:       DocumentKind,
		Scenario:   scenario,
		Profile:    profile,
		Pod:        pod,
		Actions:    actions,
	}
}

// Error is a decoding or validation error. Its message names where the
// problem is: the action index and field for the JSON form and for
// validation ("trace: actions[3].at: invalid duration \"x\""), the line
// number for the text form and for JSON syntax errors ("trace: line 5: at:
// invalid duration \"x\"").
type Error struct {
	// Line is the 1-based line of the input, or 0 when not known.
	Line int
	// Action is the index of the action in Document.Actions, or -1 when
	// the error concerns the document itself.
	Action int
	// Field is the path of the offending field inside the action (or the
	// document), e.g. "at" or "status.conditions[0].reason"; it may be
	// empty.
	Field string
	// Msg says what is wrong.
	Msg string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("trace: ")
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
		if e.Field != "" {
			b.WriteString(e.Field)
			b.WriteString(": ")
		}
	} else if e.Action >= 0 {
		b.WriteString("actions[")
		b.WriteString(strconv.Itoa(e.Action))
		b.WriteString("]")
		if e.Field != "" {
			b.WriteByte('.')
			b.WriteString(e.Field)
		}
		b.WriteString(": ")
	} else if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// fieldSet is a set of the optional fields of an action (At and Kind are
// always present).
type fieldSet uint16

// The action fields, in canonical order.
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

// fieldNames are the JSON names (and text keys) of the fields, by bit.
var fieldNames = [numFields]string{
	"container", "attempt", "hook", "probe", "result", "timeout",
	"exitCode", "reason", "wait", "delay", "grace", "force", "status",
}

// optionalFields may be left out of an encoding when they are zero: an
// empty Reason and a false Force.
const optionalFields = fReason | fForce

// first returns the name of the lowest field in s.
func (s fieldSet) first() string {
	for i := 0; i < numFields; i++ {
		if s&(1<<i) != 0 {
			return fieldNames[i]
		}
	}
	return ""
}

// kindFields returns the fields an action kind uses, and whether the kind
// is known.
func kindFields(k model.ActionKind) (fieldSet, bool) {
	const ca = fContainer | fAttempt
	switch k {
	case model.ActSandboxCreated, model.ActSandboxStopped, model.ActPodRemoved:
		return 0, true
	case model.ActContainerCreated, model.ActContainerStarted, model.ActSIGKILL:
		return ca, true
	case model.ActHookStarted:
		return ca | fHook, true
	case model.ActHookEnded:
		return ca | fHook | fResult, true
	case model.ActProbeResult:
		return ca | fProbe | fResult, true
	case model.ActStopSignal:
		return ca | fTimeout, true
	case model.ActContainerExited:
		return ca | fExitCode | fReason, true
	case model.ActBackOff:
		return ca | fWait | fDelay, true
	case model.ActDeleteRequested:
		return fGrace | fForce, true
	case model.ActStatus:
		return fStatus, true
	case model.ActEvent:
		return ca | fReason | fResult, true
	}
	return 0, false
}

// nonZero returns the fields of a that are not zero.
func nonZero(a *model.Action) fieldSet {
	var s fieldSet
	if a.Container != "" {
		s |= fContainer
	}
	if a.Attempt != 0 {
		s |= fAttempt
	}
	if a.Hook != "" {
		s |= fHook
	}
	if a.Probe != "" {
		s |= fProbe
	}
	if a.Result != "" {
		s |= fResult
	}
	if a.Timeout != 0 {
		s |= fTimeout
	}
	if a.ExitCode != 0 {
		s |= fExitCode
	}
	if a.Reason != "" {
		s |= fReason
	}
	if a.Wait != 0 {
		s |= fWait
	}
	if a.Delay != 0 {
		s |= fDelay
	}
	if a.Grace != 0 {
		s |= fGrace
	}
	if a.Force {
		s |= fForce
	}
	if a.Status != nil {
		s |= fStatus
	}
	return s
}

// fieldError is an error about one field of an action (or of the
// document).
type fieldError struct {
	field, msg string
}

func ferr(field, format string, args ...any) *fieldError {
	return &fieldError{field: field, msg: fmt.Sprintf(format, args...)}
}

// validateAction checks the values of an action: a known kind, a
// non-negative time, exactly the fields its kind uses, and valid values.
func validateAction(a *model.Action) *fieldError {
	if a.Kind == "" {
		return ferr("kind", "required")
	}
	set, ok := kindFields(a.Kind)
	if !ok {
		return ferr("kind", "unknown action kind %q", string(a.Kind))
	}
	if a.At < 0 {
		return ferr("at", "negative time %s", a.At)
	}
	if extra := nonZero(a) &^ set; extra != 0 {
		return ferr(extra.first(), "not used by %s", a.Kind)
	}
	if set&fContainer != 0 {
		if a.Container == "" {
			return ferr("container", "required by %s", a.Kind)
		}
		if !isDNSLabel(a.Container) {
			return ferr("container", "invalid container name %q (want a DNS-1123 label)", a.Container)
		}
	}
	if set&fAttempt != 0 && a.Attempt < 0 {
		return ferr("attempt", "negative attempt %d", a.Attempt)
	}
	if set&fHook != 0 {
		switch a.Hook {
		case model.HookPostStart, model.HookPreStop:
		case "":
			return ferr("hook", "required by %s", a.Kind)
		default:
			return ferr("hook", "unknown hook %q (want %s or %s)", a.Hook, model.HookPostStart, model.HookPreStop)
		}
	}
	if set&fProbe != 0 {
		switch a.Probe {
		case model.Startup, model.Liveness, model.Readiness:
		case "":
			return ferr("probe", "required by %s", a.Kind)
		default:
			return ferr("probe", "unknown probe %q (want %s, %s or %s)", string(a.Probe), model.Startup, model.Liveness, model.Readiness)
		}
	}
	if set&fResult != 0 {
		if a.Result == "" {
			return ferr("result", "required by %s", a.Kind)
		}
		if !utf8.ValidString(a.Result) {
			return ferr("result", "invalid UTF-8 in %q", a.Result)
		}
	}
	if set&fTimeout != 0 && a.Timeout < 0 {
		return ferr("timeout", "negative timeout %d", a.Timeout)
	}
	if set&fReason != 0 && !utf8.ValidString(a.Reason) {
		return ferr("reason", "invalid UTF-8 in %q", a.Reason)
	}
	if a.Kind == model.ActEvent && a.Reason == "" {
		return ferr("reason", "required by %s", a.Kind)
	}
	if set&fWait != 0 && a.Wait < 0 {
		return ferr("wait", "negative duration %s", a.Wait)
	}
	if set&fDelay != 0 && a.Delay < 0 {
		return ferr("delay", "negative duration %s", a.Delay)
	}
	if set&fGrace != 0 && a.Grace < 0 {
		return ferr("grace", "negative grace period %d", a.Grace)
	}
	if set&fStatus != 0 && a.Status == nil {
		return ferr("status", "required by %s", a.Kind)
	}
	return nil
}

// checkOrder checks that an action's time does not go back.
func checkOrder(at, prev time.Duration) *fieldError {
	if at < prev {
		return ferr("at", "%s is before the previous action's time %s", at, prev)
	}
	return nil
}

// isDNSLabel reports whether s is an RFC 1123 label, as container names
// are.
func isDNSLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(s)-1:
		default:
			return false
		}
	}
	return true
}

// Validate checks d against the rules both forms enforce on decoding (see
// the package documentation). Encode and EncodeText call it, so a document
// that encodes always decodes again. An empty APIVersion or Kind stands for
// the current one.
func Validate(d *Document) error {
	if d == nil {
		return &Error{Action: -1, Msg: "nil document"}
	}
	if d.APIVersion != "" && d.APIVersion != APIVersion {
		return &Error{Action: -1, Field: "apiVersion", Msg: fmt.Sprintf("unsupported apiVersion %q (want %q)", d.APIVersion, APIVersion)}
	}
	if d.Kind != "" && d.Kind != DocumentKind {
		return &Error{Action: -1, Field: "kind", Msg: fmt.Sprintf("unsupported kind %q (want %q)", d.Kind, DocumentKind)}
	}
	for _, f := range [...]struct{ name, v string }{{"scenario", d.Scenario}, {"profile", d.Profile}, {"pod", d.Pod}} {
		if !utf8.ValidString(f.v) {
			return &Error{Action: -1, Field: f.name, Msg: fmt.Sprintf("invalid UTF-8 in %q", f.v)}
		}
	}
	var prev time.Duration
	for i := range d.Actions {
		a := &d.Actions[i]
		fe := validateAction(a)
		if fe == nil {
			fe = checkOrder(a.At, prev)
		}
		if fe != nil {
			return &Error{Action: i, Field: fe.field, Msg: fe.msg}
		}
		prev = a.At
	}
	return nil
}

// Equal reports whether two documents are equal: equal header fields and
// pairwise EqualAction actions. A nil and an empty Actions are equal.
func Equal(a, b *Document) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.APIVersion != b.APIVersion || a.Kind != b.Kind || a.Scenario != b.Scenario ||
		a.Profile != b.Profile || a.Pod != b.Pod || len(a.Actions) != len(b.Actions) {
		return false
	}
	for i := range a.Actions {
		if !EqualAction(a.Actions[i], b.Actions[i]) {
			return false
		}
	}
	return true
}

// EqualAction reports whether two actions are equal: every field equal,
// statuses compared with the API's semantic equality (equality.Semantic:
// times compared as instants, quantities by value, nil and empty lists
// alike), which is what survives a JSON round trip.
func EqualAction(a, b model.Action) bool {
	sa, sb := a.Status, b.Status
	a.Status, b.Status = nil, nil
	if a != b {
		return false
	}
	if sa == nil || sb == nil {
		return sa == sb
	}
	return sa == sb || equality.Semantic.DeepEqual(sa, sb)
}

// KindFieldMask returns the fields an action kind uses, as a bit set in the
// canonical field order (container, attempt, hook, probe, result, timeout,
// exitCode, reason, wait, delay, grace, force, status: bit 0 first), and
// whether the kind is known. Other encodings of actions (the exec
// protocol's) use it so that the kinds' schema is defined once.
func KindFieldMask(k model.ActionKind) (uint16, bool) {
	s, ok := kindFields(k)
	return uint16(s), ok
}
