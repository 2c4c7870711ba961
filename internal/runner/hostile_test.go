package runner

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/scenario"
)

// hostileAlloc bounds the bytes TestHostileInputs may allocate while one
// input is read and, when valid, run (runtime.MemStats.TotalAlloc: a
// count, not a timing). Parsing YAML allocates about 100 times the file's
// size (a 3 MB file of 100,000 events: 294 MB), so a file at the 8 MiB
// limit stays under it. Before the bounds of issue 19, some of these
// inputs took gigabytes: a 1 ns back-off 4.1 GB, 100 crash-looping
// containers 850 MB resident, 2,000 init containers 10.9 GB.
const hostileAlloc = 1 << 30

// hostileCase is one hostile input and what it must get.
type hostileCase struct {
	name string // the file, under testdata/hostile or generated
	kind string // scenario, profile or summary
	want string // "error TEXT", "pass" or "over-budget"
	data []byte // generated inputs only
}

// hostileFiles reads testdata/hostile/WANT.
func hostileFiles(t *testing.T) []hostileCase {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "hostile", "WANT"))
	require.NoError(t, err)
	defer f.Close()
	var cases []hostileCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		file, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		want := rest
		if i := strings.Index(rest, "   "); i >= 0 {
			want = rest[:i] // what the input tries follows three blanks
		}
		kind, _, _ := strings.Cut(file, "/")
		cases = append(cases, hostileCase{name: file, kind: kind, want: strings.TrimSpace(want)})
	}
	require.NoError(t, sc.Err())
	return cases
}

// hostileGenerated are inputs too large to keep in the repository: each
// is built here, written to a temporary file and read like the others.
func hostileGenerated() []hostileCase {
	head := "apiVersion: podconform.dev/v1alpha1\nkind: Scenario\nmetadata:\n  name: %s\npod:\n  apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n  spec:\n    restartPolicy: Always\n"
	doc := func(name, spec, rest string) []byte {
		return []byte(fmt.Sprintf(head, name) + spec + rest)
	}
	repeat := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(f(i))
		}
		return b.String()
	}
	app := "    containers:\n    - {name: a, image: busybox}\n"
	crashAll := func(n int) string {
		return "profile: {backoffInitial: 1s, backoffMax: 1s}\nbehaviour:\n  containers:\n" +
			repeat(n, func(i int) string {
				return fmt.Sprintf("    c%d:\n      attempts: [{exitAfter: %dms, exitCode: 1}]\n", i, 1000+7*i)
			})
	}
	return []hostileCase{
		// The O(n^2) trace: every status carries every container's.
		{name: "init-10000.yaml", want: "error pod.spec.containers", data: doc("init-10000",
			"    initContainers:\n"+repeat(10000, func(i int) string { return fmt.Sprintf("    - {name: c%d, image: busybox}\n", i) })+app, "")},
		{name: "sidecars-2000.yaml", want: "error pod.spec.containers", data: doc("sidecars-2000",
			"    initContainers:\n"+repeat(2000, func(i int) string {
				return fmt.Sprintf("    - {name: c%d, image: busybox, restartPolicy: Always}\n", i)
			})+app, crashAll(2000))},
		{name: "containers-101.yaml", want: "error pod.spec.containers", data: doc("containers-101",
			"    containers:\n"+repeat(101, func(i int) string { return fmt.Sprintf("    - {name: c%d, image: busybox}\n", i) }), "")},
		// The largest pod allowed, every container crash-looping once a
		// second under a day's time limit: the status-entries budget.
		{name: "crashloop-100.yaml", want: "over-budget", data: []byte(strings.Replace(string(doc("crashloop-100",
			"    containers:\n"+repeat(100, func(i int) string { return fmt.Sprintf("    - {name: c%d, image: busybox}\n", i) }), crashAll(100))),
			"  name: crashloop-100\n", "  name: crashloop-100\n  counterexample: {property: refinement, divergence: missing, at: 1s, until: 24h}\n", 1))},
		// Events: each is a step of every run.
		{name: "events-100k.yaml", want: "error events", data: doc("events-100k", app,
			"events:\n"+repeat(100000, func(i int) string { return fmt.Sprintf("- {at: %dms, type: Delete}\n", i) }))},
		{name: "events-1000.yaml", want: "pass", data: doc("events-1000", app,
			"events:\n"+repeat(1000, func(i int) string { return fmt.Sprintf("- {at: %dms, type: Delete}\n", i) }))},
		// Long lists the model indexes, not scans.
		{name: "attempts-150k.yaml", want: "pass", data: doc("attempts-150k", app,
			"behaviour:\n  containers:\n    a:\n      attempts:\n"+repeat(150000, func(i int) string { return fmt.Sprintf("      - {exitAfter: %dms, exitCode: 1}\n", 1000+i) }))},
		{name: "probe-steps-120k.yaml", want: "pass", data: doc("probe-steps-120k",
			"    containers:\n    - name: a\n      image: busybox\n      readinessProbe: {exec: {command: [\"true\"]}, periodSeconds: 1}\n",
			"behaviour:\n  containers:\n    a:\n      probes:\n        readiness:\n"+repeat(120000, func(i int) string {
				return fmt.Sprintf("        - {after: %dms, result: %s}\n", 1000*(i+1), []string{"success", "failure"}[i%2])
			}))},
		// Parser limits.
		{name: "name-1mb.yaml", want: "error pod.spec.containers[0].name", data: doc("name-1mb",
			"    containers:\n    - {name: "+strings.Repeat("a", 1<<20)+", image: busybox}\n", "")},
		{name: "deep-list.yaml", want: "error exceeded max depth", data: doc("deep", "", "events: "+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+"\n")},
		{name: "deep-map.yaml", want: "error nested too deeply", data: doc("deep", "", "events: "+strings.Repeat("{a: ", 10000)+"1"+strings.Repeat("}", 10000)+"\n")},
		{name: "binary.yaml", want: "error malformed YAML", data: []byte(repeat(256*4, func(i int) string { return string(rune(i % 256)) }))},
		{name: "over-8mib.yaml", want: "error larger than 8 MiB", data: []byte(strings.Repeat("# a comment line\n", 9<<20/17))},
	}
}

// TestHostileInputs feeds every hostile input (testdata/hostile/WANT, and
// the large ones hostileGenerated builds) to what reads it: a scenario to
// `podconform run`'s runner with the reference model, a profile to
// scenario.LoadProfile, a summary to ReadSummary. Each must get its error
// (naming the field or the reason) or its verdict, and allocate no more
// than a bound.
func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	cases := hostileFiles(t)
	for _, c := range hostileGenerated() {
		c.kind = "scenario"
		cases = append(cases, c)
	}
	require.Greater(t, len(cases), 35)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join("testdata", "hostile", c.name)
			if c.data != nil {
				path = filepath.Join(dir, c.name)
				require.NoError(t, os.WriteFile(path, c.data, 0o644))
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			got, msg := readHostile(t, c.kind, path)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: %s (%s), %d MB allocated", c.name, got, msg, alloc>>20)
			if text, ok := strings.CutPrefix(c.want, "error "); ok {
				require.Equal(t, "error", got, "want an error containing %q; got %s", text, msg)
				require.Contains(t, msg, text)
				require.Less(t, alloc, uint64(hostileAlloc), "allocated %d MB to reject it", alloc>>20)
				return
			}
			require.Equal(t, c.want, got, msg)
			require.Less(t, alloc, uint64(hostileAlloc), "allocated %d MB to run it", alloc>>20)
		})
	}
}

// readHostile reads path as kind and, for a valid scenario, runs it on
// the model as `podconform run --corpus path --checks 0` would. It returns
// "error" and the error's text, or the verdict and its message.
func readHostile(t *testing.T, kind, path string) (got, msg string) {
	var err error
	switch kind {
	case "profile":
		_, err = scenario.LoadProfile(path)
	case "summary":
		_, err = ReadSummary(path)
	case "scenario":
		var sum *Summary
		sum, err = Run(context.Background(), Options{Adapter: modeladapter.New(), Corpus: []string{path}, Parallel: 1, Level: LevelExact, ShrinkSteps: 0})
		if err == nil {
			require.Zero(t, sum.Totals.AdapterErrors, "the reference model is never an adapter error: %+v", sum.Failures)
			switch {
			case sum.Totals.OverBudget == 1:
				return string(OverBudget), sum.OverBudget[0].Message
			case sum.Totals.Passed == 1:
				return string(Pass), ""
			}
			return "fail", fmt.Sprintf("%+v", sum.Totals)
		}
	default:
		t.Fatalf("unknown kind %q", kind)
	}
	if err == nil {
		return "no error", ""
	}
	return "error", err.Error()
}
