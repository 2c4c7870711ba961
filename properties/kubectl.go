package properties

import (
	"strconv"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
)

// kubectlStatusConsistent encodes docs/semantics.md §11: the printer walks
// the init statuses (§11.2: `Init:<reason>`, `Init:CrashLoopBackOff`,
// `Init:i/N`, started sidecars passed over), then the app statuses (§11.3),
// shows `Terminating` for a deleted pod (§11.4), and counts READY over app
// containers and sidecars (§11.5); what it shows must agree with the trace
// (§11.6).
func kubectlStatusConsistent() Property {
	return def("kubectl-status-consistent",
		"the kubectl READY and STATUS columns agree with the phase, the container states and the trace",
		`docs/semantics.md §11.2 to §11.6: STATUS from the init walk (Init:<reason>, Init:i/N), then the app containers' reasons or the phase, Terminating once deleted; READY over app containers and sidecars; all consistent with the trace (pkg/printers/internalversion/printers.go printPod)`,
		"For every Status, the checker renders the kubectl columns with model.Kubectl (printPod) on the pod (with a deletion timestamp once deleted) and checks them against the status and the trace: READY is ready/total with total = app containers + sidecars and ready = ready app containers + ready sidecars before the first init container that is not done; STATUS is Terminating exactly when deleted and not terminal; Succeeded shows an app container's terminated reason (Completed); Failed never shows Running or Terminating; a Pending, uninitialized pod with init containers shows Init:…; an initialized, undeleted pod with every init container done shows the first app container's waiting reason, or the phase when every app container runs; and a CrashLoopBackOff waiting reason needs a BackOff in the trace since that container's last exit.",
		func(t *tracker) rule { return newKubectlRule(t) })
}

// Exercised: a status (not a patch): its kubectl columns are checked.
type kubectlRule struct {
	nop
	judged
	t     *tracker
	pod   *v1.Pod // the context's pod, or a copy with a deletion timestamp
	epoch time.Time
	delTS metav1.Time
	at    time.Duration
}

func newKubectlRule(t *tracker) *kubectlRule {
	r := &kubectlRule{t: t, pod: t.pi.pod}
	r.epoch = t.pi.pod.CreationTimestamp.Time
	if r.epoch.IsZero() {
		r.epoch = model.DefaultEpoch
	}
	return r
}

// initDone reports whether init status st of spec position i is passed over
// by printPod's init walk: terminated with 0, or a started sidecar.
func (r *kubectlRule) initDone(i int, st *v1.ContainerStatus) bool {
	if t := st.State.Terminated; t != nil && t.ExitCode == 0 {
		return true
	}
	return i >= 0 && r.t.pi.kinds[i] == kindSidecar && st.Started != nil && *st.Started
}

func (r *kubectlRule) after(_ int, a *model.Action) string {
	if a.Kind != model.ActStatus || a.Status == nil || r.t.kb == kPatch {
		return ""
	}
	r.judge()
	t := r.t
	st := a.Status
	if t.deleted && r.pod == t.pi.pod {
		p := *t.pi.pod
		r.delTS = metav1.Time{Time: r.epoch.Add(t.delAt)}
		p.DeletionTimestamp = &r.delTS
		r.pod = &p
	}
	row := model.Kubectl(r.pod, st, r.epoch.Add(a.At))

	// READY
	total := len(t.pi.apps) + len(t.pi.sidecars)
	ready := 0
	allInitDone := true
	for k := range st.InitContainerStatuses {
		cs := &st.InitContainerStatuses[k]
		i := t.statusIdx(st, k)
		if !r.initDone(i, cs) {
			allInitDone = false
			break
		}
		if i >= 0 && t.pi.kinds[i] == kindSidecar && cs.Ready {
			ready++
		}
	}
	for k := range st.ContainerStatuses {
		if st.ContainerStatuses[k].Ready {
			ready++
		}
	}
	var buf [24]byte
	want := strconv.AppendInt(buf[:0], int64(ready), 10)
	want = append(want, '/')
	want = strconv.AppendInt(want, int64(total), 10)
	if row.Ready != string(want) {
		return sprintf("status at %v: kubectl READY is %s; the status has %s ready app containers and sidecars", a.At, row.Ready, want)
	}

	// STATUS
	terminal := st.Phase == v1.PodSucceeded || st.Phase == v1.PodFailed
	if t.deleted && !terminal {
		if row.Status != "Terminating" {
			return sprintf("status at %v: kubectl STATUS is %s for a deleted %s pod; want Terminating", a.At, row.Status, st.Phase)
		}
		return r.crashLoop(a)
	}
	if row.Status == "Terminating" {
		return sprintf("status at %v: kubectl STATUS is Terminating, but the pod is not deleted (or is %s)", a.At, st.Phase)
	}
	initialized := false
	if c := findCond(st.Conditions, v1.PodInitialized); c != nil && c.Status == v1.ConditionTrue {
		initialized = true
	}
	switch st.Phase {
	case v1.PodSucceeded:
		ok := false
		for k := range st.ContainerStatuses {
			if tt := st.ContainerStatuses[k].State.Terminated; tt != nil && tt.Reason == row.Status {
				ok = true
			}
		}
		if !ok {
			return sprintf("status at %v: the pod Succeeded, but kubectl STATUS is %s, no app container's terminated reason", a.At, row.Status)
		}
	case v1.PodFailed:
		if row.Status == "Running" || row.Status == "NotReady" {
			return sprintf("status at %v: the pod Failed, but kubectl STATUS is %s", a.At, row.Status)
		}
	case v1.PodPending:
		if !initialized && len(st.InitContainerStatuses) > 0 && !allInitDone && !strings.HasPrefix(row.Status, "Init:") {
			return sprintf("status at %v: Pending and not initialized, but kubectl STATUS is %s, not Init:…", a.At, row.Status)
		}
	}
	if initialized && allInitDone && !terminal {
		want := string(st.Phase)
		for k := range st.ContainerStatuses {
			cs := &st.ContainerStatuses[k]
			if w := cs.State.Waiting; w != nil && w.Reason != "" {
				want = w.Reason
				break
			}
			if cs.State.Terminated != nil {
				want = ""
				break
			}
		}
		if want != "" && row.Status != want {
			return sprintf("status at %v: kubectl STATUS is %s; the container states give %s", a.At, row.Status, want)
		}
	}
	return r.crashLoop(a)
}

// crashLoop checks that containers shown in CrashLoopBackOff are backed off
// in the trace.
func (r *kubectlRule) crashLoop(a *model.Action) string {
	r.at = a.At
	return r.t.forStatuses(a.Status, r, 0)
}

func (r *kubectlRule) check(i int, cs *v1.ContainerStatus) string {
	if w := cs.State.Waiting; w == nil || w.Reason != model.ReasonCrashLoopBackOff {
		return ""
	}
	if c := &r.t.c[i]; c.running || !c.boSeen {
		return sprintf("status at %v: %s is waiting in CrashLoopBackOff, but the trace shows no BackOff since its last exit (running=%v)", r.at, cs.Name, c.running)
	}
	return ""
}
