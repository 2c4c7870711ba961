// Package gen holds rapid generators of valid podconform scenarios: pods,
// behaviour scripts, external events and profiles. Every document Scenario
// generates passes (*scenario.Document).Validate, the validation user
// input gets, and survives Marshal and Parse unchanged.
//
// # API
//
//	type Knobs struct{ MaxInit, MaxSidecars, MaxApps, MaxAttempts, MaxEvents int; Probes, Hooks, RestartRules, VaryProfile, LongRuns bool }
//	func DefaultKnobs() Knobs                    // 2/2/2 containers, 4 attempts, 2 events, everything on
//	func Scenario(k Knobs) *rapid.Generator[*scenario.Document]
//	func Draw(t *rapid.T, label string, k Knobs) *scenario.Document  // logs the draw as YAML
//	func Pod(k Knobs) *rapid.Generator[v1.Pod]
//	func Behaviour(pod *v1.Pod, k Knobs) *rapid.Generator[model.Behaviour]
//	func Events(pod *v1.Pod, k Knobs) *rapid.Generator[[]model.Event]
//	func Profile(k Knobs) *rapid.Generator[model.Profile]
//	func Size(d *scenario.Document) (containers, events int)
//	func Until(d *scenario.Document) time.Duration  // a run limit for d
//
// A property over scenarios reads
//
//	rapid.Check(t, func(t *rapid.T) {
//		d := gen.Draw(t, "scenario", gen.DefaultKnobs())
//		trace, err := model.Run(d.Model(), gen.Until(d))
//		...
//	})
//
// and, when it fails, rapid prints the shrunk scenario as a scenario file.
//
// # What is generated
//
// Containers are named init-a, init-b (regular init containers), side-a,
// side-b (sidecars: init containers with restartPolicy Always, placed
// before, between or after the regular ones) and app-a, app-b; the image
// is busybox, the pod is "pod" and the scenario "generated".
//
//   - Pod: restartPolicy (unset = Always, OnFailure, Never),
//     terminationGracePeriodSeconds (unset, 0, 1, 2, 3, 5, 10, 60).
//   - Probes (Probes), on sidecars and app containers: startup, liveness,
//     readiness, with an exec, httpGet, tcpSocket or grpc handler,
//     initialDelaySeconds, periodSeconds, timeoutSeconds,
//     successThreshold (readiness: 2 or 3), failureThreshold and, for
//     liveness and startup, terminationGracePeriodSeconds.
//   - Hooks (Hooks): postStart and preStop with an exec, sleep (seconds
//     within the grace period), httpGet or tcpSocket handler.
//   - Restart rules (RestartRules, app containers, when the profile's gate
//     is on): a container restartPolicy, and up to 2 rules, action
//     Restart, exit codes In or NotIn one or two of 0, 1, 2, 42, 137.
//   - Behaviour, per container: attempts shaped as nothing (the
//     defaults), a crash loop (one attempt that fails within 0-30 s,
//     repeated for ever), a list of up to MaxAttempts attempts (runs
//     until killed, or exits 0, 1, 2, 42, 137, 255, by signal 6, 9, 11,
//     15, or OOMKilled, after 0 s to 2 m, and with LongRuns 599 s, 601 s,
//     11 m), or with LongRuns a long crash loop (8 to 12 quick failures,
//     then a 599 s, 601 s or 11 m run, then usually quick failures
//     again); an attempt may carry its own conduct. Conduct: probe
//     scripts as failure windows (a probe fails, or answers at, past or
//     just within its timeout, from some time after the start, for a
//     while or for ever); postStart scripts (durations, failure); preStop
//     scripts (durations up to twice the grace period and beyond, and
//     failure); onStopSignal (exit after a while with a code, exit at
//     once with a code, or ignore).
//   - Events: up to MaxEvents deletes (grace unset, 0, 1, 2, 5, 10, 30,
//     60) and force deletes; the first at 0 s to 5 m (11 m with
//     LongRuns), each later one 0 s to 1 m after the one before.
//   - Profile (VaryProfile): backoffInitial, backoffMax (kept >= the
//     initial delay), backoffReset, minimumGracePeriodSeconds and the
//     containerRestartRules gate.
//
// Choices are weighted so that the situations worth testing are common in
// small scenarios (see TestCoverage for the fractions): crash loops, init
// containers that fail, probes that fail, hooks that overrun the grace
// period, a second delete soon after the first, often while a preStop
// hook runs (containers with a preStop hook run until killed more often).
//
// # Shrinking
//
// rapid shrinks the bits it drew, group by group: it removes groups (a
// list element, one draw) and lowers values towards 0. The generators are
// written so that this makes scenarios simpler and keeps them readable:
//
//   - Every choice is drawn from a table whose first option is the
//     plainest (absent, default, shortest, exit code 1, 0 s), with fair
//     bits (rapid.Bool), most significant first, so lowering the bits walks
//     the choice towards that option. (rapid's integers are biased towards
//     small values, which would skew the weights.)
//   - Optional parts are behind a "has" choice that shrinks to absent; the
//     lists (containers, attempts, failure windows, events) shrink towards
//     their minimum (0, or 1 app container), one whole element at a time.
//   - A container is drawn together with its behaviour, so removing it
//     removes its script; names are given by position afterwards.
//   - What a draw consumes depends on the knobs and on the container
//     itself, not on earlier choices elsewhere: a sidecar's position is
//     drawn from a table sized by MaxInit, not by the number of regular
//     init containers; sleep seconds are clamped to the grace period
//     rather than drawn from a shorter table; restart rules and profile
//     values are drawn even when the gate or "profile varied" is off, then
//     dropped; each event draws both a first time and a later gap. So the
//     shrinker can remove or change one part without moving every draw
//     after it.
//
// The shrink tests pin the results: "no scenario has a sidecar and a
// force delete" shrinks to one sidecar, one app container and a force
// delete at 0 s, and nothing else.
package gen
