#!/usr/bin/env bash
# Creates (once) the Python virtual environment the monitor tests use, from PyPI, and prints the
# path of its python. Usage: scripts/monitor/venv.sh [DIR]   (default: .build/venv-monitor)
# Tests run in parallel, so creation is serialised with a lock and the venv is built in a scratch
# directory and renamed into place: nobody ever sees a half-made one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-$here/../../.build/venv-monitor}"
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
if ! "$dir/bin/python" -c 'import prometheus_client, websocket' 2>/dev/null; then
  scratch="$dir.new.$$"
  rm -rf "$scratch"
  python3 -m venv "$scratch" >&2
  "$scratch/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
  rm -rf "$dir"
  mv "$scratch" "$dir"
fi
echo "$dir/bin/python"
