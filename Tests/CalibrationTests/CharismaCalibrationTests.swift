import Calibration
import Foundation
import TestSupport
import Testing
import WhitlockCore

/// The calibration on real instruments: the CHARISMA round-robin spectra (fetched from PyPI on
/// first use by scripts/calibration/charisma-data.sh), every setup calibrated from its own neon
/// and silicon with the same settings.
@Suite struct CharismaCalibrationTests {
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  /// Polystyrene's six ASTM bands and calcite's three, RMS per setup after calibration.
  static let setupRMSLimit = 0.5
  /// Max − min of one band's position across setups after calibration.
  static let crossSetupLimit = 1.5
  /// A setup whose vendor axis is already within this RMS must not get worse.
  static let goodVendorRMS = 0.5

  static func outcomes() async throws -> [CharismaRoundRobin.Outcome] {
    switch try await CharismaRoundRobin.locate(repositoryRoot: repositoryRoot) {
    case .unreachable(let reason):
      try Test.cancel("the CHARISMA spectra cannot be downloaded: \(reason)")
    case .directory(let directory):
      return try await offPool {
        try CharismaRoundRobin.setups.map { try CharismaRoundRobin.evaluate($0, in: directory) }
      }
    }
  }

  @Test func everySetupLandsTheReferenceBandsAfterCalibration() async throws {
    let outcomes = try await Self.outcomes()
    #expect(outcomes.count == 8)
    for outcome in outcomes {
      let rms = CharismaRoundRobin.Outcome.rms(outcome.after)
      let measured = outcome.after.flatMap(\.bands).filter { $0.measured != nil }.count
      #expect(measured == 12, "\(outcome.setup.name): \(measured) of 12 bands measured")
      #expect(
        rms <= Self.setupRMSLimit,
        "\(outcome.setup.name): RMS \(rms) cm-1 after calibration")
    }
  }

  @Test func theSameBandAgreesAcrossSetups() async throws {
    let outcomes = try await Self.outcomes()
    for row in CharismaRoundRobin.crossSetupRanges(outcomes, calibrated: true) {
      #expect(
        row.range <= Self.crossSetupLimit,
        "\(row.standard.rawValue) \(row.band) cm-1 spans \(row.range) cm-1 across setups")
    }
  }

  @Test func aGoodVendorAxisIsNeverMadeWorse() async throws {
    let outcomes = try await Self.outcomes()
    for outcome in outcomes {
      let before = CharismaRoundRobin.Outcome.rms(outcome.before)
      let after = CharismaRoundRobin.Outcome.rms(outcome.after)
      if before <= Self.goodVendorRMS {
        #expect(after <= before, "\(outcome.setup.name): \(before) → \(after) cm-1")
      }
    }
  }
}

/// `whitlockctl calibrate axis`, `calibrate check` and `analyze --config` on real files.
@Suite struct CalibrateCommandTests {
  static func whitlockctl(_ arguments: [String]) async throws -> SubprocessResult {
    try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlockctl")), arguments,
      deadline: 300)
  }

  static func directory() async throws -> String {
    switch try await CharismaRoundRobin.locate(
      repositoryRoot: CharismaCalibrationTests.repositoryRoot)
    {
    case .unreachable(let reason):
      try Test.cancel("the CHARISMA spectra cannot be downloaded: \(reason)")
    case .directory(let directory):
      return directory
    }
  }

  @Test func calibrateCheckAndAnalyzeOnTheCalibratedAxis() async throws {
    let data = try await Self.directory()
    let setup = CharismaRoundRobin.setups[0]
    let output = FileManager.default.temporaryDirectory
      .appendingPathComponent("cal-\(UUID().uuidString).toml").path
    defer { try? FileManager.default.removeItem(atPath: output) }
    let made = try await Self.whitlockctl([
      "calibrate", "axis", "--neon", data + "/" + setup.neon, "--silicon",
      data + "/" + setup.silicon, "-o", output,
    ])
    #expect(made.status == 0, "\(made.standardError)")
    #expect(made.standardOutput.contains("NIST lines matched"))
    let text = try String(contentsOfFile: output, encoding: .utf8)
    #expect(text.contains("[calibration.axis]"))
    #expect(text.contains("silicon_reference_cm1 = 520.45"))

    let check = try await Self.whitlockctl([
      "calibrate", "check", "--standard", "polystyrene", data + "/" + setup.polystyrene,
      "--config", output, "--json",
    ])
    #expect(check.status == 0, "\(check.standardError)")
    let report = try JSONParser.parse(check.standardOutput)
    guard case .array(let bands)? = report["bands"] else {
      Issue.record("no bands in \(check.standardOutput)")
      return
    }
    #expect(bands.count == 6)
    let rms = try #require(report["rms_cm1"]?.doubleValue)
    #expect(rms < 1)
    let id = try #require(report["calibration"]?["id"]?.stringValue)

    let table = try await Self.whitlockctl([
      "calibrate", "check", "--standard", "polystyrene", data + "/" + setup.polystyrene,
    ])
    #expect(table.standardOutput.contains("vendor axis"))
    #expect(table.standardOutput.contains("1001.40"))
    #expect(table.standardOutput.contains("RMS "))

    let analysed = try await Self.whitlockctl([
      "analyze", "--config", output, data + "/" + setup.polystyrene,
    ])
    #expect(analysed.status == 0, "\(analysed.standardError)")
    let line = try JSONParser.parse(analysed.standardOutput)
    #expect(line["calibration"]?["id"]?.stringValue == id)
  }

  @Test func aSiliconSpectrumGivenAsNeonIsRefusedNamingIt() async throws {
    let data = try await Self.directory()
    let setup = CharismaRoundRobin.setups[0]
    let result = try await Self.whitlockctl([
      "calibrate", "axis", "--neon", data + "/" + setup.polystyrene, "--silicon",
      data + "/" + setup.silicon, "-o", "/nonexistent/cal.toml",
    ])
    #expect(result.status == 1)
    #expect(result.standardError.contains((setup.polystyrene as NSString).lastPathComponent))
  }

  @Test func aHoribaFileWithoutLaserWavelengthAsksForIt() async throws {
    let data = try await Self.directory()
    let setup = CharismaRoundRobin.setups[1]
    let result = try await Self.whitlockctl([
      "calibrate", "axis", "--neon", data + "/" + setup.neon, "--silicon",
      data + "/" + setup.silicon, "-o", "/nonexistent/cal.toml",
    ])
    #expect(result.status == 1)
    #expect(result.standardError.contains("--excitation-nm"))
  }
}
