#!/bin/bash -eu
# ClusterFuzzLite (and OSS-Fuzz) build of podconform's native Go fuzz
# targets as libFuzzer binaries, in the base-builder-go image (Dockerfile).
# Each target is compiled by the image's compile_native_go_fuzzer (which
# runs go-118-fuzz-build and links with $LIB_FUZZING_ENGINE), and gets a
# seed corpus, $OUT/<fuzzer>_seed_corpus.zip, made from the repository's
# own documents (seedzip).
#
# scripts/cflite-check.sh runs this script outside the image, with a
# stand-in for compile_native_go_fuzzer, the same go-118-fuzz-build from
# the module proxy and Debian's clang, and runs every binary it builds
# (make cflite-check; CI runs it).
#
# Such a build compiles the target's file apart from the package's other
# test files, with go-118-fuzz-build's testing package in place of the
# standard one. So each target below lives in a file that builds on its
# own. The rapid-driven targets cannot be built this way: rapid.MakeFuzz
# needs the standard library's *testing.T, and the built target is given
# go-118-fuzz-build's. They are listed as not built, with go test -fuzz as
# their fuzzer (make fuzz); the check fails on a native target that is in
# neither list.
#
# not-built: github.com/podconform/podconform/fuzz FuzzModel (rapid)
# not-built: github.com/podconform/podconform/fuzz FuzzModelMoves (rapid)
# not-built: github.com/podconform/podconform/conformance FuzzModelConforms (rapid)

cd "$SRC/podconform"
mod=github.com/podconform/podconform

# go-118-fuzz-build's testing package must be in go.mod for the build.
go get "github.com/AdamKorcz/go-118-fuzz-build/testing@${GO118FUZZBUILD_VERSION:-latest}"

seeds() { # seeds FUZZER FILE...: $OUT/FUZZER_seed_corpus.zip
	local fuzzer=$1
	shift
	go run ./.clusterfuzzlite/seedzip "$OUT/${fuzzer}_seed_corpus.zip" "$@"
}

# target: compile_native_go_fuzzer PACKAGE FUNCTION FUZZER
compile_native_go_fuzzer $mod/scenario FuzzParse scenario_parse
seeds scenario_parse corpus/examples/*.yaml corpus/regressions/*.yaml corpus/upstream/*.yaml
compile_native_go_fuzzer $mod/scenario FuzzRoundTripStrings scenario_roundtrip_strings
compile_native_go_fuzzer $mod/trace FuzzDecode trace_decode
seeds trace_decode trace/testdata/*.json
compile_native_go_fuzzer $mod/trace FuzzTextDecode trace_text_decode
seeds trace_text_decode trace/testdata/*.txt corpus/testdata/golden/*.trace
compile_native_go_fuzzer $mod/adapters/exec FuzzDecodeReply exec_decode_reply
compile_native_go_fuzzer $mod/fuzz FuzzScenarioParse scenario_parse_and_run
seeds scenario_parse_and_run corpus/examples/*.yaml corpus/regressions/*.yaml fuzz/testdata/fuzz/FuzzScenarioParse/*
compile_native_go_fuzzer $mod/fuzz FuzzTraceDecode trace_decode_roundtrip
seeds trace_decode_roundtrip trace/testdata/*.json fuzz/testdata/fuzz/FuzzTraceDecode/*
