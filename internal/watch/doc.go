// Package watch renders a trace the way `kubectl get pod -w` shows a pod
// changing: one NAME READY STATUS RESTARTS AGE row per visible change, with
// AGE in the trace's virtual time.
package watch
