/// Who produced a spectrum: the configured name plus what the device said about itself.
///
/// Every spool record carries this so that a study can trace each number to one physical device.
public struct InstrumentIdentity: Sendable, Hashable {
  /// The name given to the instrument in the configuration (stable across replugs).
  public var id: String
  /// Raman spectrometer or XRF detector.
  public var kind: InstrumentKind
  /// The model as reported by the device (or the simulator).
  public var model: String
  /// The serial number as reported by the device.
  public var serial: String
  /// The driver family that talks to it, e.g. `simulated`, `amptek-dp5`.
  public var family: String
  /// Firmware version when the device reports one.
  public var firmware: String?

  public init(
    id: String, kind: InstrumentKind, model: String, serial: String, family: String,
    firmware: String? = nil
  ) {
    self.id = id
    self.kind = kind
    self.model = model
    self.serial = serial
    self.family = family
    self.firmware = firmware
  }
}
