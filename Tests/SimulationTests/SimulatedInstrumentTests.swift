import SampleModels
import Testing
import WhitlockCore

@testable import Simulation

@Suite struct SimulatedInstrumentTests {
  @Test func ramanInstrumentReportsIdentityCalibrationAndTruth() async throws {
    let settings = SimulatedRamanSettings(
      seed: 4, serial: "R-42", exposureSeconds: 2, pixelCount: 2048, acquisitionsPerPoint: 2,
      pacing: 0.001)
    let instrument = SimulatedRamanInstrument(configuredID: "raman0", settings: settings)
    let identity = try await instrument.open()
    #expect(identity.family == "simulated")
    #expect(identity.model == "Simulated Raman 785 nm")
    #expect(identity.serial == "R-42")
    #expect(identity.kind == .raman)
    let first = try await instrument.acquire()
    let second = try await instrument.acquire()
    let third = try await instrument.acquire()
    #expect(first.counts.count == 2048)
    #expect(first.deviceSequence == 1 && third.deviceSequence == 3)
    #expect(first.exposureSeconds == 2)
    #expect(first.fullScale == 65535)
    #expect(first.axis == settings.model.axisCalibration)
    #expect(first.simulationTruth?["point_id"] == .string("P000000"))
    #expect(second.simulationTruth == first.simulationTruth)
    #expect(third.simulationTruth?["point_id"] == .string("P000001"))
    #expect(first.parameters.contains { $0.0 == "integration_time_s" && $0.1 == .double(2) })
    #expect(first.parameters.contains { $0.0 == "point_id" && $0.1 == .string("P000000") })

    let replay = SimulatedRamanInstrument(configuredID: "raman0", settings: settings)
    _ = try await replay.open()
    #expect(try await replay.acquire().counts == first.counts)
    await instrument.close()
    await #expect(throws: InstrumentError.self) { try await instrument.acquire() }
  }

  @Test func xrfInstrumentReportsTimingAndRates() async throws {
    let settings = SimulatedXRFSettings(
      seed: 4, serial: "X-7", exposureSeconds: 5, channelCount: 4096, pacing: 0.001)
    let instrument = SimulatedXRFInstrument(configuredID: "xrf0", settings: settings)
    let identity = try await instrument.open()
    #expect(identity.model == "Simulated SDD XRF" && identity.family == "simulated")
    let acquisition = try await instrument.acquire()
    #expect(acquisition.counts.count == 4096)
    #expect(acquisition.axis == .linearEnergy(keVPerChannel: 0.01, offsetKeV: 0.015))
    let parameters = Dictionary(uniqueKeysWithValues: acquisition.parameters)
    #expect(parameters["real_time_s"] == .double(5))
    let live = try #require(parameters["live_time_s"]?.doubleValue)
    #expect(live > 0 && live < 5)
    #expect((parameters["input_count_rate_cps"]?.doubleValue ?? 0) > 0)
    #expect((parameters["output_count_rate_cps"]?.doubleValue ?? 0) > 0)
    #expect(acquisition.simulationTruth?["mg_ca_molar"]?.doubleValue != nil)
    #expect(
      acquisition.simulationTruth
        == SimulatedSampleSchedule(seed: 4).point(forAcquisition: 0).truth)
  }

  @Test func cancellationAbortsAnExposure() async throws {
    let settings = SimulatedRamanSettings(exposureSeconds: 30)
    let instrument = SimulatedRamanInstrument(configuredID: "raman0", settings: settings)
    _ = try await instrument.open()
    // Cancelled before or during its 30 s exposure, the acquisition ends at once.
    let task = Task { try await instrument.acquire() }
    task.cancel()
    await #expect(throws: CancellationError.self) { try await task.value }
  }

  @Test func invalidSettingsAreRejectedOnOpen() async {
    let instrument = SimulatedXRFInstrument(
      configuredID: "xrf0", settings: SimulatedXRFSettings(exposureSeconds: -1))
    await #expect(throws: InstrumentError.self) { try await instrument.open() }
  }
}
