"""Drive whitlockd's OBP device emulation with python-seabreeze's own OBP protocol code.

python-seabreeze (PyPI seabreeze 2.11.0, MIT) was written by people outside this project; its
pure-Python `OBPProtocol` builds and parses OBP messages itself. This script starts the emulator
tool on a pseudo-terminal, wraps the pty in a minimal `PySeaBreezeTransport`, and checks serial
number, wavelength coefficients, integration time (ACK, and NACK out of range) and spectra.

usage: python seabreeze_obp_conformance.py EMULATOR_EXECUTABLE
Exit status 0 when every check passes; failures are printed.
"""

import json
import os
import pty
import select
import struct
import subprocess
import sys
import tty
import warnings

from seabreeze.pyseabreeze.protocol import OBPProtocol
from seabreeze.pyseabreeze.types import PySeaBreezeTransport


class PtyTransport(PySeaBreezeTransport):
    """Reads and writes the emulator's pseudo-terminal; `read(size=None)` returns one 64-byte
    block, as a USB bulk read of the first packet does."""

    def __init__(self, fd):
        self.fd = fd
        self._protocol = None

    def open_device(self, device):
        raise NotImplementedError

    def is_open(self):
        return True

    def close_device(self):
        os.close(self.fd)

    def write(self, data, timeout_ms=None, **kwargs):
        view = memoryview(bytes(data))
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        return len(data)

    def read(self, size=None, timeout_ms=None, mode=None, **kwargs):
        size = 64 if size is None else size
        timeout = (timeout_ms or self.default_timeout_ms) / 1000.0
        data = b""
        while len(data) < size:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            if not ready:
                raise TimeoutError(f"timeout after {len(data)} of {size} bytes")
            data += os.read(self.fd, size - len(data))
        return data

    @property
    def default_timeout_ms(self):
        return 3000

    @property
    def protocol(self):
        return self._protocol

    @classmethod
    def list_devices(cls):
        return []

    @classmethod
    def register_model(cls, model_name, **kwargs):
        pass

    @classmethod
    def supported_model(cls, device):
        return None

    @classmethod
    def specialize(cls, model_name, **kwargs):
        return cls


def main():
    emulator = sys.argv[1]
    failures = []

    def check(condition, message):
        print(("ok   " if condition else "FAIL ") + message)
        if not condition:
            failures.append(message)

    master, slave = pty.openpty()
    tty.setraw(slave)
    tty.setraw(master)
    child = subprocess.Popen(
        [emulator, "QEPRO", "QEP04711", "5", "--checksums"],
        stdin=slave, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    banner = json.loads(child.stderr.readline())
    transport = PtyTransport(master)
    protocol = OBPProtocol(transport)
    # seabreeze only warns on an MD5 mismatch; make that an error so our checksums are checked.
    warnings.simplefilter("error")
    try:
        length = ord(protocol.query(0x00000101))
        serial = protocol.query(0x00000100)[:length].decode("utf8")
        check(serial == "QEP04711", f"serial number {serial!r}")

        count = struct.unpack("<B", protocol.query(0x00180100))[0]
        coefficients = [
            struct.unpack("<f", protocol.query(0x00180101, i))[0] for i in range(count)]
        check(coefficients == banner["coefficients"],
              f"wavelength coefficients {coefficients} == {banner['coefficients']}")

        # send(request_ack=True) reads the 64-byte reply; it returns the bytes written after an
        # ACK and 0 when the reply header carried a NACK (seabreeze swallows that error).
        written = protocol.send(0x00110010, 250000)
        check(written == 64, f"integration time 250000 us acknowledged (send returned {written})")
        refused = protocol.send(0x00110010, 1000)
        check(refused == 0, f"integration time 1000 us refused with a NACK (send returned {refused})")

        for number in range(3):
            raw = protocol.query(0x00100928, timeout_ms=5000)
            check(len(raw) == 32 + 4 * banner["pixels"], f"spectrum {number} has {len(raw)} bytes")
            counts = struct.unpack("<%dI" % banner["pixels"], raw[32:])
            integration = struct.unpack("<I", raw[4:8])[0]
            check(integration == 250000, f"spectrum {number} integrated {integration} us")
            dark = sum(counts[0:4] + counts[1040:1044]) / 8
            check(600 < dark < 1000, f"spectrum {number} electric dark mean {dark:.1f}")
            check(max(counts) > dark + 1000, f"spectrum {number} carries light (max {max(counts)})")
            check(max(counts) <= 200000, f"spectrum {number} within full scale")
    finally:
        child.terminate()
        child.wait()
        child.stderr.close()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("python-seabreeze OBPProtocol conformance: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
