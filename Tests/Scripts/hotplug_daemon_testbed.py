#!/usr/bin/python3
"""Runs the real whitlockd inside a umockdev testbed and plugs/unplugs its serial port.

Usage: hotplug_daemon_testbed.py SPEC.json

SPEC holds "link" (the serial port path the daemon's instrument is configured with),
"simulator" (the `whitlock-sim dp5 --link LINK ...` command line) and "daemon" (the whitlockd
command line). The simulator runs outside the testbed (a real pseudo-terminal); the daemon runs
inside it, so the uevents the testbed emits for a tty device whose DEVNAME is the node LINK points
at reach the daemon's libudev monitor. Steps, each printed as `STEP name seconds` (time from the uevent to the
daemon's reaction, read from its log as it arrives):

1. the daemon starts while LINK does not exist and backs off (waits for its fourth failed open);
2. the simulator starts, the testbed adds the tty device: `wake` = add -> "instrument opened", and
   `wake-by-arrival` when the uevent (not the back-off running out) woke the session;
3. after one acquisition, the testbed removes the device: `remove` = remove -> "device removed;";
4. the testbed adds it again: `resume` = add -> "instrument opened" (`resume-by-arrival` as in 2),
   then one more acquisition;
5. SIGTERM: `EXIT code`.
Every daemon log line is echoed as `LOG ...`. Uses Debian's python3-gi and gir1.2-umockdev-1.0.
"""
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import gi

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402

DEADLINE = 60.0


# What the session logs when a udev arrival cuts its reopen back-off short.
ARRIVAL = "device appeared; opening now"


class Log:
    """The daemon's stderr, read on a thread, echoed and searchable as it arrives."""

    def __init__(self, stream):
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in stream:
            self.lines.put((time.monotonic(), line.rstrip("\n")))
        self.lines.put((time.monotonic(), None))

    def wait_for(self, needle, count=1):
        """Waits for the count-th line containing needle; returns its arrival time."""
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            try:
                at, line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError(f"daemon exited while waiting for {needle!r}")
            print("LOG", line, flush=True)
            self.seen.append(line)
            if sum(needle in seen for seen in self.seen) >= count:
                return at
        raise RuntimeError(f"no {needle!r} within {DEADLINE} s")

    def count(self, needle):
        """How many lines seen so far contain needle."""
        return sum(needle in seen for seen in self.seen)

    def drain(self):
        while True:
            try:
                _, line = self.lines.get(timeout=2)
            except queue.Empty:
                return
            if line is None:
                return
            print("LOG", line, flush=True)


def main() -> int:
    if "umockdev-preload" not in os.environ.get("LD_PRELOAD", ""):
        os.execvpe("umockdev-wrapper", ["umockdev-wrapper", sys.executable] + sys.argv,
                   os.environ)
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    plain = {key: value for key, value in os.environ.items() if key != "LD_PRELOAD"}
    testbed = UMockdev.Testbed.new()
    inside = dict(os.environ, UMOCKDEV_DIR=testbed.get_root_dir(),
                  LD_PRELOAD="libumockdev-preload.so.0")
    daemon = subprocess.Popen(spec["daemon"], env=inside, stderr=subprocess.PIPE, text=True)
    simulator = None
    log = Log(daemon.stderr)
    try:
        log.wait_for("cannot open instrument", count=4)
        simulator = subprocess.Popen(spec["simulator"], env=plain, stdout=subprocess.PIPE,
                                     text=True)
        print("SIM", simulator.stdout.readline().strip(), flush=True)
        threading.Thread(target=lambda: [None for _ in simulator.stdout], daemon=True).start()
        # libudev insists on device nodes under /dev: the node is the pseudo-terminal the link
        # points at, as a USB-serial adapter's /dev/serial/by-id link points at /dev/ttyUSBn.
        properties = ["DEVNAME", os.path.realpath(spec["link"]), "ID_VENDOR_ID", "0403",
                      "ID_MODEL_ID", "6001",
                      "ID_SERIAL_SHORT", "FT-DP5"]
        added = time.monotonic()
        device = testbed.add_device("tty", "ttyUSB0", None, [], properties)
        print("STEP wake", round(log.wait_for("instrument opened") - added, 3), flush=True)
        if log.count(ARRIVAL) >= 1:
            print("STEP wake-by-arrival", flush=True)
        log.wait_for("mg_ca_ratio")
        removed = time.monotonic()
        testbed.uevent(device, "remove")
        print("STEP remove", round(log.wait_for("device removed;") - removed, 3), flush=True)
        added = time.monotonic()
        testbed.uevent(device, "add")
        print("STEP resume", round(log.wait_for("instrument opened", count=2) - added, 3),
              flush=True)
        if log.count(ARRIVAL) >= 2:
            print("STEP resume-by-arrival", flush=True)
        acquired = sum("mg_ca_ratio" in line for line in log.seen)
        log.wait_for("mg_ca_ratio", count=acquired + 1)
        print("STEP acquired-again", flush=True)
    finally:
        daemon.send_signal(signal.SIGTERM)
        log.drain()
        print("EXIT", daemon.wait(timeout=30), flush=True)
        if simulator is not None:
            simulator.terminate()
            simulator.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
