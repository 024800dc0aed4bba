import Calibration
import Detection
import Foundation
import Records
import Spool
import Testing
import WhitlockConfiguration
import WhitlockCore

@testable import WhitlockDaemon

/// With `[calibration.intensity]` configured, the daemon's Raman analysis multiplies each
/// spectrum by the response factor at each pixel's calibrated shift inside the covered range
/// only, leaves the acquired counts as they were, and every result says what was done.
@Suite struct IntensityCorrectionTests {
  /// An instrument response that falls steeply with shift (as a CCD's in the near infrared).
  static func response(_ shift: Double) -> Double { exp(-(shift - 1000) / 300) }

  /// A correction undoing `response` between 200 and 1700 cm⁻¹ on `axis` (`""`: the vendor
  /// axis), 1 at 1000 cm⁻¹.
  static func correction(axis: String = "") -> IntensityCalibration {
    let nodes = stride(from: 200.0, through: 1700, by: 5).map { $0 }
    return IntensityCalibration(
      created: "2026-12-08T01:00:00.000Z", standard: .srm2241, standardFile: "srm.txt",
      axisCalibrationID: axis, firstShift: 200, step: 5,
      factors: nodes.map { response(1000) / response($0) })
  }

  static let deviceAxis = AxisCalibration.wavelengthPolynomial(
    coefficients: [790, 0.12, -5e-6], excitationNanometres: 785)

  /// A phosphate band at 962 cm⁻¹ and a second at 1450 cm⁻¹ on a flat background, seen through
  /// `response` when `distorted`, else at the response's value at 1000 cm⁻¹ everywhere.
  static func acquisition(distorted: Bool) -> Acquisition {
    let counts = (0..<1024).map { pixel -> UInt32 in
      let shift = deviceAxis.axisValue(atChannel: Double(pixel))
      let truth =
        800 + 6000 * exp(-pow((shift - 962) / 6, 2)) + 3000 * exp(-pow((shift - 1450) / 8, 2))
      return UInt32((truth * (distorted ? response(shift) : response(1000))).rounded())
    }
    let identity = InstrumentIdentity(
      id: "r1", kind: .raman, model: "M", serial: "S", family: "simulated", firmware: nil)
    return Acquisition(
      instrument: identity, deviceSequence: 1, startedAt: Date(), endedAt: Date(),
      counts: counts, axis: deviceAxis, exposureSeconds: 1, fullScale: 65_535, parameters: [])
  }

  @Test func theFactorsAreInterpolatedInsideTheCoveredRangeAndOneOutside() {
    let table = IntensityCalibration(
      created: "t", standard: .srm2241, standardFile: "", axisCalibrationID: "", firstShift: 990,
      step: 5, factors: [2, 1, 4])
    var factors: [Double] = []
    let coverage = table.fillFactors(
      &factors, shifts: [980, 989.9, 990, 992.5, 995, 997.5, 1000, 1000.1, 1100])
    #expect(factors == [1, 1, 2, 1.5, 1, 2.5, 4, 1, 1])
    #expect(coverage.pixels == 2...6)
    #expect(coverage.correctedCount == 5)
    #expect(abs(coverage.fraction - 5.0 / 9) < 1e-12)
    // Refilled for another axis, in place.
    let again = table.fillFactors(&factors, shifts: [500, 600])
    #expect(factors == [1, 1])
    #expect(again.pixels == nil)
    #expect(again.correctedCount == 0)
  }

  @Test func theCorrectionMultipliesEachPixelByItsFactorBeforeDetection() throws {
    let pipeline = RamanPipeline()
    let acquisition = Self.acquisition(distorted: true)
    var shifts: [Double] = []
    Self.deviceAxis.fillAxis(&shifts, count: 1024)
    var factors: [Double] = []
    _ = Self.correction().fillFactors(&factors, shifts: shifts)
    let corrected = factors.withUnsafeBufferPointer {
      pipeline.analyze(acquisition, responseFactors: $0)
    }
    // The same spectrum multiplied by hand and analysed as shift–intensity pairs.
    let byHand = pipeline.analyze(
      shifts: shifts,
      intensities: zip(acquisition.counts, factors).map { Double($0) * $1 })
    #expect(corrected.phosphateArea == byHand.phosphateArea)
    #expect(corrected.whitlockiteFraction == byHand.whitlockiteFraction)
  }

  @Test func aCorrectedSpectrumMatchesTheUndistortedOneAndTheRecordSaysWhere() throws {
    var analyzer = AnalyzerFactory.make(
      kind: .raman, configuration: DetectionConfiguration(),
      intensityCalibration: Self.correction())()
    var plain = AnalyzerFactory.make(kind: .raman, configuration: DetectionConfiguration())()
    let distorted = Self.acquisition(distorted: true)
    let detection = analyzer.analyze(distorted)
    let flat = try #require(
      plain.analyze(Self.acquisition(distorted: false))["phosphate_area"]?.doubleValue)
    let uncorrected = try #require(plain.analyze(distorted)["phosphate_area"]?.doubleValue)
    let corrected = try #require(detection["phosphate_area"]?.doubleValue)
    #expect(abs(uncorrected / flat - 1) > 0.1, "the response distorts the band: \(uncorrected)")
    #expect(abs(corrected / flat - 1) < 0.02, "corrected \(corrected), undistorted \(flat)")

    // The pixels whose shift lies in 200–1700 cm⁻¹, and no other, were corrected.
    let inside = (0..<1024).filter {
      (200...1700).contains(Self.deviceAxis.axisValue(atChannel: Double($0)))
    }
    let record = try Self.spooled(distorted, detection)
    guard case .acquisition(let stored) = record else {
      Issue.record("not an acquisition record")
      return
    }
    let provenance = try #require(stored.detection.raman?.intensityCalibration)
    #expect(provenance.applied)
    #expect(provenance.refusal == nil)
    #expect(provenance.id == Self.correction().id)
    #expect(provenance.standard == "srm2241")
    #expect(provenance.axisCalibration == nil)
    #expect(provenance.coveredRange == 200...1700)
    #expect(provenance.correctedPixels == Int64(inside.first!)...Int64(inside.last!))
    #expect(abs(provenance.correctedFraction - Double(inside.count) / 1024) < 1e-4)
    // The record's counts are the raw counts as acquired.
    #expect(stored.counts == distorted.counts)
  }

  @Test func anotherAxisCalibrationInForceTurnsTheCorrectionOffAndSaysWhy() throws {
    var analyzer = AnalyzerFactory.make(
      kind: .raman, configuration: DetectionConfiguration(),
      intensityCalibration: Self.correction())()
    var plain = AnalyzerFactory.make(kind: .raman, configuration: DetectionConfiguration())()
    analyzer.useAxisCalibration(CalibratedAnalysisTests.calibration)
    plain.useAxisCalibration(CalibratedAnalysisTests.calibration)
    let acquisition = Self.acquisition(distorted: true)
    let detection = analyzer.analyze(acquisition)
    let provenance = try #require(detection["intensity_calibration"])
    #expect(provenance["state"] == .string("refused"))
    #expect(provenance["refusal"] == .string("axis calibration changed"))
    #expect(provenance["corrected_pixels"] == .null)
    // Analysed as without a correction.
    #expect(detection["phosphate_area"] == plain.analyze(acquisition)["phosphate_area"])
    _ = try Self.spooled(acquisition, detection)
  }

  @Test func aCorrectionMadeOnTheAxisCalibrationInForceIsApplied() throws {
    let calibration = CalibratedAnalysisTests.calibration
    var analyzer = AnalyzerFactory.make(
      kind: .raman, configuration: DetectionConfiguration(), axisCalibration: calibration,
      intensityCalibration: Self.correction(axis: calibration.id))()
    let detection = analyzer.analyze(Self.acquisition(distorted: true))
    #expect(detection["intensity_calibration"]?["state"] == .string("applied"))
    #expect(detection["intensity_calibration"]?["axis_calibration"] == .string(calibration.id))
    #expect(detection["axis_calibration"]?["id"] == .string(calibration.id))
  }

  /// The record the session would spool for `acquisition`, checked against the schema and
  /// decoded.
  static func spooled(_ acquisition: Acquisition, _ detection: JSONValue) throws -> StoredRecord {
    var writer = JSONWriter()
    RecordEncoder.encode(
      .acquisition(
        run: RunContext(runID: UUID().uuidString.lowercased(), startedAt: Date()),
        acquisition: acquisition, detection: detection),
      seq: 1, into: &writer)
    let json = try JSONParser.parse(writer.bytes)
    let problems = JSONSchemaValidator.records.validate(json)
    #expect(problems.isEmpty, "\(problems)")
    return try StoredRecord(json)
  }
}
