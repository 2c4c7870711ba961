// Package budget holds the limits on the work of one scenario's run, the
// same on every path that runs one (podconform run and replay, simulate,
// the self-test, the fuzz targets): steps fed to the implementation,
// actions it reports, and entries of the statuses it publishes (one for a
// status, one for each container status in it; statuses are the bulk of a
// trace's bytes and of a run's memory).
//
// A Meter counts one run against the limits; the first limit exceeded is
// an *Exceeded error naming it. Whose fault that is (the scenario's, or an
// implementation that ran away) is the caller's to decide: the runner
// asks whether the reference model alone exceeds it too.
package budget
