package trace

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// textHeader starts the first line of the text form.
const textHeader = "# podconform trace"

// atWidth is the width of the time column of the text form.
const atWidth = 9

// EncodeText writes d in the canonical text form: a header line, then one
// line per action. Equal documents give byte-identical output. It returns
// an error, and writes nothing, if d does not pass Validate.
func EncodeText(w io.Writer, d *Document) error {
	if err := Validate(d); err != nil {
		return err
	}
	b := make([]byte, 0, 128+64*len(d.Actions))
	b = append(b, textHeader...)
	b = append(b, ' ')
	b = append(b, textVersion...)
	b = append(b, " scenario="...)
	b = appendValue(b, d.Scenario)
	b = append(b, " profile="...)
	b = appendValue(b, d.Profile)
	b = append(b, " pod="...)
	b = appendValue(b, d.Pod)
	b = append(b, '\n')
	var se statusEncoder
	for i := range d.Actions {
		a := &d.Actions[i]
		set, _ := kindFields(a.Kind)
		var err error
		if b, err = appendActionText(b, a, set, true, &se); err != nil {
			return &Error{Action: i, Field: "status", Msg: err.Error()}
		}
		b = append(b, '\n')
	}
	_, err := w.Write(b)
	return err
}

// Describe returns a one-line description of a, for logs and test
// failures: its text-form line without the column padding, e.g.
// "1m30s StopSignal web#3 timeout=29". It never fails: fields the kind
// does not use are shown too when they are set, so nothing is hidden.
func Describe(a model.Action) string {
	set, _ := kindFields(a.Kind)
	set |= nonZero(&a)
	var se statusEncoder
	b, err := appendActionText(make([]byte, 0, 64), &a, set, false, &se)
	if err != nil {
		b = append(b, " <status: "...)
		b = append(b, err.Error()...)
		b = append(b, '>')
	}
	return string(b)
}

// appendActionText appends the text line (without newline) of a, showing
// the fields in set.
func appendActionText(b []byte, a *model.Action, set fieldSet, pad bool, se *statusEncoder) ([]byte, error) {
	start := len(b)
	b = append(b, a.At.String()...)
	if pad {
		for len(b)-start < atWidth {
			b = append(b, ' ')
		}
	}
	b = append(b, ' ')
	b = appendValue(b, string(a.Kind))
	if set&(fContainer|fAttempt) != 0 {
		b = append(b, ' ')
		b = appendValue(b, a.Container)
		b = append(b, '#')
		b = strconv.AppendInt(b, int64(a.Attempt), 10)
	}
	if set&fHook != 0 {
		b = append(b, " hook="...)
		b = appendValue(b, a.Hook)
	}
	if set&fProbe != 0 {
		b = append(b, " probe="...)
		b = appendValue(b, string(a.Probe))
	}
	if set&fResult != 0 {
		b = append(b, " result="...)
		b = appendValue(b, a.Result)
	}
	if set&fTimeout != 0 {
		b = append(b, " timeout="...)
		b = strconv.AppendInt(b, a.Timeout, 10)
	}
	if set&fExitCode != 0 {
		b = append(b, " exitCode="...)
		b = strconv.AppendInt(b, int64(a.ExitCode), 10)
	}
	if set&fReason != 0 && a.Reason != "" {
		b = append(b, " reason="...)
		b = appendValue(b, a.Reason)
	}
	if set&fWait != 0 {
		b = append(b, " wait="...)
		b = append(b, a.Wait.String()...)
	}
	if set&fDelay != 0 {
		b = append(b, " delay="...)
		b = append(b, a.Delay.String()...)
	}
	if set&fGrace != 0 {
		b = append(b, " grace="...)
		b = strconv.AppendInt(b, a.Grace, 10)
	}
	if set&fForce != 0 && a.Force {
		b = append(b, " force"...)
	}
	if set&fStatus != 0 {
		b = append(b, ' ')
		if a.Status == nil {
			b = append(b, "null"...)
		} else {
			js, err := se.encode(a.Status)
			if err != nil {
				return b, err
			}
			b = append(b, js...)
		}
	}
	return b, nil
}

// bare reports whether s can be written unquoted in the text form: not
// empty, printable, and without spaces or the characters " = # \.
func bare(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r == ' ', r == '"', r == '=', r == '#', r == '\\', r == utf8.RuneError:
			return false
		case !unicode.IsPrint(r):
			return false
		}
	}
	return true
}

// appendValue appends s bare if it can be, else quoted with
// strconv.Quote.
func appendValue(b []byte, s string) []byte {
	if bare(s) {
		return append(b, s...)
	}
	return strconv.AppendQuote(b, s)
}

// DecodeText reads a trace in the text form from r, strictly, with the
// same rules as Decode. Errors are of type *Error and name the line.
func DecodeText(r io.Reader) (*Document, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("trace: reading: %w", err)
	}
	return decodeText(data)
}

func decodeText(data []byte) (*Document, error) {
	d := &Document{APIVersion: APIVersion, Kind: DocumentKind}
	var prev time.Duration
	lineNo := 0
	for len(data) > 0 || lineNo == 0 {
		lineNo++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if lineNo == 1 {
			if fe := parseHeader(string(line), d); fe != nil {
				return nil, &Error{Line: 1, Action: -1, Field: fe.field, Msg: fe.msg}
			}
			continue
		}
		s := string(line)
		if t := strings.TrimLeft(s, " \t"); t == "" || t[0] == '#' {
			continue
		}
		var a model.Action
		fe := parseActionLine(s, &a)
		if fe == nil {
			fe = validateAction(&a)
		}
		if fe == nil {
			fe = checkOrder(a.At, prev)
		}
		if fe != nil {
			return nil, &Error{Line: lineNo, Action: len(d.Actions), Field: fe.field, Msg: fe.msg}
		}
		prev = a.At
		d.Actions = append(d.Actions, a)
	}
	return d, nil
}

// lexer splits a line of the text form into words and key=value pairs.
type lexer struct {
	s   string
	pos int
}

func (l *lexer) eof() bool { return l.pos >= len(l.s) }

// space skips spaces and tabs and reports whether there were any.
func (l *lexer) space() bool {
	start := l.pos
	for l.pos < len(l.s) && (l.s[l.pos] == ' ' || l.s[l.pos] == '\t') {
		l.pos++
	}
	return l.pos > start
}

// word returns the text up to the next space, tab or end of line.
func (l *lexer) word() string {
	start := l.pos
	for l.pos < len(l.s) && l.s[l.pos] != ' ' && l.s[l.pos] != '\t' {
		l.pos++
	}
	return l.s[start:l.pos]
}

// pair reads `key=value` or a bare flag `key` (flag true). The value is
// bare (up to the next space) or a Go double-quoted string.
func (l *lexer) pair() (key, val string, flag bool, fe *fieldError) {
	start := l.pos
	for l.pos < len(l.s) && l.s[l.pos] != ' ' && l.s[l.pos] != '\t' && l.s[l.pos] != '=' {
		l.pos++
	}
	key = l.s[start:l.pos]
	if l.eof() || l.s[l.pos] != '=' {
		return key, "", true, nil
	}
	l.pos++ // '='
	if l.eof() || l.s[l.pos] != '"' {
		return key, l.word(), false, nil
	}
	q, err := strconv.QuotedPrefix(l.s[l.pos:])
	if err != nil {
		return key, "", false, ferr(key, "invalid quoted value %s", l.s[l.pos:])
	}
	val, err = strconv.Unquote(q)
	if err != nil {
		return key, "", false, ferr(key, "invalid quoted value %s", q)
	}
	l.pos += len(q)
	if !l.eof() && l.s[l.pos] != ' ' && l.s[l.pos] != '\t' {
		return key, "", false, ferr(key, "unexpected %q after quoted value", l.word())
	}
	return key, val, false, nil
}

// parseHeader parses the header line into d.
func parseHeader(line string, d *Document) *fieldError {
	const want = `want "` + textHeader + ` ` + textVersion + ` scenario=NAME profile=NAME pod=NAME"`
	rest, ok := strings.CutPrefix(line, textHeader)
	l := lexer{s: rest}
	if !ok || !l.space() {
		return ferr("", "missing header line (%s)", want)
	}
	if v := l.word(); v != textVersion {
		return ferr("", "unsupported version %q (want %q)", v, textVersion)
	}
	var seen [3]bool
	for {
		sp := l.space()
		if l.eof() {
			break
		}
		if !sp {
			return ferr("", "missing space before %q", l.word())
		}
		key, val, flag, fe := l.pair()
		if fe != nil {
			return fe
		}
		var i int
		switch key {
		case "scenario":
			i = 0
		case "profile":
			i = 1
		case "pod":
			i = 2
		default:
			return ferr("", "unknown header key %q (%s)", key, want)
		}
		if flag {
			return ferr(key, "want %s=VALUE", key)
		}
		if seen[i] {
			return ferr(key, "duplicate")
		}
		if !utf8.ValidString(val) {
			return ferr(key, "invalid UTF-8 in %q", val)
		}
		seen[i] = true
		switch i {
		case 0:
			d.Scenario = val
		case 1:
			d.Profile = val
		case 2:
			d.Pod = val
		}
	}
	for i, name := range [...]string{"scenario", "profile", "pod"} {
		if !seen[i] {
			return ferr(name, "missing from header (%s)", want)
		}
	}
	return nil
}

// textKeys maps the keys of key=value pairs to their fields.
func textKey(key string) fieldSet {
	switch key {
	case "hook":
		return fHook
	case "probe":
		return fProbe
	case "result":
		return fResult
	case "timeout":
		return fTimeout
	case "exitCode":
		return fExitCode
	case "reason":
		return fReason
	case "wait":
		return fWait
	case "delay":
		return fDelay
	case "grace":
		return fGrace
	}
	return 0
}

// parseActionLine parses one action line into a and checks the fields
// present against its kind. The values are checked by validateAction
// afterwards.
func parseActionLine(s string, a *model.Action) *fieldError {
	l := lexer{s: s}
	l.space()
	atTok := l.word()
	at, err := time.ParseDuration(atTok)
	if err != nil {
		return ferr("at", "invalid duration %q", atTok)
	}
	a.At = at
	l.space()
	if l.eof() {
		return ferr("kind", "missing action kind")
	}
	kindTok := l.word()
	a.Kind = model.ActionKind(kindTok)
	set, ok := kindFields(a.Kind)
	if !ok {
		return ferr("kind", "unknown action kind %q", kindTok)
	}
	if a.Kind == model.ActStatus {
		l.space()
		if l.eof() {
			return ferr("status", "required by %s", a.Kind)
		}
		st, fe := decodeStatusText(l.s[l.pos:], l.pos)
		if fe != nil {
			return fe
		}
		a.Status = st
		return nil
	}
	var present fieldSet
	if set&fContainer != 0 {
		l.space()
		if l.eof() {
			return ferr("container", "required by %s (want NAME#ATTEMPT)", a.Kind)
		}
		tok := l.word()
		i := strings.LastIndexByte(tok, '#')
		if i < 0 {
			return ferr("container", "want NAME#ATTEMPT, got %q", tok)
		}
		a.Container = tok[:i]
		if a.Attempt, err = strconv.Atoi(tok[i+1:]); err != nil {
			return ferr("attempt", "invalid attempt %q in %q", tok[i+1:], tok)
		}
		present |= fContainer | fAttempt
	}
	for {
		sp := l.space()
		if l.eof() {
			break
		}
		if !sp {
			return ferr("", "missing space before %q", l.word())
		}
		key, val, flag, fe := l.pair()
		if fe != nil {
			return fe
		}
		var bit fieldSet
		if flag {
			if key != "force" {
				return ferr("", "unexpected %q (want key=value)", key)
			}
			bit = fForce
		} else if bit = textKey(key); bit == 0 {
			if key == "force" {
				return ferr(key, `is a flag: write "force" alone`)
			}
			return ferr("", "unknown key %q", key)
		}
		if set&bit == 0 {
			return ferr(key, "not used by %s", a.Kind)
		}
		if present&bit != 0 {
			return ferr(key, "duplicate")
		}
		present |= bit
		switch bit {
		case fForce:
			a.Force = true
		case fHook:
			a.Hook = val
		case fProbe:
			a.Probe = model.ProbeType(val)
		case fResult:
			a.Result = val
		case fReason:
			a.Reason = val
		case fTimeout:
			if a.Timeout, err = strconv.ParseInt(val, 10, 64); err != nil {
				return ferr(key, "invalid integer %q", val)
			}
		case fGrace:
			if a.Grace, err = strconv.ParseInt(val, 10, 64); err != nil {
				return ferr(key, "invalid integer %q", val)
			}
		case fExitCode:
			n, err := strconv.ParseInt(val, 10, 32)
			if err != nil {
				return ferr(key, "invalid int32 %q", val)
			}
			a.ExitCode = int32(n)
		case fWait:
			if a.Wait, err = time.ParseDuration(val); err != nil {
				return ferr(key, "invalid duration %q", val)
			}
		case fDelay:
			if a.Delay, err = time.ParseDuration(val); err != nil {
				return ferr(key, "invalid duration %q", val)
			}
		}
	}
	return checkPresence(a.Kind, set, present)
}

// decodeStatusText decodes the JSON PodStatus at the end of a Status line;
// it starts at byte col0 of the line.
func decodeStatusText(js string, col0 int) (*v1.PodStatus, *fieldError) {
	if strings.TrimRight(js, " \t") == "null" {
		return nil, ferr("status", "required by %s", model.ActStatus)
	}
	st := new(v1.PodStatus)
	if je := unmarshalStrict([]byte(js), st); je != nil {
		fe := je.fieldError
		if fe.field == "" {
			fe.field = "status"
		} else {
			fe.field = "status." + fe.field
		}
		if je.offset >= 0 {
			fe.msg = fmt.Sprintf("column %d: %s", col0+int(max(je.offset, 1)), fe.msg)
		}
		return nil, &fe
	}
	return normalStatus(st)
}
