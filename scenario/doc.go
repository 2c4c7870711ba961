// Package scenario is podconform's scenario document format: one file that
// gives the model everything it needs to run one pod (a real Pod manifest,
// the profile of the Kubernetes version, a script of how the containers,
// probes and hooks behave, and timed deletes), with its parser and
// validator.
//
// # API
//
//	const APIVersion = "podconform.dev/v1alpha1"
//	const Kind = "Scenario"
//	type Document struct{ APIVersion, Kind string; Metadata Metadata; model.Scenario }
//	type Metadata struct{ Name, Description, Source string }
//	func Parse(data []byte, filename string) (*Document, error)
//	func Load(path string) (*Document, error)       // read + Parse + Validate
//	func (d *Document) Validate() error              // a field.ErrorList aggregate
//	func (d *Document) ValidateFields() field.ErrorList
//	func (d *Document) Marshal() ([]byte, error)     // canonical YAML
//	func (d *Document) Model() *model.Scenario       // points into d
//
// Parse(d.Marshal()) is deep-equal to d for every d that Parse returned
// and Validate accepts, and Marshal is then byte-for-byte stable.
//
// # Files
//
// A file holds one document, in YAML or JSON. More than one YAML document
// (separated by "---") is an error: put one scenario, or one Pod, in each
// file. A file is either a scenario document (kind Scenario, below) or a
// bare Pod manifest (apiVersion v1, kind Pod), the kind of file kubectl
// applies. A bare Pod becomes the pod of a scenario with metadata.name set
// to the pod's name, the default profile, no events and the default
// behaviour (see Defaults). Any other kind, or a missing kind, is an error.
//
// Decoding is strict, as kubectl's is: field names are case-sensitive, and
// an unknown or duplicate field is an error naming its full path, e.g.
// unknown field "pod.spec.containers[0].imagee". A value of the wrong type
// is an error naming the field. Paths always count from the top of a
// scenario document, so in a bare Pod manifest they begin with "pod.", as
// if the manifest were the pod of a scenario. YAML syntax errors give the
// file name and line. YAML 1.1 rules apply to unquoted scalars, as in
// kubectl: a label value written yes, on or 1.0 must be quoted.
//
// # Scenario document
//
// Every key, with its type and default. Durations are Go duration strings
// ("1.5s", "300ms", "2m", "1h30m"); a number without a unit is an error.
// Times in behaviour are measured from the start of the container instance
// they describe; times of events are virtual times since the start of the
// run (t = 0). Every duration is at most 10 years and every grace period
// (in seconds) at most 315360000, so that the model's arithmetic stays
// exact (MaxDuration, MaxGraceSeconds). A pod has at most 100 containers,
// init and app together (MaxContainers): a run's trace grows with the
// square of the count. A scenario has at most 1,000 events (MaxEvents).
// A file is at most 8 MiB, and lists and objects nest at most 10,000
// levels deep.
//
//	apiVersion: podconform.dev/v1alpha1  # required, exactly this
//	kind: Scenario                       # required
//	metadata:
//	  name: myapp-pod-slow-services      # required; a DNS-1123 subdomain
//	  description: free text             # optional: what the case shows
//	  source: https://...                # optional: where it comes from
//	                                     # (an upstream test, issue, doc page)
//	  counterexample:                    # set by podconform on a saved failure
//	    property: backoff-cap            # the violated invariant's ID
//	    model: backoff-cap-320           # "" = reference model, else a mutant
//	    at: 7m10s                        # when the violation was detected
//	    message: "..."                   # what was expected and seen
//	    until: 30m                       # the run's time limit; > 0, <= 24h
//	profile:                             # optional; each unset key takes the
//	                                     # value of model.DefaultProfile
//	  name: kubernetes-1.36              # label only
//	  backoffInitial: 10s                # first crash-loop delay; >= 1s
//	  backoffMax: 300s                   # cap on the delay; >= 1s, >= backoffInitial
//	  backoffReset: 600s                 # an exit this long after the last
//	                                     # restart decision resets the delay; >= 1s
//	  minimumGracePeriodSeconds: 2       # floor on a StopContainer timeout; >= 0
//	  containerRestartRules: true        # the ContainerRestartRules feature gate
//	  syncFrequency: 1m                  # the pod worker's periodic resync; >= 1s
//	                                     # (podconform run --profile also takes a
//	                                     # kubelet's KubeletConfiguration file and
//	                                     # maps it: ProfileFromKubeletConfig)
//	pod:                                 # required: a Pod manifest
//	  apiVersion: v1                     # optional here; if set, v1
//	  kind: Pod                          # optional here; if set, Pod
//	  metadata: {name: myapp-pod}        # name required (DNS-1123 subdomain)
//	  spec: {...}
//	behaviour:                           # optional
//	  containers:                        # keyed by container name; every key
//	                                     # must name a container of the pod
//	    init-myservice:
//	      attempts:                      # attempts[i] scripts the i-th
//	                                     # instance the kubelet starts
//	                                     # (0 = first run); instances past the
//	                                     # end repeat the last attempt
//	      - exitAfter: 20s               # exits on its own this long after its
//	                                     # start; unset = runs until killed; >= 0
//	        exitCode: 0                  # 0..255; default 0
//	        signal: 9                    # 1..64: died of this signal (exit
//	                                     # code 128+signal); excludes exitCode
//	        oomKilled: false             # OOM-killed (exit 137, reason
//	                                     # OOMKilled); excludes exitCode, signal
//	        # An attempt may also set probes, postStart, preStop, onStopSignal:
//	        # each one set here replaces the container-level one for this
//	        # instance. exitCode, signal and oomKilled need exitAfter.
//	    web:
//	      probes:                        # answers over the instance's life
//	        startup:   [steps]           # only for a container that has the probe
//	        liveness:  [steps]
//	        readiness:
//	        - after: 30s                 # from this time after the start; >= 0;
//	                                     # steps strictly increasing in after
//	          result: failure            # success | failure (required)
//	          respondsIn: 2s             # optional answer latency; >= 0; an
//	                                     # answer taking timeoutSeconds or
//	                                     # more is a failure
//	      postStart:                     # only if the container has lifecycle.postStart
//	        duration: 2s                 # how long the hook takes; >= 0 (default: a sleep hook's seconds, else 0s)
//	        fail: false                  # whether the hook fails
//	      preStop: {duration: 5s}        # only if it has lifecycle.preStop
//	                                     # (a tcpSocket hook ignores its entry:
//	                                     # the kubelet fails it at once)
//	      onStopSignal:                  # what it does on SIGTERM/STOPSIGNAL
//	        exitAfter: 3s                # exits this long after the signal; >= 0
//	        exitCode: 0                  # 0..255
//	        ignore: false                # true: ignores it and waits for SIGKILL
//	                                     # (excludes exitAfter and exitCode)
//	events:                              # optional; sorted by at
//	- at: 60s                            # virtual time; >= 0
//	  type: Delete                       # Delete | ForceDelete | SetCondition
//	  gracePeriodSeconds: 10             # Delete only; >= 0; unset = the pod's
//	                                     # terminationGracePeriodSeconds
//	- at: 20s                            # a controller's status patch of a
//	  type: SetCondition                 # readiness gate's condition
//	  conditionType: example.com/lb      # SetCondition only: the conditionType
//	                                     # of one of pod.spec.readinessGates
//	  status: "True"                     # SetCondition only: True | False | Unknown
//
// Regular init containers have no probes and no hooks, so their behaviour
// may not set probes, postStart or preStop; sidecars and app containers
// may set them for the probes and hooks their spec defines.
//
// # Defaults
//
// A container with no behaviour entry, or a field its entry leaves unset,
// behaves so (model.Behaviour):
//   - a regular init container exits 0 after model.DefaultInitRunTime (1s);
//   - a sidecar (an init container with restartPolicy Always) and an app
//     container run until they are killed;
//   - probes succeed (before its first step, and with no steps, a probe
//     answers success at once);
//   - hooks return at once and succeed, except a sleep hook, which takes
//     its seconds, and a tcpSocket hook, which the kubelet cannot run: it
//     fails in the instant it starts (handlerRunner.Run in
//     pkg/kubelet/lifecycle/handlers.go), whatever its postStart or
//     preStop entry says;
//   - on the stop signal a container exits at once with code 0.
//
// With attempts, the last attempt is repeated for every later instance; a
// container's conduct fields (probes, postStart, preStop, onStopSignal)
// apply to every attempt that does not set its own.
//
// # Validation of the pod
//
// Validate checks the pod as the API server does (pkg/apis/core/validation,
// Kubernetes 1.36), for the part of the Pod API the model relies on, with
// the same field paths and messages. It checks the manifest as written,
// before the API server's defaulting, so a zero probe field means its
// default (periodSeconds 10, timeoutSeconds 1, successThreshold 1,
// failureThreshold 3):
//   - at least one container; every container has a name (a DNS-1123
//     label), unique across initContainers and containers, and an image
//     (no leading or trailing blanks);
//   - spec.restartPolicy is Always, OnFailure or Never (empty means Always);
//   - spec.terminationGracePeriodSeconds >= 0 (unset means 30). The API
//     server quietly turns a negative value into 1; podconform rejects it
//     so that a scenario says what it means;
//   - an init container's restartPolicy may only be Always (a sidecar);
//   - a regular init container may not have lifecycle, livenessProbe,
//     readinessProbe or startupProbe; sidecars and app containers may;
//   - a probe has exactly one handler (exec, httpGet, tcpSocket, grpc) with
//     a valid port, non-negative initialDelaySeconds, timeoutSeconds,
//     periodSeconds, successThreshold and failureThreshold; successThreshold
//     is 1 for liveness and startup probes; a probe's
//     terminationGracePeriodSeconds, if set, is > 0, and a readiness probe
//     may not set it;
//   - a lifecycle hook (postStart, preStop) has exactly one handler (exec,
//     httpGet, tcpSocket (deprecated but accepted; the kubelet fails it at
//     runtime), sleep); sleep.seconds is between 0 and the pod's
//     terminationGracePeriodSeconds;
//   - an app container's restartPolicy and restartPolicyRules
//     (ContainerRestartRules, KEP-5307) are allowed only when
//     profile.containerRestartRules is true (the default); then the policy
//     is Always, OnFailure or Never and is required when rules are given,
//     there are at most 20 rules, each with action Restart and exitCodes
//     (operator In or NotIn, at most 255 distinct values).
//
// # Rejected fields
//
// These are valid Kubernetes but change the lifecycle in ways the model
// does not simulate. Validate rejects them with a Forbidden error that says
// "unsupported by podconform's model", naming the path:
//   - pod.metadata.deletionTimestamp, pod.metadata.deletionGracePeriodSeconds
//     (a pod already being deleted; use an event of type Delete instead);
//   - pod.status, if not empty (the model computes it);
//   - pod.spec.activeDeadlineSeconds (DeadlineExceeded is not modelled);
//   - a pod.spec.readinessGates conditionType the kubelet sets itself
//     (Ready, ContainersReady, Initialized, PodScheduled,
//     PodReadyToStartContainers, ...: it would overwrite the gate);
//   - pod.spec.ephemeralContainers;
//   - pod.spec.schedulingGates (a gated pod never reaches the node);
//   - restartPolicy OnFailure or Never on an init container (under
//     ContainerRestartRules; without the gate it is simply not supported);
//   - restartPolicyRules on an init container;
//   - resizePolicy entries with restartPolicy RestartContainer, on any
//     container.
//
// # Ignored fields
//
// Everything else in the manifest is accepted, kept, written back by
// Marshal, and ignored by the model, which assumes the pod is bound to a
// node where every image pulls, every volume mounts and every resource is
// granted: metadata other than name (namespace, labels, annotations,
// ownerReferences, finalizers, uid, resourceVersion...); volumes; a
// container's command, args, workingDir, env, envFrom, ports,
// volumeMounts, volumeDevices, securityContext, imagePullPolicy,
// terminationMessagePath, terminationMessagePolicy, stdin, stdinOnce, tty,
// lifecycle.stopSignal (onStopSignal scripts whatever signal is sent) and
// resizePolicy entries with NotRequired; probe handler details (command,
// path, port, host, headers, scheme, service); resources (they and the image
// only identify a container for the crash-loop back-off); and in the spec
// nodeName, nodeSelector, affinity, tolerations, schedulerName, priority,
// priorityClassName, preemptionPolicy, runtimeClassName, overhead, os,
// hostNetwork, hostPID, hostIPC, hostUsers, shareProcessNamespace,
// securityContext, serviceAccountName, automountServiceAccountToken,
// imagePullSecrets, dnsPolicy, dnsConfig, hostname, subdomain, hostAliases,
// setHostnameAsFQDN, enableServiceLinks, topologySpreadConstraints,
// resourceClaims and resources. pod.metadata.creationTimestamp and
// managedFields, which the API server sets, are dropped by Parse.
//
// # Errors
//
// Parse errors begin with the file name. Validate's errors are those of
// k8s.io/apimachinery/pkg/util/validation/field, one per problem, e.g.
//
//	pod.spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always
//	pod.spec.containers[0].startupProbe.successThreshold: Invalid value: 2: must be 1
//	pod.spec.activeDeadlineSeconds: Forbidden: unsupported by podconform's model: ...
//	behaviour.containers[web].probes.liveness: Invalid value: container has no livenessProbe
//	events[0].at: Invalid value: "-1s": must be greater than or equal to 0
package scenario
