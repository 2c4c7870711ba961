package kubelet

import (
	"context"
	"reflect"
	"sync"
	"time"
	"unsafe"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/kubelet"
	"k8s.io/kubernetes/pkg/kubelet/cm"
	kubecontainer "k8s.io/kubernetes/pkg/kubelet/container"
	"k8s.io/kubernetes/pkg/kubelet/status"

	"github.com/podconform/podconform/model"
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

	mu      sync.Mutex
	last    *v1.PodStatus // the status manager's copy (last published)
	pending *v1.PodStatus // the latest generated, not yet published
	ps      *kubecontainer.PodStatus
	// readiness: a probe result changed; the driver regenerates.
	readiness bool
}

func newStatusGen(s *sim) *statusGen {
	g := &statusGen{s: s, kl: &kubelet.Kubelet{}, reasons: kubelet.NewReasonCache()}
	setField(g.kl, "reasonCache", g.reasons)
	setField(g.kl, "containerRuntime", kubecontainer.Runtime(s.mgr))
	setField(g.kl, "containerManager", cm.ContainerManager(cm.NewFakeContainerManager()))
	return g
}

// generate is generateAPIPodStatus.
func (g *statusGen) generate(ctx context.Context, ps *kubecontainer.PodStatus, podIsTerminal bool) *v1.PodStatus {
	g.mu.Lock()
	old := v1.PodStatus{}
	if g.last != nil {
		old = *g.last.DeepCopy()
	}
	g.ps = ps
	g.mu.Unlock()
	pod := g.s.pod
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
	st.Conditions = nil
	st.Conditions = append(st.Conditions, status.GeneratePodReadyToStartContainersCondition(pod, &old, ps))
	allc := append(append([]v1.ContainerStatus{}, st.InitContainerStatuses...), st.ContainerStatuses...)
	st.Conditions = append(st.Conditions, status.GeneratePodInitializedCondition(pod, &old, allc, st.Phase))
	st.Conditions = append(st.Conditions, status.GeneratePodReadyCondition(pod, &old, st.Conditions, allc, st.Phase))
	st.Conditions = append(st.Conditions, status.GenerateContainersReadyCondition(pod, &old, allc, st.Phase))
	st.Conditions = append(st.Conditions, v1.PodCondition{Type: v1.PodScheduled, Status: v1.ConditionTrue})
	if old.StartTime != nil {
		st.StartTime = old.StartTime
	} else {
		t := metav1.NewTime(time.Now())
		st.StartTime = &t
	}
	g.mu.Lock()
	g.pending = st
	g.readiness = false
	g.mu.Unlock()
	return st
}

// readinessChanged is the status manager's SetContainerReadiness: the
// next flush regenerates the status with the prober's results.
func (g *statusGen) readinessChanged() {
	g.mu.Lock()
	g.readiness = true
	g.mu.Unlock()
	g.s.wake()
}

// flush publishes the latest status if it changed. Only the driver calls
// it, when every goroutine is blocked, so the statuses of an instant come
// out in the same order on every run.
func (g *statusGen) flush() {
	g.mu.Lock()
	ps, regen := g.ps, g.readiness
	g.mu.Unlock()
	if regen && ps != nil {
		g.generate(context.Background(), ps, false)
	}
	g.s.mu.Lock()
	removed := g.s.removed
	g.s.mu.Unlock()
	g.mu.Lock()
	st := g.pending
	g.pending = nil
	if removed || st == nil || g.last != nil && model.StatusEqual(g.last, st) {
		// Nothing new, or the API object is gone and the status
		// manager has nowhere to write.
		g.mu.Unlock()
		return
	}
	g.last = st.DeepCopy()
	g.mu.Unlock()
	g.s.emit(model.Action{Kind: model.ActStatus, Status: g.s.toEpoch(st)})
}

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

// statusProvider is the status manager as the prober manager sees it: the
// pod's latest status, and the readiness and startup results it reports
// (the next generated status carries them).
type statusProvider struct {
	status.Manager // nil: the prober uses only the methods below
	s              *sim
}

func (p statusProvider) GetPodStatus(types.UID) (v1.PodStatus, bool) {
	g := p.s.status
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.last == nil {
		return v1.PodStatus{}, false
	}
	return *g.last.DeepCopy(), true
}

func (p statusProvider) SetContainerReadiness(klog.Logger, types.UID, kubecontainer.ContainerID, bool) {
}

func (p statusProvider) SetContainerStartup(klog.Logger, types.UID, kubecontainer.ContainerID, bool) {
}
