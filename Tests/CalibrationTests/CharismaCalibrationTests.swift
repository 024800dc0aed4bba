import Calibration
import Detection
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

  // Issue 30 asks for ≤ 0.5 cm⁻¹ RMS per setup, ≤ 1.5 cm⁻¹ across setups and a good vendor axis
  // never made worse. Not all are met yet (docs/calibration.md has the table); these bounds
  // hold what the calibration reaches today, so a change that loses ground fails here.

  /// Median over setups of the RMS (polystyrene's six ASTM bands and calcite's three, in two
  /// spectra) after calibration from each setup's neon and all its silicon wafers, and the
  /// worst setup.
  static let medianSetupRMSLimit = 0.6
  static let worstSetupRMSLimit = 1.4
  /// Each band's spread across setups (max − min) after calibration, as a fraction of the
  /// vendor axes' spread.
  static let spreadReductionLimit = 0.5
  /// A setup whose vendor axis is within `goodVendorRMS` may get worse by at most this.
  static let goodVendorRMS = 0.5
  static let goodVendorSlack = 0.2

  /// Every setup evaluated once for all the tests of the suite (each evaluation fits dozens of
  /// spectra; five tests computing it each would load the machine five times over).
  static let evaluation = Task { () async throws -> [CharismaRoundRobin.Outcome]? in
    switch try await CharismaRoundRobin.locate(repositoryRoot: repositoryRoot) {
    case .unreachable: return nil
    case .directory(let directory):
      return try await offPool {
        try CharismaRoundRobin.setups.map { try CharismaRoundRobin.evaluate($0, in: directory) }
      }
    }
  }

  static func outcomes() async throws -> [CharismaRoundRobin.Outcome] {
    guard let outcomes = try await evaluation.value else {
      if case .unreachable(let reason) = try await CharismaRoundRobin.locate(
        repositoryRoot: repositoryRoot)
      {
        try Test.cancel("the CHARISMA spectra cannot be downloaded: \(reason)")
      }
      throw CharismaUnavailable()
    }
    return outcomes
  }

  struct CharismaUnavailable: Error {}

  @Test func everySetupCalibratesFromItsOwnNeonAndSilicon() async throws {
    let outcomes = try await Self.outcomes()
    #expect(outcomes.count == 8)
    for outcome in outcomes {
      let name = outcome.setup.name
      #expect(
        outcome.calibration.linesMatched >= 15, "\(name): \(outcome.calibration.linesMatched) lines"
      )
      #expect(
        outcome.calibration.lineFitRMS <= 1.1, "\(name): line fit \(outcome.calibration.lineFitRMS)"
      )
      let measured = outcome.after.flatMap(\.bands).filter { $0.measured != nil }.count
      #expect(measured == 12, "\(name): \(measured) of 12 bands measured")
    }
  }

  @Test func theReferenceBandsLandAfterCalibration() async throws {
    let outcomes = try await Self.outcomes()
    var after = outcomes.map { CharismaRoundRobin.Outcome.rms($0.after) }.sorted()
    let median = (after[after.count / 2 - 1] + after[after.count / 2]) / 2
    #expect(median <= Self.medianSetupRMSLimit, "per-setup RMS after: \(after)")
    #expect((after.popLast() ?? .infinity) <= Self.worstSetupRMSLimit, "per-setup RMS after")
  }

  @Test func theSameBandComesCloserAcrossSetups() async throws {
    let outcomes = try await Self.outcomes()
    let before = CharismaRoundRobin.crossSetupRanges(outcomes, calibrated: false)
    let after = CharismaRoundRobin.crossSetupRanges(outcomes, calibrated: true)
    #expect(after.count == 9)
    for row in after {
      let vendor = try #require(before.first { $0.standard == row.standard && $0.band == row.band })
      #expect(
        row.range <= Self.spreadReductionLimit * vendor.range,
        "\(row.standard.rawValue) \(row.band): \(vendor.range) → \(row.range) cm-1 across setups")
    }
  }

  @Test func aGoodVendorAxisIsNotMadeMuchWorse() async throws {
    let outcomes = try await Self.outcomes()
    for outcome in outcomes {
      let before = CharismaRoundRobin.Outcome.rms(outcome.before)
      let after = CharismaRoundRobin.Outcome.rms(outcome.after)
      if before <= Self.goodVendorRMS {
        #expect(
          after <= before + Self.goodVendorSlack, "\(outcome.setup.name): \(before) → \(after) cm-1"
        )
      }
    }
  }

  /// The Raman detector's tolerated axis offset on a calibrated axis (`RamanPhaseRules`:
  /// margin + 2 × the calibration's lamp-line RMS) covers every reference band's residual on
  /// every setup's calibrated axis: the margin is what these calibrations leave, not a guess.
  @Test func theDetectorsCalibratedToleranceCoversEveryResidual() async throws {
    let outcomes = try await Self.outcomes()
    let rules = RamanPhaseRules()
    for outcome in outcomes {
      let largest = CharismaRoundRobin.largestResidual(outcome.after)
      let tolerated = rules.offsetTolerance(
        for: .calibrated(lineResidual: outcome.calibration.lineFitRMS))
      #expect(
        abs(largest.residual) <= tolerated,
        "\(outcome.setup.name): \(largest.band) at \(largest.residual) cm-1, tolerated \(tolerated)"
      )
      #expect(tolerated < rules.offsetTolerance, "\(outcome.setup.name): \(tolerated)")
    }
  }

  /// Each setup's own NIST SRM spectrum corrects its band areas. Across the four 785 nm setups
  /// (two instrument makes) polystyrene's 1602.3/1001.4 ratio, whose bands lie 600 cm⁻¹ apart,
  /// spread 30 % before and 14 % after (docs/calibration.md). Ratios of bands closer together,
  /// and the 532 nm setups (one make, whose responses already agree), change within the scatter
  /// of a setup's own repeated spectra; the correction must not make any of them much worse.
  @Test func theSRMCorrectionBringsFarApartBandRatiosCloserAcrossSetups() async throws {
    let outcomes = try await Self.outcomes()
    let directory = try await CalibrateCommandTests.directory()
    let intensities = try await offPool {
      try outcomes.compactMap { try CharismaRoundRobin.intensities(of: $0, in: directory) }
    }
    #expect(intensities.count == 7)
    let spreads = CharismaRoundRobin.ratioSpreads(intensities)
    #expect(spreads.count == 6)
    let far = try #require(
      spreads.first { $0.laserNanometres == 785 && $0.ratio.hasPrefix("polystyrene 1602.3") })
    #expect(far.setups == 4)
    #expect(
      far.correctedCV * 1.5 <= far.measuredCV,
      "785 nm 1602.3/1001.4: CV \(far.measuredCV) % → \(far.correctedCV) %")
    for spread in spreads {
      #expect(
        spread.correctedCV <= 1.25 * spread.measuredCV,
        "\(spread.laserNanometres) nm \(spread.ratio): CV \(spread.measuredCV) % → \(spread.correctedCV) %"
      )
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
    // The detector tolerated the calibrated axis offset and recorded it.
    #expect(line["detection"]?["axis_calibrated"] == .bool(true))
    let tolerance = try #require(line["detection"]?["axis_offset_tolerance_cm1"]?.doubleValue)
    #expect(tolerance < RamanPhaseRules().offsetTolerance)
  }

  @Test func calibrateIntensityAndCheckTheCorrectedBandAreas() async throws {
    let data = try await Self.directory()
    let setup = try #require(CharismaRoundRobin.setups.first { $0.name == "ICV_BW785 Z100" })
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
      "int-\(UUID().uuidString)"
    ).path
    let axis = base + "-axis.toml"
    let response = base + "-response.toml"
    defer {
      try? FileManager.default.removeItem(atPath: axis)
      try? FileManager.default.removeItem(atPath: response)
    }
    let made = try await Self.whitlockctl([
      "calibrate", "axis", "--neon", data + "/" + setup.neon, "--silicon",
      data + "/" + setup.silicon, "-o", axis,
    ])
    #expect(made.status == 0, "\(made.standardError)")
    let srm = try #require(setup.srm)
    let wrongLine = try await Self.whitlockctl([
      "calibrate", "intensity", "--srm", "2242a", "--config", axis, data + "/" + srm, "-o",
      response,
    ])
    #expect(wrongLine.status == 1)
    #expect(wrongLine.standardError.contains("certified for 532 nm"), "\(wrongLine.standardError)")

    let corrected = try await Self.whitlockctl([
      "calibrate", "intensity", "--srm", "2241", "--config", axis, data + "/" + srm, "-o",
      response,
    ])
    #expect(corrected.status == 0, "\(corrected.standardError)")
    #expect(corrected.standardOutput.contains("NIST SRM 2241"))
    let text = try String(contentsOfFile: response, encoding: .utf8)
    #expect(text.contains("[calibration.intensity]"))

    let vendorAxis = try await Self.whitlockctl([
      "calibrate", "check", "--standard", "polystyrene", data + "/" + setup.polystyrene,
      "--intensity", response,
    ])
    #expect(vendorAxis.status == 78)
    #expect(vendorAxis.standardError.contains("use the same --config"))

    let check = try await Self.whitlockctl([
      "calibrate", "check", "--standard", "polystyrene", data + "/" + setup.polystyrene,
      "--config", axis, "--intensity", response, "--json",
    ])
    #expect(check.status == 0, "\(check.standardError)")
    let report = try JSONParser.parse(check.standardOutput)
    #expect(report["relative_areas"]?["reference_cm1"]?.doubleValue == 1001.4)
    guard case .array(let rows)? = report["relative_areas"]?["bands"] else {
      Issue.record("no relative areas in \(check.standardOutput)")
      return
    }
    #expect(rows.count == 2)
    // The CCD of this 785 nm instrument loses sensitivity towards 1600 cm-1: the correction
    // raises 1602.3 against 1001.4 (0.17 → 0.37 in docs/calibration.md).
    let far = try #require(rows.first { $0["band_cm1"]?.doubleValue == 1602.3 })
    let measured = try #require(far["measured"]?.doubleValue)
    let correctedRatio = try #require(far["corrected"]?.doubleValue)
    #expect(correctedRatio > 1.5 * measured)

    // Both tables in one configuration: `analyze` corrects the spectrum on the calibrated axis
    // and names the correction; the same table beside no axis table is refused.
    let combined = base + "-combined.toml"
    defer { try? FileManager.default.removeItem(atPath: combined) }
    try (String(contentsOfFile: axis, encoding: .utf8) + "\n" + text).write(
      toFile: combined, atomically: true, encoding: .utf8)
    let analysed = try await Self.whitlockctl([
      "analyze", "--config", combined, data + "/" + setup.polystyrene,
    ])
    #expect(analysed.status == 0, "\(analysed.standardError)")
    let line = try JSONParser.parse(analysed.standardOutput)
    let axisID = try #require(line["calibration"]?["id"]?.stringValue)
    let provenance = try #require(line["detection"]?["intensity_calibration"])
    #expect(provenance["state"] == .string("applied"), "\(provenance)")
    #expect(provenance["axis_calibration"] == .string(axisID))
    #expect(provenance["standard"] == .string("srm2241"))
    let fraction = try #require(provenance["corrected_fraction"]?.doubleValue)
    #expect(fraction > 0 && fraction < 1, "only the covered range: \(fraction)")
    let alone = try await Self.whitlockctl([
      "analyze", "--config", response, data + "/" + setup.polystyrene,
    ])
    #expect(alone.status == 78)
    #expect(alone.standardError.contains(axisID), "\(alone.standardError)")
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
