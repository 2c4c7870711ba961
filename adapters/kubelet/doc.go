// Package kubelet is the upstream kubelet as a podconform adapter: the real
// lifecycle code of Kubernetes v1.36.3 (k8s.io/kubernetes/pkg/kubelet/
// kuberuntime and the prober), driven in-process against a recording fake
// container runtime, in virtual time.
//
// It is an autonomous adapter: for each scenario it plays the world itself
// from the scenario's behaviour script (container exits, hook durations,
// probe answers, deletes), runs the kubelet's code against it, and returns
// the timestamped trace, which the runner checks like any other. Each
// scenario runs in its own testing/synctest bubble, so that the kubelet's
// own timers (time.After in the preStop hook runner, the prober's tickers,
// time.Now in the fake runtime) follow the virtual clock; see host.go.
//
// What runs upstream code, and what is the adapter's:
//
//   - Upstream: the runtime manager (NewKubeGenericRuntimeManager, SyncPod,
//     KillPod, GetPodStatus: which containers start, restart and stop, and
//     when; back-off; StopContainer timeouts; the preStop hook's budget and
//     the 2 s floor; sidecar termination order), the prober manager and its
//     workers (initial delays, periods, thresholds, manual readiness runs),
//     the status manager (SetPodStatus, SetContainerReadiness, TerminatePod),
//     the API container statuses (convertStatusToAPIStatus), the pod phase
//     (getPhase) and the pod conditions (pkg/kubelet/status/generate.go).
//   - The adapter's: the pod worker (pkg/kubelet/pod_workers.go) that
//     decides when to call SyncPod and KillPod: on admission, on every
//     container event, when a back-off ends, when a probe result changes,
//     and every minute; the effective grace period of a delete
//     (calculateEffectiveGracePeriod's rules), which, as in kubelet.go
//     (TODO(#113606)), never cancels the SyncPod or KillPod in progress;
//     the API server's part of a delete; and the container runtime, which
//     is the CRI fake of k8s.io/cri-api with a recorder around it.
//
// Hook and probe handlers (but tcpSocket hooks, which the kubelet fails
// itself) are run as exec handlers, so that the world decides their
// duration and answer through ExecSync. Goroutines of the kubelet's code
// that would act at the same instant take turns in a fixed order (turn in
// sim.go), so traces do not depend on the scheduler. See
// docs/upstream-differences.md for what the harness leaves out.
package kubelet
