package check_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/trace"
)

// machine is rapid's state machine over the model: each action is one of
// the world's enabled moves (or letting the clock run to the model's next
// timer), and every property is checked after every step.
type machine struct {
	m       *model.Model
	suite   *properties.Suite
	trace   []model.Action
	deletes int
	mut     model.Mutation
	pod     v1.Pod
	prof    model.Profile
	bad     *properties.Violation
}

func newMachine(t *rapid.T, mut model.Mutation) *machine {
	k := gen.DefaultKnobs()
	pod := gen.Pod(k).Draw(t, "pod")
	prof := gen.Profile(k).Draw(t, "profile")
	s := &model.Scenario{Pod: pod, Profile: prof}
	m, err := model.NewMutant(s, mut)
	if err != nil {
		t.Fatalf("model: %v", err)
	}
	x := &machine{m: m, mut: mut, pod: pod, prof: prof}
	x.suite = properties.NewSuite(&properties.Context{Pod: &x.pod, Profile: prof.WithDefaults()})
	x.observe(m.Drain())
	return x
}

func (x *machine) observe(acts []model.Action) {
	for i := range acts {
		x.trace = append(x.trace, acts[i])
		if x.bad == nil {
			x.bad = x.suite.Observe(len(x.trace)-1, &x.trace[len(x.trace)-1])
		}
	}
}

func (x *machine) step(t *rapid.T, in model.Input) {
	acts, err := x.m.Step(in)
	if err == model.ErrFinished {
		t.Skip("finished")
	}
	if err != nil {
		tail := x.trace
		if len(tail) > 12 {
			tail = tail[len(tail)-12:]
		}
		var b strings.Builder
		for _, a := range tail {
			b.WriteString(trace.Describe(a) + "\n")
		}
		next, ok := x.m.NextTimer()
		t.Fatalf("step %+v: %v\nnext timer %v %v\nlast actions:\n%s", in, err, next, ok, b.String())
	}
	x.observe(acts)
}

// at draws a time for a world move: now, or later but before the model's
// next timer (a timer could change what is enabled; letting time run is the
// advance and tick actions' job).
func (x *machine) at(t *rapid.T) time.Duration {
	now := x.m.Now()
	next, ok := x.m.NextTimer()
	d := rapid.SampledFrom([]time.Duration{0, time.Second, 2 * time.Second, 5 * time.Second, 30 * time.Second, 5 * time.Minute}).Draw(t, "after")
	if ok && now+d >= next {
		return now
	}
	return now + d
}

func (x *machine) moves(t *rapid.T, kind model.InputKind) []model.Move {
	var out []model.Move
	for _, mv := range x.m.Enabled() {
		if mv.Kind == kind {
			out = append(out, mv)
		}
	}
	if len(out) == 0 {
		t.Skip("no such move")
	}
	return out
}

func (x *machine) probePending() bool {
	mv := x.m.Enabled()
	return len(mv) > 0 && mv[0].Kind == model.InProbeAnswer
}

func (x *machine) actions() map[string]func(*rapid.T) {
	guard := func(f func(*rapid.T)) func(*rapid.T) {
		return func(t *rapid.T) {
			if x.m.Finished() {
				t.Skip("finished")
			}
			if x.probePending() {
				t.Skip("a probe awaits its answer")
			}
			f(t)
		}
	}
	return map[string]func(*rapid.T){
		// advance is always possible (rapid needs one such action, and it
		// sorts first): answer a pending probe with success, or let the
		// clock run to the model's next timer, or do nothing once finished.
		"advance": func(t *rapid.T) {
			if x.m.Finished() {
				return
			}
			if x.probePending() {
				mv := x.moves(t, model.InProbeAnswer)[0]
				x.step(t, model.Input{Kind: model.InProbeAnswer, At: x.m.Now(), Container: mv.Container, Probe: mv.Probe, Success: true})
				return
			}
			if next, ok := x.m.NextTimer(); ok {
				x.step(t, model.Input{Kind: model.InTick, At: next})
			}
		},
		"answerProbe": func(t *rapid.T) {
			if !x.probePending() {
				t.Skip("no probe asked")
			}
			mv := x.moves(t, model.InProbeAnswer)[0]
			x.step(t, model.Input{Kind: model.InProbeAnswer, At: x.m.Now(), Container: mv.Container, Probe: mv.Probe, Success: rapid.Bool().Draw(t, "success")})
		},
		"tick": guard(func(t *rapid.T) {
			next, ok := x.m.NextTimer()
			if !ok {
				t.Skip("no timer")
			}
			x.step(t, model.Input{Kind: model.InTick, At: next})
		}),
		"exit": guard(func(t *rapid.T) {
			mv := rapid.SampledFrom(x.moves(t, model.InExit)).Draw(t, "container")
			code := rapid.SampledFrom([]int32{0, 1, 2, 137, 143}).Draw(t, "code")
			x.step(t, model.Input{Kind: model.InExit, At: x.at(t), Container: mv.Container, ExitCode: code, OOMKilled: code == 137 && rapid.Bool().Draw(t, "oom")})
		}),
		"hookDone": guard(func(t *rapid.T) {
			mv := rapid.SampledFrom(x.moves(t, model.InHookDone)).Draw(t, "container")
			x.step(t, model.Input{Kind: model.InHookDone, At: x.at(t), Container: mv.Container, HookOK: rapid.Bool().Draw(t, "ok")})
		}),
		"delete": guard(func(t *rapid.T) {
			if x.deletes >= 3 {
				t.Skip("enough deletes")
			}
			x.moves(t, model.InDelete)
			x.deletes++
			grace := rapid.SampledFrom([]int64{-1, 0, 1, 2, 5, 30}).Draw(t, "grace")
			x.step(t, model.Input{Kind: model.InDelete, At: x.at(t), Grace: grace})
		}),
		"forceDelete": guard(func(t *rapid.T) {
			if x.deletes >= 3 {
				t.Skip("enough deletes")
			}
			x.moves(t, model.InForceDelete)
			x.deletes++
			x.step(t, model.Input{Kind: model.InForceDelete, At: x.at(t)})
		}),
		"": func(t *rapid.T) {
			if x.bad != nil {
				x.fail(t)
			}
		},
	}
}

// fail persists the interleaving as a scenario file, atomically, and fails
// with the command that replays it.
func (x *machine) fail(t *rapid.T) {
	doc := check.FromTrace("rapid-counterexample", &x.pod, x.prof, x.trace)
	until := x.m.Now() + time.Minute
	msg := x.bad.Error()
	if ce, err := check.Counterexample(doc, x.bad, x.mut, until); err == nil {
		if err := ce.Validate(); err != nil {
			t.Fatalf("%s\n(the counterexample could not be written as a valid scenario: %v)", msg, err)
		}
		path, err := check.Save(filepath.Join("testdata", "counterexamples"), ce)
		if err == nil {
			msg += fmt.Sprintf("\nreplay: go run ./cmd/podconform replay internal/check/%s", path)
		}
	}
	t.Fatal(msg)
}

// TestStateMachine checks every property after every step of rapid-chosen
// interleavings on the reference model.
func TestStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := newMachine(t, 0)
		t.Repeat(x.actions())
	})
}
