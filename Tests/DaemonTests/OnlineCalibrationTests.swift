import Calibration
import Foundation
import InstrumentFamilies
import Logging
import Monitor
import Records
import Simulation
import Spool
import Testing
import WhitlockConfiguration
import WhitlockCore

@testable import WhitlockDaemon

/// The whole chain through an instrument session over the emulated Wasatch spectrometer, built
/// from a configuration as the daemon builds it, whose stored axis is deliberately off: dark →
/// auto-exposure → lamp → standard → sample. The calibration is acquired on request through the
/// control desk, verified on polystyrene, written as a record, and every later spectrum names it
/// and its dark; refusals keep the calibration in force and say why.
@Suite struct OnlineCalibrationTests {
  private static let axisError = ConfiguredSession.wasatchAxisError

  private static let configurationText = ConfiguredSession.miscalibratedWasatch(
    acquisition: "scans_to_average = 2")

  private func analysed(_ recorder: EventRecorder) -> [AnalysedSpectrum] {
    recorder.all.compactMap { event in
      if case .analysed(let spectrum) = event { spectrum } else { nil }
    }
  }

  @Test func darkAutoExposureLampStandardAndSampleThroughTheSession() async throws {
    let bench = try ConfiguredSession(Self.configurationText, source: "online-calibration.toml")
    defer { bench.remove() }
    let (session, recorder, spool, runs, directory) = (
      bench.session, bench.recorder, bench.spool, bench.runs, bench.directory
    )
    let desk = CalibrationDesk()
    desk.register(session, for: "wp")
    let running = Task { await session.runSession() }

    #expect(await recorder.wait { $0.contains(where: \.isAcquired) })
    var request = AxisCalibrationRequest()
    request.verify = .polystyrene
    // Outside an operator run the laser stays off, and silicon needs it: refused at once.
    await #expect(throws: ControlRefusal.self) {
      try await desk.calibrate(instrumentID: "wp", request)
    }
    await #expect(throws: ControlRefusal.self) {
      try await desk.calibrate(instrumentID: "xx", request)
    }

    // Operator run: auto-exposure on the sample, then a dark at the chosen exposure.
    let run = runs.start(sampleID: "CAL-1", operatorName: nil, pointID: nil).started
    #expect(
      await recorder.wait { _ in analysed(recorder).filter { $0.run.runID == run.runID }.count >= 2
      })
    let dark = try await session.requestDark(beamBlocked: false)
    #expect(dark.method == "laser-off")

    // Lamp (laser off), silicon and polystyrene (laser on), placed by the emulation's operator.
    let document = try await desk.calibrate(instrumentID: "wp", request)
    #expect(document["state"] == .string("in-force"))
    #expect(document["version"] == .int(1))
    let calibrationID = try #require(document["id"]?.stringValue)
    #expect(document["in_force_id"] == .string(calibrationID))
    let rms = try #require(document["verification"]?["rms_cm1"]?.doubleValue)
    #expect(rms < 0.5, "polystyrene RMS on the new axis: \(rms) cm⁻¹")
    guard case .array(let spectra)? = document["spectra"] else {
      Issue.record("no spectra in \(document)")
      return
    }
    #expect(spectra.map { $0["target"]?.stringValue } == ["neon", "silicon", "polystyrene"])
    #expect(spectra[0]["parameters"]?["laser_enabled"] == .bool(false), "lamp with the laser off")
    #expect(spectra[1]["parameters"]?["laser_enabled"] == .bool(true))
    #expect(spectra.allSatisfy { $0["parameters"]?["auto_exposure"]?["outcome"] != nil })

    // The calibrated axis is closer to the emulator's true axis than the device's stored one.
    let calibration = try #require(session.axisBook.withLock { $0.inForce })
    #expect(calibration.id == calibrationID)
    let replica = EmulatedRamanSource(
      seed: 1, pixelCount: 1024, fullScale: 65535, darkPixels: [], excitationNanometres: 785,
      acquisitionsPerPoint: 10, axisError: Self.axisError)
    let device = try #require(analysed(recorder).last?.acquisition.axis)
    var storedError = 0.0
    var calibratedError = 0.0
    for pixel in stride(from: 0.0, through: 1023, by: 11) {
      let truth = replica.trueAxis.axisValue(atChannel: pixel)
      let vendor = try #require(device.wavelength(atPixel: pixel))
      storedError = max(storedError, abs(device.axisValue(atChannel: pixel) - truth))
      calibratedError = max(
        calibratedError, abs(calibration.shift(vendorWavelengthNanometres: vendor) - truth))
    }
    #expect(storedError > 4, "the emulated device's stored axis is off: \(storedError) cm⁻¹")
    #expect(calibratedError < 0.5, "calibrated axis within \(calibratedError) cm⁻¹ of the truth")

    // Spectra taken after it name the calibration and the dark.
    let lastTarget =
      spectra.compactMap { spectrum -> UInt64? in
        if case .int(let seq)? = spectrum["device_seq"] { UInt64(seq) } else { nil }
      }.max() ?? 0
    func takenAfter() -> [AnalysedSpectrum] {
      analysed(recorder).filter { $0.acquisition.deviceSequence > lastTarget }
    }
    #expect(await recorder.wait { _ in takenAfter().count >= 3 })
    let after = takenAfter()
    #expect(!after.isEmpty)
    for spectrum in after {
      #expect(spectrum.detection["axis_calibration"]?["id"] == .string(calibrationID))
      #expect(spectrum.acquisition.parameter("dark")?["id"] == .string(dark.id))
      #expect(spectrum.acquisition.parameter("laser_enabled") == .bool(true))
      #expect(spectrum.acquisition.saturatedChannelCount == 0)
    }

    // Refusals: no silicon band within ±25 cm⁻¹ of the position given (far off here), a
    // verification limit no axis meets. The calibration in force stays; the records say why.
    var wrongSilicon = request
    wrongSilicon.siliconReferenceCm1 = 600
    wrongSilicon.verify = nil
    let notFound = await #expect(throws: ControlRefusal.self) {
      try await desk.calibrate(instrumentID: "wp", wrongSilicon)
    }
    #expect(
      notFound?.description.contains("silicon-not-found") == true, "\(String(describing: notFound))"
    )
    #expect(notFound?.description.contains(calibrationID) == true, "names the one kept in force")
    var strict = request
    strict.maximumResidualCm1 = 0.001
    let tooLarge = await #expect(throws: ControlRefusal.self) {
      try await desk.calibrate(instrumentID: "wp", strict)
    }
    #expect(tooLarge?.description.contains("verification-residual-too-large") == true)
    #expect(session.axisCalibrationInForce?.id == calibrationID)
    #expect(session.axisCalibrationInForce?.version == 1)

    running.cancel()
    await running.value
    await spool.pump.finish()

    // Every record fits the schema and decodes; the calibration records are in order.
    let validator = try JSONSchemaValidator(schemaText: RecordSchema.json)
    var calibrations: [CalibrationRecord] = []
    var namingBoth = 0
    let new = directory + "/new"
    for name in try FileManager.default.contentsOfDirectory(atPath: new).sorted() {
      for line in try String(contentsOfFile: new + "/" + name, encoding: .utf8).split(
        separator: "\n")
      {
        let value = try JSONParser.parse(String(line))
        #expect(validator.validate(value).isEmpty, "\(validator.validate(value))")
        switch try StoredRecord(value) {
        case .calibration(let record): calibrations.append(record)
        case .acquisition(let record):
          if record.darkUse?.id == dark.id,
            case .raman(let raman, _) = record.detection, raman.calibration?.id == calibrationID
          {
            namingBoth += 1
          }
        default: break
        }
      }
    }
    #expect(calibrations.map(\.state) == ["in-force", "refused", "refused"])
    #expect(
      calibrations.map(\.refusalReason) == [
        nil, "silicon-not-found", "verification-residual-too-large",
      ])
    #expect(calibrations.allSatisfy { $0.inForceID == calibrationID })
    #expect(calibrations.first?.verificationStandard == "polystyrene")
    #expect(namingBoth >= 2, "spooled spectra name both their dark and their calibration")
  }
}
