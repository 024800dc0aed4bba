#!/usr/bin/env bash
# Creates a virtual environment with python-seabreeze 2.11.0 from PyPI (once, under
# $WHITLOCK_CONFORMANCE_VENV or .build/conformance-venv) and runs a conformance script with the
# arguments given: $WHITLOCK_CONFORMANCE_SCRIPT (default seabreeze_obp_conformance.py, which takes
# the emulator executable; seabreeze_usb_conformance.py takes a `whitlock-sim usb` ready line).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${WHITLOCK_CONFORMANCE_VENV:-$here/../../.build/conformance-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import seabreeze" 2>/dev/null; then
  # Set up outside any umockdev testbed the caller put us in.
  env -u LD_PRELOAD -u UMOCKDEV_DIR python3 -m venv "$venv"
  env -u LD_PRELOAD -u UMOCKDEV_DIR "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "seabreeze==2.11.0" pyusb
fi
exec "$venv/bin/python" "$here/${WHITLOCK_CONFORMANCE_SCRIPT:-seabreeze_obp_conformance.py}" "$@"
