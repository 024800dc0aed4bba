#!/usr/bin/env bash
# Builds the libFuzzer targets (release, -sanitize=fuzzer, separate scratch path) and runs each for
# a number of executions. Crashing inputs are kept in Fuzz/crashes/<target>/ — turn each into a
# regression test. Corpora grow in .fuzz-corpus/<target>/ (not committed).
#
#   scripts/fuzz.sh                 # 1,000,000 executions per target
#   scripts/fuzz.sh 20000           # CI smoke
#   scripts/fuzz.sh 1000000 fuzz-config
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz-json fuzz-config fuzz-ocean fuzz-dp5 fuzz-run-request)
fi
scratch=.build-fuzz
export WHITLOCK_FUZZ=1
for target in "${targets[@]}"; do
  swift build -c release --scratch-path "$scratch" --product "$target" \
    -Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld 2>&1 | grep -E "error|warning:|Build of" || true
  corpus=.fuzz-corpus/$target
  crashes=Fuzz/crashes/$target
  mkdir -p "$corpus" "$crashes"
  case "$target" in
    fuzz-config) cp systemd/whitlockd.toml "$corpus/seed-example.toml" ;;
    fuzz-json) head -c 4000 Sources/Spool/Resources/record.schema.json > "$corpus/seed-schema.json" ;;
    fuzz-dp5) printf '\365\372\002\003\000\000\376\014' > "$corpus/seed-request.bin" ;;
    fuzz-run-request) printf '{"sample_id":"B-2024_017.a","operator":"ops","point_id":"p3"}' \
      > "$corpus/seed-run.json" ;;
  esac
  log=$(mktemp)
  if ! "$scratch/release/$target" -runs="$runs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1; then
    tail -40 "$log"
    echo "$target: FAILED (input saved in $crashes/)"
    exit 1
  fi
  summary=$(grep -E '^#[0-9]+\s+DONE' "$log" | tail -1)
  echo "$target: $runs runs, no crash; ${summary#*DONE}"
  rm -f "$log"
done
