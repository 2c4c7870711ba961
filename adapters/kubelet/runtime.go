package kubelet

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	critest "k8s.io/cri-api/pkg/apis/testing"
	utilexec "k8s.io/utils/exec"

	"github.com/podconform/podconform/model"
)

// Commands of the exec handlers that hooks and probes are rewritten to.
const (
	hookCommand  = "podconform-hook"
	probeCommand = "podconform-probe"
)

// runtime is the CRI fake of k8s.io/cri-api with a recorder around it. It
// turns the calls the kubelet makes into trace actions, stamps them with
// the virtual time, and lets the world end containers, hooks and probes:
//   - StopContainer sends the stop signal and blocks, as a real runtime
//     does, until the container exits or its timeout runs out (SIGKILL);
//   - ExecSync of a hook blocks until the world ends the hook;
//   - ExecSync of a probe blocks until the world answers it.
type criRuntime struct {
	*critest.FakeRuntimeService
	sim *sim

	mu        sync.Mutex
	byID      map[string]*instance
	current   map[string]*instance // container name → its latest instance
	sandboxUp bool
	seq       int64
}

// instance is one run of a container.
type instance struct {
	id      string
	name    string
	attempt int
	running bool
	exited  chan struct{} // closed when it exits
	// stopping: a stop signal was sent; deadline is when SIGKILL comes.
	stopping bool
	deadline time.Time
	killer   *time.Timer
	// hook in flight (postStart or preStop) and its release.
	hook     string
	hookDone chan bool
}

func newRuntime(s *sim) *criRuntime {
	return &criRuntime{
		FakeRuntimeService: critest.NewFakeRuntimeService(),
		sim:                s,
		byID:               map[string]*instance{},
		current:            map[string]*instance{},
	}
}

func (r *criRuntime) RunPodSandbox(ctx context.Context, cfg *runtimeapi.PodSandboxConfig, handler string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	id, err := r.FakeRuntimeService.RunPodSandbox(ctx, cfg, handler)
	if err == nil {
		r.mu.Lock()
		r.sandboxUp = true
		r.mu.Unlock()
		r.sim.emit(model.Action{Kind: model.ActSandboxCreated})
	}
	return id, err
}

func (r *criRuntime) StopPodSandbox(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		// A cancelled call never reaches the runtime.
		return err
	}
	err := r.FakeRuntimeService.StopPodSandbox(ctx, id)
	r.mu.Lock()
	was := r.sandboxUp
	r.sandboxUp = false
	r.mu.Unlock()
	if err == nil && was {
		r.sim.emit(model.Action{Kind: model.ActSandboxStopped})
	}
	return err
}

func (r *criRuntime) CreateContainer(ctx context.Context, sandbox string, cfg *runtimeapi.ContainerConfig, scfg *runtimeapi.PodSandboxConfig) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	id, err := r.FakeRuntimeService.CreateContainer(ctx, sandbox, cfg, scfg)
	if err != nil {
		return id, err
	}
	in := &instance{id: id, name: cfg.Metadata.Name, attempt: int(cfg.Metadata.Attempt), exited: make(chan struct{})}
	// Virtual time stands still within an instant, but the kubelet finds
	// a container's latest instance by creation time: keep them apart by
	// a nanosecond each, as a real runtime's clock would.
	r.FakeRuntimeService.Lock()
	r.seq++
	if c, ok := r.FakeRuntimeService.Containers[id]; ok {
		c.CreatedAt += r.seq
	}
	r.FakeRuntimeService.Unlock()
	r.mu.Lock()
	r.byID[id] = in
	r.current[in.name] = in
	r.mu.Unlock()
	r.sim.emit(model.Action{Kind: model.ActContainerCreated, Container: in.name, Attempt: in.attempt})
	return id, nil
}

func (r *criRuntime) StartContainer(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := r.FakeRuntimeService.StartContainer(ctx, id); err != nil {
		return err
	}
	r.mu.Lock()
	in := r.byID[id]
	in.running = true
	r.mu.Unlock()
	r.sim.emit(model.Action{Kind: model.ActContainerStarted, Container: in.name, Attempt: in.attempt})
	// The PLEG's ContainerStarted event: the pod worker syncs again once
	// this sync is over.
	r.sim.kick()
	return nil
}

// StopContainer sends the stop signal with the kubelet's timeout and waits,
// as CRI runtimes do, until the container has exited: on its own (the
// world decides when) or by SIGKILL when the timeout runs out. A second
// call can only bring the SIGKILL forward.
func (r *criRuntime) StopContainer(ctx context.Context, id string, timeout int64) error {
	r.sim.turn("stop/" + id)
	if err := ctx.Err(); err != nil {
		// A cancelled call never reaches the runtime.
		return err
	}
	r.FakeRuntimeService.Lock()
	r.FakeRuntimeService.Called = append(r.FakeRuntimeService.Called, "StopContainer")
	r.FakeRuntimeService.Unlock()
	r.mu.Lock()
	in, ok := r.byID[id]
	if !ok {
		r.mu.Unlock()
		return fmt.Errorf("container %q not found", id)
	}
	if !in.running {
		r.mu.Unlock()
		return nil
	}
	abandoned := ""
	if in.hook == preStop {
		// The kubelet stopped waiting for the preStop hook.
		abandoned = in.hook
		in.hook = ""
	}
	deadline := time.Now().Add(time.Duration(timeout) * time.Second)
	if !in.stopping || deadline.Before(in.deadline) {
		in.stopping = true
		in.deadline = deadline
		if in.killer != nil {
			in.killer.Stop()
		}
		in.killer = time.AfterFunc(time.Duration(timeout)*time.Second, func() { r.sigkill(in) })
	}
	r.mu.Unlock()
	if abandoned != "" {
		r.sim.emit(model.Action{Kind: model.ActHookEnded, Container: in.name, Attempt: in.attempt, Hook: abandoned, Result: model.ResultAbandoned})
	}
	r.sim.emit(model.Action{Kind: model.ActStopSignal, Container: in.name, Attempt: in.attempt, Timeout: timeout})
	select {
	case <-in.exited:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-r.sim.quit:
		return context.Canceled
	}
}

func (r *criRuntime) sigkill(in *instance) {
	r.sim.turn("kill/" + in.id)
	r.mu.Lock()
	if !in.running {
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	r.sim.emit(model.Action{Kind: model.ActSIGKILL, Container: in.name, Attempt: in.attempt})
	r.exit(in, 137, "Error")
}

// exitCurrent ends the running instance of container name on the world's
// say-so; false if it is not running.
func (r *criRuntime) exitCurrent(name string, code int32, oom bool) bool {
	r.mu.Lock()
	in := r.current[name]
	r.mu.Unlock()
	if in == nil || !in.running {
		return false
	}
	reason := "Completed"
	switch {
	case oom:
		reason, code = "OOMKilled", 137
	case code != 0:
		reason = "Error"
	}
	r.exit(in, code, reason)
	return true
}

func (r *criRuntime) exit(in *instance, code int32, reason string) {
	r.mu.Lock()
	if !in.running {
		r.mu.Unlock()
		return
	}
	in.running = false
	if in.killer != nil {
		in.killer.Stop()
	}
	hook := in.hook
	in.hook = ""
	r.mu.Unlock()
	r.FakeRuntimeService.Lock()
	if c, ok := r.FakeRuntimeService.Containers[in.id]; ok {
		c.State = runtimeapi.ContainerState_CONTAINER_EXITED
		c.FinishedAt = time.Now().UnixNano()
		c.ExitCode = code
		c.Reason = reason
	}
	r.FakeRuntimeService.Unlock()
	r.sim.emit(model.Action{Kind: model.ActContainerExited, Container: in.name, Attempt: in.attempt, ExitCode: code, Reason: reason})
	if hook != "" {
		// The hook never returned: its container is gone. The kubelet
		// takes that as a failed postStart hook; a preStop hook it was
		// waiting for is abandoned.
		res := model.ResultAbandoned
		if hook == postStart {
			res = model.ResultFailed
		}
		r.sim.emit(model.Action{Kind: model.ActHookEnded, Container: in.name, Attempt: in.attempt, Hook: hook, Result: res})
	}
	close(in.exited)
	r.sim.kick()
}

// ExecSync runs the rewritten hook and probe handlers: it blocks until the
// world ends the hook or answers the probe.
func (r *criRuntime) ExecSync(ctx context.Context, id string, cmd []string, timeout time.Duration) ([]byte, []byte, error) {
	r.mu.Lock()
	in := r.byID[id]
	r.mu.Unlock()
	if in == nil || len(cmd) != 2 {
		return nil, nil, fmt.Errorf("exec %q in unknown container %q", strings.Join(cmd, " "), id)
	}
	switch cmd[0] {
	case hookCommand:
		return nil, nil, r.runHook(ctx, in, cmd[1])
	case probeCommand:
		if err := ctx.Err(); err != nil {
			// The prober's worker runs on the pod worker's context, which
			// a delete cancelled: the CRI call fails at once, as a gRPC
			// call on a cancelled context does.
			return nil, nil, err
		}
		r.mu.Lock()
		running := in.running
		r.mu.Unlock()
		if !running {
			// A status the worker read is behind the runtime: a CRI
			// runtime refuses to exec in a container that has exited,
			// and the worker drops the error.
			return nil, nil, fmt.Errorf("container %s is not running", in.name)
		}
		return nil, nil, r.sim.probe(ctx, in, model.ProbeType(cmd[1]))
	}
	return nil, nil, fmt.Errorf("exec of %q is not a podconform handler", strings.Join(cmd, " "))
}

const (
	postStart = model.HookPostStart
	preStop   = model.HookPreStop
)

func (r *criRuntime) runHook(ctx context.Context, in *instance, hook string) error {
	r.sim.turn("hook/" + in.id)
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan bool, 1)
	r.mu.Lock()
	if !in.running {
		r.mu.Unlock()
		return fmt.Errorf("container %s is not running", in.name)
	}
	in.hook = hook
	in.hookDone = done
	r.mu.Unlock()
	r.sim.emit(model.Action{Kind: model.ActHookStarted, Container: in.name, Attempt: in.attempt, Hook: hook})
	select {
	case ok := <-done:
		if !ok {
			return utilexec.CodeExitError{Err: fmt.Errorf("hook %s failed", hook), Code: 1}
		}
		return nil
	case <-in.exited:
		return fmt.Errorf("container %s exited during its %s hook", in.name, hook)
	case <-ctx.Done():
		// The kubelet stopped waiting (its sync was cancelled).
		r.mu.Lock()
		waiting := in.hook == hook && in.hookDone == done
		if waiting {
			in.hook = ""
		}
		r.mu.Unlock()
		if waiting {
			r.sim.emit(model.Action{Kind: model.ActHookEnded, Container: in.name, Attempt: in.attempt, Hook: hook, Result: model.ResultAbandoned})
		}
		return ctx.Err()
	case <-r.sim.quit:
		return context.Canceled
	}
}

// hookDone ends the running hook of container name; false if none runs.
func (r *criRuntime) hookDone(name string, ok bool) bool {
	r.mu.Lock()
	in := r.current[name]
	if in == nil || in.hook == "" {
		r.mu.Unlock()
		return false
	}
	hook := in.hook
	in.hook = ""
	done := in.hookDone
	r.mu.Unlock()
	res := model.ResultOK
	if !ok {
		res = model.ResultFailed
	}
	r.sim.emit(model.Action{Kind: model.ActHookEnded, Container: in.name, Attempt: in.attempt, Hook: hook, Result: res})
	done <- ok
	return true
}

// instanceOf returns the latest instance of container name.
func (r *criRuntime) instanceOf(name string) *instance {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.current[name]
}

// runningInstance returns the current instance of name if it is running.
func (r *criRuntime) runningInstance(name string) *instance {
	r.mu.Lock()
	defer r.mu.Unlock()
	if in := r.current[name]; in != nil && in.running {
		return in
	}
	return nil
}
