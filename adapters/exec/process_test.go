//go:build unix

package exec

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/adapters"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// fakeArg, as the test binary's first argument, makes it a fake
// implementation (see runFake) instead of running the tests.
const fakeArg = "podconform-exec-fake"

var (
	tmpDir   string
	binOnce  sync.Once
	binPath  string
	binError error
)

func TestMain(m *testing.M) {
	if len(os.Args) >= 3 && os.Args[1] == fakeArg {
		os.Exit(runFake(os.Args[2]))
	}
	var err error
	tmpDir, err = os.MkdirTemp("", "podconform-exec-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tmpDir)
	os.Exit(code)
}

// goTool finds the go command.
func goTool() string {
	if p, err := osexec.LookPath("go"); err == nil {
		return p
	}
	if out, err := osexec.Command("go", "env", "GOROOT").Output(); err == nil {
		return filepath.Join(strings.TrimSpace(string(out)), "bin", "go")
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go") //nolint:staticcheck // a last resort
}

// podconformBinary builds the podconform command once per test run.
func podconformBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		binPath = filepath.Join(tmpDir, "podconform")
		cmd := osexec.Command(goTool(), "build", "-o", binPath, "github.com/podconform/podconform/cmd/podconform")
		if out, err := cmd.CombinedOutput(); err != nil {
			binError = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, binError)
	return binPath
}

// fakeCmd is the command line that runs the test binary as fake mode.
func fakeCmd(mode string) string {
	return fmt.Sprintf("'%s' %s %s", os.Args[0], fakeArg, mode)
}

// pidsOf returns the pids of the processes an adapter has (idle or busy).
func pidsOf(a *Adapter) []int {
	a.mu.Lock()
	defer a.mu.Unlock()
	var pids []int
	for p := range a.procs {
		pids = append(pids, p.cmd.Process.Pid)
	}
	return pids
}

// gone reports whether the process pid is dead: reaped, or a zombie
// waiting for its (new) parent to reap it.
func gone(pid int) bool {
	if errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...: comm may hold spaces and parentheses.
	i := strings.LastIndexByte(string(stat), ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

func requireGone(t *testing.T, pid int, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !gone(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("%s (pid %d) is still there", what, pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func requireKind(t *testing.T, err error, kind string) *adapters.Error {
	t.Helper()
	require.Error(t, err)
	var ae *adapters.Error
	require.True(t, errors.As(err, &ae), "%T: %v", err, err)
	require.Equal(t, kind, ae.Kind, "%v", err)
	return ae
}

// TestExecServer runs scenarios through the real podconform exec-server,
// in parallel, and checks them against the model in process; Shutdown then
// leaves no process behind.
func TestExecServer(t *testing.T) {
	bin := podconformBinary(t)
	a, err := New(fmt.Sprintf("%q exec-server", bin), Options{Timeout: 20 * time.Second})
	require.NoError(t, err)
	defer a.Shutdown()
	require.Equal(t, "exec:model", a.Info().Name)
	require.Equal(t, adapters.Driven, a.Info().Mode)
	ref := modeladapter.New()
	require.Equal(t, ref.Info().Observes, a.Info().Observes)

	var wg sync.WaitGroup
	const workers, each = 4, 6
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				doc := gen.Scenario(gen.DefaultKnobs()).Example(100*w + i)
				// Run on the process, then on the model, and compare traces.
				_, got, err := runScenario(context.Background(), a, doc)
				if err != nil {
					errs <- fmt.Errorf("worker %d scenario %d: %w", w, i, err)
					return
				}
				_, want, err := runScenario(context.Background(), ref, doc)
				if err != nil {
					errs <- err
					return
				}
				if len(got) != len(want) {
					errs <- fmt.Errorf("worker %d scenario %d: %d actions, want %d", w, i, len(got), len(want))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// And one in lockstep, reply by reply.
	lockstep(t, ref, a, gen.Scenario(gen.DefaultKnobs()).Example(3), "lockstep")

	pids := pidsOf(a)
	require.NotEmpty(t, pids)
	require.LessOrEqual(t, len(pids), workers, "one process per parallel session at most")
	a.Shutdown()
	for _, pid := range pids {
		require.True(t, gone(pid), "process %d survived Shutdown", pid)
	}
	_, err = a.Open(context.Background(), gen.Scenario(gen.DefaultKnobs()).Example(1).Model())
	requireKind(t, err, adapters.ErrKindStart)
}

func TestExecServerMutantAndObserves(t *testing.T) {
	bin := podconformBinary(t)
	a, err := New(fmt.Sprintf("%s exec-server --mutant parallel-init --observes actions,requests", bin), Options{})
	require.NoError(t, err)
	defer a.Shutdown()
	require.Equal(t, "exec:mutant:parallel-init", a.Info().Name)
	require.Equal(t, []string{"actions", "requests", "runs"}, a.Info().Observes.Names())
	mut, err := modeladapter.Mutant("parallel-init")
	require.NoError(t, err)
	ref := mut.Observing(a.Info().Observes)
	for i := 0; i < 5; i++ {
		lockstep(t, ref, a, gen.Scenario(gen.DefaultKnobs()).Example(50+i), fmt.Sprintf("scenario %d", i))
	}
}

func TestExecServerCommandLine(t *testing.T) {
	bin := podconformBinary(t)
	out, err := osexec.Command(bin, "exec-server", "--help").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "Usage: podconform exec-server")
	require.Contains(t, string(out), "-observes")
	for _, args := range [][]string{
		{"exec-server", "--mutant", "no-such-mutant"},
		{"exec-server", "--observes", "actions,telepathy"},
		{"exec-server", "extra"},
	} {
		out, err := osexec.Command(bin, args...).CombinedOutput()
		var ee *osexec.ExitError
		require.ErrorAs(t, err, &ee, "%v: %s", args, out)
		require.Equal(t, 2, ee.ExitCode(), "%v: %s", args, out)
	}
	// Serving: one reply per request, exit 0 at EOF.
	cmd := osexec.Command(bin, "exec-server")
	cmd.Stdin = strings.NewReader(string(appendHello(nil)) + "{\"type\":\"close\"}\n\n{\"type\":\"nonsense\"}\n")
	out, err = cmd.Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 3, "%s", out)
	require.Contains(t, lines[0], `"type":"hello"`)
	require.Equal(t, `{"type":"closed"}`, lines[1])
	require.Contains(t, lines[2], `"type":"error"`)
}

func TestStartErrors(t *testing.T) {
	_, err := New("/nonexistent/implementation --flag", Options{})
	requireKind(t, err, adapters.ErrKindStart)
	_, err = New(`broken 'quote`, Options{})
	requireKind(t, err, adapters.ErrKindStart)
	// A program that is not an implementation at all: it exits at once.
	_, err = New("true", Options{Timeout: 5 * time.Second})
	requireKind(t, err, adapters.ErrKindCrash)
	// One that speaks another version.
	_, err = New(fakeCmd("version3"), Options{Timeout: 5 * time.Second})
	ae := requireKind(t, err, adapters.ErrKindProtocol)
	require.Contains(t, ae.Error(), "chose version 3; the runner speaks 1 to 2")
}

// TestFailures: every way an implementation can fail is reported with the
// right kind, its process is killed, and the next Open gets a fresh one.
func TestFailures(t *testing.T) {
	doc := crashLoop()
	cases := []struct {
		mode    string
		kind    string
		message string // a regexp the error matches
		atStart bool   // fails in Open, else in a Step
	}{
		{"hang", adapters.ErrKindTimeout, "no reply to the open request within 2s", true},
		{"hang-input", adapters.ErrKindTimeout, "no reply to the input request within 2s", false},
		{"exit", adapters.ErrKindCrash, `closed its output \(EOF\).*exit status 3`, false},
		{"garbage", adapters.ErrKindProtocol, `invalid JSON.*"this is not JSON"`, true},
		{"unknown-field", adapters.ErrKindProtocol, `actions\[0\]\.colour: unknown field`, true},
		{"bad-container", adapters.ErrKindProtocol, `unknown container "ghost"`, true},
		{"future-action", adapters.ErrKindProtocol, "outside the step", false},
		{"undeclared", adapters.ErrKindProtocol, "HookStarted is not among the observables", true},
		{"error-reply", adapters.ErrKindProtocol, "answered the input request with an error: I give up", false},
		// The extra line is seen before the next request, or in its place (no id).
		{"chatty", adapters.ErrKindProtocol, "unsolicited output|has no id", false},
		{"huge-line", adapters.ErrKindProtocol, "longer than", true},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			t.Parallel()
			// The timeout cases wait it out; the others must fail by their
			// own fault, so a loaded machine (the race detector, parallel
			// tests) must not turn them into timeouts.
			timeout := 2 * time.Second
			if c.kind != adapters.ErrKindTimeout {
				timeout = 30 * time.Second
			}
			a, err := New(fakeCmd(c.mode), Options{Timeout: timeout})
			require.NoError(t, err)
			defer a.Shutdown()
			pids := pidsOf(a)
			require.Len(t, pids, 1)
			begin := time.Now()
			_, _, err = runScenario(context.Background(), a, doc)
			took := time.Since(begin)
			ae := requireKind(t, err, c.kind)
			require.Regexp(t, "(?s)"+c.message, ae.Error())
			if c.kind == adapters.ErrKindTimeout {
				require.GreaterOrEqual(t, took, timeout)
				// The fake started a child in its process group: it is killed
				// too.
				m := regexp.MustCompile(`child pid (\d+)`).FindStringSubmatch(ae.Error())
				require.NotNil(t, m, "the error quotes the fake's stderr: %v", ae)
				child, _ := strconv.Atoi(m[1])
				requireGone(t, child, "the fake's child")
			}
			if c.mode == "exit" {
				require.Contains(t, ae.Error(), "dying on purpose", "the stderr tail is in the report")
			}
			requireGone(t, pids[0], "the failed process")
			require.Empty(t, pidsOf(a), "a failed process leaves the pool")
			// The next scenario gets a fresh process, which works until it
			// fails the same way.
			sess, err := a.Open(context.Background(), gen.Scenario(gen.Knobs{}).Example(1).Model())
			if c.atStart {
				requireKind(t, err, c.kind)
			} else {
				require.NoError(t, err)
				require.NoError(t, sess.Close())
				require.Len(t, pidsOf(a), 1)
			}
		})
	}
}

// TestSlowFirstHandshake: the hello is bounded by StartTimeout, not by
// the per-reply Timeout, so a program that takes longer to start than to
// answer is not lost; one that never says hello fails within
// StartTimeout, naming the hello.
func TestSlowFirstHandshake(t *testing.T) {
	a, err := New(fakeCmd("slow-hello"), Options{Timeout: time.Second})
	require.NoError(t, err, "a 1.5 s start is within the default start timeout, whatever the reply timeout")
	a.Shutdown()

	_, err = New(fakeCmd("slow-hello"), Options{Timeout: time.Second, StartTimeout: time.Second})
	ae := requireKind(t, err, adapters.ErrKindTimeout)
	require.Contains(t, ae.Error(), "no reply to the hello request within 1s")

	_, err = New(fakeCmd("hang-hello"), Options{Timeout: 30 * time.Second, StartTimeout: time.Second})
	ae = requireKind(t, err, adapters.ErrKindTimeout)
	require.Contains(t, ae.Error(), "no reply to the hello request within 1s")
}

func TestSlowButInTime(t *testing.T) {
	a, err := New(fakeCmd("slow"), Options{Timeout: time.Second})
	require.NoError(t, err)
	defer a.Shutdown()
	for i := 0; i < 2; i++ {
		n, _, err := runScenario(context.Background(), a, crashLoop())
		require.NoError(t, err)
		require.Greater(t, n, 10)
	}
	require.Len(t, pidsOf(a), 1, "the process is reused")
}

func TestRefusalKeepsProcess(t *testing.T) {
	a, err := New(fakeCmd("refuse"), Options{})
	require.NoError(t, err)
	defer a.Shutdown()
	pids := pidsOf(a)
	_, err = a.Open(context.Background(), gen.Scenario(gen.Knobs{}).Example(1).Model())
	ae := requireKind(t, err, adapters.ErrKindUnsupported)
	require.Contains(t, ae.Error(), "not today")
	require.Equal(t, pids, pidsOf(a))

	// A scenario with times the protocol cannot carry is refused without
	// asking.
	s := gen.Scenario(gen.Knobs{}).Example(2).Model()
	s.Events = []model.Event{{At: metav1.Duration{Duration: 1500 * time.Microsecond}, Type: model.EventForceDelete}}
	_, err = a.Open(context.Background(), s)
	requireKind(t, err, adapters.ErrKindRefused)
	require.Equal(t, pids, pidsOf(a))
}

func TestContextCancel(t *testing.T) {
	a, err := New(fakeCmd("hang"), Options{Timeout: time.Minute})
	require.NoError(t, err)
	defer a.Shutdown()
	pids := pidsOf(a)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = a.Open(ctx, gen.Scenario(gen.Knobs{}).Example(1).Model())
	ae := requireKind(t, err, adapters.ErrKindTimeout)
	require.ErrorIs(t, ae, context.DeadlineExceeded, "the context's deadline ended it, not the adapter's minute")
	requireGone(t, pids[0], "the abandoned process")

	// A context that is over before anything is sent costs no process.
	b, err := New(fakeCmd("refuse"), Options{})
	require.NoError(t, err)
	defer b.Shutdown()
	pids = pidsOf(b)
	done, cancel2 := context.WithCancel(context.Background())
	cancel2()
	_, err = b.Open(done, gen.Scenario(gen.Knobs{}).Example(1).Model())
	ae = requireKind(t, err, adapters.ErrKindTimeout)
	require.ErrorIs(t, ae, context.Canceled)
	require.Equal(t, pids, pidsOf(b))
	_, err = b.Open(context.Background(), gen.Scenario(gen.Knobs{}).Example(1).Model())
	requireKind(t, err, adapters.ErrKindUnsupported)
}

// TestPythonExample runs the example implementation: it must speak the
// protocol without adapter errors.
func TestPythonExample(t *testing.T) {
	py, err := osexec.LookPath("python3")
	if err != nil {
		t.Log("*****************************************************************")
		t.Log("python3 is not on PATH: SKIPPING the Python example's test")
		t.Log("*****************************************************************")
		t.Skip("python3 not on PATH")
	}
	a, err := New(fmt.Sprintf("%q example/simple_kubelet.py", py), Options{Timeout: 20 * time.Second})
	require.NoError(t, err)
	defer a.Shutdown()
	require.Equal(t, "exec:simple-kubelet.py", a.Info().Name)
	require.Equal(t, "0.1", a.Info().Version)
	require.Equal(t, []string{"actions", "backoff", "requests", "runs"}, a.Info().Observes.Names())
	kinds := map[model.ActionKind]int{}
	requests := 0
	for i := 0; i < 40; i++ {
		doc := gen.Scenario(gen.DefaultKnobs()).Example(i)
		n, acts, err := runScenario(context.Background(), a, doc)
		require.NoError(t, err, "scenario %d", i)
		requests += n
		for _, act := range acts {
			kinds[act.Kind]++
		}
	}
	t.Logf("%d requests; actions: %v", requests, kinds)
	for _, k := range []model.ActionKind{model.ActSandboxCreated, model.ActContainerStarted, model.ActContainerExited,
		model.ActBackOff, model.ActStopSignal, model.ActDeleteRequested, model.ActPodRemoved} {
		require.NotZero(t, kinds[k], "the example never reported %s", k)
	}
	require.Len(t, pidsOf(a), 1, "one process served every scenario")
}

// ---- fake implementations ----

// runFake runs the test binary as a fake implementation, on its stdin and
// stdout. Most modes serve the model with a fault injected.
func runFake(mode string) int {
	in := bufio.NewReader(os.Stdin)
	out := os.Stdout
	send := func(s string) { fmt.Fprintln(out, s) }
	recv := func() string {
		line, err := in.ReadString('\n')
		if err != nil {
			os.Exit(0)
		}
		return line
	}
	hello := func(observes string) {
		recv()
		send(`{"type":"hello","protocol":"podconform-exec","version":1,"name":"fake-` + mode + `","observes":[` + observes + `]}`)
	}
	spawnChild := func() {
		cmd := osexec.Command("sleep", "300")
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "cannot start child:", err)
			return
		}
		fmt.Fprintf(os.Stderr, "child pid %d\n", cmd.Process.Pid)
	}
	const all = `"all"`
	switch mode {
	case "slow-hello", "hang-hello":
		recv()
		if mode == "hang-hello" {
			select {}
		}
		time.Sleep(1500 * time.Millisecond) // a runtime that takes its time to start
		send(`{"type":"hello","protocol":"podconform-exec","version":1,"name":"fake-slow-hello","observes":["all"]}`)
		if err := Serve(context.Background(), os.Stdin, os.Stdout, modeladapter.New()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "version3":
		recv()
		send(`{"type":"hello","protocol":"podconform-exec","version":3,"name":"x","observes":["all"]}`)
		recv()
		return 0
	case "hang":
		hello(all)
		recv()
		spawnChild()
		select {}
	case "garbage":
		hello(all)
		recv()
		send("this is not JSON")
		recv()
		return 0
	case "unknown-field":
		hello(all)
		recv()
		send(`{"type":"step","actions":[{"atMs":0,"kind":"SandboxCreated","colour":"red"}]}`)
		recv()
		return 0
	case "bad-container":
		hello(all)
		recv()
		send(`{"type":"step","actions":[{"atMs":0,"kind":"ContainerCreated","container":"ghost","attempt":0}]}`)
		recv()
		return 0
	case "undeclared":
		hello(`"actions"`)
		recv()
		send(`{"type":"step","actions":[{"atMs":0,"kind":"SandboxCreated"},{"atMs":0,"kind":"HookStarted","container":"` + firstContainer() + `","attempt":0,"hook":"postStart"}]}`)
		recv()
		return 0
	case "huge-line":
		hello(all)
		recv()
		w := bufio.NewWriter(out)
		w.WriteString(`{"type":"step","actions":[],"pad":"`)
		w.WriteString(strings.Repeat("x", MaxLineBytes))
		w.WriteString("\"}\n")
		w.Flush()
		recv()
		return 0
	case "refuse":
		hello(all)
		for {
			recv()
			send(`{"type":"refuse","message":"not today"}`)
		}
	case "auto":
		if err := Serve(context.Background(), os.Stdin, os.Stdout, modeladapter.Autonomous()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "auto-hang", "auto-exit":
		recv()
		send(`{"type":"hello","protocol":"podconform-exec","version":1,"name":"fake-auto","mode":"autonomous","observes":["all"]}`)
		recv()
		if mode == "auto-exit" {
			fmt.Fprintln(os.Stderr, "fake: dying on purpose in the middle of a run")
			return 3
		}
		spawnChild()
		select {}
	}
	// The rest serve the model with a fault.
	f := &faultAdapter{Adapter: modeladapter.New(), mode: mode}
	if err := Serve(context.Background(), os.Stdin, faultWriter{f}, f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// firstContainer is the first container of crashLoop (the fakes do not
// decode the open request's pod).
func firstContainer() string { return "setup" }

// crashLoop is a scenario with many inputs: an init container, then an
// app container that crashes a second after each start, deleted at 2m.
func crashLoop() *scenario.Document {
	d := &scenario.Document{APIVersion: scenario.APIVersion, Kind: scenario.Kind, Metadata: scenario.Metadata{Name: "crash-loop"}}
	d.Pod.Name = "crash-loop"
	d.Pod.Spec.InitContainers = []v1.Container{{Name: "setup", Image: "busybox"}}
	d.Pod.Spec.Containers = []v1.Container{{Name: "app", Image: "busybox"}}
	d.Behaviour.Containers = map[string]model.ContainerBehaviour{
		"app": {Attempts: []model.Attempt{{ExitAfter: &metav1.Duration{Duration: time.Second}, ExitCode: 1}}},
	}
	d.Events = []model.Event{{At: metav1.Duration{Duration: 2 * time.Minute}, Type: model.EventDelete}}
	return d
}

// faultAdapter is the model with a fault after the first input.
type faultAdapter struct {
	*modeladapter.Adapter
	mode   string
	inputs int
}

func (f *faultAdapter) Open(ctx context.Context, s *model.Scenario) (adapters.Session, error) {
	sess, err := f.Adapter.Open(ctx, s)
	if err != nil {
		return nil, err
	}
	return &faultSession{Session: sess, f: f}, nil
}

type faultSession struct {
	adapters.Session
	f *faultAdapter
}

func (s *faultSession) Step(ctx context.Context, in model.Input) (adapters.Reply, error) {
	if s.f.mode == "slow" {
		time.Sleep(20 * time.Millisecond)
	}
	s.f.inputs++
	r, err := s.Session.Step(ctx, in)
	if s.f.inputs < 2 {
		return r, err
	}
	switch s.f.mode {
	case "hang-input":
		spawnChildAndHang()
	case "exit":
		fmt.Fprintln(os.Stderr, "fake: dying on purpose")
		os.Exit(3)
	case "future-action":
		r.Actions = append(r.Actions, model.Action{At: in.At + time.Second, Kind: model.ActSandboxStopped})
	case "error-reply":
		return r, errors.New("I give up")
	}
	return r, err
}

func spawnChildAndHang() {
	cmd := osexec.Command("sleep", "300")
	if err := cmd.Start(); err == nil {
		fmt.Fprintf(os.Stderr, "child pid %d\n", cmd.Process.Pid)
	}
	select {}
}

// faultWriter writes the server's replies; in mode chatty it adds a line
// nobody asked for after the second input's reply.
type faultWriter struct{ f *faultAdapter }

func (w faultWriter) Write(b []byte) (int, error) {
	n, err := os.Stdout.Write(b)
	if w.f.mode == "chatty" && w.f.inputs == 2 {
		w.f.inputs++
		os.Stdout.WriteString(`{"type":"closed"}` + "\n")
	}
	return n, err
}

// TestAutonomousProcess: a program whose hello says autonomous is run with
// Run, one request per scenario, on a pool of processes reused across
// runs; Open fails without asking.
func TestAutonomousProcess(t *testing.T) {
	a, err := New(fakeCmd("auto"), Options{Timeout: 10 * time.Second})
	require.NoError(t, err)
	defer a.Shutdown()
	require.Equal(t, adapters.Autonomous, a.Info().Mode)
	require.Equal(t, "exec:model:autonomous", a.Info().Name)
	pids := pidsOf(a)
	require.Len(t, pids, 1)
	ref := modeladapter.Autonomous()
	for i := 0; i < 20; i++ {
		doc := gen.Scenario(gen.DefaultKnobs()).Example(i)
		s, until := doc.Model(), gen.Until(doc)
		want, err := ref.Run(context.Background(), s, until)
		require.NoError(t, err)
		got, err := a.Run(context.Background(), s, until)
		require.NoError(t, err, "scenario %d", i)
		requireSameTrace(t, want, got, fmt.Sprintf("scenario %d", i))
	}
	require.Equal(t, pids, pidsOf(a), "one process ran every scenario")
	_, err = a.Open(context.Background(), gen.Scenario(gen.Knobs{}).Example(1).Model())
	require.ErrorContains(t, err, "autonomous")
	require.Equal(t, pids, pidsOf(a))

	// Runs in parallel take a process each.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			doc := gen.Scenario(gen.DefaultKnobs()).Example(100 + i)
			_, err := a.Run(context.Background(), doc.Model(), gen.Until(doc))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.GreaterOrEqual(t, len(pidsOf(a)), 1)
}

// TestAutonomousFailures: a run that hangs is a timeout within about
// Options.Timeout, one that dies is a crash with the tail of its stderr;
// either way the process (and its process group) is killed, and the next
// run gets a fresh one.
func TestAutonomousFailures(t *testing.T) {
	for _, c := range []struct {
		mode, kind, message string
	}{
		{"auto-hang", adapters.ErrKindTimeout, "no reply to the run request within 2s"},
		{"auto-exit", adapters.ErrKindCrash, `(?s)closed its output \(EOF\) before replying to the run request.*exit status 3.*dying on purpose in the middle of a run`},
	} {
		t.Run(c.mode, func(t *testing.T) {
			t.Parallel()
			// The timeout cases wait it out; the others must fail by their
			// own fault, so a loaded machine (the race detector, parallel
			// tests) must not turn them into timeouts.
			timeout := 2 * time.Second
			if c.kind != adapters.ErrKindTimeout {
				timeout = 30 * time.Second
			}
			a, err := New(fakeCmd(c.mode), Options{Timeout: timeout})
			require.NoError(t, err)
			defer a.Shutdown()
			require.Equal(t, adapters.Autonomous, a.Info().Mode)
			pids := pidsOf(a)
			require.Len(t, pids, 1)
			doc := crashLoop()
			begin := time.Now()
			_, err = a.Run(context.Background(), doc.Model(), gen.Until(doc))
			took := time.Since(begin)
			ae := requireKind(t, err, c.kind)
			require.Regexp(t, c.message, ae.Error())
			if c.kind == adapters.ErrKindTimeout {
				require.GreaterOrEqual(t, took, timeout)
				m := regexp.MustCompile(`child pid (\d+)`).FindStringSubmatch(ae.Error())
				require.NotNil(t, m, "the error quotes the fake's stderr: %v", ae)
				child, _ := strconv.Atoi(m[1])
				requireGone(t, child, "the fake's child")
			}
			requireGone(t, pids[0], "the failed process")
			require.Empty(t, pidsOf(a), "a failed process leaves the pool")
			_, err = a.Run(context.Background(), doc.Model(), gen.Until(doc))
			requireKind(t, err, c.kind)
			require.NotContains(t, pidsOf(a), pids[0])
		})
	}
}
