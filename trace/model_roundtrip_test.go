package trace_test

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

// TestModelTracesRoundTrip: every trace the model produces for the corpus
// round-trips through both forms, and re-encodes to the same bytes.
func TestModelTracesRoundTrip(t *testing.T) {
	files, err := filepath.Glob("../corpus/*/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := scenario.Load(f)
			require.NoError(t, err)
			acts, err := model.Run(doc.Model(), 20*time.Minute)
			require.NoError(t, err)
			td := trace.New(doc.Metadata.Name, doc.Model().Profile.WithDefaults().Name, doc.Model().Pod.Name, acts)

			var j1, j2 bytes.Buffer
			require.NoError(t, trace.Encode(&j1, td))
			back, err := trace.Decode(bytes.NewReader(j1.Bytes()))
			require.NoError(t, err)
			require.True(t, trace.Equal(td, back), "JSON round trip")
			require.NoError(t, trace.Encode(&j2, back))
			require.Equal(t, j1.String(), j2.String())

			var t1, t2 bytes.Buffer
			require.NoError(t, trace.EncodeText(&t1, td))
			backT, err := trace.DecodeText(bytes.NewReader(t1.Bytes()))
			require.NoError(t, err)
			require.True(t, trace.Equal(td, backT), "text round trip")
			require.NoError(t, trace.EncodeText(&t2, backT))
			require.Equal(t, t1.String(), t2.String())
		})
	}
}
