# whitlockd — two commands do everything:
#   make run    build (release) and run the daemon on its embedded default
#   make test   lint and run the whole test suite
# Both install the system packages they need first (apt-get; sudo when not root).

SHELL := /bin/bash
SWIFT ?= swift
PREFIX ?= /usr/local
APT_PACKAGES := libusb-1.0-0-dev libudev-dev pkg-config umockdev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ARGS ?=

.PHONY: run test deps build lint format schema clean

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:" $$missing; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

build: deps
	$(SWIFT) build -c release

run: build
	.build/release/whitlockd $(ARGS)

test: deps lint
	@set -o pipefail; $(SWIFT) build --build-tests 2>&1 | tee .build-test.log
	@if grep -E '^/.*/(Sources|Tests|Drivers)/.*: warning:' .build-test.log | grep -v '/.build/' | sort -u | grep .; then \
	  echo "build has warnings in project code (see above)"; exit 1; fi
	$(SWIFT) test --skip-build

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

# Regenerates the Swift copy of the published record schema.
schema:
	@{ echo '// Generated from schema/record.schema.json by `make schema`; a test keeps the two identical.'; \
	  echo; echo '/// The JSON Schema (draft 2020-12) every spool record follows, published as'; \
	  echo '/// `schema/record.schema.json` in the repository and printed by `whitlockctl spool schema`.'; \
	  echo 'public enum RecordSchema {'; echo '  /// The schema text.'; echo '  public static let json = #"""'; \
	  cat schema/record.schema.json; echo '"""#'; echo '}'; } > Sources/Spool/RecordSchema.swift

clean:
	rm -rf .build .build-test.log

# Accuracy and speed of the detection pipelines beside the reference Python pipeline (its venv is
# created from PyPI on first use). Prints tables; see Benchmarks/.
.PHONY: bench
bench: deps
	$(SWIFT) build -c release --product whitlock-bench
	.build/release/whitlock-bench all --python "$$(Benchmarks/reference/setup_venv.sh)" $(ARGS)
