#!/usr/bin/env bash
# Creates Benchmarks/.venv with the reference pipeline's packages from PyPI (once) and prints the
# interpreter path. Used by `make bench`.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import numpy, scipy, pybaselines" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "numpy>=1.26" "scipy>=1.11" "pybaselines>=1.1" >&2
fi
echo "$venv/bin/python"
