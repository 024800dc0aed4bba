import Calibration
import Logging
import Spool
import WhitlockCore

/// Everything whitlockd needs to run, validated: built by `ConfigurationLoader` from TOML.
public struct DaemonConfiguration: Sendable {
  /// Where the configuration came from, for messages.
  public var source: String
  /// Minimum level logged.
  public var logLevel: Logger.Level = .info
  /// How long an exposure in flight may continue after SIGTERM before it is aborted.
  public var shutdownGraceSeconds: Double = 2.5
  /// How far past its expected duration an acquisition may run before the pipeline counts as
  /// stuck (systemd's watchdog is then no longer fed).
  public var stallTimeoutSeconds: Double = 30
  /// Spool location and segment limits.
  public var spool = SpoolConfiguration()
  /// Detector parameters shared by all instruments of a kind.
  public var detection = DetectionConfiguration()
  /// The instruments to drive, in configuration order.
  public var instruments: [InstrumentConfiguration] = []
  /// The live-monitoring HTTP server.
  public var monitor = MonitorConfiguration()
  /// `[daemon] allow_simulated`: whether simulated or emulated instruments may run under the
  /// service (`whitlockd --service`), where their records would sit beside real ones.
  public var allowSimulated = false
  /// Shipping the spool into PostgreSQL, when configured.
  public var ship: ShipConfiguration?
  /// `[stage]`: the XY stage maps move, when configured.
  public var stage: StageConfiguration?
  /// `[calibration.axis]`: the Raman-shift axis calibration Raman spectra are analysed on.
  public var axisCalibration: WavenumberCalibration?
  /// `[calibration.intensity]`: the relative intensity-response correction (NIST SRM) applied to
  /// Raman spectra inside its covered range; made on `axisCalibration` (the loader checks it).
  public var intensityCalibration: IntensityCalibration?

  /// All defaults, no instrument; `source` names the file in later messages.
  public init(source: String) { self.source = source }

  /// Ids of the instruments that produce simulated spectra: `driver = "simulated"` or a hardware
  /// driver with `emulate = true`. Their records carry a `simulation` member.
  public var simulatedInstrumentIDs: [String] {
    instruments.filter(\.producesSimulatedSpectra).map(\.id)
  }

  /// What to tell the operator when no instrument is configured, naming the file to edit; `nil`
  /// when at least one is.
  public var noInstrumentAdvice: String? {
    guard instruments.isEmpty else { return nil }
    return "no instrument configured: add an [[instrument]] to \(source) "
      + "(see the commented examples there) and restart whitlockd"
  }

  /// Refuses a configuration that the installed service must not run: simulated instruments
  /// without `[daemon] allow_simulated = true`, so that a demo never spools beside real
  /// measurements by accident.
  public func checkServiceUse() throws(ConfigurationError) {
    if let stage, stage.isSimulated, !allowSimulated {
      throw ConfigurationError(
        file: source, line: stage.line, key: "stage.driver",
        message:
          "the simulated stage runs under the service only with allow_simulated = true in "
          + "[daemon]: its maps would sit beside real measurements")
    }
    let simulated = simulatedInstrumentIDs
    guard !simulated.isEmpty, !allowSimulated else { return }
    let first = instruments.first { simulated.contains($0.id) }
    throw ConfigurationError(
      file: source, line: first?.line ?? 0, key: "daemon.allow_simulated",
      message:
        "simulated or emulated instruments (\(simulated.joined(separator: ", "))) run under the "
        + "service only with allow_simulated = true in [daemon]: their records would sit beside "
        + "real measurements (each is marked \"simulation\")")
  }
}

/// The `[spool]` table.
public struct SpoolConfiguration: Sendable {
  /// The spool directory (created if missing).
  public var path = "./spool"
  /// When segments are closed and published.
  public var limits = SegmentLimits()
  /// Records held in memory while the disk is slow or full.
  public var backlogRecords = 20_000

  /// The documented defaults.
  public init() {}
}

/// One `[[instrument]]` table.
public struct InstrumentConfiguration: Sendable {
  /// Stable name used in records, logs and metrics.
  public var id: String
  /// Raman or XRF: which detector analyses its spectra.
  public var kind: InstrumentKind
  /// The driver that talks to the device.
  public var driver: DriverName
  /// Raman integration time or XRF preset time, in seconds.
  public var exposureSeconds: Double
  /// Parameters of a simulated instrument (or of a device emulation).
  public var simulation: SimulationConfiguration
  /// What the driver read from its keys; it also builds the instrument.
  public var driverSettings: any InstrumentDriverSettings
  /// The line of the `[[instrument]]` header, for later messages.
  public var line: Int
  /// `[instrument.acquisition]`: averaging, boxcar, auto-exposure, darks, non-linearity;
  /// `nil` without the table (spectra recorded as the driver delivers them).
  public var acquisitionChain: AcquisitionChainSettings? = nil

  /// An instrument entry as the loader builds it.
  public init(
    id: String, kind: InstrumentKind, driver: DriverName, exposureSeconds: Double,
    simulation: SimulationConfiguration, driverSettings: any InstrumentDriverSettings, line: Int
  ) {
    self.id = id
    self.kind = kind
    self.driver = driver
    self.exposureSeconds = exposureSeconds
    self.simulation = simulation
    self.driverSettings = driverSettings
    self.line = line
  }

  /// The driver's settings as its family's type, or `nil` for another driver's.
  public func settings<Settings: InstrumentDriverSettings>(_ type: Settings.Type) -> Settings? {
    driverSettings as? Settings
  }

  /// Whether the spectra are simulated (see `InstrumentDriverSettings`).
  public var producesSimulatedSpectra: Bool { driverSettings.producesSimulatedSpectra }

  /// The device this instrument needs.
  public var deviceRequirement: DeviceRequirement { driverSettings.deviceRequirement }

  /// The instrument that drives this entry's device; `stateDirectory` holds small
  /// per-instrument state files (the spool root).
  public func makeInstrument(
    stateDirectory: String, stagePosition: (@Sendable () -> StagePosition)? = nil
  ) -> any Instrument {
    var context = InstrumentContext(stateDirectory: stateDirectory)
    context.stagePosition = stagePosition
    return driverSettings.makeInstrument(self, context: context)
  }

  /// How this instrument was configured, as written into its `run-start` record.
  public var record: JSONValue {
    var members: [(String, JSONValue)] = [
      ("driver", .string(driver.rawValue)),
      ("exposure_s", .number(exposureSeconds)),
    ]
    if let device = driverSettings.deviceRecord { members.append(("device", device)) }
    if producesSimulatedSpectra {
      members.append(
        (
          "simulation",
          .object(
            [
              ("seed", .int(Int64(clamping: simulation.seed))),
              ("serial", .string(simulation.serial)),
              ("channels", .int(Int64(simulation.channels))),
              ("acquisitions_per_point", .int(Int64(simulation.acquisitionsPerPoint))),
              ("pacing", .number(simulation.pacing)),
            ]
              + (simulation.axisErrorCm1 == 0
                ? [] : [("axis_error_cm1", JSONValue.number(simulation.axisErrorCm1))])
              + (simulation.laserErrorNanometres == 0
                ? [] : [("laser_error_nm", JSONValue.number(simulation.laserErrorNanometres))]))
        ))
    }
    members += driverSettings.extraRecordMembers
    if let acquisitionChain { members.append(("acquisition", acquisitionChain.record)) }
    return .object(members)
  }
}

/// The `[instrument.simulation]` table.
public struct SimulationConfiguration: Sendable {
  /// Seed of the noise and sample schedule, so a demo run can be repeated exactly.
  public var seed: UInt64 = 1
  /// Serial number the simulated device reports.
  public var serial = "SIM-0001"
  /// Pixels (Raman) or channels (XRF).
  public var channels = 1024
  /// Fault injection: the simulated device hangs after this many acquisitions (tests only).
  public var stallAfterAcquisitions: Int?
  /// Acquisitions at one measurement point before the simulated probe moves on.
  public var acquisitionsPerPoint = 10
  /// Simulated time per real time: 1 waits the full exposure, 0 produces spectra as fast as the
  /// model can (benchmarks and tests).
  public var pacing = 1.0
  /// Emulated spectrometers: how far the stored Raman-shift axis reads from the true one at
  /// the first pixel, cm⁻¹ (half that at the last); 0 stores the true axis.
  public var axisErrorCm1 = 0.0
  /// Emulated spectrometers: true − stated laser wavelength, nm.
  public var laserErrorNanometres = 0.0

  /// The defaults (seed 1, 1024 channels, real-time pacing).
  public init() {}
}
