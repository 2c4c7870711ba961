package podscript

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/internal/runner"
	"github.com/podconform/podconform/model"
)

func dur(d time.Duration) *metav1.Duration { return &metav1.Duration{Duration: d} }

// TestCorpusTranslates: every corpus scenario becomes a pod, or is refused
// for a named reason (an OOM kill); the pod runs the image's shell in every
// container, mounts the state volume, answers probes and hooks by exec
// (tcpSocket hooks kept), keeps the probes' timing and the pod's own
// fields, and leaves the scenario unchanged.
func TestCorpusTranslates(t *testing.T) {
	docs, files, err := runner.LoadCorpus([]string{"../../corpus"})
	require.NoError(t, err)
	refused := 0
	for k, d := range docs {
		before, err := d.Marshal()
		require.NoError(t, err)
		pod, err := Pod(d.Model(), Options{Image: "img:1", Node: "n1", Namespace: "ns", Labels: map[string]string{"podconform.dev/run": "r"}})
		after, err2 := d.Marshal()
		require.NoError(t, err2)
		require.Equal(t, string(before), string(after), "%s: the scenario is not changed", files[k])
		var ue *UnsupportedError
		if errors.As(err, &ue) {
			require.Contains(t, ue.Field, "oomKilled", files[k])
			refused++
			continue
		}
		require.NoError(t, err, files[k])
		require.Equal(t, "n1", pod.Spec.NodeName)
		require.Equal(t, "ns", pod.Namespace)
		require.Equal(t, "r", pod.Labels["podconform.dev/run"])
		require.Equal(t, d.Pod.Spec.RestartPolicy, pod.Spec.RestartPolicy)
		require.Equal(t, d.Pod.Spec.TerminationGracePeriodSeconds, pod.Spec.TerminationGracePeriodSeconds)
		all := append(append([]v1.Container(nil), pod.Spec.InitContainers...), pod.Spec.Containers...)
		orig := append(append([]v1.Container(nil), d.Pod.Spec.InitContainers...), d.Pod.Spec.Containers...)
		for i, c := range all {
			o := orig[i]
			require.Equal(t, "img:1", c.Image)
			require.Equal(t, "/bin/sh", c.Command[0])
			require.Equal(t, o.RestartPolicy, c.RestartPolicy)
			require.Contains(t, c.VolumeMounts, v1.VolumeMount{Name: StateVolume, MountPath: DefaultStateDir})
			for _, pp := range [][2]*v1.Probe{{o.StartupProbe, c.StartupProbe}, {o.LivenessProbe, c.LivenessProbe}, {o.ReadinessProbe, c.ReadinessProbe}} {
				if pp[0] == nil {
					require.Nil(t, pp[1])
					continue
				}
				require.NotNil(t, pp[1].Exec)
				require.Equal(t, pp[0].PeriodSeconds, pp[1].PeriodSeconds)
				require.Equal(t, pp[0].FailureThreshold, pp[1].FailureThreshold)
				require.Equal(t, pp[0].InitialDelaySeconds, pp[1].InitialDelaySeconds)
			}
			if o.Lifecycle != nil {
				for _, hh := range [][2]*v1.LifecycleHandler{{o.Lifecycle.PostStart, c.Lifecycle.PostStart}, {o.Lifecycle.PreStop, c.Lifecycle.PreStop}} {
					switch {
					case hh[0] == nil:
						require.Nil(t, hh[1])
					case hh[0].TCPSocket != nil:
						require.Equal(t, hh[0], hh[1], "a tcpSocket hook is kept: the kubelet fails it")
					default:
						require.NotNil(t, hh[1].Exec)
					}
				}
			}
		}
	}
	t.Logf("%d corpus scenarios, %d refused", len(docs), refused)
}

func TestRefusals(t *testing.T) {
	s := &model.Scenario{}
	s.Pod.Spec.Containers = []v1.Container{{Name: "app"}}
	s.Behaviour.Containers = map[string]model.ContainerBehaviour{"app": {Attempts: []model.Attempt{{}, {OOMKilled: true, ExitAfter: dur(time.Second)}}}}
	_, err := Pod(s, Options{})
	var ue *UnsupportedError
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "behaviour.containers[app].attempts[1].oomKilled", ue.Field)

	ro := true
	s.Behaviour.Containers = nil
	s.Pod.Spec.Containers[0].SecurityContext = &v1.SecurityContext{ReadOnlyRootFilesystem: &ro}
	_, err = Pod(s, Options{})
	require.ErrorAs(t, err, &ue)
	require.Equal(t, "pod.spec.containers[0].securityContext.readOnlyRootFilesystem", ue.Field)

	s.Pod.Spec.Containers[0].SecurityContext = nil
	s.Pod.Spec.Volumes = []v1.Volume{{Name: StateVolume}}
	_, err = Pod(s, Options{})
	require.ErrorAs(t, err, &ue)
}

// The shell tests run the generated scripts with busybox sh, the default
// image's shell, against temporary state files.

func busybox(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("SKIPPED: busybox is not installed (Debian's busybox-static; CI installs it)")
	}
	return p
}

type sandbox struct {
	t        *testing.T
	bb       string
	opt      Options
	instance string
}

func newSandbox(t *testing.T) *sandbox {
	dir := t.TempDir()
	sb := &sandbox{t: t, bb: busybox(t), opt: Options{StateDir: dir, InstanceFile: filepath.Join(dir, "instance")}}
	sb.instance = sb.opt.InstanceFile
	return sb
}

// pod translates a one-container scenario.
func (sb *sandbox) pod(c v1.Container, b model.ContainerBehaviour, init bool) *v1.Container {
	s := &model.Scenario{}
	if init {
		s.Pod.Spec.InitContainers = []v1.Container{c}
		s.Pod.Spec.Containers = []v1.Container{{Name: "other"}}
	} else {
		s.Pod.Spec.Containers = []v1.Container{c}
	}
	s.Behaviour.Containers = map[string]model.ContainerBehaviour{c.Name: b}
	pod, err := Pod(s, sb.opt)
	require.NoError(sb.t, err)
	if init {
		return &pod.Spec.InitContainers[0]
	}
	return &pod.Spec.Containers[0]
}

// start starts an instance: the container's command, as a new instance
// (its own instance record, as its own writable layer would have).
func (sb *sandbox) start(c *v1.Container) *exec.Cmd {
	os.Remove(sb.instance)
	cmd := exec.Command(sb.bb, append([]string{"sh"}, c.Command[1:]...)...)
	require.NoError(sb.t, cmd.Start())
	// Wait for the instance record (bounded).
	for i := 0; i < 500; i++ {
		if st, err := os.Stat(sb.instance); err == nil && st.Size() > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cmd
}

func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		require.NoError(t, err)
		return 0
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the instance did not exit")
		return -1
	}
}

// run runs a handler's script (a probe or a hook) and returns its exit
// code.
func (sb *sandbox) run(argv []string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := exec.CommandContext(ctx, sb.bb, append([]string{"sh"}, argv[1:]...)...).Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(sb.t, err)
	return 0
}

// TestAttemptsPlayInOrder: successive instances play the scripted attempts
// in order, the last one repeating: exit codes, a death by signal as
// 128+N, and the default of a regular init container (exit 0).
func TestAttemptsPlayInOrder(t *testing.T) {
	sb := newSandbox(t)
	c := sb.pod(v1.Container{Name: "app"}, model.ContainerBehaviour{Attempts: []model.Attempt{
		{ExitAfter: dur(20 * time.Millisecond), ExitCode: 3},
		{ExitAfter: dur(0), Signal: 11},
		{ExitAfter: dur(10 * time.Millisecond), ExitCode: 0},
		{ExitAfter: dur(10 * time.Millisecond), ExitCode: 42},
	}}, false)
	var got []int
	for i := 0; i < 6; i++ {
		got = append(got, exitCode(t, sb.start(c)))
	}
	require.Equal(t, []int{3, 139, 0, 42, 42, 42}, got)
	n, err := os.ReadFile(filepath.Join(sb.opt.StateDir, "app.attempts"))
	require.NoError(t, err)
	require.Equal(t, "6", strings.TrimSpace(string(n)))

	init := sb.pod(v1.Container{Name: "setup"}, model.ContainerBehaviour{}, true)
	require.Equal(t, 0, exitCode(t, sb.start(init)), "a regular init container with no script exits 0")
}

// TestStopSignal: an instance answers SIGTERM as scripted: at once with 0
// by default, with the scripted code, by its own exit when that comes
// first, or not at all (it is still running after the signal, until
// SIGKILL).
func TestStopSignal(t *testing.T) {
	sb := newSandbox(t)
	term := func(c *v1.Container) int {
		cmd := sb.start(c)
		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		return exitCode(t, cmd)
	}
	runs := sb.pod(v1.Container{Name: "a"}, model.ContainerBehaviour{}, false)
	require.Equal(t, 0, term(runs))

	scripted := sb.pod(v1.Container{Name: "b"}, model.ContainerBehaviour{Conduct: model.Conduct{
		OnStopSignal: &model.StopScript{ExitAfter: dur(50 * time.Millisecond), ExitCode: 7}}}, false)
	require.Equal(t, 7, term(scripted))

	// Its own exit (0.3 s after the start, code 5) comes before the
	// scripted answer (10 s after the signal, code 9).
	first := sb.pod(v1.Container{Name: "c"}, model.ContainerBehaviour{
		Attempts: []model.Attempt{{ExitAfter: dur(300 * time.Millisecond), ExitCode: 5}},
		Conduct:  model.Conduct{OnStopSignal: &model.StopScript{ExitAfter: dur(10 * time.Second), ExitCode: 9}}}, false)
	require.Equal(t, 5, term(first))

	ignore := sb.pod(v1.Container{Name: "d"}, model.ContainerBehaviour{Conduct: model.Conduct{
		OnStopSignal: &model.StopScript{Ignore: true}}}, false)
	cmd := sb.start(ignore)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
		t.Fatal("an instance scripted to ignore the stop signal exited on it")
	case <-time.After(time.Second):
	}
	require.NoError(t, cmd.Process.Kill())
	<-done
}

// TestProbesAnswerByAge: a probe answers as the steps reached by its
// instance's age say, per attempt; RespondsIn delays the answer. The age
// comes from the instance's record, written here to place the instance in
// the past.
func TestProbesAnswerByAge(t *testing.T) {
	sb := newSandbox(t)
	b := model.ContainerBehaviour{
		Attempts: []model.Attempt{{}, {Conduct: model.Conduct{Probes: &model.ProbeScripts{Liveness: []model.ProbeStep{{After: metav1.Duration{}, Result: model.ProbeFailure}}}}}},
		Conduct: model.Conduct{Probes: &model.ProbeScripts{Liveness: []model.ProbeStep{
			{After: metav1.Duration{Duration: 5 * time.Second}, Result: model.ProbeFailure},
			{After: metav1.Duration{Duration: 8 * time.Second}, Result: model.ProbeSuccess, RespondsIn: dur(50 * time.Millisecond)},
		}}},
	}
	c := sb.pod(v1.Container{Name: "app", LivenessProbe: &v1.Probe{PeriodSeconds: 1}, ReadinessProbe: &v1.Probe{}}, b, false)
	probe := c.LivenessProbe.Exec.Command
	uptime := func() int64 {
		raw, err := os.ReadFile("/proc/uptime")
		require.NoError(t, err)
		var up float64
		_, err = fmt.Sscan(string(raw), &up)
		require.NoError(t, err)
		return int64(up * 100)
	}
	at := func(attempt int, age time.Duration) int {
		require.NoError(t, os.WriteFile(sb.instance, []byte(fmt.Sprintf("%d %d\n", attempt, uptime()-int64(age/(10*time.Millisecond)))), 0o644))
		return sb.run(probe)
	}
	require.Equal(t, 0, at(0, time.Second), "before the first step: success")
	require.Equal(t, 1, at(0, 6*time.Second), "after 5 s: failure")
	require.Equal(t, 0, at(0, 9*time.Second), "after 8 s: success again")
	require.Equal(t, 1, at(1, 0), "attempt 1 has its own steps")
	require.Equal(t, 1, at(7, time.Hour), "later attempts repeat the last")
	require.Equal(t, 0, sb.run(c.ReadinessProbe.Exec.Command), "an unscripted probe succeeds")
}

// TestHooks: a hook takes its scripted time and fails if scripted to, per
// attempt; a sleep hook keeps its seconds unless the script says
// otherwise; a tcpSocket hook is kept for the kubelet to fail.
func TestHooks(t *testing.T) {
	sb := newSandbox(t)
	b := model.ContainerBehaviour{
		Attempts: []model.Attempt{{}, {Conduct: model.Conduct{PostStart: &model.HookScript{Fail: true}}}},
		Conduct:  model.Conduct{PreStop: &model.HookScript{Duration: dur(20 * time.Millisecond)}},
	}
	c := sb.pod(v1.Container{Name: "app", Lifecycle: &v1.Lifecycle{
		PostStart: &v1.LifecycleHandler{HTTPGet: &v1.HTTPGetAction{Path: "/"}},
		PreStop:   &v1.LifecycleHandler{Sleep: &v1.SleepAction{Seconds: 30}},
	}}, b, false)
	require.NoError(t, os.WriteFile(sb.instance, []byte("0 0\n"), 0o644))
	require.Equal(t, 0, sb.run(c.Lifecycle.PostStart.Exec.Command))
	require.Equal(t, 0, sb.run(c.Lifecycle.PreStop.Exec.Command), "the script's 20 ms replace the sleep hook's 30 s")
	require.NoError(t, os.WriteFile(sb.instance, []byte("1 0\n"), 0o644))
	require.Equal(t, 1, sb.run(c.Lifecycle.PostStart.Exec.Command), "attempt 1's postStart fails")

	tcp := sb.pod(v1.Container{Name: "t", Lifecycle: &v1.Lifecycle{PostStart: &v1.LifecycleHandler{TCPSocket: &v1.TCPSocketAction{}}}}, model.ContainerBehaviour{}, false)
	require.NotNil(t, tcp.Lifecycle.PostStart.TCPSocket)
	require.Nil(t, tcp.Lifecycle.PostStart.Exec)
}
