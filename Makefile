# podconform: see README.md.
GO      ?= go
EXAMPLE ?= corpus/examples/myapp-pod-scenario.yaml
BENCHTIME ?= 2s

.PHONY: all build test vet fmt-check run simulate mutants bench fuzz fuzz-smoke selftest clean
FUZZTIME ?= 30s

all: build

build:
	$(GO) build -o bin/podconform ./cmd/podconform

## test: formatting, vet, and every test with the race detector.
test: fmt-check vet
	$(GO) test -race -count=1 ./...

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

## fuzz-smoke: a short run of each fuzz target (CI).
fuzz-smoke:
	$(MAKE) fuzz FUZZTIME=5s

## selftest: search for counterexamples on every mutant model.
selftest:
	$(GO) run ./cmd/podconform selftest

clean:
	rm -rf bin selftest-counterexamples podconform-results
