// Package corpus is podconform's corpus of scenarios: Pod lifecycle cases,
// each a scenario file (package scenario) with what the reference model
// (package model) does with it checked in beside it. The package has no
// code of its own; its test is the corpus.
//
// # Layout
//
//	examples/   the seed notes' manifests, as bare Pods or as scenarios with
//	            a behaviour script: init containers, probes, hooks,
//	            sidecars, a crash loop. Each file's header says which page or
//	            note it comes from.
//	upstream/   cases that encode what upstream Kubernetes asserts: the
//	            conformance tests of test/e2e/common/node (init_container.go
//	            and friends, cited by their exact ginkgo test names) and the
//	            surprises users report in upstream issues
//	            (docs/semantics.md §14.2), one named case each, cited by
//	            issue.
//	regressions/ (later) counterexamples found by the property-based tests,
//	            minimised and kept so that they stay fixed.
//	testdata/golden/
//	            the golden files, two per case (below).
//
// Every scenario carries a comment header that says what it shows and why,
// and metadata.source naming where it comes from (an upstream test, issue or
// documentation page, or a rule of docs/semantics.md). Case names (the
// file name without .yaml) are unique across the directories.
//
// # Golden files
//
// corpus_test.go loads every examples/*.yaml, upstream/*.yaml and
// regressions/*.yaml with scenario.Load, runs it through the model with
// model.Run for 30 minutes of virtual time (a table in corpus_test.go sets
// a shorter run for some cases) and compares two renderings of the trace
// with the files in testdata/golden:
//
//	NAME.watch  what `kubectl get pod -w` would print (internal/watch): one
//	            row per visible change, AGE in virtual time;
//	NAME.trace  the trace in its text form (trace.EncodeText): one line per
//	            action, statuses as JSON.
//
// A difference fails the test and shows the first differing line. Golden
// files that no case produces fail the test too.
//
// Goldens pin the model's behaviour down, but they only say what the model
// does, not what it should do. So the test also holds a table of facts,
// keyed by file name: explicit assertions on phases, conditions and their
// reasons, restart counts, container states, STATUS sequences and the
// timing of actions, each citing the rule of docs/semantics.md or the
// upstream test or issue it comes from. Every case must have at least one fact. A list of
// invariants is checked on every case too: a Status action always changes
// the status, a terminal phase is never left, restart counts never fall,
// Initialized never goes back from True and, while it is False, app
// containers wait in PodInitializing (upstream init_container.go's own
// invariants).
//
// # Disputed goldens and known model bugs
//
// A golden file records what the model does, and checking one in says the
// model is right. Where the model's output is believed wrong, its golden is
// not blessed: the table disputed in corpus_test.go lists it with the
// finding, and it is stored as NAME.watch.disputed or NAME.trace.disputed.
// It still pins the current output, so any change fails the test, but
// nothing presents it as expected output. A fact with knownBug set (or an
// entry in knownViolations, for an invariant) asserts the expected
// behaviour instead: while the model breaks it the test is skipped with the
// failure (go test -v shows "KNOWN MODEL BUG"); once it holds the test
// fails, asking for the marker and the disputed entries to be removed and
// the goldens regenerated.
//
// # Regenerating
//
// After a deliberate change to the model, or a new case:
//
//	go test ./corpus -update
//
// rewrites the golden files, disputed ones included, and removes stale
// ones. Read the diff before committing it: every changed line is a change
// in what the model claims a kubelet does, and it must be justified against
// docs/semantics.md and upstream. A new case also needs an entry in the facts
// table.
package corpus
