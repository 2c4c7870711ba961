package exec

import (
	"context"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"strings"
	"sync"
	"time"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
)

// stderrTail is how much of an implementation's standard error is kept for
// error reports.
const stderrTail = 4 << 10

// Adapter runs scenarios on a program that speaks the exec protocol. It is
// a driven adapter or an autonomous one, as the program's hello says
// (Info().Mode): it has the methods of both, and the other kind's fail
// without asking. It keeps a pool of idle processes: Open (or Run) takes
// one (or starts one, with the handshake); the session's Close gives it
// back once it has answered the close request, and Run once it has
// answered the run request. A process that fails in any way (it crashes,
// misses its deadline, breaks the protocol, answers with an error) is
// killed with its whole process group and never reused; the next Open or
// Run starts a fresh one. Sessions and runs may go on in parallel, each on
// its own process.
type Adapter struct {
	argv []string
	opt  Options
	info adapters.Info

	mu    sync.Mutex
	idle  []*proc
	procs map[*proc]struct{}
	shut  bool
	reap  sync.WaitGroup // one per process until it is reaped
}

// New starts the program cmdline names (split into words like a shell
// would, see SplitCommand; no shell is run) and performs the handshake,
// bounded by opt.Timeout. The process is kept for the first Open. Errors
// are *adapters.Error values (of kind start when the program cannot be
// run).
func New(cmdline string, opt Options) (*Adapter, error) {
	argv, err := SplitCommand(cmdline)
	if err != nil {
		return nil, adapters.Errorf(adapters.ErrKindStart, "command line: %v", err)
	}
	return NewCommand(argv, opt)
}

// NewCommand is New with the command line already split into words.
func NewCommand(argv []string, opt Options) (*Adapter, error) {
	if len(argv) == 0 || argv[0] == "" {
		return nil, adapters.Errorf(adapters.ErrKindStart, "empty command line")
	}
	a := &Adapter{argv: append([]string(nil), argv...), opt: opt, procs: map[*proc]struct{}{}}
	p, err := a.start(context.Background())
	if err != nil {
		return nil, err
	}
	a.put(p)
	return a, nil
}

// Info describes the implementation as its hello did: Name is "exec:"
// followed by the name it gave (or Options.Name), Version its
// implVersion, Mode Autonomous if it said so, else Driven.
func (a *Adapter) Info() adapters.Info { return a.info }

// Command returns the program's command line, split into words.
func (a *Adapter) Command() []string { return append([]string(nil), a.argv...) }

// Open starts scenario s on an idle process, or on a new one. A scenario
// the protocol cannot carry (CheckScenario) and one the implementation
// refuses are *adapters.Error values of kind refused; other errors are
// *adapters.Error values too.
func (a *Adapter) Open(ctx context.Context, s *model.Scenario) (adapters.Session, error) {
	if err := CheckScenario(s); err != nil {
		return nil, err
	}
	if a.info.Mode == adapters.Autonomous {
		return nil, wrongMode(a.info, "Open")
	}
	p, err := a.take(ctx)
	if err != nil {
		return nil, err
	}
	sess, e := p.conn.open0(ctx, s)
	if e != nil {
		a.release(p)
		return nil, e
	}
	sess.release = func() { a.release(p) }
	return sess, nil
}

// Run runs scenario s, until virtual time until, on an idle process, or
// on a new one, of an autonomous implementation, and returns its trace
// (see Conn.Run). The run is one request: Options.Timeout bounds it. A
// scenario the protocol cannot carry and one the implementation refuses
// are *adapters.Error values of kind refused, and leave the process in the
// pool; other errors are *adapters.Error values too, and end the process.
func (a *Adapter) Run(ctx context.Context, s *model.Scenario, until time.Duration) ([]model.Action, error) {
	if err := CheckScenario(s); err != nil {
		return nil, err
	}
	if a.info.Mode != adapters.Autonomous {
		return nil, wrongMode(a.info, "Run")
	}
	p, err := a.take(ctx)
	if err != nil {
		return nil, err
	}
	defer a.release(p)
	return p.conn.Run(ctx, s, until)
}

// open0 is Conn.Open for a Conn the Adapter owns exclusively.
func (c *Conn) open0(ctx context.Context, s *model.Scenario) (*session, error) {
	sess, err := c.Open(ctx, s)
	if err != nil {
		return nil, err
	}
	return sess.(*session), nil
}

// Shutdown ends every process, idle or busy: it closes their standard
// input, waits up to a second for them to exit, then kills their process
// groups, and returns once all are reaped. Later Opens fail.
func (a *Adapter) Shutdown() {
	a.mu.Lock()
	a.shut = true
	ps := make([]*proc, 0, len(a.procs))
	for p := range a.procs {
		ps = append(ps, p)
	}
	a.procs = map[*proc]struct{}{}
	a.idle = nil
	a.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.shutdown()
		}()
	}
	wg.Wait()
	a.reap.Wait()
}

// take returns an idle, live process, or starts one.
func (a *Adapter) take(ctx context.Context) (*proc, error) {
	for {
		a.mu.Lock()
		if a.shut {
			a.mu.Unlock()
			return nil, adapters.Errorf(adapters.ErrKindStart, "the adapter is shut down")
		}
		if n := len(a.idle); n > 0 {
			p := a.idle[n-1]
			a.idle = a.idle[:n-1]
			a.mu.Unlock()
			if p.alive() {
				return p, nil
			}
			a.discard(p)
			continue
		}
		a.mu.Unlock()
		return a.start(ctx)
	}
}

// start starts a process and performs the handshake. Every process after
// the first must introduce itself as the first did.
func (a *Adapter) start(ctx context.Context) (*proc, error) {
	a.mu.Lock()
	if a.shut {
		a.mu.Unlock()
		return nil, adapters.Errorf(adapters.ErrKindStart, "the adapter is shut down")
	}
	a.reap.Add(1)
	p, err := startProc(a.argv, a.opt, a.reap.Done)
	if err != nil {
		a.mu.Unlock()
		return nil, err
	}
	a.procs[p] = struct{}{}
	a.mu.Unlock()
	if e := p.conn.handshake(ctx); e != nil {
		a.discard(p)
		return nil, e
	}
	info := p.conn.info
	a.mu.Lock()
	first := a.info.Name == ""
	if first {
		a.info = info
	}
	want := a.info
	a.mu.Unlock()
	if !first && (info.Name != want.Name || info.Version != want.Version || info.Observes != want.Observes || info.Mode != want.Mode) {
		e := p.conn.protocolError("hello: a new process introduced itself as %s %q (%s) observing %v, the first as %s %q (%s) observing %v",
			info.Name, info.Version, info.Mode, info.Observes, want.Name, want.Version, want.Mode, want.Observes)
		a.discard(p)
		return nil, e
	}
	return p, nil
}

// release returns p to the pool if its connection is sound, else ends it.
func (a *Adapter) release(p *proc) {
	if p.conn.broken() != nil || !p.alive() {
		a.discard(p)
		return
	}
	a.put(p)
}

func (a *Adapter) put(p *proc) {
	a.mu.Lock()
	if a.shut {
		a.mu.Unlock()
		p.shutdown()
		return
	}
	a.idle = append(a.idle, p)
	a.mu.Unlock()
}

// discard kills p and forgets it.
func (a *Adapter) discard(p *proc) {
	a.mu.Lock()
	delete(a.procs, p)
	a.mu.Unlock()
	p.kill()
}

// proc is one implementation process.
type proc struct {
	cmd    *osexec.Cmd
	stdin  *os.File // our end
	stdout *os.File // our end
	tail   *tailBuffer
	conn   *Conn
	exited chan struct{} // closed once the process is reaped

	killMu sync.Mutex
	killed string // why the runner killed it, if it did
}

func startProc(argv []string, opt Options, reaped func()) (*proc, error) {
	fail := func(err error) (*proc, error) {
		reaped()
		return nil, adapters.Errorf(adapters.ErrKindStart, "starting %s: %v", argv[0], err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		return fail(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return fail(err)
	}
	tail := &tailBuffer{max: stderrTail, tee: opt.Stderr}
	cmd := osexec.Command(argv[0], argv[1:]...)
	cmd.Dir = opt.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, tail
	// Stderr is copied by a goroutine of cmd; a grandchild that keeps it
	// open must not hold Wait for ever.
	cmd.WaitDelay = time.Second
	setProcessGroup(cmd)
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return fail(err)
	}
	p := &proc{cmd: cmd, stdin: inW, stdout: outR, tail: tail, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
		reaped()
	}()
	p.conn = newConn(outR, inW, opt)
	p.conn.onFail = p.onFail
	return p, nil
}

// alive reports whether the process has not exited.
func (p *proc) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// onFail ends a process whose connection broke and completes the error
// with its exit status and the tail of its standard error.
func (p *proc) onFail(e *adapters.Error) *adapters.Error {
	if e.Kind == adapters.ErrKindCrash {
		// The process most likely exited: give it a moment to be reaped, for
		// its status.
		select {
		case <-p.exited:
		case <-time.After(time.Second):
		}
	}
	why := "after a protocol error"
	if e.Kind == adapters.ErrKindTimeout {
		why = "after its deadline"
	}
	p.killWith(why)
	select {
	case <-p.exited:
	case <-time.After(2 * time.Second):
	}
	return &adapters.Error{Kind: e.Kind, Err: fmt.Errorf("%w%s", e.Err, p.describe())}
}

// describe says how the process ended, and quotes its standard error.
func (p *proc) describe() string {
	var b strings.Builder
	pid := 0
	if p.cmd.Process != nil {
		pid = p.cmd.Process.Pid
	}
	p.killMu.Lock()
	killed := p.killed
	p.killMu.Unlock()
	select {
	case <-p.exited:
		if killed != "" {
			fmt.Fprintf(&b, " (process %d killed by the runner %s)", pid, killed)
		} else {
			fmt.Fprintf(&b, " (process %d ended: %v)", pid, p.cmd.ProcessState)
		}
	default:
		fmt.Fprintf(&b, " (process %d still running)", pid)
	}
	if t := p.tail.String(); t != "" {
		fmt.Fprintf(&b, "\nstderr (last %d bytes):\n%s", len(t), strings.TrimRight(t, "\n"))
	}
	return b.String()
}

// killWith kills the process group (once) and closes our ends of the
// pipes, noting why.
func (p *proc) killWith(why string) {
	p.killMu.Lock()
	if p.killed == "" && p.alive() {
		p.killed = why
	}
	p.killMu.Unlock()
	killProcessGroup(p.cmd)
	p.stdin.Close()
	p.stdout.Close()
}

// kill ends the process at once (its Conn is broken first, so that a
// session using it fails cleanly).
func (p *proc) kill() {
	p.conn.breakWith(adapters.Errorf(adapters.ErrKindCrash, "the process was discarded"))
	p.killWith("on discard")
}

// shutdown closes the process's standard input, gives it a second to exit,
// then kills its process group, and waits for it to be reaped.
func (p *proc) shutdown() {
	p.conn.breakWith(adapters.Errorf(adapters.ErrKindCrash, "the adapter was shut down"))
	p.stdin.Close()
	select {
	case <-p.exited:
	case <-time.After(time.Second):
	}
	p.killWith("at shutdown")
	<-p.exited
}

// tailBuffer keeps the last max bytes written to it, and copies every
// write to tee if set.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
	tee io.Writer
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tee != nil {
		_, _ = t.tee.Write(b)
	}
	t.buf = append(t.buf, b...)
	if len(t.buf) > 2*t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) > t.max {
		b = b[len(b)-t.max:]
	}
	return string(b)
}
