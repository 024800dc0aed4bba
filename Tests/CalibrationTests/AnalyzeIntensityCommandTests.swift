import Calibration
import Foundation
import TestSupport
import Testing
import WhitlockCore

/// `whitlockctl analyze --config FILE` with a `[calibration.intensity]` table: the spectrum's
/// intensities are corrected inside the covered range and the output names the correction; a
/// table made on another axis than the file's is refused naming both.
@Suite struct AnalyzeIntensityCommandTests {
  /// An instrument response falling with shift.
  static func response(_ shift: Double) -> Double { exp(-(shift - 1000) / 400) }

  /// A correction undoing it over 300–1500 cm⁻¹ on the vendor axis.
  static let correction = IntensityCalibration(
    created: "2026-12-08T01:00:00.000Z", standard: .srm2241, standardFile: "srm.txt",
    axisCalibrationID: "", firstShift: 300, step: 5,
    factors: stride(from: 300.0, through: 1500, by: 5).map { response(1000) / response($0) })

  /// Two-column text: a 962 cm⁻¹ band and a 1450 cm⁻¹ band on a flat background, every
  /// 1.5 cm⁻¹ from 100 to 1900 cm⁻¹, seen through `response`.
  static func spectrumText() -> String {
    stride(from: 100.0, through: 1900, by: 1.5).map { shift in
      let truth =
        800 + 6000 * exp(-pow((shift - 962) / 6, 2)) + 3000 * exp(-pow((shift - 1450) / 8, 2))
      return "\(shift)\t\((truth * response(shift)).rounded())"
    }.joined(separator: "\n") + "\n"
  }

  static func whitlockctl(_ arguments: [String]) async throws -> SubprocessResult {
    try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlockctl")), arguments,
      deadline: 120)
  }

  @Test func analyzeCorrectsInsideTheCoveredRangeAndNamesTheCorrection() async throws {
    let base = FileManager.default.temporaryDirectory
      .appendingPathComponent("analyze-int-\(UUID().uuidString)").path
    let spectrum = base + "-spectrum.txt"
    let config = base + "-config.toml"
    let otherAxis = base + "-other.toml"
    defer {
      for path in [spectrum, config, otherAxis] {
        try? FileManager.default.removeItem(atPath: path)
      }
    }
    try Self.spectrumText().write(toFile: spectrum, atomically: true, encoding: .utf8)
    try Self.correction.tomlText.write(toFile: config, atomically: true, encoding: .utf8)

    let corrected = try await Self.whitlockctl(["analyze", "--config", config, spectrum])
    #expect(corrected.status == 0, "\(corrected.standardError)")
    let line = try JSONParser.parse(corrected.standardOutput)
    let provenance = try #require(line["detection"]?["intensity_calibration"])
    #expect(provenance["state"] == .string("applied"))
    #expect(provenance["id"] == .string(Self.correction.id))
    #expect(provenance["standard"] == .string("srm2241"))
    #expect(provenance["axis_calibration"] == .null)
    guard case .array(let covered)? = provenance["covered_cm1"] else {
      Issue.record("no covered_cm1 in \(provenance)")
      return
    }
    #expect(covered.map(\.doubleValue) == [300, 1500])
    // Points 134 (301 cm⁻¹) to 933 (1499.5 cm⁻¹) of 1201 lie in 300–1500 cm⁻¹.
    #expect(provenance["corrected_pixels"] == .array([.int(134), .int(933)]))
    let fraction = try #require(provenance["corrected_fraction"]?.doubleValue)
    #expect(abs(fraction - 800.0 / 1201) < 1e-4)

    let plain = try await Self.whitlockctl(["analyze", spectrum])
    #expect(plain.status == 0, "\(plain.standardError)")
    let uncorrected = try JSONParser.parse(plain.standardOutput)["detection"]
    #expect(uncorrected?["intensity_calibration"] == nil)
    #expect(uncorrected?["phosphate_area"] != line["detection"]?["phosphate_area"])

    // A correction made on an axis calibration the file does not hold.
    var madeElsewhere = Self.correction
    madeElsewhere.axisCalibrationID = "0123456789abcdef"
    try madeElsewhere.tomlText.write(toFile: otherAxis, atomically: true, encoding: .utf8)
    let refused = try await Self.whitlockctl(["analyze", "--config", otherAxis, spectrum])
    #expect(refused.status == 78)
    #expect(
      refused.standardError.contains("calibration.intensity.axis_calibration"),
      "\(refused.standardError)")
    #expect(refused.standardError.contains("0123456789abcdef"), "\(refused.standardError)")
    #expect(refused.standardError.contains("no [calibration.axis]"), "\(refused.standardError)")
  }
}
