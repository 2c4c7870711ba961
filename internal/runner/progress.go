package runner

import (
	"fmt"
	"io"
	"time"
)

// progress reports a run's advance: one line rewritten in place on a
// terminal, a line every 30 s in a log.
type progress struct {
	w         io.Writer
	tty       bool
	total     int
	done      int
	counts    map[Verdict]int
	start     time.Time
	last      time.Time
	lastWidth int
}

func newProgress(w io.Writer, tty bool, total int) *progress {
	now := time.Now()
	return &progress{w: w, tty: tty, total: total, counts: map[Verdict]int{}, start: now, last: now}
}

func (p *progress) add(o *Outcome) {
	p.done++
	p.counts[o.Verdict]++
	if p.w == nil {
		return
	}
	now := time.Now()
	every := 30 * time.Second
	if p.tty {
		every = 200 * time.Millisecond
	}
	if now.Sub(p.last) >= every || p.done == p.total {
		p.last = now
		p.print(now)
	}
}

func (p *progress) print(now time.Time) {
	el := now.Sub(p.start)
	rate := 0.0
	if el > 0 {
		rate = float64(p.done) / el.Seconds()
	}
	line := fmt.Sprintf("podconform run: %d/%d scenarios, %.0f/s, %d violations, %d divergences, %d adapter errors, %v",
		p.done, p.total, rate, p.counts[Violation], p.counts[Divergence], p.counts[AdapterError], el.Round(time.Second))
	if p.tty {
		pad := ""
		for i := len(line); i < p.lastWidth; i++ {
			pad += " "
		}
		p.lastWidth = len(line)
		fmt.Fprint(p.w, "\r"+line+pad)
		return
	}
	fmt.Fprintln(p.w, line)
}

func (p *progress) finish() {
	if p.w != nil && p.tty && p.done > 0 {
		fmt.Fprintln(p.w)
	}
}
