#!/usr/bin/env python3
"""simple_kubelet.py: a tiny pod lifecycle that speaks the podconform exec
protocol (docs/adapter-protocol.md), version 1. Python 3 standard library only.

It is an example of how to plug an implementation into podconform, not a
kubelet: it is deliberately simple and deliberately incomplete, so that a run
against it shows what the runner reports. What it does:

  - admits the pod at time 0: SandboxCreated;
  - runs the regular init containers one at a time, in order, each after the
    previous one exited 0; a failed init container is restarted (with the
    back-off below) unless the pod's restartPolicy is Never, in which case the
    pod has failed and nothing more starts;
  - then starts every app container;
  - restarts an exited app container per the pod's restartPolicy (Always:
    always; OnFailure: after a non-zero exit; Never: never), after a back-off
    that starts at 10 s and doubles up to 300 s, reporting it as BackOff;
  - on a delete: DeleteRequested, StopSignal with timeout = grace to every
    running container, SIGKILL and ContainerExited (137) for those still
    running when their timeout ends; once none runs, SandboxStopped and
    PodRemoved. A force delete is a delete with grace 0.

Its deliberate gaps (differences from the kubelet that podconform finds):

  1. Sidecars (init containers with restartPolicy Always) are treated as
     regular init containers: it waits for them to exit before going on.
  2. The back-off is fixed: the first restart also waits 10 s (the kubelet
     restarts at once), the delay never resets, and the profile's back-off
     parameters are ignored.
  3. Probes and lifecycle hooks are ignored entirely (it never runs them).
  4. It reports no pod status (it declares no status observables).
  5. A later delete does not shorten a grace period already running, the 2 s
     minimum grace is not applied, and terminationGracePeriodSeconds is the
     only source of the default grace.
  6. Container-level restartPolicy and restartPolicyRules are ignored.
  7. A pod whose containers all completed for good is left as it is: the
     sandbox is only stopped on a delete.

It declares the observables "actions", "requests" and "backoff": it reports
every action of those kinds that it takes, and no others.

Run it through the runner with:

  podconform run --adapter exec --adapter-cmd "python3 adapters/exec/example/simple_kubelet.py"

Set SIMPLE_KUBELET_DEBUG=1 to log every request and reply on stderr.
"""

import json
import os
import sys

PROTOCOL = "podconform-exec"
# Version 2 is version 1 with request ids: every request after the hello
# carries an "id", which the reply echoes (main does it).
VERSIONS = (2, 1)
OBSERVES = ["actions", "requests", "backoff"]

BACKOFF_INITIAL_MS = 10_000
BACKOFF_MAX_MS = 300_000

DEBUG = bool(os.environ.get("SIMPLE_KUBELET_DEBUG"))


def log(*args):
    if DEBUG:
        print("simple_kubelet:", *args, file=sys.stderr, flush=True)


class Container:
    def __init__(self, name, is_init):
        self.name = name
        self.is_init = is_init
        self.attempt = -1  # the current (or last) instance; -1: never started
        self.running = False
        self.completed = False  # an init container that exited 0
        self.delay_ms = 0  # the current back-off delay; 0: none yet
        self.restart_at = None  # end of the back-off, in ms
        self.kill_at = None  # SIGKILL deadline after a stop signal, in ms


class Pod:
    """One pod on one node, in virtual time (milliseconds since creation)."""

    def __init__(self, pod):
        spec = pod["spec"]
        self.restart_policy = spec.get("restartPolicy") or "Always"
        self.default_grace = spec.get("terminationGracePeriodSeconds", 30)
        self.inits = [Container(c["name"], True) for c in spec.get("initContainers", [])]
        self.apps = [Container(c["name"], False) for c in spec["containers"]]
        self.by_name = {c.name: c for c in self.inits + self.apps}
        self.now = 0
        self.out = []  # actions since the last reply
        self.failed = False  # an init container failed under restartPolicy Never
        self.deleting = False
        self.grace = None
        self.removed = False
        self.emit("SandboxCreated")
        self.sync()

    # -- reporting --

    def emit(self, kind, c=None, **fields):
        a = {"atMs": self.now, "kind": kind}
        if c is not None:
            a["container"] = c.name
            a["attempt"] = c.attempt
        a.update(fields)
        self.out.append(a)

    def take(self):
        out, self.out = self.out, []
        return out

    # -- decisions --

    def start(self, c):
        c.attempt += 1
        c.running = True
        c.restart_at = None
        self.emit("ContainerCreated", c)
        self.emit("ContainerStarted", c)

    def sync(self):
        """Start whatever should run now."""
        if self.deleting or self.failed:
            return
        for c in self.inits:  # one at a time, in order (sidecars too: gap 1)
            if c.completed:
                continue
            if c.attempt < 0:
                self.start(c)
            return  # running, backing off, or just started: wait for it
        for c in self.apps:
            if c.attempt < 0:
                self.start(c)

    def back_off(self, c):
        """Schedule a restart of c after the (never reset) back-off: gap 2."""
        if c.delay_ms == 0:
            c.delay_ms = BACKOFF_INITIAL_MS
        else:
            c.delay_ms = min(2 * c.delay_ms, BACKOFF_MAX_MS)
        c.restart_at = self.now + c.delay_ms
        self.emit("BackOff", c, waitMs=c.delay_ms, delayMs=c.delay_ms)

    def exited(self, c, code, reason):
        c.running = False
        c.kill_at = None
        self.emit("ContainerExited", c, exitCode=code, reason=reason)
        if self.deleting:
            self.maybe_removed()
            return
        if c.is_init:
            if code == 0:
                c.completed = True
                self.sync()
            elif self.restart_policy == "Never":
                self.failed = True
            else:
                self.back_off(c)
            return
        if self.restart_policy == "Always" or (self.restart_policy == "OnFailure" and code != 0):
            self.back_off(c)

    def delete(self, grace, force):
        g = self.default_grace if grace < 0 else grace
        if force:
            g = 0
        extra = {"force": True} if force else {}
        if self.deleting:  # a later delete only shortens what is reported: gap 5
            self.grace = min(self.grace, g)
            self.emit("DeleteRequested", grace=self.grace, **extra)
            return
        self.deleting = True
        self.grace = g
        self.emit("DeleteRequested", grace=g, **extra)
        for c in self.inits + self.apps:
            c.restart_at = None
            if c.running:
                self.emit("StopSignal", c, timeout=g)
                c.kill_at = self.now + 1000 * g
        self.maybe_removed()

    def maybe_removed(self):
        if self.deleting and not self.removed and not any(c.running for c in self.by_name.values()):
            self.emit("SandboxStopped")
            self.emit("PodRemoved")
            self.removed = True

    # -- time --

    def next_timer(self):
        times = []
        for c in self.by_name.values():
            if c.restart_at is not None:
                times.append(c.restart_at)
            if c.kill_at is not None:
                times.append(c.kill_at)
        return min(times) if times else None

    def fire(self):
        """Handle every timer due at self.now."""
        for c in self.inits + self.apps:
            if c.kill_at is not None and c.kill_at <= self.now and c.running:
                self.emit("SIGKILL", c)
                self.exited(c, 137, "Error")
            if c.restart_at is not None and c.restart_at <= self.now:
                self.start(c)

    def advance(self, t):
        """Move the clock to t, firing the timers due by then in time order."""
        while True:
            nxt = self.next_timer()
            if nxt is None or nxt > t:
                break
            self.now = max(self.now, nxt)
            self.fire()
        self.now = t

    # -- inputs --

    def step(self, inp):
        t = inp["atMs"]
        self.advance(t)
        kind = inp["kind"]
        if kind == "Exit":
            c = self.by_name[inp["container"]]
            if c.running:
                if inp["oomKilled"]:
                    self.exited(c, 137, "OOMKilled")
                else:
                    code = inp["exitCode"]
                    self.exited(c, code, "Completed" if code == 0 else "Error")
        elif kind == "Delete":
            self.delete(inp["grace"], False)
        elif kind == "ForceDelete":
            self.delete(0, True)
        elif kind in ("Tick", "ProbeAnswer", "HookDone"):
            pass  # probes and hooks are never run (gap 3), so never answered
        elif kind == "SetCondition":
            pass  # a readiness gate's condition: this kubelet reports no statuses
        else:
            raise ValueError("unknown input kind %r" % kind)
        self.advance(t)  # timers set for this very instant fire now


def step_reply(pod):
    reply = {"type": "step", "actions": pod.take()}
    nxt = pod.next_timer()
    if nxt is not None:
        reply["nextMs"] = nxt
    return reply


def handle(req, state):
    kind = req.get("type")
    if kind == "hello":
        offered = [v for v in VERSIONS if v in req.get("versions", [])]
        if not offered:
            return {"type": "error", "message": "simple_kubelet speaks protocol versions 1 and 2 only"}
        return {"type": "hello", "protocol": PROTOCOL, "version": offered[0],
                "name": "simple-kubelet.py", "implVersion": "0.1", "observes": OBSERVES}
    if kind == "open":
        state["pod"] = Pod(req["pod"])
        return step_reply(state["pod"])
    if kind == "input":
        if state.get("pod") is None:
            return {"type": "error", "message": "input with no open scenario"}
        state["pod"].step(req["input"])
        return step_reply(state["pod"])
    if kind == "close":
        state["pod"] = None
        return {"type": "closed"}
    return {"type": "error", "message": "unknown request type %r" % kind}


def main():
    state = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        log("<-", line[:300])
        req = {}
        try:
            req = json.loads(line)
            reply = handle(req, state)
        except Exception as e:  # report, and let the runner restart us
            reply = {"type": "error", "message": "%s: %s" % (type(e).__name__, e)}
        if isinstance(req, dict) and "id" in req:
            # Echo the request's id: the runner then knows every reply
            # answers the request it is waiting for.
            reply = dict(id=req["id"], **reply)
        out = json.dumps(reply, separators=(",", ":"))
        log("->", out[:300])
        sys.stdout.write(out + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
