package kubelet

import (
	"flag"
	"io"
	"reflect"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The kubelet's code reads the wall clock in places that matter to the
// lifecycle: executePreStopHook waits with time.After and measures the hook
// with metav1.Now, and the fake runtime stamps containers with time.Now. To
// run that code in virtual time, every session runs inside a synctest
// bubble, where time.Now, time.After and timers follow a fake clock that
// moves only when every goroutine of the bubble is blocked.
//
// synctest.Test needs a *testing.T, so the process starts the testing
// package's runner once (testing.MainStart) with a single test that never
// returns; each session is a subtest of it running in its own bubble.

var host struct {
	once sync.Once
	reqs chan func(*testing.T)
}

// runInBubble runs f in a new synctest bubble and returns at once; f runs
// until it returns. Tests replace it to run bubbles under their own
// *testing.T (a test binary cannot start a second testing.M).
var runInBubble = inBubble

// inBubble runs f in a new bubble on the host's test runner.
func inBubble(name string, f func()) {
	host.once.Do(startHost)
	host.reqs <- func(t *testing.T) {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(*testing.T) { f() })
		})
	}
}

func startHost() {
	host.reqs = make(chan func(*testing.T))
	started := make(chan struct{})
	m := testing.MainStart(testDeps{}, []testing.InternalTest{{
		Name: "podconform-kubelet",
		F: func(t *testing.T) {
			close(started)
			for f := range host.reqs {
				go f(t)
			}
		},
	}}, nil, nil, nil)
	// MainStart registered the test flags; parse none of the process's
	// own arguments as test flags.
	if !flag.Parsed() {
		_ = flag.CommandLine.Parse(nil)
	}
	go m.Run()
	<-started
}

// testDeps is what testing.MainStart needs from the go test driver; none of
// it is used (no profiles, coverage or fuzzing).
type testDeps struct{}

type corpusEntry = struct {
	Parent     string
	Path       string
	Data       []byte
	Values     []any
	Generation int
	IsSeed     bool
}

func (testDeps) ImportPath() string                          { return "podconform-kubelet" }
func (testDeps) ModulePath() string                          { return "" }
func (testDeps) MatchString(pat, str string) (bool, error)   { return true, nil }
func (testDeps) SetPanicOnExit0(bool)                        {}
func (testDeps) StartCPUProfile(io.Writer) error             { return nil }
func (testDeps) StopCPUProfile()                             {}
func (testDeps) StartTestLog(io.Writer)                      {}
func (testDeps) StopTestLog() error                          { return nil }
func (testDeps) WriteProfileTo(string, io.Writer, int) error { return nil }
func (testDeps) CoordinateFuzzing(time.Duration, int64, time.Duration, int64, int, []corpusEntry, []reflect.Type, string, string) error {
	return nil
}
func (testDeps) RunFuzzWorker(func(corpusEntry) error) error              { return nil }
func (testDeps) ReadCorpus(string, []reflect.Type) ([]corpusEntry, error) { return nil, nil }
func (testDeps) CheckCorpus([]any, []reflect.Type) error                  { return nil }
func (testDeps) ResetCoverage()                                           {}
func (testDeps) SnapshotCoverage()                                        {}
func (testDeps) InitRuntimeCoverage() (string, func(string, string) (string, error), func() float64) {
	return "", nil, nil
}
