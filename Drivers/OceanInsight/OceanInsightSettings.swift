import WhitlockCore

/// How to drive one Ocean Insight spectrometer.
public struct OceanInsightSettings: Sendable {
  /// The model; `nil` asks an OBP device for its product ID (serial links).
  public var model: OceanModel?
  /// The model the configuration names when `model` is `nil`: a device that reports another
  /// product ID is refused on open, so a swapped cable never feeds the wrong calibration.
  public var expectedModel: OceanModel?
  /// The laser wavelength, nm; the device does not know it, the configuration does.
  public var excitationNanometres: Double
  /// Integration time per spectrum, s; checked against the model's limits on open.
  public var integrationSeconds: Double
  /// How long to wait for a reply beyond the integration time.
  public var replyTimeout: Duration = .seconds(1)
  /// Tries per OBP exchange before giving up.
  public var attempts = Self.defaultAttempts
  /// The default of `attempts`.
  public static let defaultAttempts = 3

  public init(model: OceanModel?, excitationNanometres: Double, integrationSeconds: Double) {
    self.model = model
    self.excitationNanometres = excitationNanometres
    self.integrationSeconds = integrationSeconds
  }
}

/// How whitlockd reaches an Ocean Insight spectrometer: a function that opens the transport, called
/// on every `open()` so a failed device can be reopened.
public enum OceanInsightLink: Sendable {
  /// OBP over a serial line or pseudo-terminal.
  case serial(@Sendable () async throws -> any ByteStream)
  /// OBP or OOI (by model) over USB bulk endpoints.
  case usb(@Sendable () async throws -> any USBInterface)
}
