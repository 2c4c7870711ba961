# podconform: see README.md.
GO      ?= go
EXAMPLE ?= corpus/examples/myapp-pod-scenario.yaml
BENCHTIME ?= 2s

.PHONY: all build test vet fmt-check run bench clean

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

## run: the main job against the embedded reference model.
run:
	$(GO) run ./cmd/podconform simulate $(EXAMPLE)

## bench: the model's benchmarks (ns per scenario, events/s, allocs).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./model/

clean:
	rm -rf bin
