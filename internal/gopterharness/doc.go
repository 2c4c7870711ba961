// Package gopterharness is a second, independent state-machine harness for
// the reference model, built on gopter's commands package (the first is the
// rapid state machine of internal/check's tests). Two harnesses that choose,
// shrink and check interleavings in different ways guard each other: a
// mutant one of them kills and the other lets through points at a blind
// spot in a generator, not in the properties.
//
// # The machine
//
// The system under test is a *model.Model (or a self-test mutant) with a
// properties.Suite that checks every property incrementally on the actions
// each command causes. The commands are the world's moves, the same as the
// rapid machine's:
//
//   - probe(#i, ok|fail): answer the probe the model has asked;
//   - tick: let the clock run to the model's next timer;
//   - exit(#i, code, +d): a running container exits on its own;
//   - hook(#i, ok|fail, +d): a running postStart or preStop hook returns;
//   - delete(grace, +d) and force(+d): an API delete or a force delete
//     (three at most per sequence);
//   - wait(+d): time passes with nothing happening (capped at the next
//     timer); it is what a sequence does once the pod is gone.
//
// A command names a container by index modulo the matching moves the model
// lists as enabled (model.Enabled), not by name, and its delay +d is capped
// at the model's next timer, like the rapid machine's. A command with a
// delay first lets the clock run (firing the timers due by then), then looks
// at the enabled moves again: if its kind of move is no longer enabled (the
// container was killed at that instant, a probe fell due) the move is
// skipped and the command was only a wait. So a command means something in
// any state, and gopter's shrinker, which drops commands and replays what
// is left, gets sequences that still run.
//
// The abstract State is the move history and a Snapshot of the model after
// it: its clock, its next timer, its enabled moves, whether it has
// finished. Each command's PreCondition checks against the Snapshot that
// its kind of move is enabled (while a probe awaits an answer only probe
// is). To compute the next Snapshot without the system under test, as gopter
// requires, the State carries a private shadow model that NextState steps
// with exactly the logic Run applies to the system under test; a State whose
// shadow was already advanced rebuilds one by replaying the history, so
// NextState stays a pure function of the State and the command, whatever
// order gopter calls it in (generation, sieving, shrinking). Each
// PostCondition fails with the first property violation (its ID and
// message), with any model error, and when the system under test's state
// differs from the Snapshot (the model would not be deterministic).
//
// Once the pod is gone and nothing more can happen, the suite's End checks
// run too (complete = true).
//
// # Statistics
//
// gopter v0.2.11 has no Classify or Collect, so the harness classifies each
// generated sequence itself, by the features its trace exercised
// (Features), and Search returns the distribution in Result.Labels.
//
// # API
//
//	type Result struct {
//		Passed    bool
//		Violation string // property ID of the failure, "" if passed
//		Tests     int    // command sequences run
//		Labels    map[string]int // sequences per feature
//		Report    string
//		Counterexample *scenario.Document // the shrunk failure as a scenario file
//	}
//	func Search(mut model.Mutation, seed int64, minSuccessfulTests int) Result
//	func Features() []string
//	func FormatLabels(map[string]int) string
//
// Search generates pods with gen.Pod and profiles with gen.Profile (from a
// seed gopter draws), then command sequences of 8 to 60 moves (growing over
// the search), until minSuccessfulTests sequences have passed or one fails.
// A failure is shrunk, keeping the property it broke, and reported with the
// shrunk sequence, its trace, and a scenario file that replays it
// (check.FromTrace; save it with check.Save, replay it with `podconform
// replay`). A search is a function of its arguments.
//
// On a mutant, every sequence also runs on the reference model, and a
// sequence on which the reference model fails too is passed over (and
// counted in the report): a kill is a violation only the mutant shows.
package gopterharness
