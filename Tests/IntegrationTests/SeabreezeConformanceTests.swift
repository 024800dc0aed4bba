import Foundation
import TestSupport
import Testing

/// Our OBP device emulation driven by python-seabreeze 2.11.0's own `OBPProtocol` (from PyPI, in a
/// virtual environment the script creates) over a pseudo-terminal.
@Suite struct SeabreezeConformanceTests {
  @Test func seabreezeReadsSerialCoefficientsIntegrationAndSpectra() async throws {
    let emulator = try ProductsDirectory.executable("OBPEmulatorTool")
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(
        "Conformance/run-seabreeze-conformance.sh"
      )
      .path
    let child = try ChildProcess("/bin/bash", [script, emulator])
    let status = await child.waitForExit(upTo: .seconds(600))
    #expect(status == 0, "\(child.standardOutput)\n\(child.standardError)")
    #expect(child.standardOutput.contains("all checks passed"))
    #expect(!child.standardOutput.contains("FAIL"))
  }
}
