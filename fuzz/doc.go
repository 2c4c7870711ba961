// Package fuzz holds podconform's native Go fuzz targets. They go through
// the public API only (gen, internal/check, model, scenario, trace), so
// they fuzz what users and the CLI use. The package has no non-test code.
//
// # Targets
//
//   - FuzzModel: the reference model with every property checked after
//     every step. The fuzzer's bytes drive gen.Scenario through
//     rapid.MakeFuzz: each 8 bytes are one of rapid's draws, so a byte
//     string is a valid scenario (profile, pod, behaviour, events), and
//     the fuzzer's mutations change it choice by choice. Inputs too short
//     for a whole scenario are padded with zero bytes, the plainest
//     choices (rapid would skip an input that runs out). The scenario runs
//     with check.Run until gen.Until.
//   - FuzzModelMoves: the same through the move-level state machine: the
//     bytes choose a pod and profile (gen.Pod, gen.Profile), then one of
//     the world's enabled moves at a time (answer a probe, run the clock to
//     the next timer, a container exit, a hook's return, a delete, a force
//     delete, a controller's status for a readiness gate), as
//     internal/check's rapid state machine does, weighted as
//     internal/gopterharness weighs them, for at most 100 moves. A move at
//     a later time first runs the clock, then is taken from the moves
//     enabled then. The zero padding ends the sequence.
//   - The scenario parser's target (parse_fuzz_test.go): any bytes to
//     scenario.Parse. It must fail with an
//     error that is not an "internal error" (a recovered panic), or give a
//     document; a document that validates must round-trip (Parse of
//     Marshal is deep-equal, and Marshal is canonical), and the model must
//     run it for 5 minutes of virtual time, within model.MaxSteps, without
//     an error or a panic.
//   - The trace decoder's target (parse_fuzz_test.go): any bytes to
//     trace.Decode. It must fail with a
//     *trace.Error, or give a document that encodes, decodes back to an
//     equal document (trace.Equal) and re-encodes to the same bytes.
//
// A property violation found by FuzzModel or FuzzModelMoves is saved
// before the target fails, atomically (check.Save), as a scenario file in
// fuzz/testdata/counterexamples/, marked with the property, the time and
// the run's limit; the failure message gives the command that replays it:
//
//	go run ./cmd/podconform replay fuzz/testdata/counterexamples/NAME.yaml
//
// # Running
//
// `go test ./fuzz/` runs every target on its seeds, as part of `make
// test`. To fuzz, one target at a time:
//
//	make fuzz FUZZTIME=30s    # every target of the module, 30 s each
//	go test ./fuzz -run '^$' -fuzz '^FuzzModel$' -fuzztime 30s
//
// When fuzzing FuzzModel or FuzzModelMoves, TestMain lowers the go
// command's minimisation budget for new inputs to 300 runs (unless
// -fuzzminimizetime is given): rapid's inputs hardly minimise, and the
// default 60 s per input left the fuzzer minimising most of the time.
// The go command also ignores a failure met while minimising; since the
// targets save a counterexample before they fail, TestMain reports any
// file that appeared in fuzz/testdata/counterexamples during the run and
// fails.
//
// # Seeds
//
// Seed inputs live in fuzz/testdata/fuzz/<FuzzName>/, one file per input
// in the `go test fuzz v1` format; the go command runs them with the
// package's tests and adds the inputs a failed fuzzing run found there.
// Inputs the fuzzer found interesting but that passed stay in the build
// cache ($(go env GOCACHE)/fuzz). The targets also add seeds in code: the
// corpus/examples files (the parser's target), and traces of those
// examples on the model, whole and cut short, encoded with trace.Encode
// (the decoder's).
//
// # ClusterFuzzLite
//
// The two byte-level targets are also built as libFuzzer binaries by
// .clusterfuzzlite/build.sh; the rapid-driven ones cannot be (see there).
// That build finds a target's file by searching the package directory
// for the target's name and needs exactly one file: this comment does not
// spell those two names out, and parse_fuzz_test.go builds apart from
// the other test files.
package fuzz
