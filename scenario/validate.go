package scenario

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	v1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podconform/podconform/model"
)

// Validate checks d as the API server would check its pod, for the part of
// the Pod API the model relies on, and checks the scenario around it. It
// rejects, as unsupported, Pod fields that change the lifecycle in ways
// the model does not simulate (see the package documentation for the
// list). The error is a field.ErrorList aggregate; each entry names its
// field path from the top of the document, e.g.
// "pod.spec.initContainers[0].livenessProbe: Forbidden: may not be set for
// init containers without restartPolicy=Always".
func (d *Document) Validate() error {
	if d == nil {
		return errors.New("scenario: nil document")
	}
	return d.ValidateFields().ToAggregate()
}

// ValidateFields is Validate's list of errors, empty if d is valid.
func (d *Document) ValidateFields() field.ErrorList {
	if d == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "nil document")}
	}
	var errs field.ErrorList
	if d.APIVersion != APIVersion {
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), d.APIVersion, []string{APIVersion}))
	}
	if d.Kind != Kind {
		errs = append(errs, field.NotSupported(field.NewPath("kind"), d.Kind, []string{Kind}))
	}
	namePath := field.NewPath("metadata", "name")
	if d.Metadata.Name == "" {
		errs = append(errs, field.Required(namePath, "every scenario has a name"))
	} else {
		for _, msg := range validation.IsDNS1123Subdomain(d.Metadata.Name) {
			errs = append(errs, field.Invalid(namePath, d.Metadata.Name, msg))
		}
	}
	if ce := d.Metadata.Counterexample; ce != nil {
		cp := field.NewPath("metadata", "counterexample")
		if ce.Property == "" {
			errs = append(errs, field.Required(cp.Child("property"), "the violated property's ID"))
		}
		if ce.Model != "" {
			if _, ok := model.MutationByName(ce.Model); !ok {
				errs = append(errs, field.Invalid(cp.Child("model"), ce.Model, "not a known mutant (leave empty for the reference model)"))
			}
		}
		if ce.At.Duration < 0 {
			errs = append(errs, field.Invalid(cp.Child("at"), ce.At.Duration.String(), "must be >= 0"))
		}
		if ce.Until.Duration <= 0 {
			errs = append(errs, field.Invalid(cp.Child("until"), ce.Until.Duration.String(), "must be > 0"))
		}
		if ce.Until.Duration > MaxUntil {
			errs = append(errs, field.Invalid(cp.Child("until"), ce.Until.Duration.String(), fmt.Sprintf("must be at most %s: a run is bounded in virtual time", MaxUntil)))
		}
	}
	errs = append(errs, validateProfile(d.Profile, field.NewPath("profile"))...)
	profile := d.Profile.WithDefaults()
	podErrs, containers := validatePod(&d.Pod, profile, field.NewPath("pod"))
	errs = append(errs, podErrs...)
	errs = append(errs, validateBehaviour(d.Behaviour, containers, field.NewPath("behaviour"))...)
	errs = append(errs, validateEvents(d.Events, d.Pod.Spec.ReadinessGates, field.NewPath("events"))...)
	return errs
}

// unsupported is the error for a valid Pod field whose effect on the
// lifecycle the model does not simulate.
func unsupported(p *field.Path, why string) *field.Error {
	return field.Forbidden(p, "unsupported by podconform's model: "+why)
}

// containerRole is what a container is to the lifecycle.
type containerRole int

const (
	roleInit    containerRole = iota // a regular init container
	roleSidecar                      // an init container with restartPolicy Always
	roleApp                          // a regular (app) container
)

// containerInfo is what the behaviour checks need to know of a container.
type containerInfo struct {
	role      containerRole
	container *v1.Container
}

// defaultGracePeriod is terminationGracePeriodSeconds when unset.
const defaultGracePeriod = 30

func validatePod(pod *v1.Pod, profile model.Profile, p *field.Path) (field.ErrorList, map[string]containerInfo) {
	var errs field.ErrorList
	if pod.APIVersion != "" && pod.APIVersion != "v1" {
		errs = append(errs, field.NotSupported(p.Child("apiVersion"), pod.APIVersion, []string{"v1"}))
	}
	if pod.Kind != "" && pod.Kind != "Pod" {
		errs = append(errs, field.NotSupported(p.Child("kind"), pod.Kind, []string{"Pod"}))
	}

	meta := p.Child("metadata")
	if pod.Name == "" {
		errs = append(errs, field.Required(meta.Child("name"), "name is required"))
	} else {
		for _, msg := range apivalidation.NameIsDNSSubdomain(pod.Name, false) {
			errs = append(errs, field.Invalid(meta.Child("name"), pod.Name, msg))
		}
	}
	if pod.DeletionTimestamp != nil {
		errs = append(errs, unsupported(meta.Child("deletionTimestamp"), "the pod must start alive; to delete it, add an event of type Delete"))
	}
	if pod.DeletionGracePeriodSeconds != nil {
		errs = append(errs, unsupported(meta.Child("deletionGracePeriodSeconds"), "the pod must start alive; to delete it, add an event of type Delete with gracePeriodSeconds"))
	}
	if !reflect.DeepEqual(pod.Status, v1.PodStatus{}) {
		errs = append(errs, unsupported(p.Child("status"), "the model computes the status; remove it (a manifest from kubectl get -o yaml carries one)"))
	}

	spec := &pod.Spec
	sp := p.Child("spec")
	if n := len(spec.InitContainers) + len(spec.Containers); n > MaxContainers {
		errs = append(errs, field.Invalid(sp.Child("containers"), n, fmt.Sprintf("init and app containers together: at most %d (every status carries every container's, so a run's trace grows with the square of the count)", MaxContainers)))
	}
	switch spec.RestartPolicy {
	case "", v1.RestartPolicyAlways, v1.RestartPolicyOnFailure, v1.RestartPolicyNever:
	default:
		errs = append(errs, field.NotSupported(sp.Child("restartPolicy"), spec.RestartPolicy,
			[]v1.RestartPolicy{v1.RestartPolicyAlways, v1.RestartPolicyOnFailure, v1.RestartPolicyNever}))
	}
	grace, graceOK := int64(defaultGracePeriod), true
	if g := spec.TerminationGracePeriodSeconds; g != nil {
		if *g < 0 {
			errs = append(errs, field.Invalid(sp.Child("terminationGracePeriodSeconds"), *g,
				"must be greater than or equal to 0 (the API server would quietly use 1; say so explicitly)"))
			graceOK = false
		}
		errs = append(errs, graceSeconds(*g, sp.Child("terminationGracePeriodSeconds"))...)
		grace = *g
	}
	if spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, unsupported(sp.Child("activeDeadlineSeconds"), "the kubelet would fail the pod with reason DeadlineExceeded, which the model does not simulate"))
	}
	for i, g := range spec.ReadinessGates {
		gp := sp.Child("readinessGates").Index(i).Child("conditionType")
		// The API server's rule (ValidateReadinessGates): a qualified name.
		for _, msg := range validation.IsQualifiedName(string(g.ConditionType)) {
			errs = append(errs, field.Invalid(gp, g.ConditionType, msg))
		}
		if model.KubeletCondition(g.ConditionType) {
			errs = append(errs, unsupported(gp, "the kubelet owns that condition and overwrites a controller's value"))
		}
	}
	if len(spec.EphemeralContainers) > 0 {
		errs = append(errs, unsupported(sp.Child("ephemeralContainers"), "ephemeral containers are not modelled"))
	}
	if len(spec.SchedulingGates) > 0 {
		errs = append(errs, unsupported(sp.Child("schedulingGates"), "a gated pod is never scheduled; the model starts from a pod bound to its node"))
	}

	containers := map[string]containerInfo{}
	cp := sp.Child("containers")
	if len(spec.Containers) == 0 {
		errs = append(errs, field.Required(cp, "at least one container"))
	}
	for i := range spec.Containers {
		c := &spec.Containers[i]
		path := cp.Index(i)
		errs = append(errs, validateContainerCommon(c, path)...)
		if _, dup := containers[c.Name]; dup {
			errs = append(errs, field.Duplicate(path.Child("name"), c.Name))
		} else if c.Name != "" {
			containers[c.Name] = containerInfo{role: roleApp, container: c}
		}
		errs = append(errs, validateLifecycle(c.Lifecycle, grace, graceOK, path.Child("lifecycle"))...)
		errs = append(errs, validateProbes(c, path)...)
		if *profile.ContainerRestartRules {
			errs = append(errs, validateContainerRestart(c, path)...)
		} else {
			const off = "may not be set for non-init containers unless profile.containerRestartRules (the ContainerRestartRules feature gate) is true"
			if c.RestartPolicy != nil {
				errs = append(errs, field.Forbidden(path.Child("restartPolicy"), off))
			}
			if len(c.RestartPolicyRules) > 0 {
				errs = append(errs, field.Forbidden(path.Child("restartPolicyRules"), off))
			}
		}
	}

	ip := sp.Child("initContainers")
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		path := ip.Index(i)
		errs = append(errs, validateContainerCommon(c, path)...)
		role := roleInit
		if rp := c.RestartPolicy; rp != nil {
			switch *rp {
			case v1.ContainerRestartPolicyAlways:
				role = roleSidecar
			case v1.ContainerRestartPolicyOnFailure, v1.ContainerRestartPolicyNever:
				if *profile.ContainerRestartRules {
					errs = append(errs, unsupported(path.Child("restartPolicy"), fmt.Sprintf("restartPolicy %s on an init container (ContainerRestartRules) is not modelled; only Always (a sidecar) is", *rp)))
					break
				}
				fallthrough
			default:
				errs = append(errs, field.NotSupported(path.Child("restartPolicy"), *rp, []v1.ContainerRestartPolicy{v1.ContainerRestartPolicyAlways}))
			}
		}
		if len(c.RestartPolicyRules) > 0 {
			errs = append(errs, unsupported(path.Child("restartPolicyRules"), "restart rules on init containers are not modelled"))
		}
		if _, dup := containers[c.Name]; dup {
			errs = append(errs, field.Duplicate(path.Child("name"), c.Name))
		} else if c.Name != "" {
			containers[c.Name] = containerInfo{role: role, container: c}
		}
		if role == roleSidecar {
			errs = append(errs, validateLifecycle(c.Lifecycle, grace, graceOK, path.Child("lifecycle"))...)
			errs = append(errs, validateProbes(c, path)...)
			continue
		}
		const noInit = "may not be set for init containers without restartPolicy=Always"
		if c.Lifecycle != nil {
			errs = append(errs, field.Forbidden(path.Child("lifecycle"), noInit))
		}
		if c.LivenessProbe != nil {
			errs = append(errs, field.Forbidden(path.Child("livenessProbe"), noInit))
		}
		if c.ReadinessProbe != nil {
			errs = append(errs, field.Forbidden(path.Child("readinessProbe"), noInit))
		}
		if c.StartupProbe != nil {
			errs = append(errs, field.Forbidden(path.Child("startupProbe"), noInit))
		}
	}
	return errs, containers
}

// validateContainerCommon checks what every container needs.
func validateContainerCommon(c *v1.Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else {
		for _, msg := range validation.IsDNS1123Label(c.Name) {
			errs = append(errs, field.Invalid(p.Child("name"), c.Name, msg))
		}
	}
	if c.Image == "" {
		errs = append(errs, field.Required(p.Child("image"), ""))
	} else if strings.TrimSpace(c.Image) != c.Image {
		errs = append(errs, field.Invalid(p.Child("image"), c.Image, "must not have leading or trailing whitespace"))
	}
	for i, rp := range c.ResizePolicy {
		if rp.RestartPolicy == v1.RestartContainer {
			errs = append(errs, unsupported(p.Child("resizePolicy").Index(i).Child("restartPolicy"),
				"a resize that restarts the container is not modelled (use NotRequired, or leave resizePolicy out)"))
		}
	}
	return errs
}

func validateProbes(c *v1.Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, validateProbe(c.LivenessProbe, true, p.Child("livenessProbe"))...)
	errs = append(errs, validateProbe(c.ReadinessProbe, false, p.Child("readinessProbe"))...)
	errs = append(errs, validateProbe(c.StartupProbe, true, p.Child("startupProbe"))...)
	if pr := c.ReadinessProbe; pr != nil && pr.TerminationGracePeriodSeconds != nil {
		errs = append(errs, field.Invalid(p.Child("readinessProbe", "terminationGracePeriodSeconds"), *pr.TerminationGracePeriodSeconds, "must not be set for readinessProbes"))
	}
	return errs
}

// validateProbe checks a probe as upstream validateProbe does, on the
// manifest before defaulting: a zero field means the default.
// successOne is true for liveness and startup probes.
func validateProbe(pr *v1.Probe, successOne bool, p *field.Path) field.ErrorList {
	if pr == nil {
		return nil
	}
	errs := validateHandler(handler{
		exec:    pr.Exec,
		httpGet: pr.HTTPGet,
		tcp:     pr.TCPSocket,
		grpc:    pr.GRPC,
	}, 0, false, p)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(pr.InitialDelaySeconds), p.Child("initialDelaySeconds"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(pr.TimeoutSeconds), p.Child("timeoutSeconds"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(pr.PeriodSeconds), p.Child("periodSeconds"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(pr.SuccessThreshold), p.Child("successThreshold"))...)
	errs = append(errs, apivalidation.ValidateNonnegativeField(int64(pr.FailureThreshold), p.Child("failureThreshold"))...)
	if g := pr.TerminationGracePeriodSeconds; g != nil && *g <= 0 {
		errs = append(errs, field.Invalid(p.Child("terminationGracePeriodSeconds"), *g, "must be greater than 0"))
	} else if g != nil {
		errs = append(errs, graceSeconds(*g, p.Child("terminationGracePeriodSeconds"))...)
	}
	if successOne && pr.SuccessThreshold != 0 && pr.SuccessThreshold != 1 {
		errs = append(errs, field.Invalid(p.Child("successThreshold"), pr.SuccessThreshold, "must be 1"))
	}
	return errs
}

// handler is a probe's or a lifecycle hook's handler: exactly one of its
// fields may be set.
type handler struct {
	exec    *v1.ExecAction
	httpGet *v1.HTTPGetAction
	tcp     *v1.TCPSocketAction
	grpc    *v1.GRPCAction
	sleep   *v1.SleepAction
}

func validateHandler(h handler, grace int64, graceOK bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	one := func(name string, set bool, check func(*field.Path) field.ErrorList) {
		if !set {
			return
		}
		if n > 0 {
			errs = append(errs, field.Forbidden(p.Child(name), "may not specify more than 1 handler type"))
			return
		}
		n++
		errs = append(errs, check(p.Child(name))...)
	}
	one("exec", h.exec != nil, func(p *field.Path) field.ErrorList {
		if len(h.exec.Command) == 0 {
			return field.ErrorList{field.Required(p.Child("command"), "")}
		}
		return nil
	})
	one("httpGet", h.httpGet != nil, func(p *field.Path) field.ErrorList {
		errs := validatePort(h.httpGet.Port, p.Child("port"))
		switch h.httpGet.Scheme {
		case "", v1.URISchemeHTTP, v1.URISchemeHTTPS:
		default:
			errs = append(errs, field.NotSupported(p.Child("scheme"), h.httpGet.Scheme, []v1.URIScheme{v1.URISchemeHTTP, v1.URISchemeHTTPS}))
		}
		for i, hdr := range h.httpGet.HTTPHeaders {
			for _, msg := range validation.IsHTTPHeaderName(hdr.Name) {
				errs = append(errs, field.Invalid(p.Child("httpHeaders").Index(i).Child("name"), hdr.Name, msg))
			}
		}
		return errs
	})
	one("tcpSocket", h.tcp != nil, func(p *field.Path) field.ErrorList {
		return validatePort(h.tcp.Port, p.Child("port"))
	})
	one("grpc", h.grpc != nil, func(p *field.Path) field.ErrorList {
		var errs field.ErrorList
		for _, msg := range validation.IsValidPortNum(int(h.grpc.Port)) {
			errs = append(errs, field.Invalid(p.Child("port"), h.grpc.Port, msg))
		}
		return errs
	})
	one("sleep", h.sleep != nil, func(p *field.Path) field.ErrorList {
		if s := h.sleep.Seconds; graceOK && (s < 0 || s > grace) {
			return field.ErrorList{field.Invalid(p.Child("seconds"), s,
				fmt.Sprintf("must be non-negative and not more than terminationGracePeriodSeconds (%d)", grace))}
		}
		return nil
	})
	if n == 0 {
		errs = append(errs, field.Required(p, "must specify a handler type"))
	}
	return errs
}

func validatePort(port intstr.IntOrString, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch port.Type {
	case intstr.Int:
		for _, msg := range validation.IsValidPortNum(int(port.IntVal)) {
			errs = append(errs, field.Invalid(p, port.IntVal, msg))
		}
	case intstr.String:
		for _, msg := range validation.IsValidPortName(port.StrVal) {
			errs = append(errs, field.Invalid(p, port.StrVal, msg))
		}
	default:
		errs = append(errs, field.Invalid(p, field.OmitValueType{}, "must be a port number or name"))
	}
	return errs
}

func validateLifecycle(l *v1.Lifecycle, grace int64, graceOK bool, p *field.Path) field.ErrorList {
	if l == nil {
		return nil
	}
	var errs field.ErrorList
	for _, hook := range []struct {
		name string
		h    *v1.LifecycleHandler
	}{{"postStart", l.PostStart}, {"preStop", l.PreStop}} {
		if hook.h == nil {
			continue
		}
		errs = append(errs, validateHandler(handler{
			exec:    hook.h.Exec,
			httpGet: hook.h.HTTPGet,
			tcp:     hook.h.TCPSocket,
			sleep:   hook.h.Sleep,
		}, grace, graceOK, p.Child(hook.name))...)
	}
	return errs
}

// maxRestartRules is the API's limit on restartPolicyRules.
const maxRestartRules = 20

// maxRuleExitCodes is the API's limit on a rule's exit codes.
const maxRuleExitCodes = 255

// validateContainerRestart checks the container-level restartPolicy and
// restartPolicyRules of an app container (ContainerRestartRules on).
func validateContainerRestart(c *v1.Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	rp := p.Child("restartPolicy")
	if c.RestartPolicy == nil {
		if len(c.RestartPolicyRules) > 0 {
			errs = append(errs, field.Required(rp, "must specify restartPolicy when restart rules are used"))
		}
	} else {
		switch *c.RestartPolicy {
		case v1.ContainerRestartPolicyAlways, v1.ContainerRestartPolicyOnFailure, v1.ContainerRestartPolicyNever:
		default:
			errs = append(errs, field.NotSupported(rp, *c.RestartPolicy, []v1.ContainerRestartPolicy{
				v1.ContainerRestartPolicyAlways, v1.ContainerRestartPolicyOnFailure, v1.ContainerRestartPolicyNever}))
		}
	}
	rules := p.Child("restartPolicyRules")
	if len(c.RestartPolicyRules) > maxRestartRules {
		errs = append(errs, field.TooMany(rules, len(c.RestartPolicyRules), maxRestartRules))
	}
	for i, r := range c.RestartPolicyRules {
		ip := rules.Index(i)
		switch r.Action {
		case v1.ContainerRestartRuleActionRestart:
		case "":
			errs = append(errs, field.Required(ip.Child("action"), ""))
		default:
			errs = append(errs, field.NotSupported(ip.Child("action"), r.Action, []v1.ContainerRestartRuleAction{v1.ContainerRestartRuleActionRestart}))
		}
		ep := ip.Child("exitCodes")
		if r.ExitCodes == nil {
			errs = append(errs, field.Required(ep, "must be specified"))
			continue
		}
		switch r.ExitCodes.Operator {
		case v1.ContainerRestartRuleOnExitCodesOpIn, v1.ContainerRestartRuleOnExitCodesOpNotIn:
		case "":
			errs = append(errs, field.Required(ep.Child("operator"), ""))
		default:
			errs = append(errs, field.NotSupported(ep.Child("operator"), r.ExitCodes.Operator, []v1.ContainerRestartRuleOnExitCodesOperator{
				v1.ContainerRestartRuleOnExitCodesOpIn, v1.ContainerRestartRuleOnExitCodesOpNotIn}))
		}
		vp := ep.Child("values")
		if len(r.ExitCodes.Values) > maxRuleExitCodes {
			errs = append(errs, field.TooMany(vp, len(r.ExitCodes.Values), maxRuleExitCodes))
		}
		seen := map[int32]bool{}
		for j, v := range r.ExitCodes.Values {
			if seen[v] {
				errs = append(errs, field.Duplicate(vp.Index(j), v))
			}
			seen[v] = true
		}
	}
	return errs
}
