package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/podconform/podconform/adapters/exec"
	modeladapter "github.com/podconform/podconform/adapters/model"
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
	fs.Usage = func() { fmt.Fprint(fs.Output(), execServerHelp); fs.PrintDefaults() }
	if wantsHelp(args) {
		fs.SetOutput(stdout)
		fs.Usage()
		return 0
	}
	if err := fs.Parse(interspersed(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return 0
		}
		return 2
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
	a := modeladapter.New()
	if *mutant != "" {
		if a, err = modeladapter.Mutant(*mutant); err != nil {
			fmt.Fprintf(stderr, "podconform exec-server: --mutant: %v\n", err)
			return 2
		}
	}
	if obs != properties.ObsAll {
		a = a.Observing(obs)
	}
	if err := exec.Serve(context.Background(), execServerStdin, stdout, a); err != nil {
		fmt.Fprintf(stderr, "podconform exec-server: %v\n", err)
		return 1
	}
	return 0
}
