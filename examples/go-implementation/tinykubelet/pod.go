package tinykubelet

import (
	"errors"
	"fmt"
	"time"

	v1 "k8s.io/api/core/v1"
)

// Config holds the node's constants.
type Config struct {
	// BackoffInitial is the crash-loop back-off's first delay, BackoffMax
	// its cap, and BackoffReset the time after the last restart beyond
	// which an exit starts the delay over.
	BackoffInitial, BackoffMax, BackoffReset time.Duration
	// MinGraceSeconds is the floor on a stop signal's timeout.
	MinGraceSeconds int64
}

// DefaultConfig returns the Kubernetes defaults: a 10 s back-off doubling
// up to 300 s, reset after 600 s, and a 2 s minimum grace.
func DefaultConfig() Config {
	return Config{
		BackoffInitial:  10 * time.Second,
		BackoffMax:      300 * time.Second,
		BackoffReset:    600 * time.Second,
		MinGraceSeconds: 2,
	}
}

// ErrUnsupported is returned by NewPod for a pod that uses what this
// implementation leaves out.
var ErrUnsupported = errors.New("unsupported")

// Kind names what happened.
type Kind string

// What a Pod records.
const (
	SandboxCreated   Kind = "SandboxCreated"
	ContainerCreated Kind = "ContainerCreated"
	ContainerStarted Kind = "ContainerStarted"
	StopSignal       Kind = "StopSignal"
	Killed           Kind = "Killed"
	ContainerExited  Kind = "ContainerExited"
	BackOff          Kind = "BackOff"
	DeleteRequested  Kind = "DeleteRequested"
	SandboxStopped   Kind = "SandboxStopped"
	PodRemoved       Kind = "PodRemoved"
)

// Record is one thing the pod did, at virtual time At.
type Record struct {
	At        time.Duration
	Kind      Kind
	Container string
	// Attempt numbers the container's instances from 0.
	Attempt int
	// ExitCode and Reason of a ContainerExited.
	ExitCode int32
	Reason   string
	// Timeout of a StopSignal, in seconds.
	Timeout int64
	// Grace of a DeleteRequested, in seconds, and whether it was forced.
	Grace int64
	Force bool
	// Wait (until the restart) and Delay (the back-off's current delay) of
	// a BackOff.
	Wait, Delay time.Duration
}

type container struct {
	name    string
	init    bool
	attempt int // the current or last instance; -1 before the first
	running bool
	done    bool // an init container that exited 0
	code    int32
	exitAt  time.Duration

	// The crash-loop back-off: the current delay, and when the last
	// restart was decided.
	hasBackoff bool
	delay      time.Duration
	lastStart  time.Duration

	restartPending bool // waiting for the back-off to end
	restartAt      time.Duration
	killPending    bool // a stop signal was sent; SIGKILL at killAt
	killAt         time.Duration
}

// Pod is one pod on the node, in virtual time measured from its creation.
// It is not safe for concurrent use.
type Pod struct {
	cfg      Config
	policy   v1.RestartPolicy
	grace    int64 // the pod's terminationGracePeriodSeconds
	ctrs     []*container
	byName   map[string]*container
	now      time.Duration
	out      []Record
	failed   bool // an init container failed under restartPolicy Never
	ended    bool // the sandbox is stopped
	deleting bool
	removed  bool
	// deleteGrace is the shortest grace period the deletes asked for.
	deleteGrace int64
}

// NewPod admits pod at time 0: its sandbox is created and its first
// containers start. It returns an error wrapping ErrUnsupported for a pod
// that uses sidecars, probes, lifecycle hooks or container restart rules.
func NewPod(pod *v1.Pod, cfg Config) (*Pod, error) {
	if err := supported(pod); err != nil {
		return nil, err
	}
	p := &Pod{
		cfg:    cfg,
		policy: pod.Spec.RestartPolicy,
		grace:  30,
		byName: map[string]*container{},
	}
	if p.policy == "" {
		p.policy = v1.RestartPolicyAlways
	}
	if g := pod.Spec.TerminationGracePeriodSeconds; g != nil {
		p.grace = *g
	}
	for _, c := range pod.Spec.InitContainers {
		p.add(c.Name, true)
	}
	for _, c := range pod.Spec.Containers {
		p.add(c.Name, false)
	}
	p.record(Record{Kind: SandboxCreated})
	p.sync()
	return p, nil
}

func supported(pod *v1.Pod) error {
	check := func(field string, c *v1.Container) error {
		switch {
		case c.RestartPolicy != nil:
			return fmt.Errorf("%s %q: container restartPolicy: %w", field, c.Name, ErrUnsupported)
		case len(c.RestartPolicyRules) > 0:
			return fmt.Errorf("%s %q: restartPolicyRules: %w", field, c.Name, ErrUnsupported)
		case c.StartupProbe != nil || c.LivenessProbe != nil || c.ReadinessProbe != nil:
			return fmt.Errorf("%s %q: probes: %w", field, c.Name, ErrUnsupported)
		case c.Lifecycle != nil:
			return fmt.Errorf("%s %q: lifecycle hooks: %w", field, c.Name, ErrUnsupported)
		}
		return nil
	}
	for i := range pod.Spec.InitContainers {
		if err := check("initContainers", &pod.Spec.InitContainers[i]); err != nil {
			return err
		}
	}
	for i := range pod.Spec.Containers {
		if err := check("containers", &pod.Spec.Containers[i]); err != nil {
			return err
		}
	}
	return nil
}

func (p *Pod) add(name string, init bool) {
	c := &container{name: name, init: init, attempt: -1}
	p.ctrs = append(p.ctrs, c)
	p.byName[name] = c
}

func (p *Pod) record(r Record) {
	r.At = p.now
	p.out = append(p.out, r)
}

// Records returns what the pod did since the last call.
func (p *Pod) Records() []Record {
	out := p.out
	p.out = nil
	return out
}

// Next returns the time of the pod's next timer (a back-off ending, a
// grace period running out); ok is false when it has none.
func (p *Pod) Next() (at time.Duration, ok bool) {
	for _, c := range p.ctrs {
		if c.restartPending && (!ok || c.restartAt < at) {
			at, ok = c.restartAt, true
		}
		if c.killPending && (!ok || c.killAt < at) {
			at, ok = c.killAt, true
		}
	}
	return at, ok
}

// Advance moves the clock to t, firing every timer due by then in time
// order. t must not be before the pod's current time.
func (p *Pod) Advance(t time.Duration) {
	for {
		at, ok := p.Next()
		if !ok || at > t {
			break
		}
		p.now = max(p.now, at)
		p.fire()
	}
	p.now = max(p.now, t)
}

func (p *Pod) fire() {
	for _, c := range p.ctrs {
		if c.killPending && c.killAt <= p.now {
			c.killPending = false
			p.record(Record{Kind: Killed, Container: c.name, Attempt: c.attempt})
			p.exit(c, 137, "Error")
		}
		if c.restartPending && c.restartAt <= p.now {
			c.restartPending = false
			p.restart(c)
		}
	}
}

// Exited tells the pod that container name's running instance exited at
// time t with code (oom: killed for running out of memory). An exit of a
// container that is not running is ignored.
func (p *Pod) Exited(t time.Duration, name string, code int32, oom bool) error {
	c := p.byName[name]
	if c == nil {
		return fmt.Errorf("no container %q", name)
	}
	p.Advance(t)
	if !c.running {
		return nil
	}
	reason := "Error"
	switch {
	case oom:
		code, reason = 137, "OOMKilled"
	case code == 0:
		reason = "Completed"
	}
	c.killPending = false
	p.exit(c, code, reason)
	p.Advance(t)
	return nil
}

func (p *Pod) exit(c *container, code int32, reason string) {
	c.running = false
	c.code, c.exitAt = code, p.now
	p.record(Record{Kind: ContainerExited, Container: c.name, Attempt: c.attempt, ExitCode: code, Reason: reason})
	switch {
	case p.deleting:
	case c.init && code == 0:
		c.done = true
		p.sync()
	case c.init && p.policy == v1.RestartPolicyNever:
		p.failed = true
	case p.restarts(c):
		p.restart(c)
	}
	p.maybeEnd()
}

// restarts reports whether an exited container is to run again.
func (p *Pod) restarts(c *container) bool {
	switch p.policy {
	case v1.RestartPolicyAlways:
		return true
	case v1.RestartPolicyOnFailure:
		return c.code != 0
	}
	return c.init && c.code != 0 && p.policy != v1.RestartPolicyNever
}

// restart starts an exited container again, or records the back-off that
// holds it and sets a timer for its end.
func (p *Pod) restart(c *container) {
	if p.deleting || p.ended {
		return
	}
	reset := c.exitAt-c.lastStart > p.cfg.BackoffReset
	if c.hasBackoff && !reset && p.now-c.exitAt < c.delay {
		until := c.exitAt + c.delay
		if !c.restartPending || c.restartAt != until {
			p.record(Record{Kind: BackOff, Container: c.name, Attempt: c.attempt, Wait: until - p.now, Delay: c.delay})
		}
		c.restartPending, c.restartAt = true, until
		return
	}
	switch {
	case !c.hasBackoff || reset:
		c.delay = p.cfg.BackoffInitial
	default:
		c.delay = min(2*c.delay, p.cfg.BackoffMax)
	}
	c.hasBackoff, c.lastStart = true, p.now
	p.start(c)
}

func (p *Pod) start(c *container) {
	c.attempt++
	c.running = true
	p.record(Record{Kind: ContainerCreated, Container: c.name, Attempt: c.attempt})
	p.record(Record{Kind: ContainerStarted, Container: c.name, Attempt: c.attempt})
}

// sync starts what should run now and has never run: the first init
// container not yet done, or, once all are done, every app container.
func (p *Pod) sync() {
	if p.deleting || p.failed || p.ended {
		return
	}
	for _, c := range p.ctrs {
		if c.init {
			if c.done {
				continue
			}
			if c.attempt < 0 {
				p.start(c)
			}
			return // the next waits for this one (see README: seeding a bug)
		}
		if c.attempt < 0 {
			p.start(c)
		}
	}
}

// maybeEnd stops the sandbox once nothing runs and nothing will run again,
// and removes a deleted pod then.
func (p *Pod) maybeEnd() {
	if p.ended {
		return
	}
	for _, c := range p.ctrs {
		if c.running || c.restartPending {
			return
		}
	}
	if !p.deleting && !p.failed {
		for _, c := range p.ctrs {
			if !c.init && (c.attempt < 0 || p.restarts(c)) {
				return
			}
		}
	}
	p.ended = true
	p.record(Record{Kind: SandboxStopped})
	if p.deleting && !p.removed {
		p.removed = true
		p.record(Record{Kind: PodRemoved})
	}
}

// Delete is an API delete at time t with grace seconds (negative: the
// pod's own terminationGracePeriodSeconds). A grace of 0, or force, is a
// force delete: the pod is removed from the API at once, and its
// containers are stopped as for a delete with a grace of 1 s. A delete
// after the pod was removed does nothing. A later delete never lengthens
// the grace period, and does not change a stop already under way.
func (p *Pod) Delete(t time.Duration, grace int64, force bool) {
	p.Advance(t)
	if p.removed {
		return
	}
	if grace < 0 {
		grace = p.grace
	}
	if force || grace == 0 {
		force, grace = true, 0
	}
	if p.deleting && grace >= p.deleteGrace {
		// The API server keeps the shorter grace period.
		p.record(Record{Kind: DeleteRequested, Grace: p.deleteGrace})
		return
	}
	first := !p.deleting
	p.deleting, p.deleteGrace = true, grace
	p.record(Record{Kind: DeleteRequested, Grace: grace, Force: force})
	if force {
		p.removed = true
		p.record(Record{Kind: PodRemoved})
	}
	if !first {
		return
	}
	if p.ended {
		if !p.removed {
			p.removed = true
			p.record(Record{Kind: PodRemoved})
		}
		return
	}
	timeout := max(grace, 1, p.cfg.MinGraceSeconds)
	for _, c := range p.ctrs {
		c.restartPending = false
		if c.running {
			p.record(Record{Kind: StopSignal, Container: c.name, Attempt: c.attempt, Timeout: timeout})
			c.killPending, c.killAt = true, p.now+time.Duration(timeout)*time.Second
		}
	}
	p.maybeEnd()
	p.Advance(t)
}
