// Package adapters connects podconform to implementations of the pod
// lifecycle other than the reference model, so that the runner can check
// them against it.
//
// An implementation is plugged in as one of two kinds of Adapter:
//
//   - Driven: the runner plays the world (container exits, probe answers,
//     hook completions, API deletes) and owns a virtual clock; the
//     implementation makes the kubelet's decisions and reports the actions
//     it took at each step, with its next timer. In-process code (package
//     adapters/model, the upstream kubelet) and programs speaking the exec
//     protocol (package adapters/exec, docs/adapter-protocol.md) are driven.
//   - Autonomous: the implementation runs a scenario by itself, in real
//     time, and returns a timestamped trace (a live cluster, say). The
//     runner then replays the world's script against that trace.
//
// Either declares in its Info which observables its traces report
// (properties.Observables): only those are compared, and only the
// invariants whose needs they cover are checked.
package adapters
