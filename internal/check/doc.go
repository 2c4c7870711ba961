// Package check runs a scenario on the reference model (or a self-test
// mutant) and checks every property after every step, stopping at the
// first violation. It also saves counterexamples atomically as scenario
// files, in the format users write, and shrinks them.
//
// Tests, fuzz targets, `podconform replay` and `podconform selftest` all go
// through Run, so a property is written once and used everywhere.
package check
