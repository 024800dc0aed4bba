#!/usr/bin/env bash
# Keeps blocking calls off Swift's cooperative pool (one thread per core: two on the machines the
# suite must pass on). Lists every call that parks a thread (sleeps, semaphores, process waits,
# reads to end of file) in Sources, Drivers and Tests; each must either go (use offPool, a wait on
# an event, or async API) or say on its line why it cannot block a pool thread, with a
# `// blocking-ok: REASON` comment (a dedicated thread, offPool's thread, a one-shot tool).
# docs/ARCHITECTURE.md explains the rule. Run by `make lint` (and so by `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='\busleep\(|Thread\.sleep|[^.a-zA-Z_]sleep\([0-9]|waitUntilExit\(\)|DispatchSemaphore|DispatchGroup|\.wait\((timeout:[^)]*)?\)|readDataToEndOfFile\(\)|readToEndRetryingInterrupts\(\)'
found=$(grep -rnE --include='*.swift' "$pattern" Sources Drivers Tests \
  | grep -v 'blocking-ok:' \
  | grep -vE 'await [A-Za-z_.]+\.wait\(\)' || true)
if [ -n "$found" ]; then
  echo "blocking calls without a '// blocking-ok: REASON' (see docs/ARCHITECTURE.md, 'Blocking work'):"
  echo "$found"
  exit 1
fi
