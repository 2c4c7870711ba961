// Package refine checks that an implementation's trace refines the
// reference model: every action it reports is one the model allows at that
// point, no earlier than the model's moment and no later than a tolerance
// after it, and every action the model takes is reported in time.
//
// The checker runs a private copy of the model on the same world as the
// implementation: the world's exits, hook completions and deletes are
// given to both at the same virtual time, so a late implementation does
// not drift away from the model. The model's own probes are answered by a
// second copy of the behaviour script that follows the model's own
// container starts, so a probe is answered by the container's age in
// either timeline.
//
// Actions are compared by kind and the fields that kind uses, never by
// status timestamps. Statuses are levels, not edges: a reported status
// must equal (on the observed parts) a status the model held during the
// tolerance window before it, and the last reported status must equal the
// model's last one when the run completes. With a tolerance above zero,
// probe results and back-off refusals are not compared one by one (a
// late kubelet probes and retries on its own schedule); the invariants
// still check them.
//
// With a tolerance, what the model does at a back-off's end (the restart,
// and the statuses until it) may be later still, by the jitter of a real
// pod worker's wake: half the time the back-off had left when the model
// refused the restart, capped at half the resync interval (Checker.wakeJit).
//
// Events (Event actions, the observable events) are witnesses, never a
// complete record: at the end, each one reported must be explained by an
// action of the model's run of the kind its reason names, for the same
// container, around its time; none is required (events.go).
//
// Where the kubelet's code does not fix an order (the kills of one sync;
// see model.Choice), the checker follows the model's first option and,
// when the implementation parts from it, replays the run on the model's
// other options and goes on in the one that fits (branch.go). A
// divergence means that no order fits.
package refine
