import Foundation
import SampleModels
import WhitlockCore

/// An in-process Raman spectrometer that returns physically modelled spectra of a simulated
/// sample, with the ground truth attached.
///
/// Acquisition `n` uses noise stream `n` of the seed and the schedule's point for `n`, so a run is
/// reproducible from its settings alone.
public actor SimulatedRamanInstrument: Instrument, TakesTriggeredExposures {
  /// The configured name of this instrument.
  public nonisolated let configuredID: String
  /// Always `.raman`.
  public nonisolated let kind: InstrumentKind = .raman
  /// The settings it was created with.
  public nonisolated let settings: SimulatedRamanSettings

  private var identity: InstrumentIdentity?
  private var sequence: UInt64 = 0
  private var pacer = SimulatedExposure.Pacer()
  /// The noise-free spectrum of the point under the probe, kept while the probe rests there.
  private var plan: RamanSampleModel.SpectrumPlan?
  /// The integration time `plan` was made for.
  private var planSeconds = 0.0

  /// Mixed into the seed so the noise differs from the schedule's own streams.
  private static let noiseSalt: UInt64 = 0x5241_4D41_4E5F_4E53

  /// Creates a closed instrument; `open()` checks the settings.
  public init(configuredID: String, settings: SimulatedRamanSettings = SimulatedRamanSettings()) {
    self.configuredID = configuredID
    self.settings = settings
  }

  /// Checks the settings and reports the simulated identity; restarts the acquisition counter.
  public func open() async throws -> InstrumentIdentity {
    try SimulatedExposure.validate(
      exposure: settings.exposureSeconds, pacing: settings.pacing, length: settings.pixelCount,
      lengthName: "pixel count")
    let opened = InstrumentIdentity(
      id: configuredID, kind: .raman,
      model: "Simulated Raman \(Self.format(settings.model.excitationNanometres)) nm",
      serial: settings.serial, family: "simulated", firmware: "sim-1")
    identity = opened
    sequence = 0
    pacer = SimulatedExposure.Pacer()
    return opened
  }

  /// Waits out the integration time (cancellable), then returns the spectrum of the current point.
  ///
  /// Exposures follow each other back to back like a CCD in continuous mode: each one ends one
  /// integration time after the previous one ended, so computing a spectrum overlaps the next
  /// exposure and the rate is 1/exposure for as long as the consumer keeps up.
  public func acquire() async throws -> Acquisition {
    try await acquire(exposureSeconds: nil)
  }

  /// One exposure of `exposureSeconds` (scaled by the pacing) starting now, at the stage's
  /// position when a specimen is set: a map point.
  public func acquireTriggered(exposureSeconds: Double) async throws -> Acquisition {
    try await acquire(exposureSeconds: exposureSeconds)
  }

  /// `nil`: the next frame of continuous acquisition at the configured exposure.
  private func acquire(exposureSeconds: Double?) async throws -> Acquisition {
    guard let identity else {
      throw InstrumentError(.disconnected, "simulated Raman instrument is not open")
    }
    sequence += 1
    let number = sequence
    let startedAt = Date()
    try await SimulatedExposure.stallIfConfigured(
      acquisition: number, stallAfter: settings.stallAfterAcquisitions)
    if let exposureSeconds {
      // A triggered exposure starts now, not where the previous frame ended.
      pacer = SimulatedExposure.Pacer()
      try await SimulatedExposure.wait(
        until: pacer.nextEnd(seconds: exposureSeconds, pacing: settings.pacing))
    } else {
      try await SimulatedExposure.wait(
        until: pacer.nextEnd(seconds: settings.exposureSeconds, pacing: settings.pacing))
    }
    let point =
      settings.specimen?.pointUnderProbe() ?? settings.schedule.point(forAcquisition: number - 1)
    var random = RandomSource(seed: settings.seed ^ Self.noiseSalt, stream: number)
    var model = settings.model
    if let exposureSeconds { model.integrationSeconds = exposureSeconds }
    let current: RamanSampleModel.SpectrumPlan
    if let plan, plan.composition == point.raman, planSeconds == model.integrationSeconds {
      current = plan
    } else {
      current = model.spectrumPlan(for: point.raman)
      plan = current
      planSeconds = model.integrationSeconds
    }
    let counts = model.counts(current, random: &random)
    return Acquisition(
      instrument: identity, deviceSequence: number, startedAt: startedAt, endedAt: Date(),
      counts: counts, axis: model.axisCalibration, exposureSeconds: model.integrationSeconds,
      fullScale: model.fullScale,
      parameters: [
        ("integration_time_s", .number(model.integrationSeconds)),
        ("pixel_count", .int(Int64(model.pixelCount))),
        ("excitation_nm", .number(model.excitationNanometres)),
        ("point_id", .string(point.pointID)),
      ],
      simulationTruth: point.truth)
  }

  /// Marks the instrument closed; later acquisitions fail until it is opened again.
  public func close() async {
    identity = nil
  }

  private static func format(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(value)
  }
}
