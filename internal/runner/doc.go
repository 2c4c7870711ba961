// Package runner is podconform's conformance runner: it runs scenarios
// (a corpus first, then generated ones) on an adapter, checks each trace
// against the invariants that apply and against the reference model
// (package refine), saves every failure as a counterexample before
// shrinking it by re-running the adapter on smaller scenarios, and
// summarises the run as deterministic JSON and JUnit XML.
//
// A scenario runs to its end whatever happens on the way: after a
// divergence from the model the world keeps playing its script and the
// implementation keeps acting, and every invariant is then checked on the
// whole observed trace (properties.Audit), so a scenario's result lists
// every invariant it breaks and whether each one had anything to judge
// (exercised). Refinement is checked as the run goes at tolerance 0; at the
// run's tolerance it is replayed from a record of the run only where the
// exact check failed (a trace that refines the model at 0 refines it at
// any tolerance; a test checks this). From these one run computes the
// three conformance levels (Level), and Options.Level picks the one that
// decides which scenarios are failures. Failures are grouped by signature:
// the broken check and the shape of the shrunk scenario (shapeOf).
//
// Scenario k of a run is a pure function of the seed and k, and results are
// assembled in scenario order, so the same seed and flags give the same
// summary whatever the parallelism, and the shards of a run (scenario k
// goes to shard k mod n) merge into the unsharded summary.
package runner
