// Command podconform-kubelet runs podconform scenarios on the upstream
// kubelet's code (k8s.io/kubernetes v1.36.3), in-process and in virtual
// time. `podconform run --adapter kubelet` starts it; see
// adapters/kubelet for what runs upstream code and what does not.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/podconform/podconform/adapters/exec"
	"github.com/podconform/podconform/adapters/kubelet"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

const usage = `podconform-kubelet runs podconform scenarios on the upstream kubelet's code
(k8s.io/kubernetes ` + kubelet.UpstreamVersion + `): the runtime manager, the prober, the status
manager and the status generators, driven in-process against a recording
fake CRI runtime, in virtual time.

Usage:
  podconform-kubelet serve
      Speak the podconform exec protocol (autonomous mode) on stdin and
      stdout. This is what "podconform run --adapter kubelet" starts.
  podconform-kubelet trace [--until DURATION] [--json] SCENARIO.yaml
      Run one scenario (or bare Pod manifest) and print the kubelet's trace.
  podconform-kubelet version
      Print the upstream version.

Exit status: 0 success, 1 the scenario could not be run, 2 usage error.
`

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(os.Stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	switch args[0] {
	case "serve":
		return serve(args[1:])
	case "trace":
		return traceCmd(args[1:])
	case "version":
		fmt.Println(kubelet.UpstreamVersion)
		return 0
	}
	fmt.Fprintf(os.Stderr, "podconform-kubelet: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func serve(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	// The testing runner that hosts the bubbles (and anything the
	// kubelet's code prints) must not write to the protocol's stdout.
	proto := os.Stdout
	os.Stdout = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := exec.Serve(ctx, os.Stdin, proto, kubelet.New()); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(os.Stderr, "podconform-kubelet: %v\n", err)
		return 1
	}
	return 0
}

func traceCmd(args []string) int {
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	until := fs.Duration("until", 20*time.Minute, "virtual time to run to, at most")
	asJSON := fs.Bool("json", false, "print the trace as JSON instead of text")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "podconform-kubelet trace: want one scenario file")
		return 2
	}
	doc, err := scenario.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(os.Stderr, "podconform-kubelet: %v\n", err)
		return 1
	}
	out := os.Stdout
	os.Stdout = os.Stderr
	acts, err := kubelet.New().Run(context.Background(), doc.Model(), *until)
	if err != nil {
		fmt.Fprintf(os.Stderr, "podconform-kubelet: %v\n", err)
		return 1
	}
	d := trace.New(doc.Metadata.Name, doc.Profile.WithDefaults().Name, doc.Pod.Name, acts)
	if *asJSON {
		err = trace.Encode(out, d)
	} else {
		err = trace.EncodeText(out, d)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "podconform-kubelet: %v\n", err)
		return 1
	}
	return 0
}
