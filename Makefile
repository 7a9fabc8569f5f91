# The two commands README.md documents: `make run` and `make test`.
.PHONY: deps build run test lint hf-client k8s browser bench fuzz fuzz-smoke

CONFIG ?= Config/kotoba.json

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c release --product kotoba

run: build
	.build/release/kotoba serve --config $(CONFIG)

lint:
	@scripts/lint-dockerfile.sh

hf-client:
	@scripts/install-hf-client.sh

# Chromium, its driver and Selenium for the playground's browser test (which skips, saying why, without them).
browser:
	@scripts/install-browser-test.sh

# Renders and validates deploy/kubernetes; KubernetesManifestTests reads what it renders.
k8s:
	@scripts/validate-kubernetes.sh

# The whole suite on this CPU's kernels, schemathesis against the built server on the default models, then the
# numeric suites on the baseline kernels (scripts/test-other-kernels.sh).
test: deps lint hf-client k8s browser
	swift test --parallel
	scripts/schemathesis.sh
	scripts/test-other-kernels.sh

# libFuzzer on one target (or TARGET=all, each in turn) for SECONDS each; see Sources/KotobaFuzz/README.md.
# `swift test` already replays every target's committed seeds (CorpusReplayTests).
TARGET ?= all
SECONDS ?= 60
fuzz:
	scripts/fuzz.sh $(TARGET) $(SECONDS)

# Ten seconds of each target: a smoke run after changing a parser (the fuzzing build itself takes minutes).
fuzz-smoke:
	scripts/fuzz.sh all 10
