#!/usr/bin/env bash
# Creates (once) the Python virtual environment in which the calibration benchmark runs
# ramanchada2 1.5.0 (the CHARISMA reference implementation, from PyPI), and prints its python.
# Usage: scripts/calibration/venv.sh [DIR]   (default: .build/venv-calibration)
# Serialised with a lock; the venv is marked complete last, so a half-made one is remade.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-$here/../../.build/venv-calibration}"
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
if [ ! -e "$dir/complete" ] || ! "$dir/bin/python" -c 'import ramanchada2' 2>/dev/null
then
  rm -rf "$dir"
  python3 -m venv "$dir" >&2
  "$dir/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
  touch "$dir/complete"
fi
echo "$dir/bin/python"
