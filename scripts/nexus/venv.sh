#!/usr/bin/env bash
# Creates (once) the Python virtual environment the NeXus export tests use (h5py, nexusformat,
# punx, silx, pillow), from PyPI, and prints the path of its python.
# Usage: scripts/nexus/venv.sh [DIR]   (default: .build/venv-nexus)
# Tests run in parallel, so creation is serialised with a lock; the venv is built in place (its
# scripts' #! lines name its directory) and marked complete last, so a half-made one is remade.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-$here/../../.build/venv-nexus}"
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
if [ ! -e "$dir/complete" ] || ! "$dir/bin/python" -c 'import h5py, nexusformat, punx, silx, PIL' 2>/dev/null
then
  rm -rf "$dir"
  python3 -m venv "$dir" >&2
  "$dir/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
  touch "$dir/complete"
fi
echo "$dir/bin/python"
