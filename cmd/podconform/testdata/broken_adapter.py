#!/usr/bin/env python3
"""A deliberately broken exec adapter, for podconform's reliability tests.

Usage: broken_adapter.py MODE SCENARIO -- COMMAND ARGS...

It runs COMMAND (a working exec-protocol implementation) and relays the
protocol between the runner and it, misbehaving only while the scenario
named SCENARIO is open:

  hang     never answers the open request
  exit     exits with status 3 on the first input after the open
  garbage  answers the open request with a line that is not JSON
  slow     delays every answer by 0.2 s (within the runner's timeout)
  lie      adds to its first step an action it never took: a start of the
           pod's first container as attempt 99
  slow-hello  takes 2 s to answer the hello (a program slow to start);
           SCENARIO is not used
"""
import json
import os
import subprocess
import sys
import time


def main():
    mode, target = sys.argv[1], sys.argv[2]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    current = None
    lied = False
    for line in sys.stdin:
        req = json.loads(line)
        if mode == "slow-hello" and req.get("type") == "hello":
            time.sleep(2)
        if req.get("type") == "open":
            current = req.get("scenario")
            lied = False
        bad = current == target
        if bad and req.get("type") == "open" and mode == "hang":
            sys.stderr.write("broken_adapter: pid %d hanging on %s\n" % (os.getpid(), current))
            sys.stderr.flush()
            time.sleep(3600)
        if bad and req.get("type") == "input" and mode == "exit":
            sys.stderr.write("broken_adapter: exiting in the middle of %s\n" % current)
            sys.stderr.flush()
            sys.exit(3)
        child.stdin.write(line)
        child.stdin.flush()
        reply = child.stdout.readline()
        if bad and mode == "garbage" and req.get("type") == "open":
            sys.stdout.write("}{ this is not JSON\n")
            sys.stdout.flush()
            continue
        if bad and mode == "slow":
            time.sleep(0.2)
        if bad and mode == "lie" and not lied:
            rep = json.loads(reply)
            if rep.get("type") == "step":
                pod = req.get("pod") or {}
                name = None
                spec = pod.get("spec", {})
                for c in spec.get("initContainers", []) + spec.get("containers", []):
                    name = c["name"]
                    break
                if name is None and rep.get("actions"):
                    name = rep["actions"][0].get("container")
                at = rep["actions"][-1]["atMs"] if rep.get("actions") else 0
                rep.setdefault("actions", []).append(
                    {"atMs": at, "kind": "ContainerStarted", "container": name, "attempt": 99})
                reply = json.dumps(rep) + "\n"
                lied = True
        sys.stdout.write(reply)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
