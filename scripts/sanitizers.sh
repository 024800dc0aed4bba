#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer (issue 8). Each sanitizer builds
# into its own scratch path (.build-asan, .build-tsan) so the normal .build stays untouched.
#
#   scripts/sanitizers.sh                          # both sanitizers, whole suite
#   scripts/sanitizers.sh address                  # ASan only
#   scripts/sanitizers.sh thread --filter SpoolTests   # extra arguments go to `swift test`
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
  echo "== $sanitizer sanitizer: testing $*"
  # Children started by integration tests (whitlockd, whitlock-sim) are the sanitized builds too.
  if ! ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 TSAN_OPTIONS=halt_on_error=1 \
    WHITLOCK_BIN_DIR="$PWD/$scratch/debug" \
    "${lock[@]}" swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "$@" \
    2>&1 | tee "$log"; then
    status=1
  fi
  if grep -qE "ERROR: (AddressSanitizer|ThreadSanitizer)|WARNING: ThreadSanitizer" "$log"; then
    echo "== $sanitizer sanitizer: findings above"
    status=1
  fi
  rm -f "$log"
done
exit $status
