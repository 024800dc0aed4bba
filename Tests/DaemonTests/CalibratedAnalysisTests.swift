import Calibration
import Detection
import Foundation
import Records
import Spool
import Testing
import WhitlockConfiguration
import WhitlockCore

@testable import WhitlockDaemon

/// With `[calibration.axis]` configured, the daemon's Raman analysis runs on the calibrated
/// axis and the record names the calibration; the record still validates and decodes.
@Suite struct CalibratedAnalysisTests {
  static let calibration = WavenumberCalibration(
    created: "2026-12-07T17:00:00.000Z", lamp: .neon, lampFile: "ne.txt", siliconFile: "si.txt",
    vendorExcitationNanometres: 785, correctionCentre: 11_500, correctionHalfRange: 1500,
    correction: [2.5, 1.0, -0.4], laserWavenumber: 1e7 / 785.2, siliconReference: 520.45,
    siliconVendorShift: 523.1, linesMatched: 20, lineFitRMS: 0.2)

  static func acquisition() -> Acquisition {
    let axis = AxisCalibration.wavelengthPolynomial(
      coefficients: [790, 0.12, -5e-6], excitationNanometres: 785)
    let counts = (0..<1024).map { pixel -> UInt32 in
      let shift = axis.axisValue(atChannel: Double(pixel))
      let band = 4000 * exp(-pow((shift - 962) / 6, 2))
      return UInt32(500 + band)
    }
    let identity = InstrumentIdentity(
      id: "r1", kind: .raman, model: "M", serial: "S", family: "simulated", firmware: nil)
    return Acquisition(
      instrument: identity, deviceSequence: 1, startedAt: Date(), endedAt: Date(),
      counts: counts, axis: axis, exposureSeconds: 1, fullScale: 65_535, parameters: [])
  }

  @Test func theCalibratedAxisMatchesTheCalibrationEverywhere() throws {
    let acquisition = Self.acquisition()
    let calibrated = try #require(
      Self.calibration.calibratedAxis(of: acquisition.axis, pixels: acquisition.counts.count))
    for pixel in stride(from: 0.0, through: 1023, by: 31) {
      let expected = Self.calibration.shift(
        vendorWavelengthNanometres: acquisition.axis.wavelength(atPixel: pixel) ?? 0)
      #expect(abs(calibrated.axisValue(atChannel: pixel) - expected) < 0.01)
    }
    // The calibration moves the axis by more than the tolerance checked above.
    #expect(
      abs(calibrated.axisValue(atChannel: 500) - acquisition.axis.axisValue(atChannel: 500)) > 1)
  }

  @Test func aRecordAnalysedOnTheCalibrationNamesItAndValidates() throws {
    var analyzer = AnalyzerFactory.make(
      kind: .raman, configuration: DetectionConfiguration(), axisCalibration: Self.calibration)()
    let acquisition = Self.acquisition()
    let detection = analyzer.analyze(acquisition)
    var writer = JSONWriter()
    RecordEncoder.encode(
      .acquisition(
        run: RunContext(runID: UUID().uuidString.lowercased(), startedAt: Date()),
        acquisition: acquisition, detection: detection),
      seq: 1, into: &writer)
    let json = try JSONParser.parse(writer.bytes)
    #expect(JSONSchemaValidator.records.validate(json).isEmpty)
    guard case .acquisition(let record) = try StoredRecord(json) else {
      Issue.record("not an acquisition record")
      return
    }
    let provenance = try #require(record.detection.raman?.calibration)
    #expect(provenance.id == Self.calibration.id)
    #expect(provenance.siliconReference == 520.45)
    #expect(provenance.created == "2026-12-07T17:00:00.000Z")
    #expect(provenance.notApplied == nil)
    // The detector tolerated the calibrated offset (3 + 2 × 0.2 cm⁻¹), and says so.
    #expect(detection["axis_calibrated"] == .bool(true))
    let tolerance = try #require(detection["axis_offset_tolerance_cm1"]?.doubleValue)
    #expect(abs(tolerance - 3.4) < 1e-9)
  }

  @Test func withoutACalibrationTheRecordNamesNone() throws {
    var analyzer = AnalyzerFactory.make(kind: .raman, configuration: DetectionConfiguration())()
    let detection = analyzer.analyze(Self.acquisition())
    #expect(detection["axis_calibration"] == nil)
    #expect(detection["axis_calibrated"] == .bool(false))
    #expect(detection["axis_offset_tolerance_cm1"]?.doubleValue == 8)
  }
}
