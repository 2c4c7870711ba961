// Package cluster is podconform's adapter for any Kubernetes API server: it
// runs each scenario as a real pod on a chosen node, watches what the API
// server shows of it, and returns that as a trace. What runs the pod (a
// kubelet with containerd or CRI-O, KWOK, a virtual-kubelet provider) is the
// implementation under test.
//
// A scenario becomes a pod with internal/podscript: each container plays its
// behaviour script with the image's shell (busybox by default), so the
// scripted exits, stop-signal answers, probe answers and hook answers happen
// in real containers. Behaviour a shell cannot produce (an OOM kill) is
// refused as unsupported: the runner counts such scenarios as skipped.
//
// What it observes (Observes) is what an API client can see:
//   - every pod status the watch delivers, as Status actions (phase,
//     conditions, container statuses: everything kubectl shows);
//   - each instance's start and end (the runs observable), read from the
//     container statuses: instance k of a container is the one shown with
//     restartCount k; its start and exit are placed at the moment the watch
//     delivered the status that first showed them, or earlier when the
//     status's own timestamps (whole seconds) prove it;
//   - the deletes it sends itself (DeleteRequested) and the object's
//     removal (PodRemoved), the requests observable;
//   - the Events the node records about the pod's containers (the
//     events observable), as Event actions: the kubelet's Created,
//     Started, Killing, BackOff, Unhealthy, FailedPostStartHook and
//     FailedPreStopHook; other reasons and events about the pod itself
//     are left out. An event object is reported once per delivery that
//     shows it new or its count grown, at the earliest moment its
//     timestamp proves.
//
// It sees no CRI call: no sandbox, no creation, no stop signal, no SIGKILL,
// no hook, no probe result, no back-off refusal, except as far as an
// event witnesses one (below). The runner checks only the
// invariants whose needs that covers (13 of the 50), and the refinement on
// those parts, against what the API server shows of the model's statuses
// (docs/semantics.md §10.14): a start or exit is due when a generated
// status shows it, and a terminal phase is held back while the pod worker
// could still have running containers.
//
// Events are witnesses, not a record: the recorder aggregates repeats
// into one object and its spam filter drops some, and they say nothing of
// successes. So no invariant reads them, and the refinement only checks
// that each one reported is explained by what the model did around its
// time (internal/refine, events.go); a missing event is never a fault.
//
// Times are wall time since the pod's creation request. A real node reports
// through its status manager, so an action reaches the API late: Lag (2 s)
// is declared for it, and a run needs a tolerance of seconds (see
// docs/upstream-differences.md, the real node).
//
// Every object it creates carries the labels podconform.dev/run and
// app.kubernetes.io/managed-by=podconform. A pod is deleted when its
// scenario ends, on every path (an error, a cancelled context); Cleanup
// removes whatever a killed run left.
package cluster
