// Package exec implements the exec adapter protocol
// (docs/adapter-protocol.md), with which implementations of the pod
// lifecycle written in any language are checked: the runner starts the
// implementation as a program and exchanges newline-delimited JSON with
// it over its standard input and output, one reply line per request line.
//
// The protocol has two modes, which the implementation chooses in its
// hello. In the driven mode the runner plays the world and steps the
// implementation (open, input, close); in the autonomous mode it sends the
// whole scenario, world included, in one run request, and the
// implementation replies with the whole timestamped trace.
//
// The runner's side is Adapter, over a pool of processes, one per session
// or run going on at a time; Conn is the same over any pair of streams.
// Both are a driven adapter (adapters.DrivenAdapter) or an autonomous one
// (adapters.AutonomousAdapter), as the implementation's hello says
// (Info().Mode): they have the methods of both. The implementation's side
// is Serve, which exposes any Go adapter of either kind (the reference
// model, its self-test mutants; see `podconform exec-server`) over the
// protocol.
//
// protocol.go holds the wire format, shared by both sides: actions,
// inputs, profiles and whole scenarios are encoded with times in whole
// milliseconds (AppendAction, DecodeAction, AppendInput, DecodeInput,
// AppendProfile, DecodeProfile, AppendScenario, DecodeScenario), and
// decoded strictly: an unknown or misplaced field is a *FieldError naming
// it. A scenario whose times are not whole milliseconds cannot be carried
// (CheckScenario) and is refused.
//
// Every wait of the runner is bounded: replies are read by a goroutine per
// process and handed over on a channel, on which the caller selects
// together with its context and a per-request timer (Options.Timeout);
// requests are written under a write deadline (or, on a writer that has
// none, by another goroutine the caller waits on the same way). Any failure (the process exits, misses the deadline,
// writes something that is not a valid reply, reports an action it could
// not have taken) is an *adapters.Error of kind crash, timeout or
// protocol; the process is then killed with its process group, and never
// reused.
package exec
