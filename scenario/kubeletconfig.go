package scenario

import (
	"encoding/json"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/podconform/podconform/model"
)

// KubeletConfigProfileName names the profiles ProfileFromKubeletConfig
// returns.
const KubeletConfigProfileName = "kubelet-configuration"

// kubeletConfig is the part of a KubeletConfiguration
// (kubelet.config.k8s.io/v1beta1) that sets a profile's constants. Its
// other fields do not touch the lifecycle the model follows and are
// ignored.
type kubeletConfig struct {
	APIVersion       string           `json:"apiVersion"`
	Kind             string           `json:"kind"`
	SyncFrequency    *metav1.Duration `json:"syncFrequency"`
	CrashLoopBackOff struct {
		MaxContainerRestartPeriod *metav1.Duration `json:"maxContainerRestartPeriod"`
	} `json:"crashLoopBackOff"`
	FeatureGates map[string]bool `json:"featureGates"`
}

// The feature gates a KubeletConfiguration may set that change the
// profile, with their v1.36 defaults (pkg/features/kube_features.go).
var kubeletGateDefaults = map[string]bool{
	"KubeletCrashLoopBackOffMax":         true,  // beta since 1.35
	"ReduceDefaultCrashLoopBackOffDecay": false, // alpha since 1.33
	"ContainerRestartRules":              true,  // beta since 1.35
}

// decodeKubeletConfig reads the fields kubeletConfig maps, each on its
// own, so that a value of the wrong type is reported with its field's
// name.
func decodeKubeletConfig(data []byte) (*kubeletConfig, error) {
	var top map[string]json.RawMessage
	if err := yaml.Unmarshal(data, &top); err != nil {
		return nil, err
	}
	var kc kubeletConfig
	var crash map[string]json.RawMessage
	for _, f := range []struct {
		raw  json.RawMessage
		name string
		into any
	}{
		{top["apiVersion"], "apiVersion", &kc.APIVersion},
		{top["kind"], "kind", &kc.Kind},
		{top["syncFrequency"], "syncFrequency", &kc.SyncFrequency},
		{top["featureGates"], "featureGates", &kc.FeatureGates},
		{top["crashLoopBackOff"], "crashLoopBackOff", &crash},
	} {
		if f.raw == nil {
			continue
		}
		if err := json.Unmarshal(f.raw, f.into); err != nil {
			return nil, fmt.Errorf("%s: %v", f.name, err)
		}
	}
	if raw := crash["maxContainerRestartPeriod"]; raw != nil {
		if err := json.Unmarshal(raw, &kc.CrashLoopBackOff.MaxContainerRestartPeriod); err != nil {
			return nil, fmt.Errorf("crashLoopBackOff.maxContainerRestartPeriod: %v", err)
		}
	}
	return &kc, nil
}

// isKubeletConfig reports whether data is a KubeletConfiguration
// document (its kind says so).
func isKubeletConfig(data []byte) bool {
	var head struct {
		Kind string `json:"kind"`
	}
	return yaml.Unmarshal(data, &head) == nil && head.Kind == "KubeletConfiguration"
}

// ProfileFromKubeletConfig maps a v1.36 kubelet's configuration file onto
// the profile the model runs that kubelet with, as the kubelet itself
// reads it:
//
//   - the crash-loop back-off (kubelet.go newCrashLoopBackOff): 10 s
//     doubling to 300 s; 1 s to 60 s under the ReduceDefaultCrashLoopBackOffDecay
//     gate; under KubeletCrashLoopBackOffMax (on by default) the maximum
//     is crashLoopBackOff.maxContainerRestartPeriod (defaulted to 300 s,
//     apis/config/v1beta1/defaults.go; 1 s to 300 s,
//     apis/config/validation/validation.go), and a maximum below the first
//     delay lowers the first delay to it;
//   - the back-off's reset, 600 s, and the 2 s floor on a stop's timeout,
//     which are constants of the kubelet's code;
//   - syncFrequency (1 m when unset or zero);
//   - the ContainerRestartRules gate.
//
// Errors name the field, as the kubelet's validation would refuse it.
func ProfileFromKubeletConfig(data []byte) (*model.Profile, error) {
	kc, err := decodeKubeletConfig(data)
	if err != nil {
		return nil, err
	}
	var errs field.ErrorList
	if kc.Kind != "KubeletConfiguration" {
		errs = append(errs, field.Invalid(field.NewPath("kind"), kc.Kind, "must be KubeletConfiguration"))
	}
	if kc.APIVersion != "kubelet.config.k8s.io/v1beta1" {
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), kc.APIVersion, []string{"kubelet.config.k8s.io/v1beta1"}))
	}
	gate := func(name string) bool {
		if on, ok := kc.FeatureGates[name]; ok {
			return on
		}
		return kubeletGateDefaults[name]
	}
	boMax, boInitial := 300*time.Second, 10*time.Second
	if gate("ReduceDefaultCrashLoopBackOffDecay") {
		boMax, boInitial = 60*time.Second, time.Second
	}
	period := kc.CrashLoopBackOff.MaxContainerRestartPeriod
	pp := field.NewPath("crashLoopBackOff", "maxContainerRestartPeriod")
	switch {
	case gate("KubeletCrashLoopBackOffMax"):
		if period == nil {
			period = &metav1.Duration{Duration: 300 * time.Second}
		}
		if d := period.Duration; d.Milliseconds() < 1000 || d.Milliseconds() > 300000 {
			errs = append(errs, field.Invalid(pp, d.String(), "must be between 1s and 300s"))
		}
		boMax = period.Duration
		boInitial = min(boInitial, boMax)
	case period != nil:
		errs = append(errs, field.Invalid(pp, period.Duration.String(), "must not be set when the feature gate KubeletCrashLoopBackOffMax is off"))
	}
	sync := time.Minute
	if kc.SyncFrequency != nil && kc.SyncFrequency.Duration != 0 {
		sync = kc.SyncFrequency.Duration
		if sync < MinBackoff || sync > MaxDuration {
			errs = append(errs, field.Invalid(field.NewPath("syncFrequency"), sync.String(),
				fmt.Sprintf("podconform's model runs with a resync of %s to %s", MinBackoff, MaxDuration)))
		}
	}
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	rules := gate("ContainerRestartRules")
	two := int64(2)
	p := &model.Profile{
		Name:                      KubeletConfigProfileName,
		BackoffInitial:            &metav1.Duration{Duration: boInitial},
		BackoffMax:                &metav1.Duration{Duration: boMax},
		BackoffReset:              &metav1.Duration{Duration: 600 * time.Second},
		MinimumGracePeriodSeconds: &two,
		ContainerRestartRules:     &rules,
		SyncFrequency:             &metav1.Duration{Duration: sync},
	}
	if err := validateProfile(*p, field.NewPath("profile")).ToAggregate(); err != nil {
		return nil, fmt.Errorf("the profile it maps to: %v", err)
	}
	return p, nil
}
