// Package model is podconform's reference model of the Kubernetes Pod
// lifecycle: a pure, deterministic state machine of one pod on one node, with
// a virtual clock.
//
// The model plays the kubelet. The world around it (containers that exit,
// probes that answer, hooks that return, users who delete the pod) is the
// caller's: it feeds the model Inputs through Step, and the model answers
// with observable Actions. Enabled lists the inputs the world may give next
// and NextTimer says when the model itself next wants to act, so a generator
// can choose any interleaving. Script turns a scenario's behaviour script
// into such a world, and Run drives the two together.
//
// The model imports only the standard library and k8s.io/api and
// k8s.io/apimachinery types. It never reads the wall clock, draws no random
// numbers, starts no goroutines and does no I/O.
//
// Every action comes with a Cause: the kubelet rule that produced it, named
// after the upstream function, with the numbers that matter. Causes are not
// part of an Action (traces and comparisons never see them); Causes, next
// to Step and Drain, returns them, NextTimerCause says what the next timer
// is for, and DescribeContainer says what the model holds of a container,
// for messages that explain a divergence.
//
// Where the kubelet's own code leaves the order of things to chance (the
// order of one sync's kills is Go's map order), the model meets a Choice:
// it takes the first option unless built with NewChoosing, and Choices
// lists the ones it met, so a checker can explore the other branches.
//
// Where the Kubernetes documentation and the kubelet's code disagree, the
// model follows the code (kubernetes/kubernetes v1.36). Each rule cites the
// upstream function it mirrors; docs/semantics.md states the rules, numbered
// (§N.M), each with the upstream code it comes from and the model function
// that encodes it.
package model
