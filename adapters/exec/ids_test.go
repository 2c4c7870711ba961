package exec

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/adapters"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/model"
)

// scriptedImpl plays an implementation by hand: for the i-th request it
// writes reply(i, id), where id is the request's id (0 when it has none).
func scriptedImpl(t *testing.T, reply func(i int, id int64) []string) *Conn {
	t.Helper()
	reqR, reqW := io.Pipe()
	repR, repW := io.Pipe()
	go func() {
		defer repW.Close()
		sc := bufio.NewScanner(reqR)
		sc.Buffer(nil, MaxLineBytes)
		for i := 0; sc.Scan(); i++ {
			var req struct {
				ID int64 `json:"id"`
			}
			_ = json.Unmarshal(sc.Bytes(), &req)
			for _, l := range reply(i, req.ID) {
				if _, err := io.WriteString(repW, l+"\n"); err != nil {
					return
				}
			}
		}
	}()
	t.Cleanup(func() { reqW.Close(); repR.Close() })
	c, err := NewConn(repR, reqW, Options{Timeout: 30 * time.Second})
	require.NoError(t, err)
	return c
}

func idPrefix(id int64) string {
	if id == 0 {
		return "{"
	}
	return fmt.Sprintf(`{"id":%d,`, id)
}

const (
	helloV1 = `{"type":"hello","protocol":"podconform-exec","version":1,"name":"ids","observes":["all"]}`
	helloV2 = `{"type":"hello","protocol":"podconform-exec","version":2,"name":"ids","observes":["all"]}`
)

func onePod() *model.Scenario {
	s := &model.Scenario{}
	s.Pod.Name = "p"
	s.Pod.Spec.Containers = []v1.Container{{Name: "app", Image: "busybox"}}
	return s
}

// TestRequestIDs: in protocol version 2 the runner numbers its requests
// after the hello and every reply must echo its request's id: a reply with
// another request's id (a late or duplicated reply that arrives after the
// next request was sent, and would pass for its reply) is a protocol
// error, as is a reply without one. An implementation that chooses
// version 1 gets no ids, and may send none.
func TestRequestIDs(t *testing.T) {
	step := func(id int64) string { return idPrefix(id) + `"type":"step","actions":[]}` }
	in := model.Input{Kind: model.InTick, At: time.Second}

	// Echoing every id: fine.
	c := scriptedImpl(t, func(i int, id int64) []string {
		if i == 0 {
			require.Zero(t, id, "the hello has no id")
			return []string{helloV2}
		}
		require.Equal(t, int64(i), id)
		return []string{step(id)}
	})
	sess, err := c.Open(context.Background(), onePod())
	require.NoError(t, err)
	_, err = sess.Step(context.Background(), in)
	require.NoError(t, err)

	// Version 1: no ids.
	c = scriptedImpl(t, func(i int, id int64) []string {
		require.Zero(t, id)
		if i == 0 {
			return []string{helloV1}
		}
		return []string{step(0)}
	})
	sess, err = c.Open(context.Background(), onePod())
	require.NoError(t, err)
	_, err = sess.Step(context.Background(), in)
	require.NoError(t, err)

	// The open's reply sent again, late: after the input request, before
	// the input's own reply.
	c = scriptedImpl(t, func(i int, id int64) []string {
		switch i {
		case 0:
			return []string{helloV2}
		case 2:
			return []string{step(id - 1), step(id)}
		}
		return []string{step(id)}
	})
	sess, err = c.Open(context.Background(), onePod())
	require.NoError(t, err)
	_, err = sess.Step(context.Background(), in)
	e := adapters.AsError(err)
	require.Equal(t, adapters.ErrKindProtocol, e.Kind, "%v", err)
	require.Contains(t, e.Error(), "a reply with id 1 while the input request 2 was outstanding: a late or duplicated reply")

	// Version 2 without the ids.
	c = scriptedImpl(t, func(i int, id int64) []string {
		if i == 0 {
			return []string{helloV2}
		}
		return []string{step(0)}
	})
	_, err = c.Open(context.Background(), onePod())
	require.ErrorContains(t, err, "the reply to the open request (id 1) has no id")
}

// TestServeEchoesIDs: Serve, the implementation side, chooses version 2
// when offered and echoes the id of every request, error replies
// included; a request without one gets a reply without one.
func TestServeEchoesIDs(t *testing.T) {
	var out bytes.Buffer
	in := `{"type":"hello","protocol":"podconform-exec","versions":[1,2]}` + "\n" +
		`{"id":8,"type":"input","input":{"kind":"Tick","atMs":0}}` + "\n" +
		`{"type":"close"}` + "\n"
	require.NoError(t, Serve(context.Background(), strings.NewReader(in), &out, modeladapter.New()))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 3)
	require.Regexp(t, `^\{"type":"hello","protocol":"podconform-exec","version":2,`, lines[0])
	require.Regexp(t, `^\{"id":8,"type":"error","message":"input: no scenario is open"\}$`, lines[1])
	require.Equal(t, `{"type":"closed"}`, lines[2])
}
