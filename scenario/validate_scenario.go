package scenario

import (
	"fmt"
	"slices"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/podconform/podconform/model"
)

const nonNegative = "must be greater than or equal to 0"

// Bounds that keep the model's arithmetic exact and its work bounded.
// Every duration of a scenario is at most MaxDuration and every grace
// period at most MaxGraceSeconds, so that sums of a few of them stay far
// from time.Duration's limit (292 years); the run's time limit is at most
// MaxUntil; and the crash-loop back-off is at least MinBackoff, as the
// kubelet's own configuration demands (crashLoopBackOff's
// maxContainerRestartPeriod is at least 1 s: pkg/kubelet/apis/config/validation),
// so that a container that exits at once is restarted at most once a
// second.
//
// A pod has at most MaxContainers containers, init and app together: every
// status carries every container's status and a run publishes a few
// statuses per container start, so a trace grows with the square of the
// count (1,000 init containers: 27 s and 2.9 GB for one run; 2,000: 119 s
// and 10.9 GB).
//
// A scenario has at most MaxEvents events: each is a step of every run, so
// that 100,000 deletes a millisecond apart (3 MB of YAML) made a run take
// 7 s and 600 MB before it hit the step budget.
const (
	MaxDuration     = 10 * 365 * 24 * time.Hour
	MaxGraceSeconds = int64(MaxDuration / time.Second)
	MaxUntil        = 24 * time.Hour
	MinBackoff      = time.Second
	MaxContainers   = 100
	MaxEvents       = 1000
)

var (
	tooLong  = fmt.Sprintf("must be at most %s (10 years), so that the model's arithmetic stays exact", MaxDuration)
	tooLongS = fmt.Sprintf("must be at most %d (10 years), so that the model's arithmetic stays exact", MaxGraceSeconds)
)

func nonNegDuration(d time.Duration, p *field.Path) field.ErrorList {
	if d < 0 {
		return field.ErrorList{field.Invalid(p, d.String(), nonNegative)}
	}
	if d > MaxDuration {
		return field.ErrorList{field.Invalid(p, d.String(), tooLong)}
	}
	return nil
}

// graceSeconds bounds a grace period in seconds from above (its lower
// bound is the caller's).
func graceSeconds(g int64, p *field.Path) field.ErrorList {
	if g > MaxGraceSeconds {
		return field.ErrorList{field.Invalid(p, g, tooLongS)}
	}
	return nil
}

func nonNegDurationPtr(d *metav1.Duration, p *field.Path) field.ErrorList {
	if d == nil {
		return nil
	}
	return nonNegDuration(d.Duration, p)
}

// backoffDuration checks a profile duration: at least MinBackoff, at
// most MaxDuration; why says what the lower bound keeps from happening.
func backoffDuration(d *metav1.Duration, p *field.Path, why string) field.ErrorList {
	switch {
	case d == nil:
		return nil
	case d.Duration < MinBackoff:
		return field.ErrorList{field.Invalid(p, d.Duration.String(), fmt.Sprintf("must be at least %s, as the kubelet's configuration requires (and so that %s)", MinBackoff, why))}
	case d.Duration > MaxDuration:
		return field.ErrorList{field.Invalid(p, d.Duration.String(), tooLong)}
	}
	return nil
}

func validateProfile(pr model.Profile, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	const restarts = "a container that exits at once restarts at most once a second"
	errs = append(errs, backoffDuration(pr.BackoffInitial, p.Child("backoffInitial"), restarts)...)
	errs = append(errs, backoffDuration(pr.BackoffMax, p.Child("backoffMax"), restarts)...)
	errs = append(errs, backoffDuration(pr.BackoffReset, p.Child("backoffReset"), restarts)...)
	errs = append(errs, backoffDuration(pr.SyncFrequency, p.Child("syncFrequency"), "the pod worker resyncs at most once a second")...)
	if g := pr.MinimumGracePeriodSeconds; g != nil && *g < 0 {
		errs = append(errs, field.Invalid(p.Child("minimumGracePeriodSeconds"), *g, nonNegative))
	} else if g != nil {
		errs = append(errs, graceSeconds(*g, p.Child("minimumGracePeriodSeconds"))...)
	}
	if len(errs) > 0 {
		return errs
	}
	eff := pr.WithDefaults()
	if initial, max := eff.BackoffInitial.Duration, eff.BackoffMax.Duration; initial > max {
		detail := fmt.Sprintf("must be less than or equal to backoffMax (%s)", max)
		if pr.BackoffInitial == nil {
			detail = fmt.Sprintf("the default backoffInitial (%s) %s; set backoffInitial too (the kubelet uses a lower maximum as the initial delay)", initial, detail)
		}
		errs = append(errs, field.Invalid(p.Child("backoffInitial"), initial.String(), detail))
	}
	return errs
}

func validateBehaviour(b model.Behaviour, containers map[string]containerInfo, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := make([]string, 0, len(b.Containers))
	for name := range b.Containers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		cb := b.Containers[name]
		cp := p.Child("containers").Key(name)
		info, ok := containers[name]
		if !ok {
			errs = append(errs, field.Invalid(cp, field.OmitValueType{},
				fmt.Sprintf("no container named %q in pod.spec.initContainers or pod.spec.containers", name)))
			continue
		}
		errs = append(errs, validateConduct(cb.Conduct, info, cp)...)
		for i, a := range cb.Attempts {
			ap := cp.Child("attempts").Index(i)
			errs = append(errs, validateAttempt(a, ap)...)
			errs = append(errs, validateConduct(a.Conduct, info, ap)...)
		}
	}
	return errs
}

func validateAttempt(a model.Attempt, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, nonNegDurationPtr(a.ExitAfter, p.Child("exitAfter"))...)
	errs = append(errs, exitCode(a.ExitCode, p.Child("exitCode"))...)
	if a.Signal != 0 {
		for _, msg := range validation.IsInRange(int(a.Signal), 1, 64) {
			errs = append(errs, field.Invalid(p.Child("signal"), a.Signal, msg))
		}
	}
	switch {
	case a.OOMKilled && a.ExitCode != 0:
		errs = append(errs, field.Forbidden(p.Child("exitCode"), "may not be set when oomKilled is true (the runtime reports exit code 137)"))
	case a.Signal != 0 && a.ExitCode != 0:
		errs = append(errs, field.Forbidden(p.Child("exitCode"), "may not be set together with signal (the runtime reports exit code 128+signal)"))
	}
	if a.OOMKilled && a.Signal != 0 {
		errs = append(errs, field.Forbidden(p.Child("signal"), "may not be set when oomKilled is true (the runtime reports exit code 137)"))
	}
	if a.ExitAfter == nil {
		const noExit = "may not be set without exitAfter: an attempt without exitAfter runs until it is killed"
		if a.ExitCode != 0 {
			errs = append(errs, field.Forbidden(p.Child("exitCode"), noExit))
		}
		if a.Signal != 0 {
			errs = append(errs, field.Forbidden(p.Child("signal"), noExit))
		}
		if a.OOMKilled {
			errs = append(errs, field.Forbidden(p.Child("oomKilled"), noExit))
		}
	}
	return errs
}

func exitCode(code int32, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsInRange(int(code), 0, 255) {
		errs = append(errs, field.Invalid(p, code, msg))
	}
	return errs
}

func validateConduct(c model.Conduct, info containerInfo, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if info.role == roleInit {
		if c.Probes != nil {
			errs = append(errs, field.Forbidden(p.Child("probes"), "may not be set for a regular init container: it has no probes"))
		}
		if c.PostStart != nil {
			errs = append(errs, field.Forbidden(p.Child("postStart"), "may not be set for a regular init container: it has no lifecycle hooks"))
		}
		if c.PreStop != nil {
			errs = append(errs, field.Forbidden(p.Child("preStop"), "may not be set for a regular init container: it has no lifecycle hooks"))
		}
	} else {
		errs = append(errs, validateProbeScripts(c.Probes, info, p.Child("probes"))...)
		lc := info.container.Lifecycle
		errs = append(errs, validateHookScript(c.PostStart, lc != nil && lc.PostStart != nil, "postStart", p)...)
		errs = append(errs, validateHookScript(c.PreStop, lc != nil && lc.PreStop != nil, "preStop", p)...)
	}
	if s := c.OnStopSignal; s != nil {
		sp := p.Child("onStopSignal")
		errs = append(errs, nonNegDurationPtr(s.ExitAfter, sp.Child("exitAfter"))...)
		errs = append(errs, exitCode(s.ExitCode, sp.Child("exitCode"))...)
		if s.Ignore && s.ExitAfter != nil {
			errs = append(errs, field.Forbidden(sp.Child("exitAfter"), "may not be set when ignore is true (the container waits for SIGKILL)"))
		}
		if s.Ignore && s.ExitCode != 0 {
			errs = append(errs, field.Forbidden(sp.Child("exitCode"), "may not be set when ignore is true (SIGKILL ends the container with exit code 137)"))
		}
	}
	return errs
}

func validateHookScript(h *model.HookScript, has bool, name string, p *field.Path) field.ErrorList {
	if h == nil {
		return nil
	}
	hp := p.Child(name)
	if !has {
		return field.ErrorList{field.Invalid(hp, field.OmitValueType{}, "container has no lifecycle."+name+" hook")}
	}
	if h.Duration == nil {
		return nil
	}
	return nonNegDuration(h.Duration.Duration, hp.Child("duration"))
}

func validateProbeScripts(ps *model.ProbeScripts, info containerInfo, p *field.Path) field.ErrorList {
	if ps == nil {
		return nil
	}
	c := info.container
	var errs field.ErrorList
	for _, probe := range []struct {
		name  string
		field string
		steps []model.ProbeStep
		has   bool
	}{
		{"startup", "startupProbe", ps.Startup, c.StartupProbe != nil},
		{"liveness", "livenessProbe", ps.Liveness, c.LivenessProbe != nil},
		{"readiness", "readinessProbe", ps.Readiness, c.ReadinessProbe != nil},
	} {
		if len(probe.steps) == 0 {
			continue
		}
		pp := p.Child(probe.name)
		if !probe.has {
			errs = append(errs, field.Invalid(pp, field.OmitValueType{}, "container has no "+probe.field))
			continue
		}
		for i, st := range probe.steps {
			sp := pp.Index(i)
			errs = append(errs, nonNegDuration(st.After.Duration, sp.Child("after"))...)
			switch st.Result {
			case model.ProbeSuccess, model.ProbeFailure:
			case "":
				errs = append(errs, field.Required(sp.Child("result"), "success or failure"))
			default:
				errs = append(errs, field.NotSupported(sp.Child("result"), st.Result, []model.ProbeResult{model.ProbeSuccess, model.ProbeFailure}))
			}
			errs = append(errs, nonNegDurationPtr(st.RespondsIn, sp.Child("respondsIn"))...)
			if i > 0 {
				if prev := probe.steps[i-1].After.Duration; st.After.Duration <= prev {
					errs = append(errs, field.Invalid(sp.Child("after"), st.After.Duration.String(),
						fmt.Sprintf("must be later than the previous step's after (%s): steps are sorted by after", prev)))
				}
			}
		}
	}
	return errs
}

func validateEvents(events []model.Event, gates []v1.PodReadinessGate, p *field.Path) field.ErrorList {
	if len(events) > MaxEvents {
		return field.ErrorList{field.TooMany(p, len(events), MaxEvents)}
	}
	var errs field.ErrorList
	types := []model.EventType{model.EventDelete, model.EventForceDelete, model.EventSetCondition}
	for i, e := range events {
		ep := p.Index(i)
		errs = append(errs, nonNegDuration(e.At.Duration, ep.Child("at"))...)
		switch e.Type {
		case model.EventDelete, model.EventForceDelete:
		case model.EventSetCondition:
			errs = append(errs, validateSetCondition(e, gates, ep)...)
		case "":
			errs = append(errs, field.Required(ep.Child("type"), "Delete, ForceDelete or SetCondition"))
		default:
			errs = append(errs, field.NotSupported(ep.Child("type"), e.Type, types))
		}
		if e.Type != model.EventSetCondition {
			if e.ConditionType != "" {
				errs = append(errs, field.Forbidden(ep.Child("conditionType"), "only for SetCondition"))
			}
			if e.Status != "" {
				errs = append(errs, field.Forbidden(ep.Child("status"), "only for SetCondition"))
			}
		}
		if g := e.GracePeriodSeconds; g != nil {
			if *g < 0 {
				errs = append(errs, field.Invalid(ep.Child("gracePeriodSeconds"), *g, nonNegative))
			}
			errs = append(errs, graceSeconds(*g, ep.Child("gracePeriodSeconds"))...)
			if e.Type == model.EventForceDelete {
				errs = append(errs, field.Forbidden(ep.Child("gracePeriodSeconds"), "may not be set for ForceDelete, whose grace period is 0"))
			}
			if e.Type == model.EventSetCondition {
				errs = append(errs, field.Forbidden(ep.Child("gracePeriodSeconds"), "only for Delete"))
			}
		}
		if i > 0 {
			if prev := events[i-1].At.Duration; e.At.Duration < prev {
				errs = append(errs, field.Invalid(ep.Child("at"), e.At.Duration.String(),
					fmt.Sprintf("must not be earlier than the previous event's at (%s): events are sorted by at", prev)))
			}
		}
	}
	return errs
}

// validateSetCondition checks a SetCondition event: the condition of one of
// the pod's readiness gates (the model follows no other condition a
// controller sets), and a status the API server takes.
func validateSetCondition(e model.Event, gates []v1.PodReadinessGate, ep *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch e.Status {
	case v1.ConditionTrue, v1.ConditionFalse, v1.ConditionUnknown:
	case "":
		errs = append(errs, field.Required(ep.Child("status"), "True, False or Unknown"))
	default:
		errs = append(errs, field.NotSupported(ep.Child("status"), e.Status, []v1.ConditionStatus{v1.ConditionTrue, v1.ConditionFalse, v1.ConditionUnknown}))
	}
	if e.ConditionType == "" {
		return append(errs, field.Required(ep.Child("conditionType"), "the conditionType of one of pod.spec.readinessGates"))
	}
	for _, g := range gates {
		if g.ConditionType == e.ConditionType {
			return errs
		}
	}
	names := make([]string, len(gates))
	for i, g := range gates {
		names[i] = string(g.ConditionType)
	}
	msg := "must be the conditionType of one of pod.spec.readinessGates"
	if len(names) == 0 {
		msg += ", and the pod has none"
	} else {
		msg += fmt.Sprintf(" (%s)", strings.Join(names, ", "))
	}
	return append(errs, field.Invalid(ep.Child("conditionType"), e.ConditionType, msg))
}

// LoadProfile reads a profile file (podconform run --profile: the fields
// of a scenario's profile, YAML or JSON), strictly, and validates it with
// the rules of a scenario's profile field; or, when its kind is
// KubeletConfiguration, a kubelet's configuration file, which it maps as
// ProfileFromKubeletConfig does. Every error names the path.
func LoadProfile(path string) (*model.Profile, error) {
	data, err := readBounded(path, MaxFileBytes)
	if err != nil {
		return nil, err
	}
	if isKubeletConfig(data) {
		p, err := ProfileFromKubeletConfig(data)
		if err != nil {
			return nil, fmt.Errorf("%s: KubeletConfiguration: %v", path, err)
		}
		return p, nil
	}
	var p model.Profile
	if err := yaml.UnmarshalStrict(data, &p); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if err := field.ErrorList(validateProfile(p, field.NewPath("profile"))).ToAggregate(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &p, nil
}
