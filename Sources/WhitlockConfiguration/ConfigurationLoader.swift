import Foundation
import Logging
import WhitlockCore
import WhitlockTOML

/// Turns TOML text into a validated `DaemonConfiguration`, or the first error with file, line
/// and key.
///
/// This target (`WhitlockConfiguration`) holds the schema and the loader only, no runtime: the
/// daemon and `whitlockctl` (`doctor`, `analyze --config`) link the same loader, so the two can
/// never disagree about a file, and the CLI does not link the daemon.
public enum ConfigurationLoader {
  /// Largest configuration file accepted; anything bigger is not a configuration.
  public static let maximumFileBytes = 1 << 20

  /// Reads and validates the file at `path`; `drivers` are the drivers instruments may name
  /// (`InstrumentFamilies.drivers` in the daemon and the CLI).
  public static func load(path: String, drivers: [DriverDeclaration]) throws(ConfigurationError)
    -> DaemonConfiguration
  {
    try parse(readText(path: path), source: path, drivers: drivers)
  }

  /// The UTF-8 text of the file at `path`, refused when unreadable or over `maximumFileBytes`.
  static func readText(path: String) throws(ConfigurationError) -> String {
    let data: Data
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      if let size = attributes[.size] as? Int, size > maximumFileBytes {
        throw ConfigurationError(
          file: path, line: 0, key: "",
          message: "file is \(size) bytes; the limit is \(maximumFileBytes)")
      }
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch let error as ConfigurationError {
      throw error
    } catch {
      throw ConfigurationError(
        file: path, line: 0, key: "", message: "cannot read: \(error.localizedDescription)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigurationError(file: path, line: 0, key: "", message: "file is not valid UTF-8")
    }
    return text
  }

  /// The embedded default configuration.
  public static func embeddedDefault(drivers: [DriverDeclaration]) throws(ConfigurationError)
    -> DaemonConfiguration
  {
    try parse(
      EmbeddedConfiguration.text, source: EmbeddedConfiguration.sourceName, drivers: drivers)
  }

  /// Validates TOML `text`; `source` names it in errors.
  public static func parse(_ text: String, source: String, drivers: [DriverDeclaration])
    throws(ConfigurationError) -> DaemonConfiguration
  {
    let document: TOMLDocument
    do { document = try TOMLDocument.parse(text, fileName: source) } catch {
      throw ConfigurationError(
        file: source, line: error.line, key: "", message: "TOML syntax: \(error.message)")
    }
    var configuration = DaemonConfiguration(source: source)
    var root = ConfigurationReader(table: document.root, path: "", file: source)

    var daemon = try root.table("daemon")
    configuration.logLevel = try daemon.choice("log_level", default: .info)
    configuration.shutdownGraceSeconds = try daemon.number(
      "shutdown_grace_s", default: 2.5, in: 0...4, unit: "s")
    configuration.stallTimeoutSeconds = try daemon.number(
      "stall_timeout_s", default: 30, in: 0.1...86_400, unit: "s")
    configuration.allowSimulated = try daemon.boolean("allow_simulated", default: false)
    try daemon.finish()

    var spool = try root.table("spool")
    configuration.spool.path = try spool.string("path", default: "./spool")
    if configuration.spool.path.isEmpty { throw spool.error("path", "must not be empty") }
    configuration.spool.limits.maxRecords = try spool.integer(
      "segment_max_records", default: 1000, in: 1...1_000_000)
    configuration.spool.limits.maxBytes = try spool.integer(
      "segment_max_bytes", default: 32 << 20, in: 4096...(1 << 30))
    configuration.spool.limits.maxAgeSeconds = try spool.number(
      "segment_max_age_s", default: 5, in: 0.05...3600, unit: "s")
    configuration.spool.backlogRecords = try spool.integer(
      "backlog_records", default: 20_000, in: 16...10_000_000)
    try spool.finish()

    var detection = try root.table("detection")
    configuration.detection = try DetectionConfiguration.read(&detection)
    try detection.finish()

    var monitor = try root.table("monitor")
    configuration.monitor = try MonitorConfiguration.read(&monitor)
    try monitor.finish()

    var ship = try root.table("ship")
    configuration.ship = try ShipConfiguration.read(&ship)
    try ship.finish()

    var stage = try root.table("stage")
    configuration.stage = try StageConfiguration.read(&stage)
    try stage.finish()

    var calibration = try root.table("calibration")
    var axis = try calibration.table("axis")
    configuration.axisCalibration = try AxisCalibrationConfiguration.read(&axis)
    try axis.finish()
    if calibration.table["intensity"] != nil {
      var intensity = try calibration.table("intensity")
      let response = try IntensityCalibrationConfiguration.read(&intensity)
      try intensity.finish()
      try IntensityCalibrationConfiguration.checkAxis(
        response, against: configuration.axisCalibration, in: intensity)
      configuration.intensityCalibration = response
    }
    try calibration.finish()

    let instruments = try root.tables("instrument")
    var seen: [String: Int] = [:]
    for var reader in instruments {
      let instrument = try readInstrument(&reader, drivers: drivers)
      if let earlier = seen[instrument.id] {
        throw reader.error(
          "id", "\"\(instrument.id)\" is already used by the instrument on line \(earlier)")
      }
      seen[instrument.id] = instrument.line
      configuration.instruments.append(instrument)
    }
    try root.finish()
    return configuration
  }

  private static func readInstrument(
    _ reader: inout ConfigurationReader, drivers: [DriverDeclaration]
  ) throws(ConfigurationError) -> InstrumentConfiguration {
    let id = try reader.string("id")
    guard InstrumentIDRule.isValid(id) else {
      throw reader.error("id", "\(InstrumentIDRule.quoted(id)) \(InstrumentIDRule.explanation)")
    }
    let kind: InstrumentKind = try reader.choice("kind")
    let driverName = try reader.string("driver")
    guard let declaration = drivers.first(where: { $0.name.rawValue == driverName }) else {
      let options = drivers.map { "\"\($0.name)\"" }.joined(separator: ", ")
      throw reader.error("driver", "\"\(driverName)\" is not one of \(options)")
    }
    let exposure = try reader.number(
      "exposure_s", default: kind == .raman ? 1 : 10, in: 0.001...3600, unit: "s")
    guard declaration.kinds.contains(kind) else {
      throw reader.error("kind", declaration.kindMismatch)
    }
    var simulationReader = try reader.table("simulation")
    var simulation = SimulationConfiguration()
    simulation.seed = UInt64(try simulationReader.integer("seed", default: 1, in: 0...Int.max))
    simulation.serial = try simulationReader.string("serial", default: "SIM-\(id)")
    simulation.channels = try simulationReader.integer(
      "channels", default: kind == .raman ? 1024 : 2048, in: 256...8192)
    simulation.acquisitionsPerPoint = try simulationReader.integer(
      "acquisitions_per_point", default: 10, in: 1...1_000_000)
    simulation.pacing = try simulationReader.number("pacing", default: 1, in: 0...1000)
    simulation.axisErrorCm1 = try simulationReader.number(
      "axis_error_cm1", default: 0, in: -50...50, unit: "cm⁻¹")
    simulation.laserErrorNanometres = try simulationReader.number(
      "laser_error_nm", default: 0, in: -2...2, unit: "nm")
    simulation.stallAfterAcquisitions = try simulationReader.optionalNumber(
      "stall_after_acquisitions", in: 0...1e9
    ).map { Int($0) }
    try simulationReader.finish()
    // The chain is on only where the table is given (even empty): without it spectra are
    // recorded exactly as the driver delivers them.
    var chain: AcquisitionChainSettings?
    if reader.table["acquisition"] != nil {
      var acquisitionReader = try reader.table("acquisition")
      chain = try AcquisitionChainSettings.read(&acquisitionReader, exposureSeconds: exposure)
      try acquisitionReader.finish()
    }
    let settings = try declaration.read(
      &reader, DriverReadContext(id: id, kind: kind, exposureSeconds: exposure))
    if !settings.producesSimulatedSpectra && !simulationReader.table.entries.isEmpty {
      throw reader.error(
        "simulation", "only simulated or emulated instruments take a [simulation] table")
    }
    try reader.finish()
    var instrument = InstrumentConfiguration(
      id: id, kind: kind, driver: declaration.name, exposureSeconds: exposure,
      simulation: simulation, driverSettings: settings, line: reader.table.line)
    instrument.acquisitionChain = chain
    return instrument
  }
}
