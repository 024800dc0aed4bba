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
