package runner

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/adapters"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/model"
)

// stallAdapter is the model, except that its sessions stall at their
// third step: "ctx" waits for the context and returns its error, "wrapped"
// returns it inside an adapter error as the exec adapter does, "deaf"
// never returns (until release is closed).
type stallAdapter struct {
	*modeladapter.Adapter
	mode    string
	release chan struct{}
}

func (a stallAdapter) Open(ctx context.Context, s *model.Scenario) (adapters.Session, error) {
	sess, err := a.Adapter.Open(ctx, s)
	if err != nil {
		return nil, err
	}
	return &stallSession{Session: sess, a: a}, nil
}

type stallSession struct {
	adapters.Session
	a     stallAdapter
	steps int
}

func (s *stallSession) Step(ctx context.Context, in model.Input) (adapters.Reply, error) {
	if s.steps++; s.steps < 3 {
		return s.Session.Step(ctx, in)
	}
	switch s.a.mode {
	case "ctx":
		<-ctx.Done()
		return adapters.Reply{}, ctx.Err()
	case "wrapped":
		<-ctx.Done()
		return adapters.Reply{}, &adapters.Error{Kind: adapters.ErrKindTimeout, Err: fmt.Errorf("step request abandoned: %w", ctx.Err())}
	}
	<-s.a.release
	return adapters.Reply{}, context.Canceled
}

// TestScenarioTimeoutHasOneMessage: a scenario past the run's
// per-scenario timeout is one adapter error of kind timeout with one
// message, whatever the adapter did when the deadline fired (it once gave
// three: two of them a bare "context deadline exceeded").
func TestScenarioTimeoutHasOneMessage(t *testing.T) {
	doc := Generated(1, 0)
	props, err := SelectProperties(modeladapter.New().Info().Observes, nil)
	require.NoError(t, err)
	release := make(chan struct{})
	defer close(release)
	for _, mode := range []string{"ctx", "wrapped", "deaf"} {
		a := stallAdapter{Adapter: modeladapter.New(), mode: mode, release: release}
		r := runOnce(context.Background(), Options{Adapter: a, Timeout: 200 * time.Millisecond, Level: LevelExact}, props, doc, untilOf(doc))
		require.Equal(t, AdapterError, r.verdict, mode)
		require.Equal(t, adapters.ErrKindTimeout, r.adapterErr.Kind, mode)
		require.Equal(t, "adapter timeout: the scenario did not finish within 200ms (the run's per-scenario timeout)", r.adapterErr.Error(), mode)
	}

	// An interrupted run is not a timeout: runItem marks it interrupted.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := runOnce(ctx, Options{Adapter: stallAdapter{Adapter: modeladapter.New(), mode: "ctx", release: release}, Timeout: time.Minute, Level: LevelExact}, props, doc, untilOf(doc))
	require.NotContains(t, fmt.Sprint(r.adapterErr), "did not finish within")
}
