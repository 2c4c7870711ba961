package exec

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// DefaultTimeout is the time allowed for one reply when Options.Timeout is
// zero.
const DefaultTimeout = 10 * time.Second

// Options configure the runner's side of the protocol.
type Options struct {
	// Timeout bounds the wait for each reply. Zero means DefaultTimeout.
	Timeout time.Duration
	// StartTimeout bounds the handshake of each process: the wait for its
	// hello, which includes the program's own start (an interpreter, a
	// runtime, a cluster client). Zero means DefaultStartTimeout, or
	// Timeout if that is longer.
	StartTimeout time.Duration
	// Stderr, if set, receives a copy of the implementation's standard
	// error. The last 4 KiB are kept for error reports either way.
	Stderr io.Writer
	// Dir is the implementation's working directory ("" for the runner's).
	Dir string
	// Name, if set, is the implementation's name in reports (Info().Name)
	// instead of "exec:" followed by the name its hello gives.
	Name string
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return DefaultTimeout
	}
	return o.Timeout
}

// DefaultStartTimeout bounds a handshake when Options.StartTimeout is zero.
const DefaultStartTimeout = time.Minute

func (o Options) startTimeout() time.Duration {
	if o.StartTimeout > 0 {
		return o.StartTimeout
	}
	return max(DefaultStartTimeout, o.timeout())
}

// limit is how long a request of type what may wait for its reply.
func (c *Conn) limit(what string) time.Duration {
	if what == TypeHello {
		return c.startTimeout
	}
	return c.timeout
}

// errLineTooLong is read when a line exceeds MaxLineBytes.
var errLineTooLong = fmt.Errorf("line longer than %d bytes", MaxLineBytes)

// readLine reads one line without its terminator ("\n" or "\r\n"). A line
// longer than MaxLineBytes is skipped up to its end and errLineTooLong
// returned. A last line without a newline is returned as a line; the next
// call returns io.EOF.
func readLine(br *bufio.Reader) ([]byte, error) {
	var acc []byte
	tooLong := false
	for {
		frag, err := br.ReadSlice('\n')
		if !tooLong {
			if len(acc)+len(frag) > MaxLineBytes+2 {
				tooLong, acc = true, nil
			} else {
				acc = append(acc, frag...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && (len(acc) > 0 || tooLong):
			err = nil
		case err != nil:
			return nil, err
		}
		if tooLong {
			return nil, errLineTooLong
		}
		acc = bytes.TrimSuffix(acc, []byte{'\n'})
		acc = bytes.TrimSuffix(acc, []byte{'\r'})
		if len(acc) > MaxLineBytes {
			return nil, errLineTooLong
		}
		return acc, nil
	}
}

// lineMsg is a line, or the error that ended the stream.
type lineMsg struct {
	b   []byte
	err error
}

// readLoop delivers the non-blank lines of r on lines until r fails or
// done is closed.
func readLoop(r io.Reader, lines chan<- lineMsg, done <-chan struct{}) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		b, err := readLine(br)
		if err == nil && len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		select {
		case lines <- lineMsg{b, err}:
		case <-done:
			return
		}
		if err != nil && err != errLineTooLong {
			return
		}
	}
}

// Conn is the runner's side of one protocol stream: requests written to
// an io.Writer, replies read from an io.Reader. It is a DrivenAdapter that
// runs one session at a time or an AutonomousAdapter that runs one
// scenario at a time, as the implementation's hello says (Info().Mode):
// it has the methods of both, and the other kind's fails without asking.
// Adapter runs each of its processes through a Conn; NewConn makes one
// over any pair of streams (pipes, a socket).
//
// Every wait for a reply is bounded by Options.Timeout and by the request's
// context: lines are read by a goroutine and handed over on a channel, and
// requests are written under a write deadline (pipes and sockets) or by
// another goroutine (other writers), so a peer that stops reading or
// writing cannot block the caller. The first error (a crash, a timeout, a reply
// that breaks the protocol) breaks the Conn for good: every later call
// returns it.
type Conn struct {
	timeout      time.Duration
	startTimeout time.Duration
	name         string // Options.Name
	lines        chan lineMsg
	writes       chan []byte
	written      chan error
	dw           deadlineWriter // set when requests are written directly
	done         chan struct{}
	endOnce      sync.Once

	mu   sync.Mutex
	err  *adapters.Error
	busy bool

	info adapters.Info

	// ids says the implementation chose version 2: every request after
	// the hello carries an id, seq the last one's, and every reply must
	// echo its request's; idBuf holds the request being sent.
	ids   bool
	seq   int64
	idBuf []byte

	// onFail, if set, is called once with the error that breaks the Conn;
	// it ends the peer and returns the error completed with what it knows
	// (a process's exit status and stderr).
	onFail func(*adapters.Error) *adapters.Error
}

// NewConn returns a Conn reading replies from r and writing requests to w,
// after the handshake (bounded by opt.Timeout; opt.Dir and opt.Stderr are
// not used). The Conn's goroutines end when r and w fail or after Close;
// one blocked in a Read or Write stays so until the stream is closed.
func NewConn(r io.Reader, w io.Writer, opt Options) (*Conn, error) {
	c := newConn(r, w, opt)
	if err := c.handshake(context.Background()); err != nil {
		return nil, err
	}
	return c, nil
}

func newConn(r io.Reader, w io.Writer, opt Options) *Conn {
	c := &Conn{
		timeout:      opt.timeout(),
		startTimeout: opt.startTimeout(),
		name:         opt.Name,
		lines:        make(chan lineMsg),
		writes:       make(chan []byte, 1),
		written:      make(chan error, 1),
		done:         make(chan struct{}),
	}
	go readLoop(r, c.lines, c.done)
	// A pipe or socket that takes write deadlines is written directly,
	// bounded by the deadline; any other writer by a goroutine.
	if dw, ok := w.(deadlineWriter); ok && dw.SetWriteDeadline(time.Time{}) == nil {
		c.dw = dw
	} else {
		go c.writeLoop(w)
	}
	return c
}

// deadlineWriter is a writer whose writes can be bounded (*os.File pipes,
// net.Conn).
type deadlineWriter interface {
	Write([]byte) (int, error)
	SetWriteDeadline(time.Time) error
}

// writeDirect writes req to c.dw, bounded by deadline and ctx.
func (c *Conn) writeDirect(ctx context.Context, what string, req []byte, deadline time.Time) *adapters.Error {
	if err := c.dw.SetWriteDeadline(deadline); err != nil {
		return c.fail(adapters.Errorf(adapters.ErrKindCrash, "writing the %s request: %v", what, err))
	}
	stop := context.AfterFunc(ctx, func() { _ = c.dw.SetWriteDeadline(time.Unix(1, 0)) })
	_, err := c.dw.Write(req)
	stop()
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return c.fail(ctxError(ctx.Err(), what))
	case errors.Is(err, os.ErrDeadlineExceeded):
		return c.fail(adapters.Errorf(adapters.ErrKindTimeout, "the implementation did not read the %s request within %v", what, c.limit(what)))
	}
	return c.fail(adapters.Errorf(adapters.ErrKindCrash, "writing the %s request: %v", what, err))
}

func (c *Conn) writeLoop(w io.Writer) {
	for {
		select {
		case b := <-c.writes:
			_, err := w.Write(b)
			select {
			case c.written <- err:
			case <-c.done:
				return
			}
		case <-c.done:
			return
		}
	}
}

// Info describes the implementation as its hello did: Name is "exec:"
// followed by the name it gave (or Options.Name), Version its implVersion,
// Mode its mode (Driven unless it said autonomous).
func (c *Conn) Info() adapters.Info { return c.info }

// Err returns the error that broke the Conn, or nil.
func (c *Conn) Err() error {
	if e := c.broken(); e != nil {
		return e
	}
	return nil
}

func (c *Conn) broken() *adapters.Error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close breaks the Conn: later calls fail. It does not close the streams.
func (c *Conn) Close() error {
	c.breakWith(adapters.Errorf(adapters.ErrKindCrash, "connection closed"))
	return nil
}

// breakWith records e as the Conn's error, if it has none, and stops its
// goroutines, without calling onFail.
func (c *Conn) breakWith(e *adapters.Error) *adapters.Error {
	c.mu.Lock()
	if c.err == nil {
		c.err = e
	}
	e = c.err
	c.mu.Unlock()
	c.endOnce.Do(func() { close(c.done) })
	return e
}

// fail breaks the Conn with e (unless it is broken already) and returns
// the Conn's error.
func (c *Conn) fail(e *adapters.Error) *adapters.Error {
	if old := c.broken(); old != nil {
		return old
	}
	if c.onFail != nil {
		e = c.onFail(e)
	}
	return c.breakWith(e)
}

func (c *Conn) protocolError(format string, args ...any) *adapters.Error {
	return c.fail(adapters.Errorf(adapters.ErrKindProtocol, format, args...))
}

// streamError turns the error that ended the reply stream into an adapter
// error.
func streamError(err error, what string) *adapters.Error {
	switch {
	case err == errLineTooLong:
		return adapters.Errorf(adapters.ErrKindProtocol, "reply to the %s request: %v", what, err)
	case err == io.EOF:
		return adapters.Errorf(adapters.ErrKindCrash, "the implementation closed its output (EOF) before replying to the %s request", what)
	}
	return adapters.Errorf(adapters.ErrKindCrash, "reading the reply to the %s request: %v", what, err)
}

func ctxError(err error, what string) *adapters.Error {
	return &adapters.Error{Kind: adapters.ErrKindTimeout, Err: fmt.Errorf("%s request abandoned: %w", what, err)}
}

// roundTrip writes one request line and returns the reply line, within
// the Conn's timeout and ctx.
func (c *Conn) roundTrip(ctx context.Context, what string, req []byte) ([]byte, *adapters.Error) {
	if e := c.broken(); e != nil {
		return nil, e
	}
	if err := ctx.Err(); err != nil {
		// Nothing was sent: the connection is still sound.
		return nil, ctxError(err, what)
	}
	// Strict request/reply: nothing may be waiting before a request.
	select {
	case l := <-c.lines:
		if l.err != nil {
			return nil, c.fail(streamError(l.err, what))
		}
		return nil, c.protocolError("unsolicited output before the %s request: %s", what, quoteLine(l.b))
	default:
	}
	timer := time.NewTimer(c.limit(what))
	defer timer.Stop()
	if c.dw != nil {
		if e := c.writeDirect(ctx, what, req, time.Now().Add(c.limit(what))); e != nil {
			return nil, e
		}
	} else if e := c.writeAsync(ctx, what, req, timer); e != nil {
		return nil, e
	}
	select {
	case l := <-c.lines:
		if l.err != nil {
			return nil, c.fail(streamError(l.err, what))
		}
		return l.b, nil
	case <-timer.C:
		return nil, c.fail(adapters.Errorf(adapters.ErrKindTimeout, "no reply to the %s request within %v", what, c.limit(what)))
	case <-ctx.Done():
		return nil, c.fail(ctxError(ctx.Err(), what))
	case <-c.done:
		return nil, c.broken()
	}
}

// writeAsync hands req to the writer goroutine and waits for the write,
// bounded by timer and ctx.
func (c *Conn) writeAsync(ctx context.Context, what string, req []byte, timer *time.Timer) *adapters.Error {
	select {
	case c.writes <- req:
	case <-c.done:
		return c.broken()
	}
	select {
	case err := <-c.written:
		if err != nil {
			return c.fail(adapters.Errorf(adapters.ErrKindCrash, "writing the %s request: %v", what, err))
		}
		return nil
	case <-timer.C:
		return c.fail(adapters.Errorf(adapters.ErrKindTimeout, "the implementation did not read the %s request within %v", what, c.limit(what)))
	case <-ctx.Done():
		return c.fail(ctxError(ctx.Err(), what))
	case <-c.done:
		return c.broken()
	}
}

// call sends a request and decodes the reply; a reply that is not valid is
// a protocol error, as is an error reply.
func (c *Conn) call(ctx context.Context, what string, req []byte) (*reply, *adapters.Error) {
	if e := c.broken(); e != nil {
		// Before idBuf is touched: a write the break cut short may still
		// hold it.
		return nil, e
	}
	id := c.seq + 1
	if c.ids {
		c.idBuf = withID(c.idBuf[:0], id, req)
		req = c.idBuf
	}
	line, e := c.roundTrip(ctx, what, req)
	if e != nil {
		return nil, e
	}
	r, fe := decodeReply(line)
	if fe != nil {
		return nil, c.protocolError("reply to the %s request: %v", what, fe)
	}
	if r.typ == TypeError {
		return nil, c.protocolError("the implementation answered the %s request with an error: %s", what, r.message)
	}
	if c.ids {
		c.seq = id
		switch {
		case r.id == nil:
			return nil, c.protocolError("the reply to the %s request (id %d) has no id: protocol version 2 echoes every request's id", what, id)
		case *r.id != id:
			return nil, c.protocolError("a reply with id %d while the %s request %d was outstanding: a late or duplicated reply, which answers no outstanding request", *r.id, what, id)
		}
	} else if r.id != nil {
		return nil, c.protocolError("the reply to the %s request has an id, though the request had none (ids come with protocol version 2)", what)
	}
	return r, nil
}

func (c *Conn) handshake(ctx context.Context) *adapters.Error {
	r, e := c.call(ctx, TypeHello, appendHello(nil))
	if e != nil {
		return e
	}
	if r.typ != TypeHello {
		return c.protocolError("got a %s reply to hello, want hello", r.typ)
	}
	if r.version < MinVersion || r.version > Version {
		return c.protocolError("hello: the implementation chose version %d; the runner speaks %d to %d", r.version, MinVersion, Version)
	}
	c.ids = r.version >= 2
	obs, err := properties.ParseObservables(r.observes)
	if err != nil {
		return c.protocolError("hello: observes: %v", err)
	}
	name := "exec:" + r.name
	if c.name != "" {
		name = c.name
	}
	c.info = adapters.Info{Name: name, Version: r.implVersion, Mode: r.mode, Observes: obs, Lag: r.lag, ExecProbes: r.execProbes}
	return nil
}

// wrongMode is the error of a call the implementation's mode does not
// take; nothing is sent, and the Conn stays usable.
func wrongMode(info adapters.Info, call string) error {
	other := "Open"
	if call == "Open" {
		other = "Run"
	}
	return fmt.Errorf("exec: %s is %s (its hello says so): use %s, not %s", info.Name, describeMode(info.Mode), other, call)
}

func describeMode(m adapters.Mode) string {
	if m == adapters.Autonomous {
		return "an autonomous implementation"
	}
	return "a driven implementation"
}

// acquire marks the Conn busy with a session or a run.
func (c *Conn) acquire() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	if c.busy {
		return errors.New("exec: a session is already open on this connection")
	}
	c.busy = true
	return nil
}

func (c *Conn) unbusy() {
	c.mu.Lock()
	c.busy = false
	c.mu.Unlock()
}

// containerNames returns the names of s's containers, init and app.
func containerNames(s *model.Scenario) map[string]bool {
	ctrs := map[string]bool{}
	for _, ctr := range s.Pod.Spec.InitContainers {
		ctrs[ctr.Name] = true
	}
	for _, ctr := range s.Pod.Spec.Containers {
		ctrs[ctr.Name] = true
	}
	return ctrs
}

// Run runs scenario s on an autonomous implementation: it sends the run
// request, with the time limit until, and returns the actions of the trace
// reply. The trace is checked as strictly as a step is: its actions must be
// of kinds the implementation declared it observes, for containers of the
// pod, in non-decreasing time order, none after until; anything else is a
// protocol error, which breaks the Conn. A refuse reply is an
// *adapters.Error of kind refused, and leaves the Conn usable; so does a
// scenario the protocol cannot carry (see CheckScenario), which is refused
// without asking. Run on a driven implementation fails without asking.
func (c *Conn) Run(ctx context.Context, s *model.Scenario, until time.Duration) ([]model.Action, error) {
	if err := CheckScenario(s); err != nil {
		return nil, err
	}
	if _, ok := Millis(until); !ok || until < 0 {
		return nil, adapters.Errorf(adapters.ErrKindRefused, "the time limit %v is not a whole, non-negative number of milliseconds, which the exec protocol cannot carry", until)
	}
	if c.info.Mode != adapters.Autonomous {
		return nil, wrongMode(c.info, "Run")
	}
	if err := c.acquire(); err != nil {
		return nil, err
	}
	defer c.unbusy()
	acts, e := c.run(ctx, s, until)
	if e != nil {
		return nil, e
	}
	return acts, nil
}

func (c *Conn) run(ctx context.Context, s *model.Scenario, until time.Duration) ([]model.Action, *adapters.Error) {
	req, err := appendRun(make([]byte, 0, 8192), scenarioName(ctx, s), s, until)
	if err != nil {
		return nil, adapters.Errorf(adapters.ErrKindRefused, "cannot encode the scenario: %v", err)
	}
	r, e := c.call(ctx, TypeRun, req)
	if e != nil {
		return nil, e
	}
	switch r.typ {
	case TypeRefuse:
		return nil, adapters.Errorf(adapters.ErrKindUnsupported, "the implementation refused the scenario: %s", r.message)
	case TypeTrace:
	default:
		return nil, c.protocolError("got a %s reply to run, want trace or refuse", r.typ)
	}
	if e := c.checkTrace(r.trace, containerNames(s), until); e != nil {
		return nil, e
	}
	return r.trace, nil
}

// checkTrace validates a trace reply: action times in [0, until] and in
// order, known containers, declared observables.
func (c *Conn) checkTrace(acts []model.Action, ctrs map[string]bool, until time.Duration) *adapters.Error {
	obs := c.info.Observes
	var last time.Duration
	for i := range acts {
		a := &acts[i]
		set, _ := kindFields(a.Kind)
		switch {
		case a.At > until:
			return c.protocolError("actions[%d] (%s) at %dms: after the run's time limit (untilMs %d)", i, a.Kind, a.At.Milliseconds(), until.Milliseconds())
		case a.At < last:
			return c.protocolError("actions[%d] (%s) at %dms: before the previous action (%dms)", i, a.Kind, a.At.Milliseconds(), last.Milliseconds())
		case set&fContainer != 0 && !ctrs[a.Container]:
			return c.protocolError("actions[%d] (%s): unknown container %q", i, a.Kind, a.Container)
		case obs&properties.ObservableOf(a.Kind) == 0:
			return c.protocolError("actions[%d]: %s is not among the observables the implementation declared (%v)", i, a.Kind, obs)
		}
		last = a.At
	}
	return nil
}

// scenarioName is the name the open request gives the scenario: the one
// adapters.WithScenarioName put in ctx (the runner always does), else the
// pod's.
func scenarioName(ctx context.Context, s *model.Scenario) string {
	if n := adapters.ScenarioName(ctx); n != "" {
		return n
	}
	return s.Pod.Name
}

// Open starts scenario s: it sends the open request, whose step reply
// Start returns. A refuse reply is an *adapters.Error of kind refused, and
// leaves the Conn usable; so does a scenario the protocol cannot carry
// (see CheckScenario), which is refused without asking. Only one session
// may be open at a time.
func (c *Conn) Open(ctx context.Context, s *model.Scenario) (adapters.Session, error) {
	if err := CheckScenario(s); err != nil {
		return nil, err
	}
	if c.info.Mode == adapters.Autonomous {
		return nil, wrongMode(c.info, "Open")
	}
	if err := c.acquire(); err != nil {
		return nil, err
	}
	sess, e := c.open(ctx, s)
	if e != nil {
		c.unbusy()
		return nil, e
	}
	return sess, nil
}

func (c *Conn) open(ctx context.Context, s *model.Scenario) (*session, *adapters.Error) {
	req, err := appendOpen(make([]byte, 0, 4096), scenarioName(ctx, s), s)
	if err != nil {
		return nil, adapters.Errorf(adapters.ErrKindRefused, "cannot encode the scenario: %v", err)
	}
	r, e := c.call(ctx, TypeOpen, req)
	if e != nil {
		return nil, e
	}
	switch r.typ {
	case TypeRefuse:
		return nil, adapters.Errorf(adapters.ErrKindUnsupported, "the implementation refused the scenario: %s", r.message)
	case TypeStep:
	default:
		return nil, c.protocolError("got a %s reply to open, want step or refuse", r.typ)
	}
	sess := &session{c: c, ctrs: containerNames(s)}
	if e := sess.check(&r.step, 0); e != nil {
		return nil, e
	}
	sess.first = r.step
	return sess, nil
}

// session is one scenario on a Conn.
type session struct {
	c       *Conn
	ctrs    map[string]bool
	now     time.Duration // the current input's time
	lastAct time.Duration
	first   adapters.Reply
	started bool
	closed  bool
	buf     []byte
	// release, if set, is called once by Close, after the close exchange.
	release func()
}

// check validates a step reply to an input at time now (the previous
// input was at s.now): action times in [s.now, now] and in order, known
// containers, declared observables, a next timer not in the past (unless
// probes are pending: it is ignored then).
func (s *session) check(r *adapters.Reply, now time.Duration) *adapters.Error {
	obs := s.c.info.Observes
	for i := range r.Actions {
		a := &r.Actions[i]
		set, _ := kindFields(a.Kind)
		switch {
		case a.At < s.now || a.At > now:
			return s.c.protocolError("actions[%d] (%s) at %dms: outside the step, which spans %dms to %dms", i, a.Kind, a.At.Milliseconds(), s.now.Milliseconds(), now.Milliseconds())
		case a.At < s.lastAct:
			return s.c.protocolError("actions[%d] (%s) at %dms: before the previous action (%dms)", i, a.Kind, a.At.Milliseconds(), s.lastAct.Milliseconds())
		case set&fContainer != 0 && !s.ctrs[a.Container]:
			return s.c.protocolError("actions[%d] (%s): unknown container %q", i, a.Kind, a.Container)
		case obs&properties.ObservableOf(a.Kind) == 0:
			return s.c.protocolError("actions[%d]: %s is not among the observables the implementation declared (%v)", i, a.Kind, obs)
		}
		s.lastAct = a.At
	}
	if r.HasNext && r.Next < now && len(r.Probes) == 0 { // nextMs means nothing while probes are pending
		return s.c.protocolError("nextMs %d is before the current time (%dms)", r.Next.Milliseconds(), now.Milliseconds())
	}
	for i, p := range r.Probes {
		if !s.ctrs[p.Container] {
			return s.c.protocolError("probes[%d]: unknown container %q", i, p.Container)
		}
	}
	return nil
}

func (s *session) Start(context.Context) (adapters.Reply, error) {
	if s.started {
		return adapters.Reply{}, errors.New("exec: Start called twice")
	}
	s.started = true
	r := s.first
	s.first = adapters.Reply{}
	return r, nil
}

func (s *session) Step(ctx context.Context, in model.Input) (adapters.Reply, error) {
	if s.closed {
		return adapters.Reply{}, errors.New("exec: Step on a closed session")
	}
	s.started = true
	if e := s.c.broken(); e != nil {
		return adapters.Reply{}, e
	}
	if in.At < s.now {
		return adapters.Reply{}, adapters.Errorf(adapters.ErrKindProtocol, "runner: input %s at %v is before the previous input (%v)", in.Kind, in.At, s.now)
	}
	var err error
	s.buf, err = appendInputRequest(s.buf[:0], in)
	if err != nil {
		return adapters.Reply{}, adapters.Errorf(adapters.ErrKindRefused, "cannot carry input %s: %v", in.Kind, err)
	}
	r, e := s.c.call(ctx, TypeInput, s.buf)
	if e != nil {
		return adapters.Reply{}, e
	}
	if r.typ != TypeStep {
		return adapters.Reply{}, s.c.protocolError("got a %s reply to an input, want step", r.typ)
	}
	if e := s.check(&r.step, in.At); e != nil {
		return adapters.Reply{}, e
	}
	s.now = in.At
	return r.step, nil
}

// Close sends the close request, unless the connection is broken, and
// frees the connection for the next Open. A reply other than closed
// breaks the connection.
func (s *session) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	var e *adapters.Error
	if s.c.broken() == nil {
		var r *reply
		r, e = s.c.call(context.Background(), TypeClose, closeRequest)
		if e == nil && r.typ != TypeClosed {
			e = s.c.protocolError("got a %s reply to close, want closed", r.typ)
		}
	}
	s.c.unbusy()
	if s.release != nil {
		s.release()
	}
	if e != nil {
		return e
	}
	return nil
}
