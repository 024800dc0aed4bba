import Calibration
import Foundation
import InstrumentFamilies
import Logging
import Simulation
import Spool
import WhitlockConfiguration
import WhitlockCore
import WhitlockDaemon

/// A session over the first instrument of a configuration, built as the daemon builds it (the
/// instrument from its driver's settings, usually an emulated device, its acquisition chain and
/// configuration record, its `[calibration.*]` tables), with a real spool in a scratch directory and an event recorder.
struct ConfiguredSession {
  let configuration: DaemonConfiguration
  let instrument: InstrumentConfiguration
  let directory: String
  let spool: SpoolService
  let runs = RunController()
  let recorder = EventRecorder()
  let session: InstrumentSession

  struct NoInstrument: Error {}

  /// Builds the session; `axisCalibration` replaces the configuration's `[calibration.axis]` for
  /// the analysis, and `adjust` changes its settings before it is made. `directory` reuses the
  /// spool and state directory of an earlier session (a restart).
  init(
    _ text: String, source: String, axisCalibration: WavenumberCalibration? = nil,
    directory: String? = nil, logger handler: (any LogHandler)? = nil,
    adjust: (inout InstrumentSession.Settings) -> Void = { _ in }
  ) throws {
    configuration = try ConfigurationLoader.parse(text, source: source)
    guard let instrument = configuration.instruments.first else { throw NoInstrument() }
    self.instrument = instrument
    self.directory =
      directory
      ?? FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-session-\(UUID().uuidString)").path
    var logger = Logger(label: source)
    if let handler { logger = Logger(label: source) { _ in handler } }
    logger.logLevel = handler == nil ? .critical : .info
    spool = try SpoolService(
      layout: SpoolLayout(root: self.directory), limits: SegmentLimits(), backlog: 1000,
      logger: logger)
    var settings = InstrumentSession.Settings()
    settings.acquisitionChain = instrument.acquisitionChain
    settings.reopenBackoffSeconds = 0.01...1
    settings.configurationRecord = instrument.record
    settings.axisCalibration = configuration.axisCalibration
    settings.stateDirectory = self.directory
    adjust(&settings)
    session = InstrumentSession(
      instrument: instrument.makeInstrument(stateDirectory: self.directory),
      analyzer: AnalyzerFactory.make(
        kind: instrument.kind, configuration: configuration.detection,
        axisCalibration: axisCalibration ?? configuration.axisCalibration,
        intensityCalibration: configuration.intensityCalibration),
      pump: spool.pump, runs: runs, observers: [recorder], settings: settings, logger: logger)
  }

  /// Removes the scratch directory.
  func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

extension ConfiguredSession {
  /// How far the emulated Wasatch of `miscalibratedWasatch` stores its axis and laser off.
  static let wasatchAxisError = EmulatedAxisError(shiftCm1: 5, laserNanometres: 0.1)

  /// The emulated Wasatch whose stored axis reads 5 cm⁻¹ (and its laser 0.1 nm) off the truth,
  /// with auto-exposure: the instrument the online-calibration, restore and intensity-correction
  /// tests calibrate. `acquisition` adds keys to `[instrument.acquisition]`; `extra` follows.
  static func miscalibratedWasatch(acquisition: String = "", extra: String = "") -> String {
    """
    [[instrument]]
    id = "wp"
    kind = "raman"
    driver = "wasatch"
    exposure_s = 0.1
    [instrument.simulation]
    pacing = 0.05
    axis_error_cm1 = \(wasatchAxisError.shiftCm1)
    laser_error_nm = \(wasatchAxisError.laserNanometres)
    [instrument.device]
    emulate = true
    laser_enabled = true
    [instrument.acquisition]
    auto_exposure = true
    \(acquisition)

    """ + extra
  }
}
