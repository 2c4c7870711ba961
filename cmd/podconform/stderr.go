package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// stderrLimit is how much of the adapters' standard error a run passes
// through to its own; the rest is counted, not shown (each adapter error
// keeps the last 4 KiB of its process's stderr anyway).
const stderrLimit = 1 << 20

// passStderr passes an adapter's standard error through to w, escaping
// what a terminal would act on (newlines and tabs stay) and stopping after
// limit bytes with one line that says so. It is safe for concurrent use
// (parallel sessions share it).
type passStderr struct {
	mu      sync.Mutex
	w       io.Writer
	left    int
	limit   int
	dropped int64
}

func newPassStderr(w io.Writer, limit int) *passStderr {
	return &passStderr{w: w, left: limit, limit: limit}
}

func (p *passStderr) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(b)
	if p.left <= 0 {
		p.dropped += int64(n)
		return n, nil
	}
	if len(b) > p.left {
		p.dropped += int64(len(b) - p.left)
		b = b[:p.left]
	}
	p.left -= len(b)
	var out strings.Builder
	for _, line := range strings.SplitAfter(string(b), "\n") {
		body := strings.TrimSuffix(line, "\n")
		out.WriteString(strings.ReplaceAll(printable(body), `\t`, "\t"))
		if len(body) < len(line) {
			out.WriteByte('\n')
		}
	}
	if p.left <= 0 {
		fmt.Fprintf(&out, "\npodconform: the adapters' standard error passed %d bytes; the rest is not shown (each adapter error quotes its process's last lines)\n", p.limit)
	}
	_, _ = io.WriteString(p.w, out.String())
	return n, nil
}

// Dropped returns how many bytes were not shown.
func (p *passStderr) Dropped() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropped
}

// report ends the passthrough: when some was not shown, it says how much,
// so that the count is on the console when the run's output ends.
func (p *passStderr) report() {
	if d := p.Dropped(); d > 0 {
		p.mu.Lock()
		defer p.mu.Unlock()
		fmt.Fprintf(p.w, "podconform: %d bytes of the adapters' standard error were not shown\n", d)
	}
}
