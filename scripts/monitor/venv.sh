#!/usr/bin/env bash
# Creates (once) the Python virtual environment the monitor tests use, from PyPI, and prints the
# path of its python. Usage: scripts/monitor/venv.sh [DIR]   (default: .build/venv-monitor)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-$here/../../.build/venv-monitor}"
if ! "$dir/bin/python" -c 'import prometheus_client, websocket' 2>/dev/null; then
  python3 -m venv "$dir" >&2
  "$dir/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
fi
echo "$dir/bin/python"
