package exec

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/adapters"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// maxTestSteps bounds one driven scenario in the tests.
const maxTestSteps = 20000

// world plays a scenario's behaviour script against a driven session, as
// model.Sim does: it answers pending probes first, otherwise it gives the
// earlier of its own next move and the implementation's next timer.
type world struct {
	w     *model.Script
	until time.Duration
	now   time.Duration
	last  adapters.Reply
}

func newWorld(s *model.Scenario, until time.Duration, first adapters.Reply) *world {
	w := &world{w: model.NewScript(s), until: until, last: first}
	w.w.Observe(first.Actions)
	return w
}

// next returns the next input, or false when the run is over.
func (w *world) next() (model.Input, bool) {
	if len(w.last.Probes) > 0 {
		p := w.last.Probes[0]
		return w.w.ProbeAnswer(w.now, p.Container, p.Probe), true
	}
	wi, wok := w.w.Next()
	switch {
	case !wok && !w.last.HasNext:
		return model.Input{}, false
	case w.last.HasNext && (!wok || w.last.Next <= wi.At):
		if w.last.Next > w.until {
			return model.Input{}, false
		}
		return model.Input{Kind: model.InTick, At: w.last.Next}, true
	default:
		if wi.At > w.until {
			return model.Input{}, false
		}
		w.w.Consume(wi)
		return wi, true
	}
}

// observe records the reply to input in.
func (w *world) observe(in model.Input, r adapters.Reply) {
	w.now = in.At
	w.last = r
	w.w.Observe(r.Actions)
}

// runScenario drives one scenario on a to its end and returns the number
// of requests (open, inputs, close) and every action.
func runScenario(ctx context.Context, a adapters.DrivenAdapter, doc *scenario.Document) (int, []model.Action, error) {
	s := doc.Model()
	sess, err := a.Open(ctx, s)
	if err != nil {
		return 1, nil, err
	}
	r, err := sess.Start(ctx)
	if err != nil {
		sess.Close()
		return 1, nil, err
	}
	acts := append([]model.Action(nil), r.Actions...)
	w := newWorld(s, gen.Until(doc), r)
	n := 1
	for steps := 0; ; steps++ {
		if steps > maxTestSteps {
			sess.Close()
			return n, acts, fmt.Errorf("more than %d steps", maxTestSteps)
		}
		in, ok := w.next()
		if !ok {
			break
		}
		n++
		r, err := sess.Step(ctx, in)
		if err != nil {
			sess.Close()
			return n, acts, fmt.Errorf("step %d (%s at %v): %w", steps, in.Kind, in.At, err)
		}
		acts = append(acts, r.Actions...)
		w.observe(in, r)
	}
	return n + 1, acts, sess.Close()
}

// requireSameReply checks that got is the reply want, statuses compared as
// the API would.
func requireSameReply(t testing.TB, want, got adapters.Reply, where string) {
	t.Helper()
	require.Equal(t, len(want.Actions), len(got.Actions), "%s: actions\nwant %v\ngot  %v", where, want.Actions, got.Actions)
	for i := range want.Actions {
		wa, ga := want.Actions[i], got.Actions[i]
		if wa.Kind == model.ActStatus && ga.Kind == model.ActStatus {
			require.True(t, model.StatusEqual(wa.Status, ga.Status), "%s: actions[%d]: status\nwant %+v\ngot  %+v", where, i, wa.Status, ga.Status)
			wa.Status, ga.Status = nil, nil
		}
		require.Equal(t, wa, ga, "%s: actions[%d]", where, i)
	}
	require.Equal(t, want.HasNext, got.HasNext, "%s: has next", where)
	if want.HasNext {
		require.Equal(t, want.Next, got.Next, "%s: next", where)
	}
	require.Equal(t, len(want.Probes), len(got.Probes), "%s: probes", where)
	for i := range want.Probes {
		require.Equal(t, want.Probes[i], got.Probes[i], "%s: probes[%d]", where, i)
	}
}

// lockstep drives scenario doc on ref and on got with the same inputs
// (chosen from ref's replies) and checks that their replies are the same.
// It returns the number of inputs.
func lockstep(t testing.TB, ref, got adapters.DrivenAdapter, doc *scenario.Document, label string) int {
	t.Helper()
	ctx := context.Background()
	s := doc.Model()
	rs, err := ref.Open(ctx, s)
	require.NoError(t, err, label)
	defer rs.Close()
	gs, err := got.Open(ctx, s)
	require.NoError(t, err, label)
	rr, err := rs.Start(ctx)
	require.NoError(t, err)
	gr, err := gs.Start(ctx)
	require.NoError(t, err, label)
	requireSameReply(t, rr, gr, label+": start")
	w := newWorld(s, gen.Until(doc), rr)
	n := 0
	for ; n < maxTestSteps; n++ {
		in, ok := w.next()
		if !ok {
			break
		}
		rr, err := rs.Step(ctx, in)
		require.NoError(t, err, label)
		gr, err := gs.Step(ctx, in)
		require.NoError(t, err, "%s: step %d (%s at %v)", label, n, in.Kind, in.At)
		requireSameReply(t, rr, gr, fmt.Sprintf("%s: step %d (%s at %v)", label, n, in.Kind, in.At))
		w.observe(in, rr)
	}
	require.Less(t, n, maxTestSteps, label)
	require.NoError(t, gs.Close(), label)
	return n
}

// pipeConn serves a (driven or autonomous) over in-process pipes and
// returns the runner's Conn and a function that ends the server and waits
// for it.
func pipeConn(t testing.TB, a adapters.Adapter, opt Options) (*Conn, func()) {
	t.Helper()
	reqR, reqW := io.Pipe()
	repR, repW := io.Pipe()
	served := make(chan error, 1)
	go func() {
		err := Serve(context.Background(), reqR, repW, a)
		repW.Close()
		served <- err
	}()
	c, err := NewConn(repR, reqW, opt)
	require.NoError(t, err)
	return c, func() {
		reqW.Close()
		require.NoError(t, <-served)
		repR.Close()
	}
}

// TestPipeMatchesModel: the model served over the protocol answers exactly
// as the model in process, on 200 generated scenarios (in 4 shards, each
// on its own connection).
func TestPipeMatchesModel(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 40
	}
	const shards = 4
	for shard := 0; shard < shards; shard++ {
		t.Run(fmt.Sprintf("shard%d", shard), func(t *testing.T) {
			t.Parallel()
			ref := modeladapter.New()
			c, stop := pipeConn(t, ref, Options{})
			defer stop()
			require.Equal(t, "exec:model", c.Info().Name)
			require.Equal(t, ref.Info().Observes, c.Info().Observes)
			inputs := 0
			for i := shard; i < n; i += shards {
				doc := gen.Scenario(gen.DefaultKnobs()).Example(i)
				inputs += lockstep(t, ref, c, doc, fmt.Sprintf("scenario %d", i))
			}
			t.Logf("%d scenarios, %d inputs", n/shards, inputs)
			require.Greater(t, inputs, 10*n/shards, "the scenarios should exercise the protocol")
		})
	}
}

// TestPipeMatchesObservingModel: the same for a model that reports only
// some observables, and for a mutant.
func TestPipeMatchesObservingModel(t *testing.T) {
	mut, err := modeladapter.Mutant("parallel-init")
	require.NoError(t, err)
	for _, ref := range []*modeladapter.Adapter{
		modeladapter.New().Observing(1 /* actions */ | 1<<4 /* requests */),
		mut,
	} {
		c, stop := pipeConn(t, ref, Options{})
		require.Equal(t, "exec:"+ref.Info().Name, c.Info().Name)
		require.Equal(t, ref.Info().Observes, c.Info().Observes)
		for i := 0; i < 30; i++ {
			lockstep(t, ref, c, gen.Scenario(gen.DefaultKnobs()).Example(1000+i), fmt.Sprintf("%s scenario %d", ref.Info().Name, i))
		}
		stop()
	}
}

// nameRecorder records the scenario name its Open is given.
type nameRecorder struct {
	*modeladapter.Adapter
	names chan string
}

func (n nameRecorder) Open(ctx context.Context, s *model.Scenario) (adapters.Session, error) {
	n.names <- adapters.ScenarioName(ctx)
	return n.Adapter.Open(ctx, s)
}

// TestScenarioName: the runner's scenario name (adapters.WithScenarioName)
// reaches the implementation in the open request, and Serve hands it on.
func TestScenarioName(t *testing.T) {
	rec := nameRecorder{modeladapter.New(), make(chan string, 2)}
	c, stop := pipeConn(t, rec, Options{})
	defer stop()
	s := gen.Scenario(gen.Knobs{}).Example(1).Model()
	for _, c2 := range []struct {
		ctx  context.Context
		want string
	}{
		{adapters.WithScenarioName(context.Background(), "gen-1-17"), "gen-1-17"},
		{context.Background(), s.Pod.Name},
	} {
		sess, err := c.Open(c2.ctx, s)
		require.NoError(t, err)
		require.Equal(t, c2.want, <-rec.names)
		require.NoError(t, sess.Close())
	}
}
