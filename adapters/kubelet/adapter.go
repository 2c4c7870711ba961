package kubelet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/go-logr/logr"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/klog/v2"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// UpstreamVersion is the Kubernetes release whose kubelet code this module
// builds (go.mod pins k8s.io/kubernetes to it).
const UpstreamVersion = "v1.36.3"

// Observes is what the adapter's traces report. Everything the kubelet
// decides is observed; kubectl's status column is not (kubectl's printer
// is not linked in).
const Observes = properties.ObsActions | properties.ObsHooks | properties.ObsProbes |
	properties.ObsBackOff | properties.ObsRequests | properties.ObsContainerStatuses |
	properties.ObsPhase | properties.ObsConditions

// Adapter runs scenarios on the upstream kubelet's code.
type Adapter struct{}

// New returns the adapter.
func New() *Adapter { return &Adapter{} }

// Info describes the adapter. Every probe runs as an exec handler that
// asks the world (runtime.go), so the runner checks the adapter against
// the model of exec probes (adapters.Info.ExecProbes).
func (*Adapter) Info() adapters.Info {
	return adapters.Info{Name: "kubelet", Version: UpstreamVersion, Mode: adapters.Autonomous, Observes: Observes, ExecProbes: true}
}

// Run runs scenario s on the kubelet's code until the pod is terminated or
// virtual time until, and returns the trace.
func (a *Adapter) Run(ctx context.Context, s *model.Scenario, until time.Duration) ([]model.Action, error) {
	quietOnce.Do(quiet)
	if err := Supported(s); err != nil {
		return nil, adapters.Errorf(adapters.ErrKindRefused, "%v", err)
	}
	root, err := os.MkdirTemp("", "podconform-kubelet-")
	if err != nil {
		return nil, adapters.Errorf(adapters.ErrKindStart, "%v", err)
	}
	defer os.RemoveAll(root)
	pod := kubeletPod(s)
	type result struct {
		acts []model.Action
		err  error
	}
	done := make(chan result, 1)
	name := adapters.ScenarioName(ctx)
	if name == "" {
		name = s.Pod.Name
	}
	runInBubble(name, func() {
		sm := newSim(s, pod, until, root)
		acts, err := sm.run()
		done <- result{acts, err}
	})
	select {
	case r := <-done:
		if r.err != nil {
			return r.acts, adapters.Errorf(adapters.ErrKindCrash, "%v", r.err)
		}
		return r.acts, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

var quietOnce sync.Once

// quiet sends the kubelet's logs (klog, at its default verbosity, logs
// every container it creates) nowhere, and drops HandleError's global rate
// limit: it sleeps for the time since the last error, which across
// bubbles' clocks can be decades.
func quiet() {
	klog.SetLogger(logr.Discard())
	utilruntime.ErrorHandlers = []utilruntime.ErrorHandler{func(context.Context, error, string, ...any) {}}
}

// Supported says why the adapter cannot run s, if it cannot: the kubelet's
// constants are not the scenario's profile.
func Supported(s *model.Scenario) error {
	p := s.Profile.WithDefaults()
	d := model.DefaultProfile()
	var errs []error
	if p.BackoffReset.Duration != d.BackoffReset.Duration {
		errs = append(errs, fmt.Errorf("profile backoffReset %v: the kubelet's is fixed at %v", p.BackoffReset.Duration, d.BackoffReset.Duration))
	}
	if *p.MinimumGracePeriodSeconds != *d.MinimumGracePeriodSeconds {
		errs = append(errs, fmt.Errorf("profile minimumGracePeriodSeconds %d: the kubelet's is fixed at %d", *p.MinimumGracePeriodSeconds, *d.MinimumGracePeriodSeconds))
	}
	if *p.ContainerRestartRules != *d.ContainerRestartRules {
		errs = append(errs, fmt.Errorf("profile containerRestartRules=%v: the adapter runs with the %s feature-gate defaults", *p.ContainerRestartRules, UpstreamVersion))
	}
	return errors.Join(errs...)
}

// kubeletPod is the scenario's pod as the kubelet gets it: defaulted like
// the API server would, with a UID, and with every hook and probe handler
// (but tcpSocket hooks, which the kubelet rejects itself) rewritten into
// an exec handler that the world answers.
func kubeletPod(s *model.Scenario) *v1.Pod {
	pod := s.Pod.DeepCopy()
	if pod.Namespace == "" {
		pod.Namespace = "default"
	}
	if pod.UID == "" {
		pod.UID = types.UID("podconform-" + pod.Name)
	}
	if pod.Spec.RestartPolicy == "" {
		pod.Spec.RestartPolicy = v1.RestartPolicyAlways
	}
	if pod.Spec.TerminationGracePeriodSeconds == nil {
		g := int64(v1.DefaultTerminationGracePeriodSeconds)
		pod.Spec.TerminationGracePeriodSeconds = &g
	}
	if pod.Spec.DNSPolicy == "" {
		pod.Spec.DNSPolicy = v1.DNSClusterFirst
	}
	for _, list := range [][]v1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range list {
			rewriteContainer(&list[i])
		}
	}
	return pod
}

func rewriteContainer(c *v1.Container) {
	if c.ImagePullPolicy == "" {
		c.ImagePullPolicy = v1.PullIfNotPresent
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = v1.TerminationMessageReadFile
	}
	if lc := c.Lifecycle; lc != nil {
		rewriteHook(lc.PostStart, model.HookPostStart)
		rewriteHook(lc.PreStop, model.HookPreStop)
	}
	rewriteProbe(c.StartupProbe, model.Startup)
	rewriteProbe(c.LivenessProbe, model.Liveness)
	rewriteProbe(c.ReadinessProbe, model.Readiness)
}

func rewriteHook(h *v1.LifecycleHandler, name string) {
	if h == nil || h.TCPSocket != nil {
		return
	}
	*h = v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{hookCommand, name}}}
}

func rewriteProbe(p *v1.Probe, t model.ProbeType) {
	if p == nil {
		return
	}
	p.ProbeHandler = v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{probeCommand, string(t)}}}
	// The API server's defaults.
	if p.TimeoutSeconds == 0 {
		p.TimeoutSeconds = 1
	}
	if p.PeriodSeconds == 0 {
		p.PeriodSeconds = 10
	}
	if p.SuccessThreshold == 0 {
		p.SuccessThreshold = 1
	}
	if p.FailureThreshold == 0 {
		p.FailureThreshold = 3
	}
}
