import Foundation
import TestSupport
import Testing

/// Our device emulations driven by drivers written outside this project (from PyPI, in a virtual
/// environment the script creates): python-seabreeze 2.11.0's `OBPProtocol` over a
/// pseudo-terminal and its whole pure-Python USB backend (pyusb, libusb), and Wasatch
/// Photonics' Wasatch.PY 2.5.2, against the emulated USB devices of a `whitlock-sim usb` testbed.
/// Serialized: the cases share one virtual environment, created by whichever runs first.
@Suite(.serialized, .processHeavy) struct VendorDriverConformanceTests {
  private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Conformance/run-vendor-conformance.sh")
    .path

  @Test func seabreezeReadsSerialCoefficientsIntegrationAndSpectra() async throws {
    let emulator = try ProductsDirectory.executable("OBPEmulatorTool")
    let child = try ChildProcess("/bin/bash", [Self.script, emulator])
    let status = await child.waitForExit(upTo: .seconds(600))
    #expect(status == 0, "\(child.standardOutput)\n\(child.standardError)")
    #expect(child.standardOutput.contains("all checks passed"))
    #expect(!child.standardOutput.contains("FAIL"))
  }

  /// python-seabreeze finds each emulated model by VID/PID through libusb, reads its serial,
  /// FPGA firmware, EEPROM coefficients and non-linearity slots, sets an integration time and
  /// reads spectra of the model's length; OBP models also answer an unknown message with an
  /// error reply and stay in step.
  @Test(arguments: [
    ("ocean-ooi", "USB2000PLUS"), ("ocean-ooi", "HR4000"), ("ocean-ooi", "QE65000"),
    ("ocean-ooi", "MAYA2000PRO"), ("ocean-ooi", "USB4000"), ("ocean-obp", "QEPRO"),
    ("ocean-obp", "STS"),
  ])
  func seabreezeDrivesTheEmulatedUSBDevice(family: String, model: String) async throws {
    let testbed = try await USBTestbed(["--family", family, "--model", model])
    defer { Task { await testbed.stop() } }
    var environment = testbed.environment
    environment["WHITLOCK_CONFORMANCE_SCRIPT"] = "seabreeze_usb_conformance.py"
    let child = try ChildProcess(
      "/bin/bash", [Self.script, testbed.readyLine], environment: environment)
    let status = await child.waitForExit(upTo: .seconds(600))
    #expect(status == 0, "\(child.standardOutput)\n\(child.standardError)")
    #expect(child.standardOutput.contains("ok \(testbed.device()?["serial"]?.stringValue ?? "?")"))
    #expect(!child.standardOutput.contains("FAIL"), "\(child.standardOutput)")
  }

  /// Wasatch.PY finds the emulated FX2 silicon, FX2 2048-pixel, InGaAs and ARM spectrometers,
  /// connects with no hardware failure logged (every request it sends at connect is answered),
  /// reads the EEPROM, sets and reads back the integration time, reads spectra and switches the
  /// laser on and off.
  @Test(arguments: [
    ["--wasatch-product-id", "0x1000"], ["--wasatch-product-id", "0x1000", "--pixels", "2048"],
    ["--wasatch-product-id", "0x2000", "--pixels", "512"], ["--wasatch-product-id", "0x4000"],
  ])
  func wasatchPYDrivesTheEmulatedSpectrometer(arguments: [String]) async throws {
    let testbed = try await USBTestbed(["--family", "wasatch"] + arguments)
    defer { Task { await testbed.stop() } }
    var environment = testbed.environment
    environment["WHITLOCK_CONFORMANCE_SCRIPT"] = "wasatch_usb_conformance.py"
    let child = try ChildProcess(
      "/bin/bash", [Self.script, testbed.readyLine], environment: environment)
    let status = await child.waitForExit(upTo: .seconds(600))
    #expect(status == 0, "\(child.standardOutput)\n\(child.standardError)")
    #expect(child.standardOutput.contains("ok WP-00042"), "\(child.standardOutput)")
    #expect(!child.standardOutput.contains("FAIL"), "\(child.standardOutput)")
  }
}
