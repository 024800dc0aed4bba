import Foundation
import TestSupport
import Testing
import WhitlockCore
import WhitlockCtlKit

/// `whitlockctl dark` against a real `whitlockd` with an emulated Wasatch spectrometer and an
/// `[instrument.acquisition]` table: the dark is a spool record, and the spectra after it name it.
@Suite(.serialized) struct DarkCommandTests {
  @Test func whitlockctlDarkTakesADarkThatLaterSpectraName() async throws {
    let daemon = try await MonitoredDaemon.start(
      extraConfiguration: """
        [[instrument]]
        id = "wp"
        kind = "raman"
        driver = "wasatch"
        exposure_s = 0.1
        [instrument.device]
        emulate = true
        laser_enabled = true
        [instrument.acquisition]
        scans_to_average = 2
        """)
    let ctl = try ProductsDirectory.executable("whitlockctl")
    let control = ["--monitor", daemon.endpoint.description, "--token-file", daemon.tokenPath]

    // The simulated instrument has no acquisition chain: refused with the reason.
    let refused = try await runTool(ctl, ["dark", "--instrument", "r1"] + control)
    #expect(refused.status == 1)
    #expect(refused.errors.contains("HTTP 409") && refused.errors.contains("acquisition"))

    let taken = try await runTool(ctl, ["dark", "--instrument", "wp"] + control)
    #expect(taken.status == 0, "\(taken.errors)")
    let answer = try JSONParser.parse(taken.output)
    let id = try #require(answer["dark_id"]?.stringValue)
    #expect(answer["method"] == .string("laser-off"))
    #expect(answer["scans_to_average"] == .int(2))

    // Spectra after the dark name it; wait until two of them are published.
    await daemon.child.wait(upTo: .seconds(60)) { _ in Self.uses(of: id, in: daemon).named >= 2 }
    let uses = Self.uses(of: id, in: daemon)
    #expect(uses.darkRecords == 1)
    #expect(uses.named >= 2)
    let status = await daemon.stop()
    #expect(status == 0, "\(daemon.child.standardError.suffix(4000))")
  }

  /// The `dark` records with `id` and the acquisitions naming it, published so far.
  private static func uses(of id: String, in daemon: MonitoredDaemon) -> (
    darkRecords: Int, named: Int
  ) {
    var named = 0
    var darkRecords = 0
    for line in daemon.records() {
      guard let record = try? JSONParser.parse(line) else { continue }
      if record["type"] == .string("dark"), record["dark"]?["id"] == .string(id) {
        darkRecords += 1
      }
      if record["acquisition"]?["parameters"]?["dark"]?["id"] == .string(id) { named += 1 }
    }
    return (darkRecords, named)
  }
}
