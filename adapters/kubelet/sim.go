package kubelet

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"sync"
	"testing/synctest"
	"time"

	cadvisorapi "github.com/google/cadvisor/info/v1"
	"go.opentelemetry.io/otel/trace/noop"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/flowcontrol"
	critest "k8s.io/cri-api/pkg/apis/testing"
	"k8s.io/kubernetes/pkg/credentialprovider/plugin"
	"k8s.io/kubernetes/pkg/kubelet/cm"
	kubecontainer "k8s.io/kubernetes/pkg/kubelet/container"
	containertest "k8s.io/kubernetes/pkg/kubelet/container/testing"
	"k8s.io/kubernetes/pkg/kubelet/kuberuntime"
	"k8s.io/kubernetes/pkg/kubelet/logs"
	"k8s.io/kubernetes/pkg/kubelet/prober"
	proberesults "k8s.io/kubernetes/pkg/kubelet/prober/results"
	utilexec "k8s.io/utils/exec"
	"k8s.io/utils/ptr"

	"github.com/podconform/podconform/model"
)

// resyncInterval is the pod worker's periodic re-sync (the kubelet's
// syncFrequency default, without its jitter).
const resyncInterval = time.Minute

// maxSettle bounds the world's moves at one instant, and maxWakes the
// wake-ups of one scenario: beyond them the run is a runaway.
const (
	maxSettle = 10000
	maxWakes  = 200000
)

// sim is one scenario running on the kubelet's code inside a bubble.
type sim struct {
	scn   *model.Scenario
	pod   *v1.Pod // the pod as the kubelet sees it (handlers rewritten)
	until time.Duration
	t0    time.Time
	epoch time.Time
	root  string

	quit     chan struct{}
	activity chan struct{}
	kickCh   chan struct{}
	wg       sync.WaitGroup

	mu    sync.Mutex
	acts  []model.Action
	asks  []*ask
	turns []*waiter
	seen  int // actions shown to the world so far

	rt        *criRuntime
	mgr       kuberuntime.KubeGenericRuntime
	prober    prober.Manager
	liveness  proberesults.Manager
	readiness proberesults.Manager
	startup   proberesults.Manager
	backOff   *flowcontrol.Backoff
	status    *statusGen

	// Pod worker state, guarded by mu.
	deleting    bool
	apiGrace    int64 // the API server's deletion grace period
	killGrace   int64 // the pod worker's effective grace period (0: none yet)
	removed     bool
	terminating bool
	terminated  bool
	boNoted     map[string]time.Time
	// syncStatus: the runtime's pod status the SyncPod in progress works
	// on (doBackOff reads its exited instances).
	syncStatus *kubecontainer.PodStatus
	// boWake: the back-off end the pod worker's queue holds for each
	// container; a later refusal replaces it (basicWorkQueue.Enqueue
	// keeps one time per pod).
	boWake   map[string]time.Time
	crashErr error
	ended    bool
	// removePending: the pod is terminated and deleted; the driver
	// removes it after publishing its final status.
	removePending bool
	// probeCancel cancels the prober's workers' context (see Run and
	// delete).
	probeCancel context.CancelFunc
	// apiConds: the conditions a controller set in the API object (the
	// readiness gates'), in the order first set, in the bubble's time;
	// replaced, never written into (gates.go).
	apiConds []v1.PodCondition
}

// waiter is a goroutine of the kubelet's code (one of the parallel kills)
// waiting for its turn to call the runtime.
type waiter struct {
	key string
	go_ chan struct{}
}

// ask is a probe execution waiting for the world's answer.
type ask struct {
	in    *instance
	probe model.ProbeType
	reply chan bool
}

func newSim(scn *model.Scenario, pod *v1.Pod, until time.Duration, root string) *sim {
	s := &sim{
		scn:      scn,
		pod:      pod,
		until:    until,
		root:     root,
		quit:     make(chan struct{}),
		activity: make(chan struct{}, 1),
		kickCh:   make(chan struct{}, 1),
		boNoted:  map[string]time.Time{},
		boWake:   map[string]time.Time{},
	}
	s.epoch = scn.Pod.CreationTimestamp.Time
	if s.epoch.IsZero() {
		s.epoch = model.DefaultEpoch
	}
	s.epoch = s.epoch.Truncate(time.Second)
	return s
}

func (s *sim) now() time.Duration { return time.Since(s.t0) }

// emit records an action at the current virtual time and wakes the driver.
func (s *sim) emit(a model.Action) {
	s.mu.Lock()
	if s.ended {
		// The scenario is over: what the kubelet does while it is being
		// shut down is not part of the trace.
		s.mu.Unlock()
		return
	}
	a.At = s.now()
	s.acts = append(s.acts, a)
	s.mu.Unlock()
	s.wake()
}

// insertStatus records a status at position pos of the trace, at time
// at, unless the API object is gone: the status manager then has nowhere
// to write.
func (s *sim) insertStatus(pos int, at time.Duration, st *v1.PodStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended || s.removed {
		return
	}
	pos = min(pos, len(s.acts))
	s.acts = append(s.acts, model.Action{})
	copy(s.acts[pos+1:], s.acts[pos:])
	s.acts[pos] = model.Action{At: at, Kind: model.ActStatus, Status: st}
	if pos < s.seen {
		s.seen++
	}
}

func (s *sim) wake() {
	select {
	case s.activity <- struct{}{}:
	default:
	}
}

// kick asks the pod worker for a sync.
func (s *sim) kick() {
	select {
	case s.kickCh <- struct{}{}:
	default:
	}
}

func (s *sim) setup(ctx context.Context) error {
	s.rt = newRuntime(s)
	images := critest.NewFakeImageService()
	s.liveness = proberesults.NewManager()
	s.readiness = proberesults.NewManager()
	s.startup = proberesults.NewManager()
	rec := &recorder{sim: s}
	p := s.scn.Profile.WithDefaults()
	s.backOff = flowcontrol.NewBackOff(p.BackoffInitial.Duration, p.BackoffMax.Duration)
	reset := p.BackoffReset.Duration
	// kubelet.go: the crash-loop back-off of a container resets when it
	// last restarted more than 600 s before its latest exit.
	s.backOff.HasExpiredFunc = func(eventTime, lastUpdate time.Time, _ time.Duration) bool {
		return eventTime.Sub(lastUpdate) > reset
	}
	mgr, _, err := kuberuntime.NewKubeGenericRuntimeManager(
		ctx,
		rec,
		s.liveness, s.readiness, s.startup,
		s.root,
		s.root+"/logs",
		&cadvisorapi.MachineInfo{NumCores: 2, MemoryCapacity: 8 << 30},
		podState{s},
		110,
		&containertest.FakeOS{},
		runtimeHelper{&containertest.FakeRuntimeHelper{}, s},
		nil, // no HTTP hooks: handlers are rewritten to exec
		flowcontrol.NewBackOff(time.Second, 300*time.Second),
		false, // parallel image pulls: the serial puller keeps a goroutine forever
		nil,
		0, 0,
		"NeverVerify",
		nil,
		"", "",
		ptr.To(false),
		false,
		metav1.Duration{Duration: 100 * time.Millisecond},
		s.rt,
		images,
		cm.NewFakeContainerManager(),
		logs.NewStubContainerLogManager(),
		nil,
		false,
		"",
		func() v1.ResourceList { return nil },
		0.9,
		"",
		pullTimes{},
		noop.NewTracerProvider(),
		nil,
		plugin.GetServiceAccountFunc(nil),
		nil,
	)
	if err != nil {
		return fmt.Errorf("creating the kubelet's runtime manager: %w", err)
	}
	s.mgr = mgr
	s.status = newStatusGen(s)
	s.prober = prober.NewManager(proberStatus{s.status.mgr, s}, s.liveness, s.readiness, s.startup, mgr, rec)
	return nil
}

// podState is the runtime manager's view of the pod worker's state.
type podState struct{ s *sim }

func (p podState) IsPodTerminationRequested(types.UID) bool {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	return p.s.deleting || p.s.terminating
}
func (p podState) ShouldPodContentBeRemoved(types.UID) bool { return false }
func (p podState) ShouldPodRuntimeBeRemoved(types.UID) bool { return false }

// run plays the scenario and returns its trace.
func (s *sim) run() ([]model.Action, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := s.setup(ctx); err != nil {
		return nil, err
	}
	// The prober manager jitters its workers' first probe when the
	// kubelet has just started; the node has been up for an hour.
	time.Sleep(time.Hour)
	s.t0 = time.Now()
	s.pod.CreationTimestamp = metav1.NewTime(s.t0)

	s.goRun(func() { s.podWorker(ctx) })
	s.goRun(func() { s.watchResults(s.liveness, model.Liveness) })
	s.goRun(func() { s.watchResults(s.startup, model.Startup) })
	s.goRun(func() { s.watchResults(s.readiness, model.Readiness) })
	s.goRun(s.resync)
	// The kubelet hands its pod workers deep copies of the pod
	// (pkg/kubelet/config/config.go copyPods), and the prober keeps the
	// copy of the sync that created its workers: a later delete never
	// reaches a worker (docs/upstream-differences.md section 3.11).
	//
	// The workers run on the pod worker's context (Kubelet.SyncPod calls
	// AddPod(ctx, pod), and AddPod starts each worker with go w.run(ctx)),
	// which UpdatePod cancels when a delete makes the pod terminating
	// (pod_workers.go): see delete.
	probeCtx, probeCancel := context.WithCancel(ctx)
	defer probeCancel()
	s.probeCancel = probeCancel
	s.prober.AddPod(probeCtx, s.pod.DeepCopy())
	s.kick()

	w := model.NewScript(s.scn)
	var err error
loop:
	for wakes := 0; ; wakes++ {
		if wakes > maxWakes {
			err = fmt.Errorf("more than %d wake-ups by %v: a runaway", maxWakes, s.now())
			break
		}
		// Settle the current instant: let every goroutine block, show
		// the world what happened, and let it move.
		for n := 0; ; n++ {
			if n > maxSettle {
				err = fmt.Errorf("more than %d moves at %v: a runaway", maxSettle, s.now())
				break loop
			}
			synctest.Wait()
			select {
			case <-s.activity:
			default:
			}
			s.mu.Lock()
			if s.crashErr != nil {
				err = s.crashErr
				s.mu.Unlock()
				break loop
			}
			fresh := append([]model.Action(nil), s.acts[s.seen:]...)
			s.seen = len(s.acts)
			var a *ask
			if len(s.asks) > 0 {
				// The prober's workers ask in the scheduler's order:
				// answer by container and probe, so that every run
				// answers alike.
				a = takeLeast(&s.asks, func(a *ask) string { return a.in.name + "/" + string(a.probe) })
			}
			s.mu.Unlock()
			w.Observe(fresh)
			if a != nil {
				s.answer(w, a)
				continue
			}
			if s.grantTurn() {
				continue
			}
			s.mu.Lock()
			removal := s.removePending && !s.removed
			s.mu.Unlock()
			if removal {
				// The pod is terminated: its final status is written
				// and the API object goes before the world moves again.
				s.flush()
				continue
			}
			if wi, ok := w.Next(); ok && wi.At <= s.now() {
				w.Consume(wi)
				s.apply(ctx, wi)
				continue
			}
			// The instant is over: the status manager writes.
			if s.flush() {
				continue
			}
			break
		}
		now := s.now()
		wi, pending := w.Next()
		s.mu.Lock()
		over := s.terminated
		s.mu.Unlock()
		if now >= s.until || over && !pending {
			break
		}
		next := s.until
		if pending && wi.At < next {
			next = wi.At
		}
		t := time.NewTimer(next - now)
		select {
		case <-t.C:
		case <-s.activity:
			t.Stop()
			s.wake() // settle sees it
		}
	}
	s.mu.Lock()
	s.ended = true
	s.mu.Unlock()
	close(s.quit)
	s.prober.RemovePod(s.pod)
	cancel()
	s.wg.Wait()
	s.mu.Lock()
	acts := append([]model.Action(nil), s.acts...)
	s.mu.Unlock()
	canonicalOrder(acts)
	return acts, err
}

func (s *sim) goRun(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// turn blocks the calling goroutine until the driver lets it go on. The
// kubelet kills containers in parallel goroutines; making each take its
// turn at the runtime, in the order of key, gives every run of a scenario
// the same trace.
func (s *sim) turn(key string) {
	w := &waiter{key: key, go_: make(chan struct{})}
	s.mu.Lock()
	s.turns = append(s.turns, w)
	s.mu.Unlock()
	s.wake()
	select {
	case <-w.go_:
	case <-s.quit:
	}
}

// grantTurn lets the waiting goroutine with the least key go on.
func (s *sim) grantTurn() bool {
	s.mu.Lock()
	if len(s.turns) == 0 {
		s.mu.Unlock()
		return false
	}
	w := takeLeast(&s.turns, func(w *waiter) string { return w.key })
	s.mu.Unlock()
	close(w.go_)
	return true
}

// takeLeast removes and returns the element of a non-empty list with the
// least key.
func takeLeast[T any](list *[]T, key func(T) string) T {
	l := *list
	min := 0
	for i := range l {
		if key(l[i]) < key(l[min]) {
			min = i
		}
	}
	x := l[min]
	*list = append(l[:min], l[min+1:]...)
	return x
}

// flush is the status manager writing to the API server, at the end of
// an instant's moves (everything blocked): the latest status generated,
// if it changed, then the removal of a terminated, deleted pod.
func (s *sim) flush() bool {
	n := s.count()
	s.status.flush()
	s.mu.Lock()
	remove := s.removePending && !s.removed
	if remove {
		s.removed = true
		s.removePending = false
	}
	s.mu.Unlock()
	if remove {
		s.emit(model.Action{Kind: model.ActPodRemoved})
	}
	return s.count() != n
}

func (s *sim) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.acts)
}

// apply gives the kubelet one input of the world.
func (s *sim) apply(ctx context.Context, in model.Input) {
	switch in.Kind {
	case model.InExit:
		s.rt.exitCurrent(in.Container, in.ExitCode, in.OOMKilled)
	case model.InHookDone:
		s.rt.hookDone(in.Container, in.HookOK)
	case model.InDelete, model.InForceDelete:
		s.delete(in)
	case model.InSetCondition:
		s.setCondition(in)
	}
}

// delete is the API server's part of a delete, then the kubelet's.
func (s *sim) delete(in model.Input) {
	// Whether the pod worker is already terminating the pod on its own
	// (its status is terminal), read before taking s.mu: the status
	// manager calls back into the sim under its own lock.
	st, ok := s.status.mgr.GetPodStatus(s.pod.UID)
	ownEnd := ok && (st.Phase == v1.PodSucceeded || st.Phase == v1.PodFailed)
	s.mu.Lock()
	if s.removed {
		s.mu.Unlock()
		return
	}
	grace := in.Grace
	if grace < 0 {
		grace = podGrace(s.pod)
	}
	force := in.Kind == model.InForceDelete || grace == 0
	if force {
		grace = 0
	}
	if s.deleting && grace >= s.apiGrace && !force {
		// The API server keeps the shorter grace period.
		g := s.apiGrace
		s.mu.Unlock()
		s.emit(model.Action{Kind: model.ActDeleteRequested, Grace: g})
		return
	}
	first := !s.deleting
	if first && !ownEnd {
		// UpdatePod cancels the pod worker's context when the pod becomes
		// terminating: unless the pod worker is already terminating the
		// pod on its own, a delete does. The prober's workers run on it:
		// an exec probe errors from now on.
		s.probeCancel()
	}
	s.deleting = true
	s.apiGrace = grace
	if first {
		ts := metav1.NewTime(time.Now().Add(time.Duration(grace) * time.Second))
		s.pod.DeletionTimestamp = &ts
	}
	s.pod.DeletionGracePeriodSeconds = ptr.To(grace)
	terminated := s.terminated
	// UpdatePod (pod_workers.go) cancels the sync in progress when the pod
	// becomes terminating or its grace period is shortened, but the
	// cancellation never reaches the runtime (see syncOnce and terminate):
	// the sync or the kill in progress runs to its end, and the pod worker
	// terminates the pod after it, with the grace period in force then.
	s.mu.Unlock()
	s.emit(model.Action{Kind: model.ActDeleteRequested, Grace: grace, Force: force})
	switch {
	case force:
		s.mu.Lock()
		s.removed = true
		s.mu.Unlock()
		s.emit(model.Action{Kind: model.ActPodRemoved})
	case terminated:
		// The API server deletes at once a pod whose phase it holds as
		// terminal (CheckGracefulDelete); if the kubelet's terminal status
		// is not published yet, the status manager writes it, then
		// deletes the pod (canBeDeleted). Either way the status written in
		// this instant goes first, as every status the kubelet wrote
		// before the world moved: the driver removes the pod after the
		// flush.
		s.mu.Lock()
		s.removePending = true
		s.mu.Unlock()
	}
	s.kick()
}

func podGrace(pod *v1.Pod) int64 {
	if g := pod.Spec.TerminationGracePeriodSeconds; g != nil {
		return *g
	}
	return v1.DefaultTerminationGracePeriodSeconds
}

// effectiveGraceLocked is calculateEffectiveGracePeriod (pod_workers.go):
// the API server's deletion grace period only shortens the one in force,
// the pod's own applies when there is none, and it is never below 1.
func (s *sim) effectiveGraceLocked() int64 {
	g := s.killGrace
	overridden := false
	if d := s.pod.DeletionGracePeriodSeconds; d != nil && (g == 0 || *d < g) {
		g, overridden = *d, true
	}
	if !overridden && g == 0 {
		g = podGrace(s.pod)
	}
	if g < 1 {
		g = 1
	}
	return g
}

// answer gives a waiting probe the world's answer.
func (s *sim) answer(w *model.Script, a *ask) {
	in := w.ProbeAnswer(s.now(), a.in.name, a.probe)
	res := model.ResultFailure
	if in.Success {
		res = model.ResultSuccess
	}
	s.emit(model.Action{Kind: model.ActProbeResult, Container: a.in.name, Attempt: a.in.attempt, Probe: a.probe, Result: res})
	a.reply <- in.Success
}

// probe is a probe execution (from an upstream prober worker) asking the
// world.
func (s *sim) probe(ctx context.Context, in *instance, p model.ProbeType) error {
	a := &ask{in: in, probe: p, reply: make(chan bool, 1)}
	s.mu.Lock()
	s.asks = append(s.asks, a)
	s.mu.Unlock()
	s.wake()
	select {
	case ok := <-a.reply:
		if !ok {
			return utilexec.CodeExitError{Err: errors.New("probe failed"), Code: 1}
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.quit:
		return context.Canceled
	}
}

// watchResults is the kubelet's sync loop reading a probe result manager:
// a liveness change causes a sync; a readiness or startup change reaches
// the status manager, then causes a sync (probeUpdate).
func (s *sim) watchResults(m proberesults.Manager, kind model.ProbeType) {
	for {
		select {
		case u := <-m.Updates():
			switch kind {
			case model.Liveness:
				// syncLoopIteration handles only liveness failures.
				if u.Result == proberesults.Failure {
					s.kick()
				}
			default:
				s.status.probeUpdate(u, kind == model.Readiness)
			}
		case <-s.quit:
			return
		}
	}
}

func (s *sim) resync() {
	t := time.NewTicker(resyncInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.kick()
		case <-s.quit:
			return
		}
	}
}

// podWorker is the pod worker: one sync at a time.
func (s *sim) podWorker(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.mu.Lock()
			s.crashErr = fmt.Errorf("the kubelet's code panicked: %v\n%s", r, debug.Stack())
			s.mu.Unlock()
			s.wake()
		}
	}()
	for {
		select {
		case <-s.kickCh:
		case <-s.quit:
			return
		}
		// A sync starts when nothing else runs, like every other move of
		// the kubelet's goroutines here (see turn).
		s.turn("sync")
		// Kicks that came while waiting for the turn are this sync's.
		select {
		case <-s.kickCh:
		default:
		}
		s.syncOnce(ctx)
	}
}

// podStatus is what the PLEG's relist gives the pod worker: the runtime's
// view of the pod (GetPods), then its status (GetPodStatus).
func (s *sim) podStatus(ctx context.Context) (*kubecontainer.PodStatus, error) {
	ref := &kubecontainer.Pod{ID: s.pod.UID, Name: s.pod.Name, Namespace: s.pod.Namespace}
	pods, err := s.mgr.GetPods(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, p := range pods {
		if p.ID == s.pod.UID {
			ref = p
		}
	}
	return s.mgr.GetPodStatus(ctx, ref)
}

func (s *sim) syncOnce(ctx context.Context) {
	s.mu.Lock()
	if s.terminated {
		s.mu.Unlock()
		return
	}
	deleting := s.deleting
	// The pod object this sync works on: the pod worker's update carries
	// its own copy (the kubelet's config hands out a deep copy per update,
	// pkg/kubelet/config/config.go), so a delete during the sync does not
	// reach it: a kill inside this SyncPod after the delete (a failed
	// postStart hook) still gets setTerminationGracePeriod's grace from a
	// pod with no deletion grace period.
	pod := s.pod.DeepCopy()
	s.mu.Unlock()
	ps, err := s.podStatus(ctx)
	if err != nil {
		return
	}
	// generateAPIPodStatus at the start of the sync. The status is
	// published by the driver once the instant has settled (see flush).
	st := s.status.generate(ctx, ps, false)
	if deleting || st.Phase == v1.PodSucceeded || st.Phase == v1.PodFailed {
		s.terminate(ctx, ps)
		return
	}
	// Kubelet.SyncPod (kubelet.go) hands the runtime's SyncPod
	// context.WithoutCancel(ctx) (TODO(#113606)): a delete does not cancel
	// the sync in progress (a postStart hook, a kill, the starts after it).
	s.mu.Lock()
	s.syncStatus = ps
	s.mu.Unlock()
	result := s.mgr.SyncPod(context.WithoutCancel(ctx), pod, ps, nil, s.backOff, false)
	s.status.reasons.Update(s.pod.UID, result)
	// The sync's end, when everything else is still: the prober's
	// workers have taken the readiness runs the sync asked for.
	s.turn("sync-end")
	if ps2, err := s.podStatus(ctx); err == nil {
		s.status.generate(ctx, ps2, false)
	}
}

// backedOff reports a refused restart (once per exit) when doBackOff
// refuses it, from its BackOffStartContainer event: SyncPod goes on after
// the refusal (a postStart hook of a later container may run in the same
// sync), so its result comes too late. As the pod worker does with the
// refusal's back-off time (MinBackoffExpiration), it syncs again when the
// back-off ends. That time is doBackOff's: the finishedAt of the newest
// exited instance in the pod status the sync started with (an instance the
// sync itself killed is not in it), plus the delay.
func (s *sim) backedOff(name string) {
	c := containerSpec(s.pod, name)
	s.mu.Lock()
	ps := s.syncStatus
	s.mu.Unlock()
	if c == nil || ps == nil {
		return
	}
	var exited *kubecontainer.Status
	for _, cs := range ps.ContainerStatuses {
		if cs.Name == name && cs.State == kubecontainer.ContainerStateExited {
			exited = cs
			break
		}
	}
	if exited == nil {
		return
	}
	delay := s.backOff.Get(kuberuntime.GetBackoffKey(s.pod, c))
	until := exited.FinishedAt.Add(delay)
	s.mu.Lock()
	noted := s.boNoted[name].Equal(until)
	s.boNoted[name] = until
	s.mu.Unlock()
	if noted {
		return
	}
	attempt := 0
	if in := s.rt.instanceOf(name); in != nil {
		attempt = in.attempt
	}
	d := max(time.Until(until), 0)
	s.emit(model.Action{Kind: model.ActBackOff, Container: name, Attempt: attempt, Wait: d, Delay: delay})
	s.mu.Lock()
	s.boWake[name] = until
	s.mu.Unlock()
	s.goRun(func() {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			s.mu.Lock()
			current := s.boWake[name].Equal(until)
			s.mu.Unlock()
			if current {
				s.kick()
			}
		case <-s.quit:
		}
	})
}

// terminate is SyncTerminatingPod: stop everything with the effective
// grace period, then the pod is terminated (SyncTerminatedPod) and, if
// deleted, removed. SyncTerminatingPod (kubelet.go) replaces the pod
// worker's context with context.TODO() (TODO(#113606)): a later, shorter
// grace period changes nothing in the KillPod in progress (kubernetes#127339).
// A KillPod that fails is run again, as the pod worker retries a sync that
// returned an error.
func (s *sim) terminate(ctx context.Context, ps *kubecontainer.PodStatus) {
	for {
		s.mu.Lock()
		if !s.terminating {
			s.terminating = true
			s.mu.Unlock()
			s.prober.StopLivenessAndStartup(s.pod)
			s.mu.Lock()
		}
		// A pod that ended by itself is terminated with no grace override:
		// completeSync (pod_workers.go) replays the last sync's update,
		// whose KillPodOptions are nil, so SyncTerminatingPod passes nil
		// and killContainer takes the pod's own grace period, with no 1 s
		// floor. A delete sets the override (UpdatePod).
		var override *int64
		if s.deleting || s.killGrace != 0 {
			grace := s.effectiveGraceLocked()
			s.killGrace = grace
			override = &grace
		}
		pod := s.pod.DeepCopy() // the update's own copy, as in syncOnce
		s.mu.Unlock()
		running := kubecontainer.ConvertPodStatusToRunningPod(s.mgr.Type(), ps)
		err := s.mgr.KillPod(context.WithoutCancel(ctx), pod, running, override)
		select {
		case <-s.quit:
			return
		default:
		}
		if err == nil {
			break
		}
		var gerr error
		ps, gerr = s.podStatus(ctx)
		if gerr != nil {
			return
		}
	}
	// SyncTerminatingPod: the prober's workers go (RemovePod) before the
	// final status is generated.
	s.prober.RemovePod(s.pod)
	s.turn("sync-end")
	if ps, err := s.podStatus(ctx); err == nil {
		s.status.generate(ctx, ps, true)
	}
	s.status.terminated()
	s.mu.Lock()
	s.terminated = true
	deleting, removed := s.deleting, s.removed
	s.mu.Unlock()
	if deleting && !removed {
		// The status manager writes the final status, then the API
		// object goes (the driver does both, in that order).
		s.mu.Lock()
		s.removePending = true
		s.mu.Unlock()
	}
	s.wake()
}

func containerSpec(pod *v1.Pod, name string) *v1.Container {
	for i := range pod.Spec.InitContainers {
		if pod.Spec.InitContainers[i].Name == name {
			return &pod.Spec.InitContainers[i]
		}
	}
	for i := range pod.Spec.Containers {
		if pod.Spec.Containers[i].Name == name {
			return &pod.Spec.Containers[i]
		}
	}
	return nil
}

// canonicalOrder sorts, within one instant, runs of actions of the same
// kind by container: the kubelet stops containers in parallel goroutines,
// so their order at one instant is the scheduler's.
func canonicalOrder(acts []model.Action) {
	for i := 0; i < len(acts); {
		j := i + 1
		for j < len(acts) && acts[j].At == acts[i].At && acts[j].Kind == acts[i].Kind {
			j++
		}
		run := acts[i:j]
		sort.SliceStable(run, func(a, b int) bool { return run[a].Container < run[b].Container })
		i = j
	}
}

// pullTimes is the image pulling time recorder (a metric): none.
type pullTimes struct{}

func (pullTimes) RecordImageStartedPulling(types.UID)  {}
func (pullTimes) RecordImageFinishedPulling(types.UID) {}
