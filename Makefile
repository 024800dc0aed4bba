# whitlockd — two commands do everything:
#   make run    build (release) and run the daemon on its embedded default
#   make test   lint and run the whole test suite
# Both install the system packages they need first (apt-get; sudo when not root).

SHELL := /bin/bash
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
# Which build `make install` copies: release (default) or debug.
CONFIGURATION ?= release
BUILDDIR ?= .build/$(CONFIGURATION)
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
UDEVRULESDIR ?= $(SYSCONFDIR)/udev/rules.d
# The one list of system packages (also what .ci/run installs, through `make deps`).
APT_PACKAGES := $(shell sed -e 's/\#.*//' scripts/apt-packages.txt)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ARGS ?=

.PHONY: run test deps packages build lint format clean install uninstall bench-e2e bench-nexus

deps:
	@missing=$$(for p in $(APT_PACKAGES); do [ "$$(dpkg-query -W -f='$${db:Status-Status}' $$p 2>/dev/null)" = installed ] || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:" $$missing; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

# Prints the system package list as make reads it (one a line); PackageListTests compares it.
packages:
	@printf '%s\n' $(APT_PACKAGES)

build: deps
	$(SWIFT) build -c release

run: build
	.build/release/whitlockd $(ARGS)

test: deps lint
	@set -o pipefail; $(SWIFT) build --build-tests 2>&1 | tee .build-test.log
	@if grep -E '^/.*/(Sources|Tests|Drivers|Benchmarks)/.*: warning:' .build-test.log | grep -v '/.build/' | sort -u | grep .; then \
	  echo "build has warnings in project code (see above)"; exit 1; fi
	@# Python environments some tests use, made before the parallel test run rather than inside it.
	scripts/monitor/venv.sh >/dev/null
	scripts/nexus/venv.sh >/dev/null
	scripts/calibration/charisma-data.sh >/dev/null || [ $$? = 3 ]
	Tests/Conformance/run-vendor-conformance.sh --prepare
	$(SWIFT) test --skip-build

# End-to-end benchmark: raw disk, spool throughput, latency, scaling. Prints tables.
bench-e2e: deps
	$(SWIFT) build -c release --product whitlock-e2e-bench
	.build/release/whitlock-e2e-bench $(ARGS)

# NeXus export benchmark: exports generated 10,000- and 100,000-spectrum spools with the
# release whitlockctl and, in the same run, with an h5py peer script, and prints spectra/s of
# both, their ratio, the export's peak RSS and file size over stored data (docs/nexus-export.md).
# ARGS="--spectra 20000" for other sizes.
bench-nexus: deps
	$(SWIFT) build -c release --product whitlockctl
	$(SWIFT) build -c release --product whitlock-nexus-bench
	.build/release/whitlock-nexus-bench $(ARGS)

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Drivers Tests Benchmarks Fuzz
	scripts/lint-blocking.sh

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Drivers Tests Benchmarks Fuzz

clean:
	rm -rf .build .build-test.log

# Installs binaries, the systemd unit, udev rules, sysusers and tmpfiles snippets, and the example
# configuration (never overwriting an existing one). Honours DESTDIR and PREFIX.
install:
	@if [ "$(CONFIGURATION)" = release ]; then $(MAKE) build; fi
	install -Dm755 $(BUILDDIR)/whitlockd $(DESTDIR)$(PREFIX)/bin/whitlockd
	install -Dm755 $(BUILDDIR)/whitlockctl $(DESTDIR)$(PREFIX)/bin/whitlockctl
	install -d $(DESTDIR)$(UNITDIR)
	sed -e 's|/usr/local/|$(PREFIX)/|g' -e 's|/etc/whitlockd/|$(SYSCONFDIR)/whitlockd/|g' \
	  systemd/whitlockd.service > $(DESTDIR)$(UNITDIR)/whitlockd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/whitlockd.service
	install -Dm644 systemd/60-whitlockd.rules $(DESTDIR)$(UDEVRULESDIR)/60-whitlockd.rules
	install -Dm644 systemd/whitlockd.sysusers $(DESTDIR)$(SYSUSERSDIR)/whitlockd.conf
	install -Dm644 systemd/whitlockd.tmpfiles $(DESTDIR)$(TMPFILESDIR)/whitlockd.conf
	install -Dm644 README.md $(DESTDIR)$(PREFIX)/share/doc/whitlockd/README.md
	install -Dm644 Sources/Spool/Resources/record.schema.json $(DESTDIR)$(PREFIX)/share/whitlockd/record.schema.json
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/whitlockd/whitlockd.toml ]; then \
	  echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/whitlockd/whitlockd.toml"; \
	else install -Dm640 systemd/whitlockd.toml $(DESTDIR)$(SYSCONFDIR)/whitlockd/whitlockd.toml; fi
	@# The service user reads the configuration through group whitlockd (root:whitlockd 0640).
	@# Installing on this machine creates the group now; into a DESTDIR, systemd-tmpfiles sets the
	@# group on the target once systemd-sysusers has created it there.
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v systemd-sysusers >/dev/null; then \
	  systemd-sysusers $(SYSUSERSDIR)/whitlockd.conf; fi
	@if getent group whitlockd >/dev/null && [ "$$(id -u)" = 0 ] && [ -z "$(DESTDIR)" ]; then \
	  chown root:whitlockd $(SYSCONFDIR)/whitlockd $(SYSCONFDIR)/whitlockd/whitlockd.toml; \
	  chmod 0750 $(SYSCONFDIR)/whitlockd; \
	else echo "note: run systemd-sysusers and systemd-tmpfiles --create on the target: they make" \
	  "$(SYSCONFDIR)/whitlockd/whitlockd.toml root:whitlockd 0640"; fi

# Removes what install put in place except the configuration and the spool (your data).
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/whitlockd $(DESTDIR)$(PREFIX)/bin/whitlockctl
	rm -f $(DESTDIR)$(UNITDIR)/whitlockd.service $(DESTDIR)$(UDEVRULESDIR)/60-whitlockd.rules
	rm -f $(DESTDIR)$(SYSUSERSDIR)/whitlockd.conf $(DESTDIR)$(TMPFILESDIR)/whitlockd.conf
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/whitlockd $(DESTDIR)$(PREFIX)/share/whitlockd
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/whitlockd and /var/lib/whitlockd (configuration and spool)"
# Accuracy and speed of the detection pipelines beside the reference Python pipeline (its venv is
# created from PyPI on first use). Prints tables; see Benchmarks/.
.PHONY: bench
bench: deps
	$(SWIFT) build -c release --product whitlock-bench
	.build/release/whitlock-bench all --python "$$(Benchmarks/reference/setup_venv.sh)" $(ARGS)

# Fault matrix: the real whitlockd against whitlock-sim under unplugs, line faults, a full
# disk, SIGKILL and SIGTERM. Prints a table; not part of `make test`. ARGS="--quick" for a short run,
# ARGS="--family ocean" (or dp5) for one driver family. Then the repetition-heavy tests that
# `make test` runs short (spool writer killed 30 times, shipper killed 20 times) at full count.
REPETITION_TESTS := SpoolCrashConsistencyTests|ShippingExactlyOnceTests
.PHONY: faults
faults: deps
	$(SWIFT) build --product whitlock-faults
	$(SWIFT) build --product whitlockd
	$(SWIFT) build --product whitlock-sim
	$(SWIFT) build --product whitlockctl
	.build/debug/whitlock-faults $(ARGS)
	WHITLOCK_FULL_REPETITIONS=1 $(SWIFT) test --filter '$(REPETITION_TESTS)'

# Soak: the release whitlockd for an hour with a simulated Raman at 100 spectra/s and an
# XRF at 1/s; prints RSS, descriptors, threads and latency per minute and a PASS/FAIL summary.
# ARGS="--minutes 3" for a short run. Not part of `make test`.
.PHONY: soak
soak: deps
	$(SWIFT) build -c release --product whitlockd
	$(SWIFT) build -c release --product whitlock-soak
	.build/release/whitlock-soak $(ARGS)

# PostgreSQL shipping throughput (issue 18): 2048-px Raman records into a spool and then into a
# PostgreSQL server started in a temporary directory; prints records/s and the ratio to the
# spool's own write rate. ARGS="--records 50000" for a longer run. Not part of `make test`.
.PHONY: bench-ship
bench-ship: deps
	$(SWIFT) build -c release --product whitlock-ship-bench
	.build/release/whitlock-ship-bench $(ARGS)
