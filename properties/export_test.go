package properties

import (
	"time"

	"github.com/podconform/podconform/model"
)

// CheckUnmasked is Check without the kind masks: every rule sees every
// action. Tests compare the two to keep the masks honest.
func CheckUnmasked(ctx *Context, trace []model.Action, end time.Duration, complete bool) []Violation {
	t := newTracker(ctx)
	rules := make([]rule, len(catalogue))
	found := make([]*Violation, len(catalogue))
	for k := range catalogue {
		rules[k] = catalogue[k].mk(t)
	}
	for i := range trace {
		a := &trace[i]
		t.prepare(a)
		for k, r := range rules {
			if found[k] == nil {
				if msg := r.before(i, a); msg != "" {
					found[k] = &Violation{ID: catalogue[k].ID, Index: i, At: a.At, Message: msg}
				}
			}
		}
		t.update(a)
		for k, r := range rules {
			if found[k] == nil {
				if msg := r.after(i, a); msg != "" {
					found[k] = &Violation{ID: catalogue[k].ID, Index: i, At: a.At, Message: msg}
				}
			}
		}
	}
	var out []Violation
	for k, r := range rules {
		if found[k] == nil {
			if msg := r.end(end, complete); msg != "" {
				found[k] = &Violation{ID: catalogue[k].ID, Index: -1, At: end, Message: msg}
			}
		}
		if found[k] != nil {
			out = append(out, *found[k])
		}
	}
	return out
}
