// Package runner is podconform's conformance runner: it runs scenarios
// (a corpus first, then generated ones) on an adapter, checks each trace
// against the invariants that apply and against the reference model
// (package refine), saves every failure as a counterexample before
// shrinking it by re-running the adapter on smaller scenarios, and
// summarises the run as deterministic JSON and JUnit XML.
//
// Scenario k of a run is a pure function of the seed and k, and results are
// assembled in scenario order, so the same seed and flags give the same
// summary whatever the parallelism, and the shards of a run (scenario k
// goes to shard k mod n) merge into the unsharded summary.
package runner
