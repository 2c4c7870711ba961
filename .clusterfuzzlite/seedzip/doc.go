// Command seedzip writes a libFuzzer seed corpus (a zip of inputs) for a
// native Go fuzz target built by go-118-fuzz-build, from podconform's own
// files: scenario and trace documents as they are, and the go test fuzz
// corpus files (testdata/fuzz/FuzzX/*) decoded.
//
// A target built that way takes its []byte or string argument from the
// input as a 4-byte big-endian length followed by that many bytes (the
// go-fuzz-headers consumer go-118-fuzz-build's testing package uses), so
// each seed is written in that form.
//
//	go run ./.clusterfuzzlite/seedzip OUT.zip FILE...
//
// It is run by .clusterfuzzlite/build.sh.
package main
