#!/usr/bin/env bash
# Creates a virtual environment with python-seabreeze 2.11.0 from PyPI (once, under
# $WHITLOCK_CONFORMANCE_VENV or .build/conformance-venv) and runs the OBP conformance script
# against the emulator executable given as the first argument.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${WHITLOCK_CONFORMANCE_VENV:-$here/../../.build/conformance-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import seabreeze" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "seabreeze==2.11.0" pyusb
fi
exec "$venv/bin/python" "$here/seabreeze_obp_conformance.py" "$1"
