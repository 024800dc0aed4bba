import Foundation
import TestSupport
import Testing

/// Our device emulations driven by python-seabreeze 2.11.0 (from PyPI, in a virtual environment
/// the script creates): its `OBPProtocol` over a pseudo-terminal, and its whole pure-Python USB
/// backend (pyusb, libusb) against the emulated USB devices of a `whitlock-sim usb` testbed.
/// Serialized: the cases share one virtual environment, created by whichever runs first.
@Suite(.serialized) struct SeabreezeConformanceTests {
  private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Conformance/run-seabreeze-conformance.sh")
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
}
