import Foundation
import SampleModels
import WhitlockCore

/// An in-process SDD XRF detector that returns physically modelled spectra of a simulated sample,
/// with real/live time, count rates and the ground truth attached.
///
/// Acquisition `n` uses noise stream `n` of the seed and the schedule's point for `n`, so a run is
/// reproducible from its settings alone.
public actor SimulatedXRFInstrument: Instrument, TakesTriggeredExposures {
  /// The configured name of this instrument.
  public nonisolated let configuredID: String
  /// Always `.xrf`.
  public nonisolated let kind: InstrumentKind = .xrf
  /// The settings it was created with.
  public nonisolated let settings: SimulatedXRFSettings

  private var identity: InstrumentIdentity?
  private var sequence: UInt64 = 0
  private var pacer = SimulatedExposure.Pacer()

  /// Mixed into the seed so the noise differs from the schedule's own streams.
  private static let noiseSalt: UInt64 = 0x5852_465F_4E4F_4953

  /// Creates a closed instrument; `open()` checks the settings.
  public init(configuredID: String, settings: SimulatedXRFSettings = SimulatedXRFSettings()) {
    self.configuredID = configuredID
    self.settings = settings
  }

  /// Checks the settings and reports the simulated identity; restarts the acquisition counter.
  public func open() async throws -> InstrumentIdentity {
    try SimulatedExposure.validate(
      exposure: settings.exposureSeconds, pacing: settings.pacing,
      length: settings.channelCount, lengthName: "channel count")
    guard settings.model.keVPerChannel.isFinite, settings.model.keVPerChannel > 0 else {
      throw InstrumentError(.configuration, "keV per channel must be positive")
    }
    let opened = InstrumentIdentity(
      id: configuredID, kind: .xrf, model: "Simulated SDD XRF", serial: settings.serial,
      family: "simulated", firmware: "sim-1")
    identity = opened
    sequence = 0
    pacer = SimulatedExposure.Pacer()
    return opened
  }

  /// Waits out the accumulation time (cancellable; back to back, see `SimulatedExposure.Pacer`),
  /// then returns the spectrum of the current point.
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
      throw InstrumentError(.disconnected, "simulated XRF instrument is not open")
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
    if let exposureSeconds { model.realTimeSeconds = exposureSeconds }
    let spectrum = model.spectrum(for: point.xrf, random: &random)
    return Acquisition(
      instrument: identity, deviceSequence: number, startedAt: startedAt, endedAt: Date(),
      counts: spectrum.counts, axis: model.axisCalibration,
      exposureSeconds: spectrum.realTimeSeconds, fullScale: model.fullScale,
      parameters: [
        ("channels", .int(Int64(model.channelCount))),
        ("real_time_s", .number(spectrum.realTimeSeconds)),
        ("live_time_s", .number(spectrum.liveTimeSeconds)),
        ("dead_time_fraction", .number(spectrum.deadTimeFraction)),
        ("input_count_rate_cps", .number(spectrum.inputCountRate)),
        ("output_count_rate_cps", .number(spectrum.outputCountRate)),
        ("point_id", .string(point.pointID)),
      ],
      simulationTruth: point.truth)
  }

  /// Marks the instrument closed; later acquisitions fail until it is opened again.
  public func close() async {
    identity = nil
  }
}
