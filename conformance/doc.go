// Package conformance checks an implementation of the Kubernetes Pod
// lifecycle from its own Go tests: a conformance run inside `go test`
// (Check), and a fuzz target for `go test -fuzz` (Fuzz).
//
// The implementation is an adapters.Adapter. A Go implementation in the
// same process implements adapters.DrivenAdapter: the runner opens a
// session per scenario, gives it the world's inputs one at a time (exits,
// probe answers, deletes, timer ticks), and the implementation answers
// with the actions it took (see the adapters package, and
// docs/adapter-protocol.md for what each action means). An implementation
// in another process is reached through adapters/exec (exec.New with its
// command line), and one that runs on its own (a simulator, a real node)
// implements adapters.AutonomousAdapter and returns its whole trace.
//
// Every failure is one t.Error per distinct failure (the invariant broken
// or the refinement divergence, and the shape of the shrunk
// counterexample), with the counterexample's file and the command that
// replays it. A baseline (Baseline) accepts known failures; only new ones
// fail the test.
package conformance
