# The two commands README.md documents: `make run` and `make test`.
.PHONY: deps build run test lint bench

CONFIG ?= Config/kotoba.json

deps:
	@scripts/install-deps.sh

build: deps
	swift build -c release --product kotoba

run: build
	.build/release/kotoba serve --config $(CONFIG)

lint:
	@scripts/lint-dockerfile.sh

test: deps lint
	swift test --parallel
