import AmptekDP5
import Simulation
import Testing
import Transports
import WhitlockCore

/// The driver over the USB framing (bulk 0x02/0x81) against an in-process virtual device, and
/// libusb's error path on this machine.
@Suite struct USBPathTests {
  @Test func instrumentAcquiresOverVirtualUSB() async throws {
    var settings = DP5InstrumentSettings()
    settings.channels = 512
    settings.presetSeconds = 0.2
    settings.pollIntervalSeconds = 0.05
    settings.link.baudRate = 12_000_000
    let device = DP5VirtualUSBDevice(emulator: DP5Emulator(settings: DP5EmulatorSettings()))
    let instrument = DP5Instrument(configuredID: "xrf-usb", settings: settings) {
      DP5USBStream(device: device)
    }
    let identity = try await instrument.open()
    #expect(identity.model == "Amptek X-123" && identity.serial == "31337")
    let acquisition = try await instrument.acquire()
    #expect(acquisition.counts.count == 512)
    #expect(acquisition.counts.reduce(0, +) > 0)
    await instrument.close()
  }

  @Test func virtualDeviceStallsControlRequestsAndTimesOutWhenSilent() async throws {
    let device = DP5VirtualUSBDevice(emulator: DP5Emulator(settings: DP5EmulatorSettings()))
    await #expect(throws: InstrumentError.self) {
      _ = try await device.control(
        requestType: 0xC0, request: 1, value: 0, index: 0, data: [], length: 1,
        timeout: .milliseconds(10))
    }
    let stream = DP5USBStream(device: device)
    #expect(try await stream.drainInput(quietPeriod: .milliseconds(10)) == 0)
  }

  @Test func libusbOpenOfAnAbsentDeviceSaysItIsNotAttached() {
    do {
      _ = try USBDevice.open(vendorID: 0x1234, productID: 0xFEDC)
      Issue.record("a device 1234:fedc was opened")
    } catch let error as InstrumentError {
      // Without usbfs (containers) libusb_init itself fails; either way the message says why.
      #expect(
        error.category == .notFound || error.message.contains("libusb_init"), "\(error)")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }
}
