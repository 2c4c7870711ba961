// Package podscript turns a podconform scenario into a Pod whose
// containers play the scenario's behaviour script with a shell, so that an
// implementation that runs real containers (a kubelet with a container
// runtime behind an API server) can be given the scenario as it is.
//
// Every container runs /bin/sh from one image (busybox by default). Its
// command plays the scripted attempts by instance: an attempt counter per
// container lives on an emptyDir volume shared by the pod's containers, so
// a restarted container knows which attempt it is, and each instance
// records its attempt and its start (from /proc/uptime, in centiseconds) in
// its own writable layer, where its hooks and probes read them. An
// instance exits with the scripted code at the scripted time after its
// start, and answers the stop signal (SIGTERM) as scripted: at once with
// code 0 by default, after a delay with a code, or not at all. Probes and
// hooks become exec handlers that answer as scripted for the instance they
// run in (a tcpSocket hook is left as it is: the kubelet fails it). The
// timing fields of probes and the pod's own fields are kept.
//
// Behaviour a shell cannot produce is refused with an *UnsupportedError
// naming the field (an OOM kill, a read-only root filesystem the scripts
// cannot write to); a runner counts such scenarios as skipped, never as
// passed. A death by signal N is played as exit code 128+N, which is what
// the runtime reports for one.
//
// The model's world (model.Script) is the reference for what the shell
// does: the same attempt and conduct rules, the same defaults (a regular
// init container exits 0 after model.DefaultInitRunTime; sidecars and app
// containers run until killed; probes succeed; hooks return at once, a
// sleep hook after its seconds; the stop signal ends an instance at once
// with code 0), and the same race between an instance's own exit and its
// scripted answer to the stop signal (whichever comes first).
package podscript
