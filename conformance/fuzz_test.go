package conformance

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/adapters"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/scenario"
)

// FuzzModelConforms: the reference model, fuzzed through Fuzz, conforms.
func FuzzModelConforms(f *testing.F) {
	Fuzz(f, func() adapters.Adapter { return modeladapter.New() }, Out(f.TempDir()))
}

// helperEnv switches on TestFuzzHelper, which TestFuzzCatchesABug runs in
// a child process (its failure must not fail this test binary).
const helperEnv = "PODCONFORM_FUZZ_HELPER_OUT"

// TestFuzzHelper feeds Fuzz's target, on a mutant that starts the init
// containers together, the fuzzer's inputs of a short deterministic
// stream, as go test -fuzz would: it fails at the first that breaks.
func TestFuzzHelper(t *testing.T) {
	out := os.Getenv(helperEnv)
	if out == "" {
		t.Skip("run by TestFuzzCatchesABug")
	}
	prop, err := property(func() adapters.Adapter {
		a, err := modeladapter.Mutant("parallel-init")
		if err != nil {
			panic(err)
		}
		return a
	}, Out(out), ShrinkSteps(20))
	require.NoError(t, err)
	x := uint64(0x2545f4914f6cdd1d)
	for i := 0; i < 200; i++ {
		b := make([]byte, 1024)
		for k := range b {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			b[k] = byte(x)
		}
		prop(t, b)
	}
}

// TestFuzzCatchesABug: Fuzz's target fails on a broken implementation,
// and the scenario it failed on is on disk first, replayable, and named
// in the failure.
func TestFuzzCatchesABug(t *testing.T) {
	out := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestFuzzHelper$", "-test.count", "1")
	cmd.Env = append(os.Environ(), helperEnv+"="+out)
	b, err := cmd.CombinedOutput()
	require.Error(t, err, "the target fails on the mutant:\n%s", b)
	m := regexp.MustCompile(`counterexample: (\S+\.yaml)`).FindSubmatch(b)
	require.NotNil(t, m, "the failure names its counterexample:\n%s", b)
	require.Contains(t, string(b), "init-strict-order")
	path := string(m[1])
	require.Equal(t, filepath.Join(out, "counterexamples"), filepath.Dir(path))
	doc, err := scenario.Load(path)
	require.NoError(t, err)
	require.NotNil(t, doc.Metadata.Counterexample)
}

// TestLowerMinimizeBudget: with -fuzzminimizetime not given, Fuzz sets it
// to MinimizeRuns; once given (here: by that first call), it is left as it
// is.
func TestLowerMinimizeBudget(t *testing.T) {
	fl := flag.Lookup("test.fuzzminimizetime")
	require.NotNil(t, fl)
	given := false
	flag.Visit(func(v *flag.Flag) { given = given || v == fl })
	if given {
		t.Skip("-fuzzminimizetime was given on the command line")
	}
	old := fl.Value.String()
	t.Cleanup(func() { _ = fl.Value.Set(old) })
	require.NoError(t, lowerMinimizeBudget())
	require.Equal(t, MinimizeRuns, fl.Value.String())
	require.NoError(t, fl.Value.Set("5s"))
	require.NoError(t, lowerMinimizeBudget())
	require.Equal(t, "5s", fl.Value.String(), "a value already set is kept")
}
