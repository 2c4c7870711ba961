// Package reports renders the results of a podconform run for people and
// for CI: one self-contained HTML page (the verdict at each conformance
// level and the distinct failures first, then the invariant matrix with
// exercised counts, the configuration, the mutation self-test score, and
// for each counterexample every check it breaks, its scenario, timeline,
// expected-against-observed comparison with ▶ on the action where the
// failure was found, and replay command).
// summary.json and junit.xml, which the runner writes, sit beside it.
//
// The renderer reads saved files only (Load): the run's summary, each
// counterexample's scenario file and the observed and expected traces the
// runner saved beside it, and a self-test score when there is one. It never
// runs the model or an adapter. Build turns what was read into a view-model
// (Page), which is plain data and tested on its own; Render writes it
// through html/template, so every name, command and message from a scenario
// or an adapter is escaped. The same files give the same bytes.
package reports
