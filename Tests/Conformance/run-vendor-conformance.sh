#!/usr/bin/env bash
# Creates a virtual environment with the vendors' and community's own Python drivers from PyPI
# (python-seabreeze 2.11.0, Wasatch.PY 2.5.2; once, under $WHITLOCK_CONFORMANCE_VENV or
# .build/conformance-venv) and runs a conformance script with the arguments given:
# $WHITLOCK_CONFORMANCE_SCRIPT, default seabreeze_obp_conformance.py (takes the emulator
# executable); seabreeze_usb_conformance.py and wasatch_usb_conformance.py take a
# `whitlock-sim usb` ready line and run inside its testbed. With `--prepare` it only makes the
# environment (`make test` does so before the parallel test run, not inside a test's deadline).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${WHITLOCK_CONFORMANCE_VENV:-$here/../../.build/conformance-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import seabreeze, wasatch, pyudev" 2>/dev/null; then
  # Set up outside any umockdev testbed the caller put us in.
  env -u LD_PRELOAD -u UMOCKDEV_DIR python3 -m venv "$venv"
  env -u LD_PRELOAD -u UMOCKDEV_DIR "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "seabreeze==2.11.0" "wasatch==2.5.2" pyusb pyudev
fi
if [ "${1:-}" = "--prepare" ]; then exit 0; fi
exec "$venv/bin/python" "$here/${WHITLOCK_CONFORMANCE_SCRIPT:-seabreeze_obp_conformance.py}" "$@"
