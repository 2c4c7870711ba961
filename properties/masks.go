package properties

import "github.com/podconform/podconform/model"

// kmask is a set of action kinds: each rule says which kinds its before and
// after hooks look at, so that a suite calls it only for those.
type kmask uint16

const (
	kSandboxCreated kmask = 1 << iota
	kContainerCreated
	kContainerStarted
	kHookStarted
	kHookEnded
	kProbeResult
	kStopSignal
	kSIGKILL
	kContainerExited
	kBackOff
	kDeleteRequested
	kSandboxStopped
	kPodRemoved
	kStatus
	kPatch // a Status that is a patch of the previous one (patch.go)
	kOther

	kAll       = ^kmask(0)
	kNone      = kmask(0)
	kContainer = kContainerCreated | kContainerStarted | kHookStarted | kHookEnded | kProbeResult | kStopSignal | kSIGKILL | kContainerExited | kBackOff
)

func kindBit(k model.ActionKind) kmask {
	switch k {
	case model.ActSandboxCreated:
		return kSandboxCreated
	case model.ActContainerCreated:
		return kContainerCreated
	case model.ActContainerStarted:
		return kContainerStarted
	case model.ActHookStarted:
		return kHookStarted
	case model.ActHookEnded:
		return kHookEnded
	case model.ActProbeResult:
		return kProbeResult
	case model.ActStopSignal:
		return kStopSignal
	case model.ActSIGKILL:
		return kSIGKILL
	case model.ActContainerExited:
		return kContainerExited
	case model.ActBackOff:
		return kBackOff
	case model.ActDeleteRequested:
		return kDeleteRequested
	case model.ActSandboxStopped:
		return kSandboxStopped
	case model.ActPodRemoved:
		return kPodRemoved
	case model.ActStatus:
		return kStatus
	}
	return kOther
}

// masked is implemented by rules that look at some action kinds only.
type masked interface {
	masks() (before, after kmask)
}

func masksOf(r rule) (kmask, kmask) {
	if m, ok := r.(masked); ok {
		return m.masks()
	}
	return kAll, kAll
}

func (*exitAfterStartRule) masks() (kmask, kmask)  { return kContainer, kNone }
func (*statusChangesRule) masks() (kmask, kmask)   { return kStatus | kPatch, kNone }
func (*timeMonotoneRule) masks() (kmask, kmask)    { return kAll, kNone }
func (*initStrictOrderRule) masks() (kmask, kmask) { return kContainerStarted, kNone }
func (*appAfterInitRule) masks() (kmask, kmask)    { return kContainerStarted, kNone }
func (*sidecarGatingRule) masks() (kmask, kmask)   { return kContainerStarted, kNone }
func (*postStartNextRule) masks() (kmask, kmask)   { return kContainerStarted, kNone }
func (*noRestartDeletingRule) masks() (kmask, kmask) {
	return kContainerCreated | kContainerStarted, kNone
}
func (*neverRestartRule) masks() (kmask, kmask)    { return kContainerStarted, kNone }
func (*onFailureRule) masks() (kmask, kmask)       { return kContainerStarted, kNone }
func (*backoffCapRule) masks() (kmask, kmask)      { return kBackOff, kNone }
func (*noStartBackoffRule) masks() (kmask, kmask)  { return kContainerStarted, kNone }
func (*firstRestartRule) masks() (kmask, kmask)    { return kBackOff | kContainerStarted, kNone }
func (*backoffDoublingRule) masks() (kmask, kmask) { return kBackOff | kContainerStarted, kNone }
func (*backoffResetRule) masks() (kmask, kmask)    { return kBackOff | kContainerStarted, kNone }
func (*probePeriodRule) masks() (kmask, kmask)     { return kProbeResult, kNone }
func (*noProbeAfterExitRule) masks() (kmask, kmask) {
	return kProbeResult, kNone
}
func (*startupGatesRule) masks() (kmask, kmask)   { return kProbeResult, kNone }
func (*probesStopRule) masks() (kmask, kmask)     { return kProbeResult, kNone }
func (*readinessRule) masks() (kmask, kmask)      { return kNone, kStatus | kPatch }
func (*hookBracketingRule) masks() (kmask, kmask) { return kAll, kContainerExited }
func (*preStopFirstRule) masks() (kmask, kmask)   { return kStopSignal, kNone }
func (*preStopGraceRule) masks() (kmask, kmask)   { return kHookEnded | kStopSignal, kNone }
func (*graceShrinksRule) masks() (kmask, kmask)   { return kDeleteRequested, kNone }
func (*forceDeleteRule) masks() (kmask, kmask)    { return kAll, kDeleteRequested }
func (*stopFloorRule) masks() (kmask, kmask)      { return kStopSignal, kNone }
func (*stopExactRule) masks() (kmask, kmask)      { return kStopSignal, kNone }
func (*sigkillEarlyRule) masks() (kmask, kmask)   { return kSIGKILL, kNone }
func (*sidecarOrderRule) masks() (kmask, kmask) {
	return kAll, kContainerExited | kHookEnded | kDeleteRequested
}
func (*exitsReportedRule) masks() (kmask, kmask) {
	return kAll, kContainerStarted | kContainerExited | kPodRemoved
}
func (*podRemovedRule) masks() (kmask, kmask) { return kPodRemoved | kStatus | kPatch, kNone }
func (*sandboxRule) masks() (kmask, kmask) {
	return kContainerCreated | kContainerStarted | kSandboxCreated | kSandboxStopped, kNone
}
func (*terminalRule) masks() (kmask, kmask)        { return kAll, kAll }
func (*succeededRule) masks() (kmask, kmask)       { return kNone, kStatus }
func (*restartMonotoneRule) masks() (kmask, kmask) { return kNone, kStatus | kPatch }
func (*restartMatchesRule) masks() (kmask, kmask)  { return kNone, kStatus }
func (*readyStartedRule) masks() (kmask, kmask)    { return kNone, kStatus | kPatch }
func (*readyRunningRule) masks() (kmask, kmask)    { return kNone, kStatus | kPatch }
func (*startedFlagRule) masks() (kmask, kmask)     { return kNone, kStatus | kPatch }
func (*initializedRule) masks() (kmask, kmask) {
	return kStatus, kStatus | kPatch | kContainerStarted | kContainerExited | kHookEnded | kProbeResult | kStopSignal | kHookStarted | kDeleteRequested
}
func (*containersReadyRule) masks() (kmask, kmask) { return kNone, kStatus | kPatch }
func (*kubectlRule) masks() (kmask, kmask)         { return kNone, kStatus }
func (*stopHonouredRule) masks() (kmask, kmask)    { return kAll, kNone }
func (*sigkillLateRule) masks() (kmask, kmask)     { return kAll, kNone }
func (*unexplainedKillRule) masks() (kmask, kmask) { return kAll, kNone }
func (*neverInitFailRule) masks() (kmask, kmask)   { return kAll, kAll }
func (*probeKillRule) masks() (kmask, kmask)       { return kAll, kAll }
