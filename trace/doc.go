// Package trace defines the one canonical, versioned form of a podconform
// trace: the sequence of observable actions (model.Action) taken for one
// pod, whether produced by the reference model or recorded from a real
// kubelet by an adapter.
//
// A trace has two encodings, and both round-trip exactly:
//
//   - JSON (Encode, Decode; also MarshalJSON and UnmarshalJSON), for tools,
//     adapters, the corpus and reports;
//   - text (EncodeText, DecodeText), one line per action, for people: logs,
//     counterexamples, diffs.
//
// For every document d that Validate accepts, decoding the encoding of d
// gives back d: every action field, zero values included, is restored
// exactly (statuses as the Kubernetes API restores them, see "Statuses"
// below). Encoding is deterministic: equal documents give byte-identical
// output, and encode → decode → encode reproduces the bytes. Describe
// renders one action as one line, in the text form's syntax.
//
// This comment is the specification of both formats, written so that an
// adapter can read and write them in any language.
//
// # Documents
//
// A document has these header fields:
//
//	apiVersion  "podconform.dev/v1alpha1" (the only version so far)
//	kind        "Trace"
//	scenario    the scenario's name (any UTF-8 string, may be empty)
//	profile     the profile's name, e.g. "kubernetes-1.36" (any string)
//	pod         the pod's name (any string)
//	actions     the actions, in order
//
// # Actions
//
// Every action has a time "at" and a "kind". The time is virtual time since
// the pod's creation. It is never negative and never decreases from one
// action to the next (equal times are common: many actions happen at the
// same instant, in the order given).
//
// Each kind uses a fixed set of further fields, and an action carries
// exactly those: a field its kind does not use must be absent, even with a
// zero value. Fields in brackets are optional: they are omitted when zero
// (an empty reason, a false force). All other fields of the kind are
// always present, zero or not: attempt 0 and exitCode 0 are meaningful.
//
//	kind              fields
//	SandboxCreated    -
//	ContainerCreated  container attempt
//	ContainerStarted  container attempt
//	HookStarted       container attempt hook
//	HookEnded         container attempt hook result
//	ProbeResult       container attempt probe result
//	StopSignal        container attempt timeout
//	SIGKILL           container attempt
//	ContainerExited   container attempt exitCode [reason]
//	BackOff           container attempt wait delay
//	DeleteRequested   grace [force]
//	SandboxStopped    -
//	PodRemoved        -
//	Status            status
//	Event             container attempt reason result
//
// An Event is what an API client reads of an Event object the node
// recorded about a container: reason is the event's reason (required
// here), result its message, attempt the instance the client last saw
// start. The model never takes one; see model.ActEvent.
//
// The fields, with their model.Action names, types and rules:
//
//	at         At         duration >= 0, not before the previous action's
//	kind       Kind       one of the kinds above
//	container  Container  container name: an RFC 1123 label (1-63
//	                      characters of a-z, 0-9 and '-', starting and
//	                      ending with a letter or digit)
//	attempt    Attempt    integer >= 0: the container instance, 0 for the
//	                      first run
//	hook       Hook       "postStart" or "preStop"
//	probe      Probe      "startup", "liveness" or "readiness"
//	result     Result     non-empty string. The model uses "ok", "failed"
//	                      and "abandoned" for HookEnded, "success" and
//	                      "failure" for ProbeResult
//	timeout    Timeout    integer seconds >= 0 (64-bit): StopContainer's
//	                      timeout before SIGKILL
//	exitCode   ExitCode   integer, any 32-bit signed value
//	reason     Reason     string, e.g. "Completed", "Error", "OOMKilled";
//	                      empty is the same as absent
//	wait       Wait       duration >= 0: time until the back-off ends
//	delay      Delay      duration >= 0: the current back-off delay
//	grace      Grace      integer seconds >= 0 (64-bit): the effective grace
//	                      period after the delete
//	force      Force      boolean: a force delete; false is the same as
//	                      absent
//	status     Status     a Kubernetes v1.PodStatus (see "Statuses")
//
// All strings are UTF-8; invalid UTF-8 is an error.
//
// # Durations
//
// Durations (at, wait, delay) are written in Go's duration syntax, exactly
// as Go's time.Duration.String writes them and as time.ParseDuration reads
// them; both are exact to the nanosecond over the whole int64 range.
// Canonical durations, which encoders must write for byte-identical
// output:
//
//	0                 "0s"
//	under 1µs         "<n>ns"                     e.g. "1ns", "999ns"
//	under 1ms         "<n>[.<frac>]µs" (U+00B5)   e.g. "1.5µs"
//	under 1s          "<n>[.<frac>]ms"            e.g. "500ms", "1.25ms"
//	1s to under 1m    "<s>[.<frac>]s"             e.g. "1s", "21.5s"
//	1m to under 1h    "<m>m<s>[.<frac>]s"         e.g. "1m0s", "1m31.5s"
//	1h and more       "<h>h<m>m<s>[.<frac>]s"     e.g. "1h0m0s", "2h3m4.000000005s"
//
// The fraction has no trailing zeros and no leading or trailing "."; the
// integer parts have no leading zeros. Decoders accept any form
// time.ParseDuration accepts ("90s", "1.5m", "1h30m", "+5s"; a unit is
// required except for "0") and the next encoding canonicalises it.
//
// # Statuses
//
// A Status action's status is a core/v1 PodStatus in Kubernetes' own JSON
// form: the field names of k8s.io/api/core/v1 (phase, conditions,
// initContainerStatuses, containerStatuses, lastState, started, ...).
// Decoding is strict there too: unknown and duplicate fields are errors,
// and field names are case-sensitive.
//
// Statuses carry whole-second timestamps, as the API does: metav1.Time is
// serialised as RFC 3339 in UTC at second precision
// ("2026-03-14T15:09:26Z"), so sub-second parts are dropped on encoding.
// Decoding reads a status as the API would hold it after a round trip: a
// timestamp with a fraction or a zone offset ("2026-03-14T16:09:26.5+01:00")
// is accepted and becomes that whole second, in time.Local. Build statuses
// with whole-second times if they must round-trip exactly. A timestamp
// must lie in the years 0000 to 9999 UTC: decoding rejects a status whose
// re-encoding would not read back to the same bytes (such as a time whose
// UTC year is before 0000). Statuses compare with the API's semantic
// equality (equality.Semantic in k8s.io/apimachinery, as Equal and
// EqualAction do): times as instants, quantities by value, and a nil list
// equal to an empty one, since an empty list is not encoded.
//
// A status is encoded compactly by Go's encoding/json with HTML escaping
// off: struct field order of k8s.io/api, map keys sorted, empty fields
// omitted as the API types say. Adapters in other languages need not
// reproduce those bytes: any valid JSON of the status decodes, and
// re-encoding with this package canonicalises it.
//
// # JSON form
//
// A JSON trace is one object with the header fields and an array of action
// objects. Each action object has "at" (a duration string), "kind" and the
// fields its kind uses, named as above: strings for container, hook,
// probe, result, reason; durations as strings for wait and delay; JSON
// integers for attempt, timeout, exitCode and grace; true for force; an
// object for status. For example:
//
//	{
//	  "apiVersion": "podconform.dev/v1alpha1",
//	  "kind": "Trace",
//	  "scenario": "init-then-crashloop",
//	  "profile": "kubernetes-1.36",
//	  "pod": "myapp",
//	  "actions": [
//	    {"at":"0s","kind":"SandboxCreated"},
//	    {"at":"0s","kind":"ContainerStarted","container":"init-myservice","attempt":0},
//	    {"at":"20s","kind":"ContainerExited","container":"init-myservice","attempt":0,"exitCode":0,"reason":"Completed"},
//	    {"at":"20s","kind":"Status","status":{"phase":"Pending","conditions":[{"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-03-14T15:09:46Z"}],"startTime":"2026-03-14T15:09:26Z"}},
//	    {"at":"1m10s","kind":"BackOff","container":"web","attempt":2,"wait":"20s","delay":"20s"},
//	    {"at":"1m30s","kind":"DeleteRequested","grace":30},
//	    {"at":"1m30s","kind":"HookStarted","container":"web","attempt":3,"hook":"preStop"},
//	    {"at":"1m31.5s","kind":"HookEnded","container":"web","attempt":3,"hook":"preStop","result":"ok"},
//	    {"at":"1m31.5s","kind":"StopSignal","container":"web","attempt":3,"timeout":29},
//	    {"at":"2m0s","kind":"DeleteRequested","grace":0,"force":true},
//	    {"at":"2m0s","kind":"ProbeResult","container":"web","attempt":3,"probe":"liveness","result":"failure"}
//	  ]
//	}
//
// The canonical layout, which Encode writes, is exactly that: the six
// header members in that order, each on its own line indented by two
// spaces as `"name": value`; then the action objects one per line,
// indented by four spaces, separated by "," at the line's end, with no
// spaces inside an action object and its members in the order
//
//	at kind container attempt hook probe result timeout exitCode reason wait delay grace force status
//
// then "  ]", "}" and a final newline. A trace without actions has
// `"actions": []`. Strings outside statuses are escaped as JSON requires
// and no more: \" \\ \n \r \t, \u00XX (lowercase hex) for the other
// control characters, \u2028 and \u2029; everything else, including <, >
// and &, is written as UTF-8.
//
// Decoding accepts any valid JSON layout and member order, and is strict:
//
//   - apiVersion and kind are required and must be exactly
//     "podconform.dev/v1alpha1" and "Trace"; scenario, profile and pod may
//     be absent (empty), actions may be absent (no actions);
//   - unknown members anywhere (including inside statuses) and duplicate
//     members are errors; names are case-sensitive;
//   - a member whose value is null counts as absent;
//   - an action must have at, kind and every non-optional field of its
//     kind, and no field its kind does not use (see the table);
//     "reason": "" and "force": false are accepted;
//   - values must have the right JSON type and range and obey the rules
//     above;
//   - nothing may follow the top-level object except white space.
//
// json.Marshal of a Document (or of a value holding one) writes the same
// form, compacted by encoding/json, which also escapes <, > and & in
// strings as \u003c, \u003e and \u0026; json.Unmarshal decodes strictly as
// above.
//
// # Text form
//
// A text trace is a header line and one line per action, each ended by
// "\n":
//
//	# podconform trace v1alpha1 scenario=init-then-crashloop profile=kubernetes-1.36 pod=myapp
//	0s        SandboxCreated
//	0s        ContainerStarted init-myservice#0
//	20s       ContainerExited init-myservice#0 exitCode=0 reason=Completed
//	20s       Status {"phase":"Pending","conditions":[{"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-03-14T15:09:46Z"}],"startTime":"2026-03-14T15:09:26Z"}
//	1m10s     BackOff web#2 wait=20s delay=20s
//	1m30s     DeleteRequested grace=30
//	1m30s     HookStarted web#3 hook=preStop
//	1m31.5s   HookEnded web#3 hook=preStop result=ok
//	1m31.5s   StopSignal web#3 timeout=29
//	2m0s      DeleteRequested grace=0 force
//	2m0s      ProbeResult web#3 probe=liveness result=failure
//
// (the same trace as the JSON example). The header names the format
// version (v1alpha1, for apiVersion podconform.dev/v1alpha1) and gives
// the scenario, profile and pod. The document's kind is implicitly
// "Trace".
//
// An action line is the time, the kind, then the kind's fields: the
// container and attempt together as NAME#ATTEMPT, the other fields as
// key=value pairs with the JSON names as keys, force as the bare word
// "force", and a status as the compact JSON of the PodStatus, which runs to
// the end of the line (it never contains a raw newline). Integers are
// decimal, durations as in JSON (unquoted). Grammar (SP is one or more
// spaces or tabs):
//
//	header  = "# podconform trace v1alpha1" SP "scenario=" value SP "profile=" value SP "pod=" value
//	line    = at SP kind [SP container "#" attempt] *(SP key "=" value) [SP "force"]
//	        | at SP "Status" SP json
//	value   = bare | quoted
//	bare    = one or more characters, each printable (Go's unicode.IsPrint)
//	          and none of: space " = # \ U+FFFD
//	quoted  = a Go double-quoted string literal, as strconv.Quote writes and
//	          strconv.Unquote reads
//
// A string value (scenario, profile, pod, result, reason; and hook and
// probe, which are always bare) is written bare when it can be, else
// quoted: "timed out", "", "a=b", "\"x\"". Go quoting differs from JSON's
// in a few escapes (\a \v \xHH \UHHHHHHHH are Go's; \/ is JSON's only);
// printable non-ASCII characters are written as themselves.
//
// The canonical layout, which EncodeText writes: the header with the keys
// in the order shown; each action line begins with its time left-aligned
// and padded with spaces to 9 columns, then one space (a longer time is
// followed by just one space); single spaces between all other items;
// container#attempt right after the kind; key=value pairs in the member
// order given for JSON; reason omitted when empty; "force" last and only
// when true; no blank lines, comments or trailing spaces.
//
// Decoding is strict in content and lenient in layout: the header must be
// the first line, with each of the three keys exactly once, in any order;
// after it, empty lines and lines whose first non-blank character is "#"
// are ignored; any run of spaces and tabs separates items, and an action
// line may be indented; a "\r" before the "\n" is ignored; key=value pairs
// and "force" may come in any order after container#attempt; an unknown,
// duplicate, missing or unused key is an error; a bare "reason=" is an
// empty reason; the status JSON is decoded as in the JSON form, and "null"
// is not a status. The same value rules as for JSON apply.
//
// # Errors
//
// Decoding never panics, whatever the input. Errors are of type *Error
// and say where: "trace: actions[3].at: invalid duration \"x\"" for the
// JSON form (and for Validate and the encoders), "trace: line 5: at:
// invalid duration \"x\"" for the text form, "trace: line 2: column 17:
// invalid JSON: ..." for JSON syntax errors.
//
// # Versions
//
// The format is versioned by apiVersion (and the header's version word).
// Any change that an existing reader could not read, or that would make
// it read something differently, gets a new version; readers reject
// versions they do not know.
package trace
