package kubelet

import (
	"context"
	"reflect"
	"sync"
	"time"
	"unsafe"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/kubelet"
	"k8s.io/kubernetes/pkg/kubelet/cm"
	kubecontainer "k8s.io/kubernetes/pkg/kubelet/container"
	containertest "k8s.io/kubernetes/pkg/kubelet/container/testing"
	proberesults "k8s.io/kubernetes/pkg/kubelet/prober/results"
	"k8s.io/kubernetes/pkg/kubelet/status"
	kubetypes "k8s.io/kubernetes/pkg/kubelet/types"
)

// The pod's API status is generateAPIPodStatus's (kubelet_pods.go), from
// its parts: the unexported convertStatusToAPIStatus and getPhase are
// called through go:linkname on a Kubelet that has only what they use (a
// reason cache, the runtime, a container manager), and the conditions come
// from the exported generators of pkg/kubelet/status.

//go:linkname convertStatusToAPIStatus k8s.io/kubernetes/pkg/kubelet.(*Kubelet).convertStatusToAPIStatus
func convertStatusToAPIStatus(kl *kubelet.Kubelet, ctx context.Context, pod *v1.Pod, podStatus *kubecontainer.PodStatus, oldPodStatus v1.PodStatus) *v1.PodStatus

//go:linkname getPhase k8s.io/kubernetes/pkg/kubelet.getPhase
func getPhase(logger klog.Logger, pod *v1.Pod, info []v1.ContainerStatus, podIsTerminal, podHasInitialized bool) v1.PodPhase

// setField sets an unexported field of a struct through its address.
func setField(obj any, name string, val any) {
	f := reflect.ValueOf(obj).Elem().FieldByName(name)
	if !f.IsValid() {
		panic("kubelet adapter: Kubelet has no field " + name)
	}
	reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Set(reflect.ValueOf(val))
}

type statusGen struct {
	s       *sim
	kl      *kubelet.Kubelet
	reasons *kubelet.ReasonCache
	// mgr is the kubelet's status manager (pkg/kubelet/status), never
	// started: it keeps the pod's status as the kubelet would write it
	// to the API server, and the driver reads it there.
	mgr status.Manager

	mu        sync.Mutex
	published *v1.PodStatus // the last status in the trace (scenario clock)
	// wrotePos and wroteAt: where in the trace, and when, the status
	// manager's copy was last written.
	wrotePos int
	wroteAt  time.Duration
	// patching: the writes since the last generation (or flush) are all
	// probe patches; base, basePos and baseAt: the status those patches
	// patched, and where it was written, if it was written in this
	// instant before them.
	patching bool
	base     *v1.PodStatus
	basePos  int
	baseAt   time.Duration
}

// wrote notes that the status manager's copy was just written: the
// status, if it changed, goes at this point of the trace.
func (g *statusGen) wrote() {
	n := g.s.count()
	g.mu.Lock()
	g.wrotePos, g.wroteAt = n, g.s.now()
	g.patching, g.base = false, nil
	g.mu.Unlock()
	g.echo()
}

// patch is a probe result's write (SetContainerReadiness or
// SetContainerStartup). The first of a run of patches keeps the status it
// patches: flush publishes that one too, where it was written, so that the
// trace shows a generation and a patch of it apart, as the model does, and
// not as one status after the sync's later starts.
func (g *statusGen) patch(set func()) {
	g.mu.Lock()
	first := !g.patching
	g.mu.Unlock()
	var base *v1.PodStatus
	before, ok := g.mgr.GetPodStatus(g.s.pod.UID)
	if first && ok {
		base = &before
	}
	set()
	n := g.s.count()
	g.mu.Lock()
	if first {
		g.base, g.basePos, g.baseAt = base, g.wrotePos, g.wroteAt
	}
	g.patching = true
	g.wrotePos, g.wroteAt = n, g.s.now()
	g.mu.Unlock()
	if after, _ := g.mgr.GetPodStatus(g.s.pod.UID); !equality.Semantic.DeepEqual(before, after) {
		// A write that changed nothing sends the API server nothing.
		g.echo()
	}
}

func newStatusGen(s *sim) *statusGen {
	g := &statusGen{s: s, kl: &kubelet.Kubelet{}, reasons: kubelet.NewReasonCache()}
	setField(g.kl, "reasonCache", g.reasons)
	setField(g.kl, "containerRuntime", kubecontainer.Runtime(s.mgr))
	setField(g.kl, "containerManager", cm.ContainerManager(cm.NewFakeContainerManager()))
	g.mgr = status.NewManager(nil, podManager{s}, podSafety{s}, startupLatency{})
	return g
}

// generate is generateAPIPodStatus, and the status manager's SetPodStatus
// of the result (SyncPod and SyncTerminatingPod both write it).
func (g *statusGen) generate(ctx context.Context, ps *kubecontainer.PodStatus, podIsTerminal bool) *v1.PodStatus {
	pod := g.s.pod
	old, found := g.mgr.GetPodStatus(pod.UID)
	if !found {
		old = pod.Status
	}
	st := convertStatusToAPIStatus(g.kl, ctx, pod, ps, old)
	all := append(append([]v1.ContainerStatus{}, st.ContainerStatuses...), st.InitContainerStatuses...)
	st.Phase = getPhase(klog.FromContext(ctx), pod, all, podIsTerminal, kubecontainer.HasAnyActiveRegularContainerStarted(&pod.Spec, ps))
	if st.Phase != v1.PodFailed && st.Phase != v1.PodSucceeded && (old.Phase == v1.PodFailed || old.Phase == v1.PodSucceeded) {
		st.Phase = old.Phase
	}
	if st.Phase == old.Phase {
		st.Reason, st.Message = old.Reason, old.Message
	}
	g.s.prober.UpdatePodStatus(ctx, pod, st)
	// The conditions the kubelet does not own (readiness gates'), from
	// the pod object, first; then the kubelet's.
	st.Conditions = nil
	for _, c := range pod.Status.Conditions {
		if !kubetypes.PodConditionByKubelet(c.Type) {
			st.Conditions = append(st.Conditions, c)
		}
	}
	st.Conditions = append(st.Conditions, status.GeneratePodReadyToStartContainersCondition(pod, &old, ps))
	allc := append(append([]v1.ContainerStatus{}, st.InitContainerStatuses...), st.ContainerStatuses...)
	st.Conditions = append(st.Conditions, status.GeneratePodInitializedCondition(pod, &old, allc, st.Phase))
	st.Conditions = append(st.Conditions, status.GeneratePodReadyCondition(pod, &old, st.Conditions, allc, st.Phase))
	st.Conditions = append(st.Conditions, status.GenerateContainersReadyCondition(pod, &old, allc, st.Phase))
	st.Conditions = append(st.Conditions, v1.PodCondition{Type: v1.PodScheduled, Status: v1.ConditionTrue})
	before, _ := g.mgr.GetPodStatus(pod.UID)
	g.mgr.SetPodStatus(klog.FromContext(ctx), pod, *st)
	if after, _ := g.mgr.GetPodStatus(pod.UID); !found || !equality.Semantic.DeepEqual(before, after) {
		// The status manager took it (checkContainerStateTransition may
		// refuse it, and then its copy was not written here).
		g.wrote()
	}
	return st
}

// probeUpdate is the kubelet's sync loop on a readiness or startup result:
// the status manager's SetContainerReadiness or SetContainerStartup, then
// a sync (handleProbeSync).
func (g *statusGen) probeUpdate(u proberesults.Update, readiness bool) {
	g.s.turn("result/" + u.ContainerID.ID)
	logger := klog.Background()
	ok := u.Result == proberesults.Success
	g.patch(func() {
		if readiness {
			g.mgr.SetContainerReadiness(logger, u.PodUID, u.ContainerID, ok)
		} else {
			g.mgr.SetContainerStartup(logger, u.PodUID, u.ContainerID, ok)
		}
	})
	g.s.kick()
}

// runtimeHelper is the kubelet as the runtime manager calls it back: the
// upstream fake, but for OnPodSandboxReady.
type runtimeHelper struct {
	*containertest.FakeRuntimeHelper
	s *sim
}

// OnPodSandboxReady is the kubelet's (kubelet.go): the status manager's
// copy gets PodReadyToStartContainers=True as soon as the sandbox is up,
// while the sync goes on.
func (h runtimeHelper) OnPodSandboxReady(ctx context.Context, pod *v1.Pod) error {
	g := h.s.status
	st, ok := g.mgr.GetPodStatus(pod.UID)
	if !ok {
		st = pod.Status
	}
	c := st.DeepCopy()
	cond := v1.PodCondition{Type: v1.PodReadyToStartContainers, Status: v1.ConditionTrue}
	replaced := false
	for i := range c.Conditions {
		if c.Conditions[i].Type == cond.Type {
			c.Conditions[i], replaced = cond, true
		}
	}
	if !replaced {
		c.Conditions = append(c.Conditions, cond)
	}
	g.mgr.SetPodStatus(klog.FromContext(ctx), h.s.pod, *c)
	g.wrote()
	return nil
}

// terminated is SyncTerminatedPod's TerminatePod: every container without
// a terminated state is marked failed, and the phase made terminal.
func (g *statusGen) terminated() {
	g.mgr.TerminatePod(klog.Background(), g.s.pod)
	g.wrote()
}

// flush publishes the status manager's status if it changed. Only the
// driver calls it, at the end of an instant's moves (every goroutine
// blocked, nothing left to do): each instant shows the last status
// written in it, where it was written.
func (g *statusGen) flush() {
	st, ok := g.mgr.GetPodStatus(g.s.pod.UID)
	if !ok {
		return
	}
	// The API server's view: the status manager's write keeps the
	// object's conditions it does not own (mergePodStatus).
	st = g.s.apiView(st)
	// Compared as the trace shows it (whole seconds from the pod's
	// creation), so that a status that differs only below the second is
	// not a new one.
	out := g.s.toEpoch(&st)
	g.mu.Lock()
	base, basePos, baseAt := g.base, g.basePos, g.baseAt
	g.patching, g.base = false, nil
	if g.published != nil && equality.Semantic.DeepEqual(g.published, out) {
		g.mu.Unlock()
		return
	}
	pos, at := g.wrotePos, g.wroteAt
	if base != nil && baseAt == at {
		// A generation of this instant that probe results patched: it
		// goes first, where it was written.
		api := g.s.apiView(*base)
		if b := g.s.toEpoch(&api); !equality.Semantic.DeepEqual(g.published, b) && !equality.Semantic.DeepEqual(b, out) {
			g.published = b
			g.mu.Unlock()
			g.s.insertStatus(basePos, baseAt, b)
			pos++
			g.mu.Lock()
		}
	}
	g.published = out
	g.mu.Unlock()
	// The API server's copy reaches the pod object the kubelet holds
	// (the status manager's TerminatePod reads it there).
	g.s.pod.Status = *st.DeepCopy()
	// The status goes where it was written: it tells the state of that
	// moment (a sync writes the status it generated at its start, before
	// it starts containers).
	g.s.insertStatus(pos, at, out)
}

// proberStatus is the status manager as the prober's workers see it: a
// worker reads the pod's status when it is its turn, like every other
// move of the kubelet's goroutines here, so that a manual readiness run
// asked for by a status generation reads the status that generation
// wrote, on every run.
type proberStatus struct {
	status.Manager
	s *sim
}

func (p proberStatus) GetPodStatus(uid types.UID) (v1.PodStatus, bool) {
	p.s.turn("probe")
	return p.Manager.GetPodStatus(uid)
}

// podManager is the kubelet's pod manager as the status manager sees it:
// the one pod, no mirror pods.
type podManager struct{ s *sim }

func (m podManager) GetPodByUID(uid types.UID) (*v1.Pod, bool) {
	m.s.mu.Lock()
	removed := m.s.removed
	m.s.mu.Unlock()
	return m.s.pod, uid == m.s.pod.UID && !removed
}
func (podManager) GetMirrorPodByPod(*v1.Pod) (*v1.Pod, bool) { return nil, false }
func (podManager) TranslatePodUID(uid types.UID) kubetypes.ResolvedPodUID {
	return kubetypes.ResolvedPodUID(uid)
}
func (podManager) GetUIDTranslations() (map[kubetypes.ResolvedPodUID]kubetypes.MirrorPodUID, map[kubetypes.MirrorPodUID]kubetypes.ResolvedPodUID) {
	return map[kubetypes.ResolvedPodUID]kubetypes.MirrorPodUID{}, map[kubetypes.MirrorPodUID]kubetypes.ResolvedPodUID{}
}

// podSafety is the pod worker's answer to whether the pod may still have
// running containers.
type podSafety struct{ s *sim }

func (p podSafety) PodCouldHaveRunningContainers(*v1.Pod) bool {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	return !p.s.terminated
}

// startupLatency is the pod startup latency tracker (a metric): none.
type startupLatency struct{}

func (startupLatency) RecordStatusUpdated(*v1.Pod)     {}
func (startupLatency) DeletePodStartupState(types.UID) {}

// toEpoch moves a status's timestamps from the bubble's clock to the
// scenario's (virtual time 0 is the pod's creation).
func (s *sim) toEpoch(st *v1.PodStatus) *v1.PodStatus {
	c := st.DeepCopy()
	shift := func(t *metav1.Time) {
		if t != nil && !t.IsZero() {
			t.Time = s.epoch.Add(t.Time.Sub(s.t0)).Truncate(time.Second)
		}
	}
	shift(c.StartTime)
	for i := range c.Conditions {
		shift(&c.Conditions[i].LastTransitionTime)
		shift(&c.Conditions[i].LastProbeTime)
	}
	for _, list := range [][]v1.ContainerStatus{c.InitContainerStatuses, c.ContainerStatuses} {
		for i := range list {
			for _, cs := range []*v1.ContainerState{&list[i].State, &list[i].LastTerminationState} {
				if cs.Running != nil {
					shift(&cs.Running.StartedAt)
				}
				if cs.Terminated != nil {
					shift(&cs.Terminated.StartedAt)
					shift(&cs.Terminated.FinishedAt)
				}
			}
		}
	}
	return c
}
