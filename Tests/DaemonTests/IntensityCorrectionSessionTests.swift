import Calibration
import Foundation
import InstrumentFamilies
import Monitor
import Records
import Spool
import Testing
import WhitlockConfiguration
import WhitlockCore

@testable import WhitlockDaemon

/// A configuration holding `[calibration.intensity]` (made on the vendor axis: no
/// `[calibration.axis]`), an instrument session over the emulated Wasatch built from it: every
/// Raman record carries the correction's provenance, applied; once an axis calibration acquired
/// online is in force, the correction is off and every later record says why.
@Suite struct IntensityCorrectionSessionTests {
  /// A gentle response correction over 200–1700 cm⁻¹, 1 at 1000 cm⁻¹.
  static let correction = IntensityCalibration(
    created: "2026-12-08T01:00:00.000Z", standard: .srm2241, standardFile: "srm.txt",
    axisCalibrationID: "", firstShift: 200, step: 5,
    factors: stride(from: 200.0, through: 1700, by: 5).map { 1 + 0.0004 * ($0 - 1000) })

  static let configurationText = ConfiguredSession.miscalibratedWasatch(
    extra: correction.tomlText)

  private func analysed(_ recorder: EventRecorder) -> [AnalysedSpectrum] {
    recorder.all.compactMap { event in
      if case .analysed(let spectrum) = event { spectrum } else { nil }
    }
  }

  @Test func everyRamanRecordNamesTheCorrectionAndAnOnlineAxisCalibrationTurnsItOff()
    async throws
  {
    let bench = try ConfiguredSession(Self.configurationText, source: "intensity.toml")
    defer { bench.remove() }
    #expect(bench.configuration.intensityCalibration == Self.correction)
    let (session, recorder, spool, runs, directory) = (
      bench.session, bench.recorder, bench.spool, bench.runs, bench.directory
    )
    let desk = CalibrationDesk()
    desk.register(session, for: "wp")
    let running = Task { await session.runSession() }

    let run = runs.start(sampleID: "INT-1", operatorName: nil, pointID: nil).started
    #expect(
      await recorder.wait { _ in analysed(recorder).filter { $0.run.runID == run.runID }.count >= 2
      })
    let before = analysed(recorder)
    #expect(!before.isEmpty)
    for spectrum in before {
      let provenance = spectrum.detection["intensity_calibration"]
      #expect(provenance?["state"] == .string("applied"), "\(String(describing: provenance))")
      #expect(provenance?["id"] == .string(Self.correction.id))
      let fraction = provenance?["corrected_fraction"]?.doubleValue ?? 0
      #expect(fraction > 0.5 && fraction <= 1, "corrected fraction \(fraction)")
    }

    // An axis calibration acquired online replaces the vendor axis the correction was made on.
    let document = try await desk.calibrate(instrumentID: "wp", AxisCalibrationRequest())
    #expect(document["state"] == .string("in-force"))
    let calibrationID = try #require(document["id"]?.stringValue)
    guard case .array(let targets)? = document["spectra"] else {
      Issue.record("no spectra in \(document)")
      return
    }
    let lastTarget =
      targets.compactMap { target -> UInt64? in
        if case .int(let seq)? = target["device_seq"] { UInt64(seq) } else { nil }
      }.max() ?? 0
    func takenAfter() -> [AnalysedSpectrum] {
      analysed(recorder).filter { $0.acquisition.deviceSequence > lastTarget }
    }
    #expect(await recorder.wait { _ in takenAfter().count >= 2 })
    for spectrum in takenAfter() {
      #expect(spectrum.detection["axis_calibration"]?["id"] == .string(calibrationID))
      let provenance = spectrum.detection["intensity_calibration"]
      #expect(provenance?["state"] == .string("refused"))
      #expect(provenance?["refusal"] == .string("axis calibration changed"))
      #expect(provenance?["corrected_fraction"]?.doubleValue == 0)
    }

    running.cancel()
    await running.value
    await spool.pump.finish()

    // Every acquisition record on the spool carries it, fits the schema and decodes.
    let validator = try JSONSchemaValidator(schemaText: RecordSchema.json)
    var states: [String] = []
    let new = directory + "/new"
    for name in try FileManager.default.contentsOfDirectory(atPath: new).sorted() {
      for line in try String(contentsOfFile: new + "/" + name, encoding: .utf8).split(
        separator: "\n")
      {
        let value = try JSONParser.parse(String(line))
        #expect(validator.validate(value).isEmpty, "\(validator.validate(value))")
        guard case .acquisition(let record) = try StoredRecord(value) else { continue }
        let provenance = try #require(record.detection.raman?.intensityCalibration)
        #expect(provenance.id == Self.correction.id)
        #expect(provenance.coveredRange == 200...1700)
        states.append(provenance.applied ? "applied" : provenance.refusal ?? "?")
      }
    }
    #expect(states.filter { $0 == "applied" }.count >= 2)
    #expect(states.filter { $0 == "axis calibration changed" }.count >= 2)
    // Applied until the calibration, refused after: never back on.
    #expect(states.drop { $0 == "applied" }.allSatisfy { $0 == "axis calibration changed" })
  }
}
