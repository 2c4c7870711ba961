# podconform: see README.md.
GO      ?= go
EXAMPLE ?= corpus/examples/myapp-pod-scenario.yaml
BENCHTIME ?= 2s

PHONY_CLUSTER := cluster cluster-test node-run
.PHONY: $(PHONY_CLUSTER) all build test example-test cflite-check image node-job vet fmt-check run simulate mutants bench fuzz fuzz-smoke selftest clean kubelet kubelet-test fidelity bench-kubelet report-browser-test node-build node-up node-down node-status node-test
FUZZTIME ?= 30s

all: build

build:
	$(GO) build -o bin/podconform ./cmd/podconform

## test: formatting, vet, every test of the core with the race detector,
## then the kubelet adapter's module (kubelet-test).
test: fmt-check vet
	@echo "make test: the core's tests with the race detector (a few minutes; the first build on a fresh machine longer)"
	scripts/heartbeat.sh "make test: core tests" $(GO) test -race -count=1 ./...
	$(MAKE) kubelet-test cluster-test example-test

## The upstream kubelet adapter is its own Go module (adapters/kubelet), so
## that the core builds without k8s.io/kubernetes. Its first build downloads
## about 660 MB of modules and takes about 10 minutes on 2 cores.
KUBELET_DIR := adapters/kubelet

## kubelet: build bin/podconform-kubelet, which "podconform run --adapter
## kubelet" finds next to bin/podconform.
kubelet:
	cd $(KUBELET_DIR) && $(GO) build -o ../../bin/podconform-kubelet ./cmd/podconform-kubelet

## The cluster adapter (adapters/cluster) is its own Go module too: it
## needs client-go. cluster: build bin/podconform-cluster, which "podconform
## run --adapter cluster" finds next to bin/podconform.
CLUSTER_DIR := adapters/cluster
cluster:
	cd $(CLUSTER_DIR) && $(GO) build -o ../../bin/podconform-cluster ./cmd/podconform-cluster

## cluster-test: vet and test the cluster adapter's module.
cluster-test:
	cd $(CLUSTER_DIR) && $(GO) vet ./... && $(GO) test -count=1 ./...

## example-test: the example external module (examples/go-implementation,
## a Go implementation that checks itself with package conformance): vet,
## test, then its README's one-line seeded bug must fail its test by
## init-strict-order.
example-test:
	GO=$(GO) scripts/example-go-implementation.sh

## cflite-check: .clusterfuzzlite/build.sh run outside ClusterFuzzLite's
## image: every listed native fuzz target built as a libFuzzer binary
## (go-118-fuzz-build from the module proxy, clang from apt if missing) and
## run for 2,000 inputs; every native target built or listed as not built.
cflite-check:
	$(GO) test -count=1 ./.clusterfuzzlite/seedzip
	GO=$(GO) scripts/cflite-check.sh

## image: podconform's container image without a container engine: the
## static binary (bin/podconform-static) in an OCI image archive
## (bin/podconform-image.tar) named as deploy/indexed-job.yaml names it.
IMAGE ?= ghcr.io/podconform/podconform:$(shell sed -n 's/^const version = "\(.*\)"/\1/p' cmd/podconform/runcmd.go)
image:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/podconform-static ./cmd/podconform
	$(GO) run ./cmd/podconform-image --ref $(IMAGE) --out bin/podconform-image.tar bin/podconform-static

## node-job: deploy/indexed-job.yaml and merge-job.yaml on the local real
## node (brought up if down, left up); the merged summary must be
## byte-identical to an unsharded run's (scripts/node-job.sh).
node-job:
	scripts/node-job.sh

## kubelet-test: vet and test the kubelet adapter's module (no race
## detector: it would rebuild all of k8s.io/kubernetes).
kubelet-test:
	@echo "make kubelet-test: the kubelet adapter's module (the first build downloads about 660 MB and compiles k8s.io/kubernetes: 10 min or more on 2 cores; later, seconds)"
	cd $(KUBELET_DIR) && ../../scripts/heartbeat.sh "make kubelet-test" sh -c '$(GO) vet ./... && $(GO) test -count=1 ./...'

## fidelity: the reference model checked against the upstream kubelet's
## code (FIDELITY_CHECKS generated scenarios after the corpus; no shrinking,
## as thousands fail: replay one with the command the summary gives).
FIDELITY_CHECKS ?= 10000
fidelity: build kubelet
	./bin/podconform run --adapter kubelet --corpus corpus --checks $(FIDELITY_CHECKS) --shrink-steps 0 --out fidelity-results

## bench-kubelet: scenarios/s on the model and on the kubelet's code, same
## scenarios, one run.
bench-kubelet: kubelet
	$(GO) test -run '^$$' -bench KubeletVsModel -benchtime 300x -cpu 1,2 ./internal/runner/

vet:
	$(GO) vet ./...

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## run: the main job, a conformance run against the embedded reference model.
CHECKS ?= 1000
run:
	$(GO) run ./cmd/podconform run --corpus corpus --checks $(CHECKS)

## simulate: one scenario as kubectl get pod -w would show it.
simulate:
	$(GO) run ./cmd/podconform simulate $(EXAMPLE)

## mutants: podconform run against every mutant, in-process and through the
## exec protocol; each must be caught.
mutants: build
	PC=./bin/podconform ./scripts/run-mutants.sh

## report-browser-test: a mutant run (expected to fail, exit 1) writes
## $(REPORT_DIR)/report.html, which scripts/browser-check.sh opens in headless
## chromium (installed with apt if missing): no errors, no requests, an <h1>
## and a visible timeline SVG; writes $(REPORT_DIR)/screenshot.png.
REPORT_DIR ?= report-browser-test
report-browser-test: build
	@rc=0; ./bin/podconform run --adapter mutant:ready-at-start --checks 200 --shrink-steps 50 \
		--quiet --out $(REPORT_DIR) >/dev/null || rc=$$?; \
	if [ "$$rc" -ne 1 ]; then echo "report-browser-test: the mutant run should exit 1, got $$rc" >&2; exit 1; fi
	scripts/browser-check.sh $(REPORT_DIR)/report.html $(REPORT_DIR)/screenshot.png

## bench: the model's benchmarks (ns per scenario, events/s, allocs) and the
## runner's (scenarios/s through the model and exec adapters, on 1 and 2 cores).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./model/
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1,2 -benchtime 2000x ./internal/runner/

## fuzz: every native fuzz target in turn, FUZZTIME each (make fuzz FUZZTIME=30s).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$t ($$pkg) for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

## fuzz-smoke: a short run of each fuzz target (CI), bounded by a count of
## executions, not by time: a time-bounded run can end in the fuzz
## coordinator's deadline race (golang/go#75804, fixed in Go 1.27), a bare
## "context deadline exceeded" with no crasher, which would make CI flaky.
FUZZ_SMOKE ?= 5000x
fuzz-smoke:
	$(MAKE) fuzz FUZZTIME=$(FUZZ_SMOKE)

## selftest: search for counterexamples on every mutant model.
selftest:
	$(GO) run ./cmd/podconform selftest

clean:
	rm -rf bin selftest-counterexamples podconform-results fidelity-results $(REPORT_DIR)

## The local real node (scripts/localnode.sh): etcd, kube-apiserver,
## kube-controller-manager, containerd + runc and a v1.36.3 kubelet, built
## from the Go module proxy (cached) and run inside a network namespace of
## their own. node-test brings it up, runs a pod, takes it down, and checks
## that the host is as it was (also after a killed up). Needs root.
node-build:
	scripts/localnode.sh build
node-up:
	scripts/localnode.sh up
node-down:
	scripts/localnode.sh down
node-status:
	scripts/localnode.sh status
node-test:
	scripts/localnode-test.sh

## node-run: podconform run --adapter cluster on the local real node (it is
## brought up if it is not): corpus/examples and NODE_CHECKS generated
## scenarios, NODE_PARALLEL at once; no adapter errors allowed. With
## KWOK=1, KWOK's fast and general fake nodes too (each must be found
## non-conformant). Results in node-results/. Leaves the node up.
NODE_CHECKS ?= 20
NODE_PARALLEL ?= 4
NODE_MAX_UNTIL ?= 60s
KWOK ?= 0
node-run:
	scripts/node-run.sh --checks $(NODE_CHECKS) --parallel $(NODE_PARALLEL) --max-until $(NODE_MAX_UNTIL) $(if $(filter 1,$(KWOK)),--kwok,)
