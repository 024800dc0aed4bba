#!/usr/bin/env bash
# Fetches (once) the CHARISMA round-robin Raman spectra that the PyPI wheel ramanchada2==1.5.0
# ships (ramanchada2/auxiliary/spectra/datasets2), unpacks them into a cache and prints the
# datasets directory. Nothing is installed; only the wheel is downloaded (pip download --no-deps).
# Usage: scripts/calibration/charisma-data.sh [DIR]   (default: .build/charisma-data)
# Exit status 3 when PyPI cannot be reached (tests then skip, saying so); 1 on other failures.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-$here/../../.build/charisma-data}"
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
datasets="$dir/unpacked/ramanchada2/auxiliary/spectra/datasets2"
if [ ! -e "$dir/complete" ] || [ ! -d "$datasets" ]; then
  rm -rf "$dir"
  mkdir -p "$dir/wheel"
  if ! python3 -m pip download -q --disable-pip-version-check --no-deps ramanchada2==1.5.0 \
    -d "$dir/wheel" >&2; then
    echo "charisma-data: cannot download ramanchada2==1.5.0 from PyPI (offline?)" >&2
    exit 3
  fi
  python3 -m zipfile -e "$dir/wheel/ramanchada2-1.5.0-py3-none-any.whl" "$dir/unpacked" >&2
  touch "$dir/complete"
fi
echo "$datasets"
