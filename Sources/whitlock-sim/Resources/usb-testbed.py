"""A umockdev testbed whose USB devices are answered by whitlock-sim's device emulations.

whitlock-sim starts this with /usr/bin/python3 (Debian's python3-gi and gir1.2-umockdev-1.0) and
a JSON specification on standard input's first line:

  {"devices": [{"key": "A", "socket": "/tmp/d0.sock", "bus": 1, "address": 2, "port": "1-2",
                "vendor": 9303, "product": 4126, "serial": "USB2+H1", "descriptors": "1201..."}],
   "command": ["whitlockd", "--config", "x.toml"]}

Each device's socket leads to its device emulation in whitlock-sim. Every usbdevfs ioctl that libusb issues on the device node goes through
`Bridge.do_handle_ioctl`; URBs travel to the emulation as bytes and completions come back:

  to the emulation:   'S' id:u32 type:u8 endpoint:u8 length:u32 size:u32 bytes  (submit)
                      'D' id:u32 (discard, also of URBs a closed client left)    'H' endpoint:u8
  from the emulation: 'C' id:u32 status:i32 actual:u32 size:u32 bytes  (completion)
                      'd' id:u32 cancelled:u8 (discard answer)

Further lines on standard input steer the bus: `unplug KEY`, `replug KEY`, `quit`. The first line
on standard output is JSON with the testbed root (UMOCKDEV_DIR) and the device nodes; later lines
report `unplugged KEY` / `replugged KEY NODE`. With a command, it runs inside the testbed and its
exit status becomes this program's.
"""

import errno
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import gi

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402

GET_CAPABILITIES = 0x8004551A
CLAIMINTERFACE = 0x8004550F
RELEASEINTERFACE = 0x80045510
SETINTERFACE = 0x80085504
SETCONFIGURATION = 0x80045505
CLEAR_HALT = 0x80045515
RESET = 0x00005514
RESETEP = 0x80045503
SUBMITURB = 0x8038550A
DISCARDURB = 0x0000550B
REAPURB = 0x4008550C
REAPURBNDELAY = 0x4008550D
CONNECTINFO = 0x40085511
GETDRIVER = 0x41045508
IOCTL = 0xC0105512
DISCONNECT_CLAIM = 0x8108551B

# BULK_CONTINUATION, NO_PACKET_SIZE_LIM, REAP_AFTER_DISCONNECT, ZERO_PACKET (as a real
# xHCI port reports them; no scatter-gather, so libusb sends one buffer per URB).
CAPABILITIES = 0x02 | 0x04 | 0x08 | 0x10
URB_SIZE = 56
CONTROL = 2
# How long a non-blocking reap may wait for a completion before saying EAGAIN. The emulated
# node always polls writable, so libusb reaps in a loop while it waits; this keeps that loop
# at a few hundred turns a second instead of burning a core.
REAP_WAIT = 0.002


def read_exactly(sock, count):
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return bytes(data)


class Bridge(UMockdev.IoctlBase):
    """The usbdevfs side of one emulated device: URBs in flight, completed and discarded."""

    def __init__(self, link):
        super().__init__()
        self.link = link
        self.cond = threading.Condition()
        self.in_flight = {}  # id -> (client key, urb data, buffer data, type)
        self.completed = []  # ids ready to reap
        self.discard_answers = {}
        self.clients = {}  # key -> the IoctlClient, watched until it closes the node
        self.gone = False
        threading.Thread(target=self.watch_clients, daemon=True).start()

    def send(self, payload):
        self.link.send(payload)

    def answered_discard(self, urb_id, cancelled):
        with self.cond:
            if urb_id in self.in_flight:
                self.discard_answers[urb_id] = cancelled
                self.cond.notify_all()

    def watch(self, client):
        """Remembers a client and learns when it closes the node (exits, or is killed)."""
        key = id(client)
        with self.cond:
            if key in self.clients:
                return key
            self.clients[key] = client
        return key

    def watch_clients(self):
        """The testbed's client objects do not report a closed node, but their `connected`
        property turns false: look every 5 ms. Until it is seen, the dead client's IN URBs can
        still take data a live one should have found queued (the kernel cancels them at once),
        so the window is kept short."""
        while True:
            time.sleep(0.005)
            with self.cond:
                clients = list(self.clients.values())
            for client in clients:
                if not client.get_property("connected"):
                    self.closed(client)

    def closed(self, client):
        """A client is gone: the URBs it left are dropped, never answered to anyone else. The
        emulation cancels those still waiting, so their data stays queued on the device, as
        a real device keeps what nobody read."""
        key = id(client)
        with self.cond:
            self.clients.pop(key, None)
            mine = [urb_id for urb_id, entry in self.in_flight.items() if entry[0] == key]
            for urb_id in mine:
                del self.in_flight[urb_id]
                if urb_id in self.completed:
                    self.completed.remove(urb_id)
                elif not self.gone:
                    self.send(b"D" + struct.pack("<I", urb_id))

    def finish(self, urb_id, status, actual, payload):
        with self.cond:
            entry = self.in_flight.get(urb_id)
            if entry is None:
                return
            _, urb, buffer, kind = entry
            if buffer is not None and payload:
                offset = 8 if kind == CONTROL else 0
                room = len(buffer.retrieve()) - offset
                buffer.update(offset, payload[:room])
            urb.update(4, struct.pack("<i", status))
            urb.update(28, struct.pack("<i", actual))
            self.completed.append(urb_id)
            self.cond.notify_all()

    def unplug(self):
        """Every URB in flight ends with ENODEV, as on a real disconnect; later ones are refused."""
        with self.cond:
            self.gone = True
            for urb_id, (_, urb, _, _) in self.in_flight.items():
                if urb_id not in self.completed:
                    urb.update(4, struct.pack("<i", -errno.ENODEV))
                    urb.update(28, struct.pack("<i", 0))
                    self.completed.append(urb_id)
            self.cond.notify_all()

    def do_handle_ioctl(self, client):
        key = self.watch(client)
        request = client.get_request()
        arg = client.get_arg()
        if request == GET_CAPABILITIES:
            arg.resolve(0, 4).update(0, struct.pack("<I", CAPABILITIES))
            return self.answer(client, 0)
        if request in (CLAIMINTERFACE, RELEASEINTERFACE, SETINTERFACE, SETCONFIGURATION, RESET,
                       RESETEP, DISCONNECT_CLAIM):
            return self.answer(client, 0)
        if request == CLEAR_HALT:
            endpoint = struct.unpack("<I", arg.resolve(0, 4).retrieve()[:4])[0]
            self.send(b"H" + bytes([endpoint & 0xFF]))
            return self.answer(client, 0)
        if request == GETDRIVER:
            return self.answer(client, -1, errno.ENODATA)
        if request == CONNECTINFO:
            arg.resolve(0, 8).update(0, struct.pack("<II", 2, 0))
            return self.answer(client, 0)
        if request == SUBMITURB:
            return self.submit(client, key, arg)
        if request == DISCARDURB:
            return self.discard(client, key, arg)
        if request in (REAPURB, REAPURBNDELAY):
            return self.reap(client, key, arg, request == REAPURB)
        return self.answer(client, -1, errno.ENOTTY)

    def answer(self, client, result, error=0):
        client.complete(result, error)
        return True

    def submit(self, client, key, arg):
        if self.gone:
            return self.answer(client, -1, errno.ENODEV)
        urb = arg.resolve(0, URB_SIZE)
        raw = bytes(urb.retrieve())
        kind, endpoint = raw[0], raw[1]
        length = struct.unpack_from("<i", raw, 24)[0]
        buffer = urb.resolve(16, length) if length > 0 else None
        data = bytes(buffer.retrieve()) if buffer is not None else b""
        outgoing = data if (kind == CONTROL or not endpoint & 0x80) else b""
        with self.cond:
            urb_id = self.link.new_id()
            self.in_flight[urb_id] = (key, urb, buffer, kind)
        self.send(b"S" + struct.pack("<IBBII", urb_id, kind, endpoint, length, len(outgoing))
                  + outgoing)
        return self.answer(client, 0)

    def discard(self, client, key, arg):
        # DISCARDURB's argument is the URB's address in the client.
        wanted = struct.unpack("<Q", bytes(arg.retrieve())[:8])[0]
        with self.cond:
            target = next((urb_id for urb_id, (owner, urb, _, _) in self.in_flight.items()
                           if owner == key and urb.client_addr == wanted
                           and urb_id not in self.completed), None)
        if target is None:
            return self.answer(client, -1, errno.EINVAL)
        self.send(b"D" + struct.pack("<I", target))
        with self.cond:
            deadline = time.monotonic() + 5
            while target not in self.discard_answers and not self.gone:
                if not self.cond.wait(timeout=max(0.0, deadline - time.monotonic())):
                    break
            cancelled = self.discard_answers.pop(target, True)
            if not cancelled:
                # It completed first: the client reaps it with its data.
                return self.answer(client, -1, errno.EINVAL)
            entry = self.in_flight.get(target)
            if entry is not None and target not in self.completed:
                entry[1].update(4, struct.pack("<i", -errno.ENOENT))
                entry[1].update(28, struct.pack("<i", 0))
                self.completed.append(target)
                self.cond.notify_all()
        return self.answer(client, 0)

    def reap(self, client, key, arg, blocking):
        with self.cond:
            deadline = time.monotonic() + (3600 if blocking else REAP_WAIT)
            while True:
                urb_id = next((urb_id for urb_id in self.completed
                               if self.in_flight[urb_id][0] == key), None)
                if urb_id is not None:
                    break
                if self.gone and not any(entry[0] == key for entry in self.in_flight.values()):
                    return self.answer(client, -1, errno.ENODEV)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return self.answer(client, -1, errno.EAGAIN)
                self.cond.wait(timeout=remaining)
            self.completed.remove(urb_id)
            _, urb, _, _ = self.in_flight.pop(urb_id)
        arg.resolve(0, 8).set_ptr(0, urb)
        return self.answer(client, 0)


class Link:
    """The socket to one device's emulation; it outlives replugs, each of which makes a new
    Bridge (a new device node), so URB ids are numbered here, across them."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.send_lock = threading.Lock()
        self.id_lock = threading.Lock()
        self.last_id = 0
        self.bridge = None
        threading.Thread(target=self.pump, daemon=True).start()

    def new_id(self):
        with self.id_lock:
            self.last_id += 1
            return self.last_id

    def send(self, payload):
        with self.send_lock:
            try:
                self.sock.sendall(payload)
            except OSError:
                pass

    def pump(self):
        """Completions from the emulation become reapable URBs of the current device node."""
        try:
            while True:
                kind = read_exactly(self.sock, 1)
                if kind == b"C":
                    urb_id, status, actual, size = struct.unpack("<IiII",
                                                                 read_exactly(self.sock, 16))
                    payload = read_exactly(self.sock, size)
                    if self.bridge is not None:
                        self.bridge.finish(urb_id, status, actual, payload)
                elif kind == b"d":
                    urb_id, cancelled = struct.unpack("<IB", read_exactly(self.sock, 5))
                    if self.bridge is not None:
                        self.bridge.answered_discard(urb_id, bool(cancelled))
                else:
                    raise EOFError
        except (EOFError, OSError):
            if self.bridge is not None:
                self.bridge.unplug()


class Bus:
    """The testbed and the devices on it, plugged and unplugged on request."""

    HUB = ("12010002090001406B1D020018060302010109021900010100E00009040000010900000007058103"
           "04000C")

    def __init__(self, devices):
        self.testbed = UMockdev.Testbed.new()
        self.testbed.add_from_string(
            "P: /devices/pci0000:00/0000:00:14.0/usb1\nN: bus/usb/001/001\nE: BUSNUM=001\n"
            "E: DEVNAME=/dev/bus/usb/001/001\nE: DEVNUM=001\nE: DEVTYPE=usb_device\n"
            "E: DRIVER=usb\nE: SUBSYSTEM=usb\nA: busnum=1\nA: devnum=1\nA: devpath=0\n"
            "A: idProduct=0002\nA: idVendor=1d6b\nA: speed=480\nH: descriptors=" + self.HUB + "\n")
        self.devices = {spec["key"]: dict(spec) for spec in devices}
        self.next_address = max(spec["address"] for spec in devices) + 1
        for spec in self.devices.values():
            spec["link"] = Link(spec["socket"])
            self.plug(spec)

    def node(self, spec):
        return "/dev/bus/usb/%03d/%03d" % (spec["bus"], spec["address"])

    def plug(self, spec):
        spec["bridge"] = Bridge(spec["link"])
        spec["link"].bridge = spec["bridge"]
        spec["syspath"] = "/sys/devices/pci0000:00/0000:00:14.0/usb1/" + spec["port"]
        # The handler first: a client that finds the node in sysfs before its handler's socket
        # exists fails for good (umockdev-preload cannot connect), so the device appears only
        # once its socket is there.
        self.testbed.attach_ioctl(self.node(spec), spec["bridge"])
        socket_path = os.path.join(self.testbed.get_root_dir(), "ioctl", self.node(spec).lstrip("/"))
        deadline = time.monotonic() + 5
        while not os.path.exists(socket_path) and time.monotonic() < deadline:
            time.sleep(0.005)
        self.testbed.add_from_string(
            "P: /devices/pci0000:00/0000:00:14.0/usb1/%s\n" % spec["port"]
            + "N: bus/usb/%03d/%03d\n" % (spec["bus"], spec["address"])
            + "E: BUSNUM=%03d\nE: DEVNUM=%03d\n" % (spec["bus"], spec["address"])
            + "E: DEVNAME=%s\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n" % self.node(spec)
            + "E: SUBSYSTEM=usb\nE: PRODUCT=%x/%x/100\n" % (spec["vendor"], spec["product"])
            + "E: ID_VENDOR_ID=%04x\nE: ID_MODEL_ID=%04x\n" % (spec["vendor"], spec["product"])
            + "E: ID_SERIAL_SHORT=%s\n" % spec["serial"]
            + "A: busnum=%d\nA: devnum=%d\nA: devpath=%s\n"
            % (spec["bus"], spec["address"], spec["port"].split("-")[-1])
            + "A: idVendor=%04x\nA: idProduct=%04x\n" % (spec["vendor"], spec["product"])
            + "A: serial=%s\nA: speed=480\n" % spec["serial"]
            + "A: manufacturer=%s\nA: product=%s\n"
            % (spec.get("manufacturer", ""), spec.get("product_name", ""))
            + "H: descriptors=%s\n" % spec["descriptors"])

    def unplug(self, key):
        spec = self.devices[key]
        spec["bridge"].unplug()
        self.testbed.uevent(spec["syspath"], "remove")
        self.testbed.remove_device(spec["syspath"])

    def replug(self, key):
        spec = self.devices[key]
        spec["address"] = self.next_address
        self.next_address += 1
        self.plug(spec)
        self.testbed.uevent(spec["syspath"], "add")
        return self.node(spec)


def steer(bus):
    """Standard input's requests, until `quit` or end of input (whitlock-sim is gone)."""
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            return
        if words[0] == "unplug" and len(words) == 2 and words[1] in bus.devices:
            bus.unplug(words[1])
            print("unplugged", words[1], flush=True)
        elif words[0] == "replug" and len(words) == 2 and words[1] in bus.devices:
            print("replugged", words[1], bus.replug(words[1]), flush=True)
        else:
            print("unknown request:", line.strip(), file=sys.stderr, flush=True)


def main():
    # The testbed's own udev calls (uevents) must see the fake /sys too.
    if "umockdev-preload" not in os.environ.get("LD_PRELOAD", ""):
        os.execvpe("umockdev-wrapper", ["umockdev-wrapper", sys.executable] + sys.argv,
                   os.environ)
    spec = json.loads(sys.stdin.readline())
    bus = Bus(spec["devices"])
    root = bus.testbed.get_root_dir()
    print(json.dumps({"umockdev_dir": root, "preload": "libumockdev-preload.so.0",
                      "devices": {key: bus.node(d) for key, d in bus.devices.items()}}),
          flush=True)
    if not spec.get("command"):
        steer(bus)
        return 0
    env = dict(os.environ, UMOCKDEV_DIR=root, LD_PRELOAD="libumockdev-preload.so.0")
    child = subprocess.Popen(spec["command"], env=env)

    def stop_child():
        steer(bus)
        if child.poll() is None:
            child.terminate()

    threading.Thread(target=stop_child, daemon=True).start()
    try:
        return child.wait()
    finally:
        if child.poll() is None:
            child.terminate()
            child.wait()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
