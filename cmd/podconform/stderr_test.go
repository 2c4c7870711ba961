package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPassStderr: an adapter's stderr reaches ours escaped (no terminal
// control sequence gets through; lines and tabs stay) and bounded: past the
// limit one line says so and the rest is counted, not written.
func TestPassStderr(t *testing.T) {
	var out bytes.Buffer
	p := newPassStderr(&out, 64)
	n, err := p.Write([]byte("warming up\tok\n\x1b]0;owned\x07title\n"))
	require.NoError(t, err)
	require.Equal(t, 30, n)
	require.Equal(t, "warming up\tok\n\\x1b]0;owned\\x07title\n", out.String())

	big := strings.Repeat("x", 1000)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := p.Write([]byte(big))
			require.NoError(t, err)
			require.Equal(t, len(big), n, "a writer is never told of a short write")
		}()
	}
	wg.Wait()
	require.Equal(t, 1, strings.Count(out.String(), "the rest is not shown"))
	require.Equal(t, int64(8*1000-(64-30)), p.Dropped())
	require.Less(t, out.Len(), 64+300, "at most the limit, escaped, and the note")

	// At the end of the run, the count.
	p.report()
	require.True(t, strings.HasSuffix(out.String(), "podconform: 7966 bytes of the adapters' standard error were not shown\n"), out.String())
	var quiet bytes.Buffer
	newPassStderr(&quiet, 64).report()
	require.Empty(t, quiet.String(), "nothing to say when all was shown")
}
