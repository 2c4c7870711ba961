package refine

import (
	"fmt"
	"strings"
	"time"
)

// The model meets choices where the kubelet's own code does not decide
// what happens next (model.Choice: the order of one sync's kills, which
// is Go's map order upstream). The checker follows the model's first
// option; when the implementation parts from it, or does something only
// another option allows, the checker rebuilds the model with other picks,
// replays every call so far on it, and goes on with the first branch that
// accepts them all. A divergence is reported only when no branch fits.
//
// The search changes one choice at a time, the newest first, and keeps the
// picks before it; the choices after it take their first option. Only
// choices within the tolerance before the call are tried: the first kill
// of a sync shows at once (a preStop hook or StopContainer), so a wrong
// order shows at the choice's instant, or by the tolerance.

// branch returns d, unless another branch of the model accepts every call
// so far; then the checker goes on in that branch and branch returns nil.
func (c *Checker) branch(d *Divergence) *Divergence {
	if d == nil {
		return nil
	}
	before := c.replays
	if c.search(d.At, func(alt *Checker) bool { return alt.div == nil }) {
		return nil
	}
	if c.replays > before {
		d.Message += " (no other order of one sync's kills fits either)"
	}
	if b := c.followed(); b != "" {
		d.Message += " (the model follows the implementation's kill order: " + b + ")"
	}
	return d
}

// followed describes the choices where the checker's model took another
// option than the first, or "".
func (c *Checker) followed() string {
	var parts []string
	for _, ch := range c.m.Choices() {
		if ch.Picked == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s before %s at %v", ch.Options[ch.Picked], strings.Join(others(ch.Options, ch.Picked), ", "), ch.At))
	}
	return strings.Join(parts, "; ")
}

func others(opts []string, skip int) []string {
	out := make([]string, 0, len(opts)-1)
	for i, o := range opts {
		if i != skip {
			out = append(out, o)
		}
	}
	return out
}

// search looks for a branch that passes ok, among the choices within the
// tolerance before t, and switches to the first it finds.
func (c *Checker) search(t time.Duration, ok func(*Checker) bool) bool {
	ch := c.m.Choices()
	if len(ch) == 0 {
		return false
	}
	cur := c.m.Picks()
	for j := len(ch) - 1; j >= 0 && ch[j].At+c.tol >= t; j-- {
		for v := range ch[j].Options {
			if v == ch[j].Picked {
				continue
			}
			if c.replays >= maxReplays {
				return false
			}
			c.replays++
			picks := append(cur[:j:j], v)
			alt, err := c.replay(picks)
			if err == nil && ok(alt) {
				c.adopt(alt)
				return true
			}
		}
	}
	return false
}

// replay builds a checker whose model takes picks and gives it every call
// so far; it stops at the first divergence (alt.div).
func (c *Checker) replay(picks []int) (*Checker, error) {
	alt, err := newChecker(c.scen, c.opt, picks, nil)
	if err != nil {
		return nil, err
	}
	for i := range c.journal {
		k := &c.journal[i]
		var d *Divergence
		switch k.kind {
		case callInput:
			d = alt.input(k.in)
		case callObserve:
			d = alt.observe(k.act)
		case callSync:
			d = alt.sync(k.t)
		case callEnd:
			d = alt.end(k.t, k.complete)
		}
		if d != nil {
			break
		}
	}
	return alt, nil
}

// adopt makes alt's state the checker's, keeping the journal and budget.
func (c *Checker) adopt(alt *Checker) {
	j, r, f := c.journal, c.replays, c.onTake
	*c = *alt
	c.journal, c.replays, c.onTake = j, r, f
}

// Branches reports how many other branches of the model the check has
// replayed so far.
func (c *Checker) Branches() int { return c.replays }

// Picks returns what the checker's model took at each of its choices so
// far (see model.Choice): all zeros unless the implementation took
// another way.
func (c *Checker) Picks() []int { return c.m.Picks() }
