"""Drive whitlockd's USB device emulations with python-seabreeze's own USB code.

python-seabreeze (PyPI seabreeze 2.11.0, MIT) was written outside this project. Its pure-Python
backend (`seabreeze.use("pyseabreeze")`) finds spectrometers through pyusb and libusb by
vendor/product ID, then speaks OOI or OBP over their bulk endpoints. Run inside a
`whitlock-sim usb` testbed (UMOCKDEV_DIR and LD_PRELOAD set), it reaches the emulated devices
exactly as it would reach real ones.

usage: python seabreeze_usb_conformance.py BANNER_JSON
BANNER_JSON is the testbed's ready line (serials, models, pixels, wavelength coefficients).
Checks: every emulated device is listed with its model and serial; its wavelengths follow the
coefficients the device stores; an integration time is accepted; a spectrum of the right length
arrives. An OBP device must also answer a message type it does not know with an error reply.
Exit status 0 when every check passes; failures are printed.
"""

import json
import sys
import warnings

import seabreeze

seabreeze.use("pyseabreeze")
from seabreeze.spectrometers import Spectrometer, list_devices  # noqa: E402

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL", message, flush=True)


def polynomial(coefficients, pixel):
    return sum(c * pixel ** power for power, c in enumerate(coefficients))


def unknown_obp_message(spectrometer):
    """An unsupported OBP message type must get a reply whose error field is set."""
    protocol = spectrometer._dev.f.spectrometer.protocol
    try:
        protocol.query(0x00FFFF01)
    except Exception as error:  # seabreeze raises SeaBreezeError for an OBP error reply
        return str(error)
    return ""


def main():
    banner = json.loads(sys.argv[1])
    expected = {device["serial"]: device for device in banner["devices"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        devices = list_devices()
    listed = {device.serial_number: device for device in devices}
    print("listed", sorted((d.model, d.serial_number) for d in devices), flush=True)
    for serial, facts in expected.items():
        check(serial in listed, f"{serial} is not listed")
        if serial not in listed:
            continue
        device = listed[serial]
        check(device.model == facts["model"], f"{serial}: model {device.model} != {facts['model']}")
        spectrometer = Spectrometer(device)
        try:
            wavelengths = spectrometer.wavelengths()
            check(len(wavelengths) == facts["pixels"],
                  f"{serial}: {len(wavelengths)} wavelengths, want {facts['pixels']}")
            coefficients = facts["wavelength_coefficients"]
            for pixel in (0, facts["pixels"] // 2, facts["pixels"] - 1):
                want = polynomial(coefficients, pixel)
                check(abs(wavelengths[pixel] - want) < 1e-3,
                      f"{serial}: wavelength[{pixel}] {wavelengths[pixel]} != {want}")
            spectrometer.integration_time_micros(100_000)
            intensities = spectrometer.intensities()
            check(len(intensities) == facts["pixels"],
                  f"{serial}: {len(intensities)} intensities, want {facts['pixels']}")
            check(max(intensities) > 0, f"{serial}: an all-zero spectrum")
            if facts["model"] in ("QEPRO", "STS"):
                answer = unknown_obp_message(spectrometer)
                check(answer is not None and answer != "",
                      f"{serial}: an unknown OBP message got no error reply ({answer!r})")
                # The device is still in step afterwards.
                check(len(spectrometer.intensities()) == facts["pixels"],
                      f"{serial}: no spectrum after the error reply")
            print("ok", serial, device.model, len(intensities), "pixels", flush=True)
        finally:
            spectrometer.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
