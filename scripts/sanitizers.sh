#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer. Each sanitizer builds
# into its own scratch path (.build-asan, .build-tsan) so the normal .build stays untouched.
#
#   scripts/sanitizers.sh                          # both sanitizers, whole suite
#   scripts/sanitizers.sh address                  # ASan only
#   scripts/sanitizers.sh thread --filter SpoolTests   # extra arguments go to `swift test`
#
# The binaries the integration tests start (whitlockd, whitlock-sim, whitlockctl) are the
# sanitized builds too. Every process writes its reports to a log directory (the sanitizer's
# `log_path`), so a race inside a child daemon is counted even when the test only sees it exit;
# the script prints each distinct report's summary line at the end.
#
# ThreadSanitizer reports that are not races in our code are suppressed in scripts/tsan.supp,
# each entry with the reason; a report in project code fails the run.
#
# Exit status is non-zero if a build fails, a test fails, or a sanitizer reports a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizers=(address thread)
if [ $# -gt 0 ] && { [ "$1" = address ] || [ "$1" = thread ]; }; then
  sanitizers=("$1")
  shift
fi
lock=(flock /tmp/whitlock-build.lock)
command -v flock >/dev/null || lock=()
status=0
for sanitizer in "${sanitizers[@]}"; do
  case "$sanitizer" in
    address) scratch=.build-asan ;;
    thread) scratch=.build-tsan ;;
  esac
  echo "== $sanitizer sanitizer: building into $scratch"
  "${lock[@]}" swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
  log=$(mktemp)
  reports=$(mktemp -d)
  echo "== $sanitizer sanitizer: testing $* (reports in $reports)"
  if ! ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$reports/asan" \
    TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:log_path=$reports/tsan:suppressions=$PWD/scripts/tsan.supp" \
    WHITLOCK_BIN_DIR="$PWD/$scratch/debug" \
    "${lock[@]}" swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "$@" \
    2>&1 | tee "$log"; then
    status=1
  fi
  if grep -qE "ERROR: (AddressSanitizer|ThreadSanitizer)|WARNING: ThreadSanitizer" "$log" \
    "$reports"/* 2>/dev/null; then
    echo "== $sanitizer sanitizer: findings (distinct summaries; full reports in $reports):"
    grep -h "^SUMMARY: " "$reports"/* "$log" 2>/dev/null | sort | uniq -c | sort -rn
    status=1
  else
    echo "== $sanitizer sanitizer: no findings"
    rm -rf "$reports"
  fi
  rm -f "$log"
done
exit $status
