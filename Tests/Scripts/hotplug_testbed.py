#!/usr/bin/python3
"""Runs a command inside a umockdev testbed, then plugs and unplugs an emulated Amptek DP5.

Usage: hotplug_testbed.py COMMAND [ARGS...]

The command (e.g. `whitlockctl devices --watch --json`) must print one line once it listens for
uevents. Everything it prints afterwards is echoed here, prefixed with OUT, so the calling test can
check which add/remove events it saw. Uses Debian's python3-gi and gir1.2-umockdev-1.0.
"""
import os
import subprocess
import sys

import gi

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402


def main() -> int:
    if "umockdev-preload" not in os.environ.get("LD_PRELOAD", ""):
        # The testbed maps /sys through umockdev's preload library; run under it.
        os.execvpe("umockdev-wrapper", ["umockdev-wrapper", sys.executable] + sys.argv,
                   os.environ)
    testbed = UMockdev.Testbed.new()
    environment = dict(
        os.environ,
        UMOCKDEV_DIR=testbed.get_root_dir(),
        LD_PRELOAD="libumockdev-preload.so.0",
    )
    child = subprocess.Popen(sys.argv[1:], env=environment, stdout=subprocess.PIPE, text=True)
    print("READY", child.stdout.readline().strip(), flush=True)
    device = testbed.add_device(
        "usb", "usb1/1-1", None,
        ["idVendor", "10c4", "idProduct", "842a", "serial", "DP5-77", "busnum", "1", "devnum", "9"],
        ["DEVTYPE", "usb_device", "DEVNAME", "/dev/bus/usb/001/009", "ID_VENDOR_ID", "10c4",
         "ID_MODEL_ID", "842a", "ID_SERIAL_SHORT", "DP5-77"],
    )
    # add_device announces the device with an "add" uevent itself.
    print("OUT", child.stdout.readline().strip(), flush=True)
    testbed.uevent(device, "remove")
    print("OUT", child.stdout.readline().strip(), flush=True)
    child.terminate()
    child.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
