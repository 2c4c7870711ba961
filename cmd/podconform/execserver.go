package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/adapters/exec"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

const execServerHelp = `Usage: podconform exec-server [flags]

Serves the reference model over the exec adapter protocol
(docs/adapter-protocol.md): reads requests from standard input and writes
one reply line to standard output for each, until standard input ends.
This is an implementation as any other program speaking the protocol is,
so that the runner can be checked against a known answer:

  podconform run --adapter exec --adapter-cmd "podconform exec-server"

should report no difference, while --mutant NAME serves a self-test mutant
(a copy of the model that breaks one rule; see 'podconform selftest') that
the runner should catch. --observes serves a model that reports only some
observables, as an implementation that cannot see everything would.

--autonomous serves the model (or the mutant) in the protocol's autonomous
mode instead: its hello says "mode":"autonomous", and it answers each run
request by running the whole scenario, world included, and replying with
the trace, as an implementation that cannot be stepped does:

  podconform run --adapter exec --adapter-cmd "podconform exec-server --autonomous"

Exit status 0 when standard input ends, 1 on an I/O error, 2 on usage
errors.

Flags:
`

// execServerStdin is exec-server's standard input (tests replace it).
var execServerStdin io.Reader = os.Stdin

func execServer(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exec-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mutant := fs.String("mutant", "", "serve the self-test mutant with this name instead of the model")
	observes := fs.String("observes", "all", "comma-separated observables to report ("+strings.Join(properties.ObservableNames(), ", ")+", or all)")
	autonomous := fs.Bool("autonomous", false, "serve in autonomous mode: answer run requests with whole traces (docs/adapter-protocol.md)")
	fs.Usage = func() { fmt.Fprint(fs.Output(), execServerHelp); fs.PrintDefaults() }
	if code, done := parseArgs(fs, args, stdout); done {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "podconform exec-server: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	obs, err := properties.ParseObservables(strings.Split(*observes, ","))
	if err != nil {
		fmt.Fprintf(stderr, "podconform exec-server: --observes: %v\n", err)
		return 2
	}
	var a adapters.Adapter
	if *autonomous {
		x := modeladapter.Autonomous()
		if *mutant != "" {
			if x, err = modeladapter.AutonomousMutant(*mutant); err != nil {
				fmt.Fprintf(stderr, "podconform exec-server: --mutant: %v\n", err)
				return 2
			}
		}
		a = x
		if obs != properties.ObsAll {
			a = observingRun{x, obs.Normal()}
		}
	} else {
		d := modeladapter.New()
		if *mutant != "" {
			if d, err = modeladapter.Mutant(*mutant); err != nil {
				fmt.Fprintf(stderr, "podconform exec-server: --mutant: %v\n", err)
				return 2
			}
		}
		if obs != properties.ObsAll {
			d = d.Observing(obs)
		}
		a = d
	}
	if err := exec.Serve(context.Background(), execServerStdin, stdout, a); err != nil {
		fmt.Fprintf(stderr, "podconform exec-server: %v\n", err)
		return 1
	}
	return 0
}

// observingRun is an autonomous adapter whose traces report only obs: the
// other actions and status fields are withheld, as an implementation that
// cannot see them would.
type observingRun struct {
	a   adapters.AutonomousAdapter
	obs properties.Observables
}

func (o observingRun) Info() adapters.Info {
	i := o.a.Info()
	i.Observes = o.obs
	return i
}

func (o observingRun) Run(ctx context.Context, s *model.Scenario, until time.Duration) ([]model.Action, error) {
	acts, err := o.a.Run(ctx, s, until)
	if err != nil {
		return nil, err
	}
	return properties.Restrict(acts, o.obs), nil
}
