package reports

import (
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/trace"
)

// Row is one line of the side-by-side comparison: what the model did and
// what the adapter did at one virtual time. Either side may be empty.
type Row struct {
	At       string
	Expected string
	Observed string
	// Differs: the two sides are not the same action. Unpublished: a
	// status the model had that the adapter did not publish, which is no
	// divergence by itself (statuses are compared as levels: each one
	// published must be one the model had). First marks the first
	// divergence; AtMark the rows at the failure's moment.
	Differs     bool
	Unpublished bool
	First       bool
	AtMark      bool

	obs int // index of the observed action in the trace, or -1
}

// CompareOptions say where the failure is.
type CompareOptions struct {
	// Mark is the failure's moment.
	Mark    time.Duration
	HasMark bool
	// Refinement says the failure is the refinement check's: its first
	// divergence is at Mark, and earlier differences were within what it
	// allows. Focus is the observed action it stopped at (its text without
	// the time, as actionText gives it; "Status" for any status), or "".
	Refinement bool
	Focus      string
	// Action is the index in observed of the action at which the failure
	// was found, if HasAction; its row is then the first divergence,
	// marked ▶.
	Action    int
	HasAction bool
}

// Comparison is expected (model) against observed (adapter), aligned by
// virtual time, shown around the first divergence.
type Comparison struct {
	Rows []Row
	// HiddenBefore and HiddenAfter count the rows left out of the window.
	HiddenBefore, HiddenAfter int
	// FirstAt is the time of the first differing row ("" when the traces
	// agree on everything both have).
	FirstAt string
	// Same: the traces are identical (an invariant broken by the model
	// itself, or by an implementation that did exactly what it did).
	Same bool
	// AtEnd: a refinement failure with no action at its moment (at the
	// run's end, say: the last status published is not the model's).
	AtEnd  bool
	MarkAt string
}

// Window bounds the rows shown: this many before the first divergence and
// in all. Long traces would otherwise make a report of a thousand
// counterexamples unreadably large; the full traces are files beside the
// scenario.
const (
	windowBefore = 12
	windowRows   = 48
)

// actionText is an action without its time: a status in brief, anything
// else as its trace line.
func actionText(a *model.Action) string {
	if a.Kind == model.ActStatus && a.Status != nil {
		return "Status " + statusText(a.Status)
	}
	d := trace.Describe(*a)
	if i := strings.IndexByte(d, ' '); i >= 0 {
		return d[i+1:]
	}
	return d
}

// statusText is a pod status in one line: phase, the conditions' values,
// and each container's state, readiness, started flag and restarts.
func statusText(st *v1.PodStatus) string {
	var b strings.Builder
	b.WriteString(string(st.Phase))
	if st.Reason != "" {
		b.WriteString(" (" + st.Reason + ")")
	}
	conds := append([]v1.PodCondition(nil), st.Conditions...)
	sort.Slice(conds, func(i, j int) bool { return conds[i].Type < conds[j].Type })
	for i, c := range conds {
		if i == 0 {
			b.WriteString(" ·")
		}
		fmt.Fprintf(&b, " %s=%s", condShort(c.Type), c.Status)
	}
	write := func(cs []v1.ContainerStatus) {
		for _, c := range cs {
			b.WriteString(" · ")
			b.WriteString(c.Name)
			b.WriteString(": ")
			b.WriteString(stateText(c.State))
			if c.Ready {
				b.WriteString(" ready")
			}
			if c.Started != nil && *c.Started {
				b.WriteString(" started")
			}
			if c.RestartCount > 0 {
				fmt.Fprintf(&b, " restarts=%d", c.RestartCount)
			}
		}
	}
	write(st.InitContainerStatuses)
	write(st.ContainerStatuses)
	return b.String()
}

func condShort(t v1.PodConditionType) string {
	switch t {
	case v1.PodReadyToStartContainers:
		return "ReadyToStart"
	case v1.ContainersReady:
		return "CtrsReady"
	}
	return string(t)
}

func stateText(s v1.ContainerState) string {
	switch {
	case s.Running != nil:
		return "running"
	case s.Terminated != nil:
		return fmt.Sprintf("terminated(%s, %d)", s.Terminated.Reason, s.Terminated.ExitCode)
	case s.Waiting != nil:
		if s.Waiting.Reason != "" {
			return "waiting(" + s.Waiting.Reason + ")"
		}
		return "waiting"
	}
	return "-"
}

// Compare aligns expected and observed by virtual time: the actions of
// each instant are matched by a longest common subsequence, so an extra or
// missing action shows as a one-sided row instead of shifting the rest.
// Expected should hold only what the adapter observes (properties.Restrict).
func Compare(expected, observed []model.Action, opt CompareOptions) Comparison {
	mark, hasMark := opt.Mark, opt.HasMark
	var rows []Row
	i, j := 0, 0
	for i < len(expected) || j < len(observed) {
		t := time.Duration(1<<63 - 1)
		if i < len(expected) {
			t = expected[i].At
		}
		if j < len(observed) && observed[j].At < t {
			t = observed[j].At
		}
		var es, os []string
		from := i  // expected[from:i] are this instant's
		ofrom := j // observed[ofrom:j] are this instant's
		for ; i < len(expected) && expected[i].At == t; i++ {
			es = append(es, actionText(&expected[i]))
		}
		for ; j < len(observed) && observed[j].At == t; j++ {
			os = append(os, actionText(&observed[j]))
		}
		at := t.String()
		for _, p := range alignInstant(es, os) {
			r := Row{At: at, AtMark: hasMark && t == mark, obs: -1}
			if p[0] >= 0 {
				r.Expected = es[p[0]]
			}
			if p[1] >= 0 {
				r.Observed = os[p[1]]
				r.obs = ofrom + p[1]
			}
			r.Differs = r.Expected != r.Observed
			if r.Observed == "" && p[0] >= 0 && expected[from+p[0]].Kind == model.ActStatus {
				r.Differs, r.Unpublished = false, true
			}
			rows = append(rows, r)
		}
	}
	c := Comparison{Same: true}
	first := -1
	for k := range rows {
		if rows[k].Differs || rows[k].Unpublished {
			c.Same = false
		}
		if rows[k].Differs && first < 0 {
			first = k
		}
	}
	// The action the failure was found at, when the file says which: its
	// row is the first divergence, whatever rows differ before it (an
	// invariant's failure may lie after differences the refinement
	// allows, or come first where the traces agree).
	focused := false
	if opt.HasAction && opt.Action >= 0 && opt.Action < len(observed) {
		for k := range rows {
			if rows[k].obs == opt.Action {
				first, focused = k, true
				if opt.Refinement {
					rows[k].Differs = true
				}
				break
			}
		}
	}
	// The refinement check's own divergence: the row of the action it
	// names, else the first difference at its moment.
	if opt.Refinement && hasMark && !focused {
		at := -1
		for k := range rows {
			r := &rows[k]
			if !r.AtMark {
				continue
			}
			named := opt.Focus != "" && (r.Observed == opt.Focus ||
				opt.Focus == "Status" && r.Differs && strings.HasPrefix(r.Observed, "Status "))
			if named {
				at = k
				break
			}
			if at < 0 && r.Differs {
				at = k
			}
		}
		if at >= 0 {
			first = at
			rows[at].Differs = true
		} else {
			first, c.AtEnd, c.MarkAt = -1, true, mark.String()
		}
	}
	if first >= 0 {
		rows[first].First = true
		c.FirstAt = rows[first].At
	}
	// The window: around the first divergence, else around the mark.
	focus := first
	if focus < 0 {
		for k := range rows {
			if rows[k].AtMark {
				focus = k
				break
			}
		}
	}
	if focus < 0 {
		focus = 0
	}
	lo := max(focus-windowBefore, 0)
	if c.AtEnd {
		// The failure is after the last action: show how the traces end.
		lo = max(len(rows)-windowRows, 0)
	}
	hi := min(lo+windowRows, len(rows))
	c.HiddenBefore, c.HiddenAfter = lo, len(rows)-hi
	c.Rows = rows[lo:hi]
	return c
}

// alignInstant pairs the actions of one instant: equal ones side by side
// (longest common subsequence), the rest on rows of their own.
func alignInstant(es, os []string) [][2]int {
	n, m := len(es), len(os)
	if n*m > 40000 {
		// Too many to align at one instant: side by side in order.
		var out [][2]int
		for k := 0; k < max(n, m); k++ {
			p := [2]int{-1, -1}
			if k < n {
				p[0] = k
			}
			if k < m {
				p[1] = k
			}
			out = append(out, p)
		}
		return out
	}
	// l[a][b]: the LCS length of es[a:] and os[b:].
	l := make([][]int, n+1)
	for a := range l {
		l[a] = make([]int, m+1)
	}
	for a := n - 1; a >= 0; a-- {
		for b := m - 1; b >= 0; b-- {
			if es[a] == os[b] {
				l[a][b] = l[a+1][b+1] + 1
			} else {
				l[a][b] = max(l[a+1][b], l[a][b+1])
			}
		}
	}
	// Between two matches, the unmatched actions of each side are paired
	// in order: a status that differs shows next to the one expected.
	var out [][2]int
	var pe, po []int
	flush := func() {
		for k := 0; k < max(len(pe), len(po)); k++ {
			p := [2]int{-1, -1}
			if k < len(pe) {
				p[0] = pe[k]
			}
			if k < len(po) {
				p[1] = po[k]
			}
			out = append(out, p)
		}
		pe, po = pe[:0], po[:0]
	}
	a, b := 0, 0
	for a < n || b < m {
		switch {
		case a < n && b < m && es[a] == os[b]:
			flush()
			out = append(out, [2]int{a, b})
			a, b = a+1, b+1
		case b >= m || (a < n && l[a+1][b] >= l[a][b+1]):
			pe = append(pe, a)
			a++
		default:
			po = append(po, b)
			b++
		}
	}
	flush()
	return out
}
