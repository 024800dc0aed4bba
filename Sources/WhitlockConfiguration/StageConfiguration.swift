/// The `[stage]` table: the motorised XY stage that maps move, if any.
///
/// ```toml
/// [stage]
/// driver = "proscan"            # "proscan" (Prior ProScan III), "tango" (Märzhäuser TANGO) or "simulated"
/// port = "/dev/ttyUSB0"         # serial port of proscan and tango
/// baud_rate = 9600              # proscan 9600, tango 57600 by default
/// speed_percent = 100           # proscan: SMS at open, 1–100 (tango: not used)
/// acceleration_percent = 100    # proscan: SAS at open, 1–100
/// settle_timeout_s = 60         # longest wait for a move to end
/// demo_map = 12                 # simulated only: scan a 12 × 12 map of the simulated specimen, again and again
/// ```
///
/// Without the table no stage is driven and the map API refuses maps, naming the table.
public struct StageConfiguration: Sendable, Equatable {
  /// The stage drivers.
  public enum Driver: String, Sendable, Equatable, CaseIterable {
    /// Prior ProScan III over a serial port.
    case proscan
    /// Märzhäuser TANGO over a serial port.
    case tango
    /// A stage simulated in process (its moves timed like the emulated ProScan); the simulated
    /// instruments then measure a simulated specimen at its position.
    case simulated
  }

  /// Which controller.
  public var driver: Driver
  /// The serial port (`port`), for `proscan` and `tango`.
  public var port: String?
  /// Baud rate of the serial port.
  public var baudRate: Int
  /// ProScan `SMS` at open, per cent; `nil` keeps the controller's.
  public var speedPercent: Int?
  /// ProScan `SAS` at open, per cent; `nil` keeps the controller's.
  public var accelerationPercent: Int?
  /// Longest wait for a move to end, s.
  public var settleTimeoutSeconds: Double
  /// Simulated stage only: points per side of a demo map of the simulated specimen that the
  /// daemon scans again and again while no other map runs; `nil`: no demo.
  public var demoMapSide: Int?
  /// The line of `[stage]`, for messages.
  public var line: Int

  /// Whether the stage is simulated (refused by `--service` unless `allow_simulated`).
  public var isSimulated: Bool { driver == .simulated }

  /// A stage configuration (tests, the embedded default).
  public init(
    driver: Driver, port: String? = nil, baudRate: Int? = nil, speedPercent: Int? = nil,
    accelerationPercent: Int? = nil, settleTimeoutSeconds: Double = 60, line: Int = 0
  ) {
    self.driver = driver
    self.port = port
    self.baudRate = baudRate ?? (driver == .tango ? 57_600 : 9600)
    self.speedPercent = speedPercent
    self.accelerationPercent = accelerationPercent
    self.settleTimeoutSeconds = settleTimeoutSeconds
    self.line = line
  }

  static func read(_ reader: inout ConfigurationReader) throws(ConfigurationError)
    -> StageConfiguration?
  {
    guard !reader.table.entries.isEmpty else { return nil }
    let driver: Driver = try reader.choice("driver")
    let port = try reader.optionalString("port")
    let baud = try reader.integer(
      "baud_rate", default: driver == .tango ? 57_600 : 9600, in: 300...4_000_000)
    let speed: Int? =
      reader.table["speed_percent"] == nil
      ? nil : try reader.integer("speed_percent", default: 100, in: 1...100)
    let acceleration: Int? =
      reader.table["acceleration_percent"] == nil
      ? nil : try reader.integer("acceleration_percent", default: 100, in: 1...100)
    let settle = try reader.number("settle_timeout_s", default: 60, in: 0.1...3600, unit: "s")
    let demo = try reader.integer("demo_map", default: 0, in: 0...100)
    if demo > 0, driver != .simulated {
      throw reader.error("demo_map", "applies to driver \"simulated\" only")
    }
    switch driver {
    case .proscan, .tango:
      guard let port else {
        throw reader.error(
          "port", "required for driver \"\(driver.rawValue)\" (e.g. \"/dev/ttyUSB0\")")
      }
      guard port.hasPrefix("/") else {
        throw reader.error("port", "\"\(port)\" is not an absolute device path")
      }
      if driver == .tango, speed != nil || acceleration != nil {
        throw reader.error(
          speed != nil ? "speed_percent" : "acceleration_percent",
          "applies to driver \"proscan\" only")
      }
    case .simulated:
      if port != nil {
        throw reader.error("port", "the simulated stage has no port; remove the key")
      }
    }
    var stage = StageConfiguration(
      driver: driver, port: port, baudRate: baud, speedPercent: speed,
      accelerationPercent: acceleration, settleTimeoutSeconds: settle, line: reader.table.line)
    stage.demoMapSide = demo > 0 ? demo : nil
    return stage
  }
}
