package exec

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/podconform/podconform/adapters"
)

// Serve is the implementation's side of the protocol for a Go adapter,
// driven or autonomous: it reads requests from in and writes one reply to
// out for each, until in ends (it then returns nil) or ctx is done (it
// returns ctx.Err(); a goroutine blocked reading in stays so until in is
// closed).
//
// a is served as the kind its Info().Mode names (an adapter with no mode:
// as the kind it implements, driven if both); it must implement that kind
// (adapters.DrivenAdapter or adapters.AutonomousAdapter), else Serve
// returns an error at once. An autonomous adapter's hello says
// "mode":"autonomous"; it answers run requests with a trace, and open,
// input and close with an error. A driven adapter answers run with an
// error.
//
// A refusal from a.Open or a.Run (an *adapters.Error of kind refused)
// becomes a refuse reply; any other error from a, and any malformed
// request, becomes an error reply, after which the session, if any, is
// closed (the runner starts a new process anyway). Serve returns early
// only when writing fails.
func Serve(ctx context.Context, in io.Reader, out io.Writer, a adapters.Adapter) error {
	srv, err := newServer(a)
	if err != nil {
		return err
	}
	// A context that can end needs a reader goroutine; one that cannot is
	// read directly, which saves a hand-over per request.
	var next func() lineMsg
	if ctx.Done() == nil {
		br := bufio.NewReaderSize(in, 64<<10)
		next = func() lineMsg {
			for {
				b, err := readLine(br)
				if err != nil || len(bytes.TrimSpace(b)) > 0 {
					return lineMsg{b, err}
				}
			}
		}
	} else {
		lines := make(chan lineMsg)
		done := make(chan struct{})
		defer close(done)
		go readLoop(in, lines, done)
		next = func() lineMsg {
			select {
			case <-ctx.Done():
				return lineMsg{err: ctx.Err()}
			case l := <-lines:
				return l
			}
		}
	}
	defer srv.closeSession()
	bw := bufio.NewWriterSize(out, 64<<10)
	var buf, idBuf []byte
	for {
		l := next()
		if l.err != nil && l.err == ctx.Err() {
			return l.err
		}
		switch {
		case l.err == io.EOF:
			return nil
		case l.err == errLineTooLong:
			buf = appendMessage(buf[:0], TypeError, l.err.Error())
		case l.err != nil:
			return fmt.Errorf("exec: reading requests: %w", l.err)
		default:
			buf = srv.handle(ctx, buf[:0], l.b)
			if srv.id != nil {
				// The reply echoes the request's id.
				idBuf = withID(idBuf[:0], *srv.id, buf)
				buf, idBuf = idBuf, buf
			}
		}
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("exec: writing a reply: %w", err)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("exec: writing a reply: %w", err)
		}
	}
}

type server struct {
	id     *int64        // the id of the request being answered, if it has one
	info   adapters.Info // with the mode served
	driven adapters.DrivenAdapter
	auto   adapters.AutonomousAdapter
	sess   adapters.Session
}

// newServer serves a as the kind its mode names.
func newServer(a adapters.Adapter) (*server, error) {
	if a == nil {
		return nil, errors.New("exec: Serve: no adapter")
	}
	s := &server{info: a.Info()}
	d, isDriven := a.(adapters.DrivenAdapter)
	u, isAuto := a.(adapters.AutonomousAdapter)
	switch mode := s.info.Mode; {
	case mode == adapters.Autonomous && isAuto, mode == "" && isAuto && !isDriven:
		s.auto, s.info.Mode = u, adapters.Autonomous
	case (mode == adapters.Driven || mode == "") && isDriven:
		s.driven, s.info.Mode = d, adapters.Driven
	default:
		return nil, fmt.Errorf("exec: Serve: adapter %s (mode %q) does not implement that mode's interface (adapters.DrivenAdapter or adapters.AutonomousAdapter)", s.info.Name, mode)
	}
	return s, nil
}

func (s *server) closeSession() {
	if s.sess != nil {
		_ = s.sess.Close()
		s.sess = nil
	}
}

// fail closes the session and appends an error reply.
func (s *server) fail(b []byte, format string, args ...any) []byte {
	s.closeSession()
	return appendMessage(b, TypeError, fmt.Sprintf(format, args...))
}

// step appends the step reply of r, or an error reply.
func (s *server) step(b []byte, r adapters.Reply, err error) []byte {
	if err != nil {
		return s.fail(b, "%v", err)
	}
	n := len(b)
	b, err = AppendStep(b, r)
	if err != nil {
		return s.fail(b[:n], "cannot encode the reply: %v", err)
	}
	return b
}

func (s *server) handle(ctx context.Context, b []byte, line []byte) []byte {
	s.id = nil
	r, fe := decodeRequest(line)
	if fe != nil {
		return s.fail(b, "bad request: %v", fe)
	}
	s.id = r.id
	switch r.typ {
	case TypeHello:
		for v := Version; v >= MinVersion; v-- {
			if slices.Contains(r.versions, v) {
				return appendHelloReply(b, s.info, v)
			}
		}
		return appendMessage(b, TypeError, fmt.Sprintf("unsupported protocol versions %v: this implementation speaks versions %d to %d", r.versions, MinVersion, Version))
	case TypeRun:
		if s.auto == nil {
			return s.fail(b, "run: this implementation is driven (its hello says so): send open, input and close")
		}
		acts, err := s.auto.Run(adapters.WithScenarioName(ctx, r.scenario), r.s, r.until)
		if err != nil {
			if k := adapters.AsError(err).Kind; k == adapters.ErrKindRefused || k == adapters.ErrKindUnsupported {
				return appendMessage(b, TypeRefuse, err.Error())
			}
			return s.fail(b, "run: %v", err)
		}
		n := len(b)
		b, err = AppendTrace(b, acts)
		if err != nil {
			return s.fail(b[:n], "cannot encode the trace: %v", err)
		}
		return b
	}
	if s.auto != nil {
		return s.fail(b, "%s: this implementation is autonomous (its hello says so): send run", r.typ)
	}
	switch r.typ {
	case TypeOpen:
		if s.sess != nil {
			return s.fail(b, "open: a scenario is already open; close it first")
		}
		sess, err := s.driven.Open(adapters.WithScenarioName(ctx, r.scenario), r.s)
		if err != nil {
			if k := adapters.AsError(err).Kind; k == adapters.ErrKindRefused || k == adapters.ErrKindUnsupported {
				return appendMessage(b, TypeRefuse, err.Error())
			}
			return s.fail(b, "open: %v", err)
		}
		s.sess = sess
		rep, err := sess.Start(ctx)
		return s.step(b, rep, err)
	case TypeInput:
		if s.sess == nil {
			return s.fail(b, "input: no scenario is open")
		}
		rep, err := s.sess.Step(ctx, r.input)
		return s.step(b, rep, err)
	default: // close
		s.closeSession()
		return append(b, `{"type":"closed"}`+"\n"...)
	}
}
