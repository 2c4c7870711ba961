package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/podconform/podconform/adapters"
	execadapter "github.com/podconform/podconform/adapters/exec"
)

// clusterBinary is the cluster adapter's program, built from the separate
// module in adapters/cluster (it needs client-go).
const clusterBinary = "podconform-cluster"

var errNoCluster = errors.New(`the cluster adapter is not built: run "make cluster" (it builds bin/podconform-cluster from the separate module in adapters/cluster)`)

// clusterFlags are run's flags for --adapter cluster.
type clusterFlags struct {
	kubeconfig, context, namespace, node, image string
	maxUntil                                    time.Duration
}

func (c *clusterFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.kubeconfig, "kubeconfig", "", "with --adapter cluster: the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
	fs.StringVar(&c.context, "context", "", "with --adapter cluster: the kubeconfig context (default: the current one)")
	fs.StringVar(&c.namespace, "namespace", "podconform", "with --adapter cluster: the namespace of the pods (created and labelled if missing; deleted at the end if podconform created it)")
	fs.StringVar(&c.node, "node", "", "with --adapter cluster: the node the pods run on (required)")
	fs.StringVar(&c.image, "image", "", "with --adapter cluster: the image every container runs; it needs /bin/sh, sleep and cat (default docker.io/library/busybox:1.36)")
	fs.DurationVar(&c.maxUntil, "max-until", 0, "cap on every scenario's time limit (default 0: none; 90s with --adapter cluster, which runs in wall time)")
}

// helperCommand returns the command line of a helper program built from
// one of the separate modules: cmd, split into words, if given; else
// "BINARY ARGS...", with BINARY $ENV, or name in the running podconform's
// directory, or in $PATH.
func helperCommand(cmd, name, env string, missing error, args ...string) ([]string, error) {
	if cmd != "" {
		argv, err := execadapter.SplitCommand(cmd)
		if err != nil {
			return nil, adapters.Errorf(adapters.ErrKindStart, "--adapter-cmd: %v", err)
		}
		return argv, nil
	}
	found := func(p string) []string { return append([]string{p}, args...) }
	if v := os.Getenv(env); v != "" {
		p, err := osexec.LookPath(v)
		if err != nil {
			return nil, fmt.Errorf("%s=%s: %v", env, v, err)
		}
		return found(p), nil
	}
	if exe, err := os.Executable(); err == nil {
		if p, err := osexec.LookPath(filepath.Join(filepath.Dir(exe), name)); err == nil {
			return found(p), nil
		}
	}
	if p, err := osexec.LookPath(name); err == nil {
		return found(p), nil
	}
	return nil, missing
}

// clusterArgs are the flags podconform-cluster gets for run id.
func (c *clusterFlags) args(id string) []string {
	var a []string
	add := func(k, v string) {
		if v != "" {
			a = append(a, "--"+k, v)
		}
	}
	add("kubeconfig", c.kubeconfig)
	add("context", c.context)
	add("namespace", c.namespace)
	add("run", id)
	return a
}

// openCluster starts the cluster adapter (a pool of podconform-cluster
// processes, one per scenario in flight), and returns it with the replay
// flags and a cleanup that deletes whatever the run left on the cluster.
func openCluster(cmd string, c *clusterFlags, tm execTimeouts, stderr io.Writer) (adapters.Adapter, string, func(), error) {
	if c.node == "" {
		return nil, "", nil, errors.New("--adapter cluster needs --node NAME: the node whose pods are checked")
	}
	id := "run-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	serve := append([]string{"serve", "--node", c.node}, c.args(id)...)
	if c.image != "" {
		serve = append(serve, "--image", c.image)
	}
	// The program: --adapter-cmd's words, or podconform-cluster; it gets
	// serve's arguments, and cleanup's at the end.
	prog, err := helperCommand(cmd, clusterBinary, "PODCONFORM_CLUSTER", errNoCluster)
	if err != nil {
		return nil, "", nil, err
	}
	argv := append(slices.Clip(prog), serve...)
	ps := newPassStderr(os.Stderr, stderrLimit)
	a, err := execadapter.NewCommand(argv, tm.options(execadapter.Options{Stderr: ps, Name: "cluster:" + c.node}))
	if err != nil {
		return nil, "", nil, err
	}
	spec := "--adapter cluster --node " + c.node
	for _, kv := range [][2]string{{"kubeconfig", c.kubeconfig}, {"context", c.context}, {"namespace", c.namespace}, {"image", c.image}} {
		if kv[1] != "" {
			spec += fmt.Sprintf(" --%s %q", kv[0], kv[1])
		}
	}
	cleanup := func() {
		a.Shutdown()
		ps.report()
		cl := append(append(slices.Clip(prog), "cleanup"), c.args(id)...)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		var out bytes.Buffer
		x := osexec.CommandContext(ctx, cl[0], cl[1:]...)
		x.Stdout, x.Stderr = &out, &out
		if err := x.Run(); err != nil {
			fmt.Fprintf(stderr, "podconform run: cleaning up the cluster failed (%v): %s\nrun %q to delete what the run left\n", err, printable(out.String()), cl)
		}
	}
	return a, spec, cleanup, nil
}
