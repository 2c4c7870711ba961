// Package tinykubelet is a small pod lifecycle, written as an example of a
// Go implementation that checks itself with podconform from its own tests.
//
// It covers part of what a kubelet does for one pod, in virtual time:
//
//   - admission: the pod's sandbox is created at time 0;
//   - regular init containers, one at a time and in order, each after the
//     previous one exited 0;
//   - then every app container at once;
//   - restarts by the pod's restartPolicy (Always, OnFailure, Never), with
//     the crash-loop back-off: the first restart at once, then the
//     configured initial delay doubling up to the maximum, reset when an
//     exit comes more than the reset period after the last restart;
//   - the pod's end: once nothing runs and nothing will be restarted, the
//     sandbox is stopped;
//   - deletion: every running container gets a stop signal with the grace
//     period (at least the minimum grace), a SIGKILL when it runs out, and
//     the pod is removed once nothing runs; a force delete (or a delete
//     with grace 0) removes the pod at once and stops its containers as a
//     normal delete does.
//
// It leaves out sidecars, probes, lifecycle hooks and container-level
// restart rules. NewPod refuses a pod that uses them (ErrUnsupported), and
// the conformance adapter (adapter_test.go) tells podconform so: such
// scenarios are counted as unsupported, not failed.
//
// The implementation knows nothing of podconform. Its records (Record) are
// its own; the test's adapter translates them into podconform's actions.
package tinykubelet
