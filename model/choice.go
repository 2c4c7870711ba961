package model

import "time"

// Choice is a point where the kubelet's own code does not decide what
// happens next, and the model takes one of several equally valid ways.
//
// There is one kind today: the order of one sync's kills. SyncPod
// (pkg/kubelet/kuberuntime/kuberuntime_manager.go, Step 3) kills the
// containers of podContainerChanges.ContainersToKill one after another
// in Go's map order, which changes from run to run; each kill blocks on
// its preStop hook and StopContainer. When a plan holds two or more kills
// of running containers, the model meets a Choice before each of them
// but the last: which of the remaining containers it kills next.
//
// By default the model takes Options[0] (the plan's own order). A checker
// that must accept any order the kubelet may give builds the model with
// NewChoosing and other picks; see Model.Choices.
type Choice struct {
	// At is the virtual time of the choice.
	At time.Duration
	// Options are the containers the sync may kill next, in the plan's
	// order.
	Options []string
	// Picked indexes Options: the container the model killed.
	Picked int
}

// NewChoosing builds a model (a mutant, for mut other than 0) that takes
// picks[n] at its n-th Choice (taken modulo the number of options), and
// the first option at choices beyond picks. NewChoosing(s, mut, nil) is
// NewMutant(s, mut).
func NewChoosing(s *Scenario, mut Mutation, picks []int) (*Model, error) {
	return newModel(s, mut, append([]int(nil), picks...))
}

// Choices returns the choices the model has met so far, oldest first
// (read only). Replaying the same inputs with NewChoosing and the Picked
// values of a prefix of them, then one other pick, explores another
// branch.
func (m *Model) Choices() []Choice { return m.choices }

// Picks returns the Picked value of every choice met so far.
func (m *Model) Picks() []int {
	p := make([]int, len(m.choices))
	for i := range m.choices {
		p[i] = m.choices[i].Picked
	}
	return p
}

// killable reports whether plan step o would kill a container now.
func (m *Model) killable(o op) bool {
	c := &m.ctrs[o.c]
	return o.kind == opKill && c.running && c.kill.stage == stNone
}

// chooseKill is called when runPlan reaches the kill at m.planPos-1. The
// plan's kills come first and together (computePodActions); when two or
// more of the remaining ones would kill a running container, it is a
// Choice: the picked kill is swapped into the current position.
func (m *Model) chooseKill() {
	cur := m.planPos - 1
	var cands [8]int
	idx := cands[:0]
	for k := cur; k < len(m.plan) && m.plan[k].kind == opKill; k++ {
		if m.killable(m.plan[k]) {
			idx = append(idx, k)
		}
	}
	if len(idx) < 2 {
		return
	}
	n := len(m.choices)
	pick := 0
	if n < len(m.picks) {
		pick = m.picks[n] % len(idx)
		if pick < 0 {
			pick += len(idx)
		}
	}
	ch := Choice{At: m.now, Options: make([]string, len(idx)), Picked: pick}
	for i, k := range idx {
		ch.Options[i] = m.ctrs[m.plan[k].c].name
	}
	m.choices = append(m.choices, ch)
	if k := idx[pick]; k != cur {
		m.plan[cur], m.plan[k] = m.plan[k], m.plan[cur]
	}
}
