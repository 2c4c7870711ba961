package kubelet

import (
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/record"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/kubelet/events"

	"github.com/podconform/podconform/model"
)

// recorder is the kubelet's event recorder. Events are not part of the
// trace, with two exceptions: a hook whose handler the adapter leaves to
// the kubelet (tcpSocket, which the kubelet fails at once) shows only as
// its FailedPostStartHook or FailedPreStopHook event, and doBackOff's
// refusal is reported from its BackOffStartContainer event, when it
// happens.
type recorder struct{ sim *sim }

var _ record.EventRecorderLogger = (*recorder)(nil)

func (r *recorder) Event(obj runtime.Object, eventtype, reason, message string) {
	r.note(obj, reason)
}
func (r *recorder) Eventf(obj runtime.Object, eventtype, reason, format string, args ...any) {
	r.note(obj, reason)
}
func (r *recorder) AnnotatedEventf(obj runtime.Object, _ map[string]string, eventtype, reason, format string, args ...any) {
	r.note(obj, reason)
}
func (r *recorder) WithLogger(klog.Logger) record.EventRecorderLogger { return r }

func (r *recorder) note(obj runtime.Object, reason string) {
	var hook string
	switch reason {
	case events.BackOffStartContainer:
		if ref, ok := obj.(*v1.ObjectReference); ok {
			r.sim.backedOff(containerOfFieldPath(ref.FieldPath))
		}
		return
	case events.FailedPostStartHook:
		hook = model.HookPostStart
	case events.FailedPreStopHook:
		hook = model.HookPreStop
	default:
		return
	}
	ref, ok := obj.(*v1.ObjectReference)
	if !ok {
		return
	}
	name := containerOfFieldPath(ref.FieldPath)
	c := containerSpec(r.sim.pod, name)
	if c == nil || c.Lifecycle == nil {
		return
	}
	h := c.Lifecycle.PostStart
	if hook == model.HookPreStop {
		h = c.Lifecycle.PreStop
	}
	if h == nil || h.Exec != nil {
		return // run through ExecSync, where it is recorded
	}
	// A hook in a container that is not running fails without running
	// (runHook does the same for exec hooks, unrecorded): killContainer
	// runs preStop even for an instance that already exited.
	if in := r.sim.rt.runningInstance(name); in != nil {
		r.sim.emit(model.Action{Kind: model.ActHookStarted, Container: name, Attempt: in.attempt, Hook: hook})
		r.sim.emit(model.Action{Kind: model.ActHookEnded, Container: name, Attempt: in.attempt, Hook: hook, Result: model.ResultFailed})
	}
}

// containerOfFieldPath returns NAME of "spec.containers{NAME}" or
// "spec.initContainers{NAME}".
func containerOfFieldPath(p string) string {
	i := strings.IndexByte(p, '{')
	if i < 0 || !strings.HasSuffix(p, "}") {
		return ""
	}
	return p[i+1 : len(p)-1]
}
