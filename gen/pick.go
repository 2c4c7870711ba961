package gen

import (
	"math/bits"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"
)

// Choices are drawn bit by bit with rapid.Bool rather than with
// rapid.IntRange: rapid biases its integers towards small values, which
// would make the weights below meaningless, while a Bool is one fair bit.
// The bits are read most significant first, so rapid's shrinker, which
// lowers each bit to 0, walks a choice towards index 0: every table below
// lists its simplest option (absent, default, shortest) first.

// pick draws an index into weights, each index with probability
// weights[i]/sum(weights) (exactly when the sum is a power of two, within
// a quarter of a unit otherwise). It shrinks towards 0.
func pick(t *rapid.T, label string, weights ...int) int {
	total := 0
	for _, w := range weights {
		if w < 0 {
			panic("gen: negative weight")
		}
		total += w
	}
	if total <= 0 {
		panic("gen: pick from nothing")
	}
	m := bits.Len(uint(total - 1))
	if 1<<m != total {
		m += 2
	}
	u := 0
	for i := 0; i < m; i++ {
		u <<= 1
		if rapid.Bool().Draw(t, label) {
			u |= 1
		}
	}
	x := u * total >> m
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1 // unreachable
}

// chance is true with probability n/16. It shrinks to false.
func chance(t *rapid.T, label string, n int) bool {
	if n <= 0 {
		return false
	}
	if n >= 16 {
		return true
	}
	return pick(t, label, 16-n, n) == 1
}

// w is one option of a choice and its weight.
type w[V any] struct {
	v      V
	weight int
}

// choose draws one of opts by weight (options of weight 0 are never
// drawn). It shrinks towards opts[0].
func choose[V any](t *rapid.T, label string, opts ...w[V]) V {
	weights := make([]int, len(opts))
	for i, o := range opts {
		weights[i] = o.weight
	}
	return opts[pick(t, label, weights...)].v
}

func dur(d time.Duration) *metav1.Duration { return &metav1.Duration{Duration: d} }

func i64(v int64) *int64 { return &v }

func ptr[V any](v V) *V { return &v }

// listOf draws a list of up to max elements: before each one, a coin that
// says "one more" with probability more/16. The coin and the element are
// drawn together, as one group, so that the shrinker can remove an
// element whole (or stop the list early by lowering its coin). It is
// rapid.SliceOfN with a chosen length distribution.
func listOf[V any](t *rapid.T, label string, max, more int, elem func(*rapid.T) V) []V {
	type opt struct {
		v  V
		ok bool
	}
	var out []V
	g := rapid.Custom(func(t *rapid.T) opt {
		// At max the coin is still drawn (and ignored), as rapid's own
		// lists do: every list ends with a coin, so that removing an
		// element does not leave the list short of data.
		if !chance(t, "one more "+label, more) || len(out) >= max {
			return opt{}
		}
		return opt{elem(t), true}
	})
	for {
		o := g.Draw(t, label)
		if !o.ok {
			return out
		}
		out = append(out, o.v)
	}
}
