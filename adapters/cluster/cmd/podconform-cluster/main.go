// Command podconform-cluster runs podconform scenarios as real pods on a
// node behind a Kubernetes API server. `podconform run --adapter cluster`
// starts it; see adapters/cluster for what it observes.
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

	"github.com/podconform/podconform/adapters/cluster"
	"github.com/podconform/podconform/adapters/exec"
	"github.com/podconform/podconform/internal/podscript"
)

const usage = `podconform-cluster runs podconform scenarios as real pods on one node behind
a Kubernetes API server, and reports what the API server shows of them.

Usage:
  podconform-cluster serve --node NAME [--kubeconfig FILE] [--context C]
                     [--namespace NS] [--image IMAGE] [--run ID]
      Speak the podconform exec protocol (autonomous mode) on stdin and
      stdout. This is what "podconform run --adapter cluster" starts.
  podconform-cluster cleanup [--kubeconfig FILE] [--context C]
                     [--namespace NS] [--run ID]
      Delete every pod podconform left in the namespace (of run ID only,
      if given), and the namespace when podconform created it.

Exit status: 0 success, 1 failure, 2 usage error.
`

func main() { os.Exit(run(os.Args[1:])) }

type common struct {
	kubeconfig, context, namespace, run string
}

func (c *common) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
	fs.StringVar(&c.context, "context", "", "kubeconfig context (default: the current one)")
	fs.StringVar(&c.namespace, "namespace", "podconform", "namespace of the pods (created, and labelled, if missing)")
	fs.StringVar(&c.run, "run", "", "run ID: the podconform.dev/run label of every object")
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
	case "cleanup":
		return cleanup(args[1:])
	}
	fmt.Fprintf(os.Stderr, "podconform-cluster: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func serve(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	var c common
	c.flags(fs)
	node := fs.String("node", "", "the node every pod runs on (required)")
	image := fs.String("image", "", "the image every container runs (default "+podscript.DefaultImage+")")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	a, err := cluster.New(cluster.Config{Kubeconfig: c.kubeconfig, Context: c.context, Namespace: c.namespace, Node: *node, Image: *image, Run: c.run})
	if err != nil {
		fmt.Fprintf(os.Stderr, "podconform-cluster: %v\n", err)
		return 1
	}
	// Ctrl-C reaches the whole process group: the scenario in flight ends
	// and its pod is deleted before the process exits.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := exec.Serve(ctx, os.Stdin, os.Stdout, a); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(os.Stderr, "podconform-cluster: %v\n", err)
		return 1
	}
	return 0
}

func cleanup(args []string) int {
	fs := flag.NewFlagSet("cleanup", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	var c common
	c.flags(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cs, err := cluster.Client(c.kubeconfig, c.context)
	if err != nil {
		fmt.Fprintf(os.Stderr, "podconform-cluster: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	n, err := cluster.Cleanup(ctx, cs, c.namespace, c.run)
	if err != nil {
		fmt.Fprintf(os.Stderr, "podconform-cluster: cleanup: %v\n", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "podconform-cluster: deleted %d pods in namespace %s\n", n, c.namespace)
	return 0
}
