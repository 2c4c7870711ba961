package cluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/internal/podscript"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// Labels every object the adapter creates carries.
const (
	LabelRun       = "podconform.dev/run"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	ManagedBy      = "podconform"
	// LabelScenario holds a hash of the scenario's name (label values are
	// short); the annotation AnnotationScenario holds the name itself.
	LabelScenario      = "podconform.dev/scenario"
	AnnotationScenario = "podconform.dev/scenario"
)

// Observes is what the adapter reports: see the package documentation.
const Observes = properties.ObsRuns | properties.ObsStatus | properties.ObsRequests | properties.ObsEvents

// Lag is how late a real node's status shows a start or an exit: the PLEG
// relists every second and the status manager writes within about a
// second after it (measured on the local node; see
// docs/upstream-differences.md).
const Lag = 2 * time.Second

// Config says which cluster, namespace and node to run pods on.
type Config struct {
	// Kubeconfig and Context select the API server (Kubeconfig "": the
	// usual rules, $KUBECONFIG then ~/.kube/config).
	Kubeconfig, Context string
	// Namespace the pods go into; created (and labelled) if missing.
	Namespace string
	// Node is the node every pod is bound to (spec.nodeName): required,
	// the implementation under test is the one node.
	Node string
	// Image every container runs (podscript.DefaultImage if "").
	Image string
	// Run labels every object of this run (podconform.dev/run).
	Run string
	// Settle is how long the adapter keeps watching after the pod reached
	// a terminal phase (0: 3 s).
	Settle time.Duration
}

// Adapter runs scenarios on a cluster's node.
type Adapter struct {
	cfg    Config
	client kubernetes.Interface
	seq    atomic.Int64
	nsDone atomic.Bool
}

// New connects to the API server cfg names.
func New(cfg Config) (*Adapter, error) {
	if cfg.Node == "" {
		return nil, errors.New("cluster: --node is required: the node whose pods are checked")
	}
	cs, err := Client(cfg.Kubeconfig, cfg.Context)
	if err != nil {
		return nil, err
	}
	return NewWithClient(cfg, cs), nil
}

// Client connects to the API server a kubeconfig file ("": the usual
// rules, $KUBECONFIG then ~/.kube/config) and context ("": its current
// one) name.
func Client(kubeconfig, context string) (kubernetes.Interface, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		rules.ExplicitPath = kubeconfig
	}
	rc, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("cluster: kubeconfig: %w", err)
	}
	rc.QPS, rc.Burst = 50, 100
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	return cs, nil
}

// NewWithClient is New with a client of the caller's (tests).
func NewWithClient(cfg Config, c kubernetes.Interface) *Adapter {
	if cfg.Namespace == "" {
		cfg.Namespace = "podconform"
	}
	if cfg.Run == "" {
		cfg.Run = "podconform"
	}
	if cfg.Settle <= 0 {
		cfg.Settle = 3 * time.Second
	}
	return &Adapter{cfg: cfg, client: c}
}

// Info describes the adapter.
func (a *Adapter) Info() adapters.Info {
	// podscript turns every probe into an exec handler for the image's
	// shell: the kubelet treats them all as exec probes.
	return adapters.Info{Name: "cluster:" + a.cfg.Node, Mode: adapters.Autonomous, Observes: Observes, Lag: Lag, ExecProbes: true}
}

func (a *Adapter) labels() map[string]string {
	return map[string]string{LabelRun: a.cfg.Run, LabelManagedBy: ManagedBy}
}

// ensureNamespace creates the namespace if it is missing.
func (a *Adapter) ensureNamespace(ctx context.Context) error {
	if a.nsDone.Load() {
		return nil
	}
	_, err := a.client.CoreV1().Namespaces().Get(ctx, a.cfg.Namespace, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		ns := &v1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: a.cfg.Namespace, Labels: map[string]string{LabelManagedBy: ManagedBy}}}
		_, err = a.client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("namespace %s: %w", a.cfg.Namespace, err)
	}
	// The service account admission needs the namespace's default
	// service account, which the controller manager creates.
	for i := 0; i < 100; i++ {
		_, err = a.client.CoreV1().ServiceAccounts(a.cfg.Namespace).Get(ctx, "default", metav1.GetOptions{})
		if err == nil || !apierrors.IsNotFound(err) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	a.nsDone.Store(true)
	return nil
}

// podName is a unique pod name for one scenario.
func (a *Adapter) podName(scenario string) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d/%d", a.cfg.Run, scenario, a.seq.Add(1), time.Now().UnixNano())))
	return "pc-" + hex.EncodeToString(h[:6])
}

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

// Run runs s as a pod until it finishes or until has passed, and returns
// what the API server showed of it.
func (a *Adapter) Run(ctx context.Context, s *model.Scenario, until time.Duration) ([]model.Action, error) {
	name := a.podName(adapters.ScenarioName(ctx))
	labels := a.labels()
	labels[LabelScenario] = shortHash(adapters.ScenarioName(ctx))
	pod, err := podscript.Pod(s, podscript.Options{Image: a.cfg.Image, Name: name, Namespace: a.cfg.Namespace, Node: a.cfg.Node, Labels: labels})
	if err != nil {
		var ue *podscript.UnsupportedError
		if errors.As(err, &ue) {
			return nil, &adapters.Error{Kind: adapters.ErrKindUnsupported, Err: err}
		}
		return nil, adapters.Errorf(adapters.ErrKindRefused, "%v", err)
	}
	if pod.Annotations == nil {
		pod.Annotations = map[string]string{}
	}
	pod.Annotations[AnnotationScenario] = adapters.ScenarioName(ctx)
	// Fake nodes (KWOK) carry this taint; a real node does not, and the
	// toleration changes nothing of the lifecycle.
	pod.Spec.Tolerations = append(pod.Spec.Tolerations, v1.Toleration{Key: "kwok.x-k8s.io/node", Operator: v1.TolerationOpExists, Effect: v1.TaintEffectNoSchedule})
	no := false
	pod.Spec.AutomountServiceAccountToken = &no
	if err := a.ensureNamespace(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, adapters.Errorf(adapters.ErrKindStart, "%v", err)
	}
	r := &run{a: a, s: s, pod: pod, until: until}
	defer r.cleanup()
	return r.run(ctx)
}

// run is one scenario's pod.
type run struct {
	a       *Adapter
	s       *model.Scenario
	pod     *v1.Pod
	until   time.Duration
	created bool
	gone    bool
	// conds: the readiness gates' conditions this run set.
	conds map[v1.PodConditionType]v1.ConditionStatus
}

func (r *run) pods() interface {
	Create(context.Context, *v1.Pod, metav1.CreateOptions) (*v1.Pod, error)
	Delete(context.Context, string, metav1.DeleteOptions) error
	Watch(context.Context, metav1.ListOptions) (watch.Interface, error)
	List(context.Context, metav1.ListOptions) (*v1.PodList, error)
} {
	return r.a.client.CoreV1().Pods(r.a.cfg.Namespace)
}

// cleanup deletes the pod, whatever happened, with a context of its own
// (the run's may be cancelled).
func (r *run) cleanup() {
	if !r.created || r.gone {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	zero := int64(0)
	err := r.pods().Delete(ctx, r.pod.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	if err != nil && !apierrors.IsNotFound(err) {
		// Left for Cleanup (podconform-cluster cleanup), which deletes by
		// label.
		return
	}
}

// pendingEvent is one of the world's API requests, due at at: a delete,
// or a readiness gate's condition (cond).
type pendingEvent struct {
	at    time.Duration
	grace *int64
	force bool
	cond  *model.Event
}

func (r *run) deletes() []pendingEvent {
	var out []pendingEvent
	for i, ev := range r.s.Events {
		switch ev.Type {
		case model.EventDelete:
			out = append(out, pendingEvent{at: ev.At.Duration, grace: ev.GracePeriodSeconds})
		case model.EventForceDelete:
			out = append(out, pendingEvent{at: ev.At.Duration, force: true})
		case model.EventSetCondition:
			out = append(out, pendingEvent{at: ev.At.Duration, cond: &r.s.Events[i]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at < out[j].at })
	return out
}

// toWholeSecond waits for the next second of the wall clock to begin.
// The node's statuses carry whole seconds of the wall clock, and the
// kubelet counts a probe's initialDelaySeconds from the truncated
// startedAt of its status manager's copy (docs/upstream-differences.md
// 2.25); the model's virtual time begins at a whole second of its epoch
// and truncates the same way. A pod created at the start of a wall second
// puts the two grids on each other: created .6 s into a second, a start
// 0.8 s later is 0 s into the next one on the node and 0.8 s in the model,
// and an initial delay that ends near a second's turn ends a second later
// on the node, which moves the probe by a whole period.
func toWholeSecond(ctx context.Context) error {
	now := time.Now()
	t := time.NewTimer(now.Truncate(time.Second).Add(time.Second).Sub(now))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (r *run) run(ctx context.Context) ([]model.Action, error) {
	pods := r.pods()
	sel := fields.OneTermEqualSelector("metadata.name", r.pod.Name).String()
	list, err := pods.List(ctx, metav1.ListOptions{FieldSelector: sel})
	if err != nil {
		return nil, adapters.Errorf(adapters.ErrKindStart, "listing pods: %v", err)
	}
	w, err := pods.Watch(ctx, metav1.ListOptions{FieldSelector: sel, ResourceVersion: list.ResourceVersion})
	if err != nil {
		return nil, adapters.Errorf(adapters.ErrKindStart, "watching pods: %v", err)
	}
	defer func() { w.Stop() }()
	if err := toWholeSecond(ctx); err != nil {
		return nil, err
	}
	t0 := time.Now()
	created, err := pods.Create(ctx, r.pod, metav1.CreateOptions{})
	if err != nil {
		return nil, adapters.Errorf(adapters.ErrKindStart, "creating pod %s/%s: %v", r.pod.Namespace, r.pod.Name, err)
	}
	r.created = true
	o := newObserver(t0)
	o.uid = created.UID
	evs, err := r.watchEvents(ctx, created.UID)
	if err != nil {
		return nil, err
	}
	defer func() { evs.Stop() }()
	rewatch := 0
	dels := r.deletes()
	own := int64(30)
	if g := r.pod.Spec.TerminationGracePeriodSeconds; g != nil {
		own = *g
	}
	var graceNow int64 = -1 // the grace in force, once deleting
	// The deadline comes a little after the time limit, so that a delete
	// the world makes at the limit itself is sent; what arrives after the
	// limit is left out of the trace (observer.until).
	deadline := time.NewTimer(r.until + 500*time.Millisecond)
	defer deadline.Stop()
	var settle <-chan time.Time
	var next *time.Timer
	var nextC <-chan time.Time
	arm := func() {
		if next != nil {
			next.Stop()
			next, nextC = nil, nil
		}
		if len(dels) > 0 {
			next = time.NewTimer(time.Until(t0.Add(dels[0].at)))
			nextC = next.C
		}
	}
	arm()
	defer func() {
		if next != nil {
			next.Stop()
		}
	}()
	rv := list.ResourceVersion
	for {
		// A delete that is due goes first: a status read after its time
		// comes after it in the trace.
		if len(dels) > 0 && !time.Now().Before(t0.Add(dels[0].at)) {
			// (arm replaces the timer, fired or not.)
			if err := r.deleteDue(ctx, &dels, o, own, &graceNow); err != nil {
				return nil, err
			}
			arm()
			continue
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-deadline.C:
			return o.until(r.until), nil
		case <-settle:
			return o.until(r.until), nil
		case <-nextC:
			if err := r.deleteDue(ctx, &dels, o, own, &graceNow); err != nil {
				return nil, err
			}
			arm()
		case ev, ok := <-evs.ResultChan():
			if !ok || ev.Type == watch.Error {
				// The watch ended or expired: watch again from the
				// start (the observer reports each count once). A
				// server that ends every watch at once is an error.
				if rewatch++; rewatch > maxRewatch {
					return nil, adapters.Errorf(adapters.ErrKindCrash, "the watch of pod %s's events ended %d times in a row without delivering one", r.pod.Name, rewatch)
				}
				evs.Stop()
				if evs, err = r.watchEvents(ctx, created.UID); err != nil {
					return nil, err
				}
				continue
			}
			rewatch = 0
			if e, ok := ev.Object.(*v1.Event); ok && (ev.Type == watch.Added || ev.Type == watch.Modified) {
				o.event(e, time.Now())
			}
		case ev, ok := <-w.ResultChan():
			if !ok {
				// The watch ended (a server timeout): resume it.
				w2, err := pods.Watch(ctx, metav1.ListOptions{FieldSelector: sel, ResourceVersion: rv})
				if err != nil {
					return nil, adapters.Errorf(adapters.ErrKindCrash, "watching pod %s again: %v", r.pod.Name, err)
				}
				w = w2
				continue
			}
			now := time.Now()
			switch ev.Type {
			case watch.Added, watch.Modified:
				p, ok := ev.Object.(*v1.Pod)
				if !ok {
					continue
				}
				rv = p.ResourceVersion
				o.status(&p.Status, now)
				if (p.Status.Phase == v1.PodSucceeded || p.Status.Phase == v1.PodFailed) && settle == nil && p.DeletionTimestamp == nil && len(dels) == 0 {
					settle = time.After(r.a.cfg.Settle)
				}
			case watch.Deleted:
				if p, ok := ev.Object.(*v1.Pod); ok && p.UID != "" {
					o.status(&p.Status, now)
				}
				o.removed(now)
				r.gone = true
				return o.until(r.until), nil
			case watch.Error:
				st, _ := ev.Object.(*metav1.Status)
				if st != nil && st.Code == 410 {
					return nil, adapters.Errorf(adapters.ErrKindCrash, "the watch of pod %s expired (%s): statuses may have been missed", r.pod.Name, st.Message)
				}
				msg := "unknown"
				if st != nil {
					msg = st.Message
				}
				return nil, adapters.Errorf(adapters.ErrKindCrash, "watching pod %s: %s", r.pod.Name, msg)
			}
		}
	}
}

// maxRewatch bounds how often in a row the events watch may end without
// delivering an event.
const maxRewatch = 10

// watchEvents watches the events about the pod uid. Without a resource
// version the watch starts with every event that exists already.
func (r *run) watchEvents(ctx context.Context, uid types.UID) (watch.Interface, error) {
	sel := fields.OneTermEqualSelector("involvedObject.uid", string(uid)).String()
	w, err := r.a.client.CoreV1().Events(r.a.cfg.Namespace).Watch(ctx, metav1.ListOptions{FieldSelector: sel})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, adapters.Errorf(adapters.ErrKindStart, "watching the events of pod %s (the adapter needs list and watch on events): %v", r.pod.Name, err)
	}
	return w, nil
}

// deleteDue sends the world's next delete, due now, and notes it at its
// scripted time (the send is a few milliseconds late). graceNow is the
// grace in force (-1 before any delete): it only shrinks.
func (r *run) deleteDue(ctx context.Context, dels *[]pendingEvent, o *observer, own int64, graceNow *int64) error {
	d := (*dels)[0]
	*dels = (*dels)[1:]
	if d.cond != nil {
		return r.setCondition(ctx, d.cond)
	}
	grace, force := own, d.force
	if d.grace != nil {
		grace = *d.grace
	}
	if force || grace <= 0 {
		force, grace = true, 0
	}
	err := r.pods().Delete(ctx, r.pod.Name, metav1.DeleteOptions{GracePeriodSeconds: &grace})
	if apierrors.IsNotFound(err) {
		return nil // gone already: the model takes no delete either
	}
	if err != nil {
		return adapters.Errorf(adapters.ErrKindCrash, "deleting pod %s: %v", r.pod.Name, err)
	}
	if *graceNow >= 0 && grace >= *graceNow && !force {
		grace = *graceNow
	}
	*graceNow = grace
	o.deletedAt(d.at, grace, force)
	return nil
}

// setCondition is a controller's status patch of a readiness gate's
// condition (a SetCondition event), as `kubectl patch pod
// --subresource=status` sends it: a strategic merge of the one
// condition, whose lastTransitionTime is now. A patch that would not
// change the condition's status is not sent (the model sees no change
// either). The API object's change reaches the trace through the watch.
func (r *run) setCondition(ctx context.Context, ev *model.Event) error {
	if r.conds == nil {
		r.conds = map[v1.PodConditionType]v1.ConditionStatus{}
	}
	if r.conds[ev.ConditionType] == ev.Status {
		return nil
	}
	r.conds[ev.ConditionType] = ev.Status
	patch, err := json.Marshal(map[string]any{"status": map[string]any{"conditions": []v1.PodCondition{{
		Type: ev.ConditionType, Status: ev.Status, LastTransitionTime: metav1.Now(),
	}}}})
	if err != nil {
		return adapters.Errorf(adapters.ErrKindCrash, "encoding the condition patch: %v", err)
	}
	_, err = r.a.client.CoreV1().Pods(r.a.cfg.Namespace).Patch(ctx, r.pod.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status")
	if apierrors.IsNotFound(err) {
		return nil // gone already: the model's patch finds no object either
	}
	if err != nil {
		return adapters.Errorf(adapters.ErrKindCrash, "setting condition %s of pod %s to %s (the adapter needs patch on pods/status): %v", ev.ConditionType, r.pod.Name, ev.Status, err)
	}
	return nil
}

// Cleanup deletes every pod of run (every podconform pod if run is "") in
// the namespace, and the namespace itself when podconform created it and
// it holds nothing else. It returns how many pods it deleted.
func Cleanup(ctx context.Context, c kubernetes.Interface, namespace, run string) (int, error) {
	sel := LabelManagedBy + "=" + ManagedBy
	if run != "" {
		sel += "," + LabelRun + "=" + run
	}
	pods, err := c.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if apierrors.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	zero := int64(0)
	n := 0
	var errs []string
	for _, p := range pods.Items {
		err := c.CoreV1().Pods(namespace).Delete(ctx, p.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
		if err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, err.Error())
			continue
		}
		n++
	}
	if len(errs) > 0 {
		return n, errors.New(strings.Join(errs, "; "))
	}
	ns, err := c.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
	if err != nil || ns.Labels[LabelManagedBy] != ManagedBy {
		return n, nil
	}
	rest, err := c.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return n, err
	}
	for _, p := range rest.Items {
		if p.Labels[LabelManagedBy] != ManagedBy {
			return n, nil // someone else's pods: the namespace stays
		}
	}
	err = c.CoreV1().Namespaces().Delete(ctx, namespace, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		err = nil
	}
	return n, err
}
