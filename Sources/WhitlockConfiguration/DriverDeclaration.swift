import WhitlockCore

/// The value of an instrument's `driver` key: which driver talks to the device.
///
/// Each instrument family names its drivers beside its declaration (`DriverName.wasatch` lives
/// in the Wasatch family's folder), so the configuration schema knows no family by name.
public struct DriverName: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
  /// The text written in the configuration, records and logs, e.g. `ocean-obp`.
  public let rawValue: String

  /// A driver name as written in the configuration.
  public init(_ rawValue: String) { self.rawValue = rawValue }

  /// A driver name from a literal.
  public init(stringLiteral value: String) { self.rawValue = value }

  public var description: String { rawValue }

  /// A physically modelled instrument inside the daemon, for demos and tests.
  public static let simulated = DriverName("simulated")
}

/// One driver an instrument family offers to the configuration: its name, the kinds of
/// instrument it drives, and how it reads and validates its own keys.
///
/// The loader knows drivers only through these declarations; a family adds a driver without
/// touching the schema.
public struct DriverDeclaration: Sendable {
  /// Reads the driver's keys of one `[[instrument]]` (its own keys, an `[instrument.device]` or
  /// other sub-table) and returns the validated settings; errors name file, line and key.
  package typealias Reader =
    @Sendable (inout ConfigurationReader, DriverReadContext) throws(ConfigurationError) ->
    any InstrumentDriverSettings

  /// The `driver` value.
  public var name: DriverName
  /// What the driver drives; another `kind` is a configuration error.
  public var kinds: [InstrumentKind]
  /// Reads and validates the driver's keys.
  package var read: Reader

  /// Declares a driver.
  package init(name: DriverName, kinds: [InstrumentKind], read: @escaping Reader) {
    self.name = name
    self.kinds = kinds
    self.read = read
  }

  /// What the loader says when an instrument of another kind names this driver.
  var kindMismatch: String {
    if kinds == [.xrf] { return "the \(name) driver drives XRF detectors; set kind = \"xrf\"" }
    if kinds == [.raman] { return "driver \"\(name)\" drives Raman spectrometers" }
    return "driver \"\(name)\" drives " + kinds.map(\.rawValue).joined(separator: " or ")
  }
}

/// What a driver may need to know about the instrument whose keys it reads.
public struct DriverReadContext: Sendable {
  /// The instrument's id.
  public var id: String
  /// Raman or XRF.
  public var kind: InstrumentKind
  /// `exposure_s`, already validated.
  public var exposureSeconds: Double
}
