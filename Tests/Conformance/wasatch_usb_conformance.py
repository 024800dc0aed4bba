"""Drive whitlockd's emulated Wasatch spectrometer with Wasatch Photonics' own Python driver.

Wasatch.PY (PyPI `wasatch` 2.5.2, MIT) was written by the vendor, outside this project. It finds
spectrometers through pyusb and libusb by VID/PID, reads the EEPROM pages, and speaks the vendor
control requests on EP0 with spectra on the bulk IN endpoints. Run inside a `whitlock-sim usb`
testbed (UMOCKDEV_DIR and LD_PRELOAD set), it reaches the emulated device as it would a real one.

usage: python wasatch_usb_conformance.py BANNER_JSON
Checks: the device is found and connects with no hardware failure; EEPROM serial, model, pixel
count and wavelength coefficients match what the device stores; the integration time reads back
as set; spectra of the right length arrive; the laser is reported as commanded, and off again.
Exit status 0 when every check passes; failures are printed.
"""

import json
import logging
import sys

from wasatch.WasatchBus import WasatchBus
from wasatch.WasatchDevice import WasatchDevice

failures = []


class FailureCounter(logging.Handler):
    """Wasatch.PY logs hardware failures (stalled requests) as CRITICAL instead of raising."""

    def emit(self, record):
        if record.levelno >= logging.CRITICAL:
            failures.append(record.getMessage())
            print("FAIL driver logged:", record.getMessage(), flush=True)


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL", message, flush=True)


def main():
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger().addHandler(FailureCounter())
    facts = json.loads(sys.argv[1])["devices"][0]
    bus = WasatchBus()
    check(len(bus.device_ids) == 1, f"found {len(bus.device_ids)} devices, want 1")
    if not bus.device_ids:
        return 1
    device = WasatchDevice(bus.device_ids[0])
    check(device.connect().data, "connect failed")
    hardware = device.hardware
    eeprom = device.settings.eeprom
    check(eeprom.serial_number == facts["serial"], f"serial {eeprom.serial_number!r}")
    check(eeprom.model == facts["model"], f"model {eeprom.model!r}")
    check(device.settings.pixels() == facts["pixels"], f"pixels {device.settings.pixels()}")
    for index, want in enumerate(facts["wavelength_coefficients"]):
        got = eeprom.wavelength_coeffs[index]
        check(abs(got - want) <= 1e-6 * max(1.0, abs(want)), f"wavecal[{index}] {got} != {want}")
    hardware.set_integration_time_ms(250)
    check(hardware.get_integration_time_ms().data == 250, "integration time did not read back")
    for _ in range(2):
        reading = device.acquire_data().data
        spectrum = getattr(reading, "spectrum", None)
        check(spectrum is not None and len(spectrum) == facts["pixels"],
              f"spectrum of {None if spectrum is None else len(spectrum)} pixels")
        check(spectrum is not None and max(spectrum) > 0, "an all-zero spectrum")
    hardware.set_laser_enable(True)
    check(hardware.get_laser_enabled().data, "laser not reported on after enabling")
    hardware.set_laser_enable(False)
    check(not hardware.get_laser_enabled().data, "laser still reported on after disabling")
    device.disconnect()
    print("ok", facts["serial"], eeprom.model, facts["pixels"], "pixels", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
