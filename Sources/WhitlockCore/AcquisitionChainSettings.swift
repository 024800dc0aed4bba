/// How a session turns frames into spectra for an instrument that `AdjustsExposure`:
/// averaging, boxcar, auto-exposure, dark subtraction and non-linearity correction
/// (`[instrument.acquisition]`; without the table there is no chain).
public struct AcquisitionChainSettings: Sendable, Equatable {
  /// The exposure before auto-exposure (or the fixed one), s: the instrument's `exposure_s`.
  public var exposureSeconds: Double
  /// Scans averaged into one spectrum.
  public var scansToAverage = 1
  /// Boxcar half-width in pixels (0: none).
  public var boxcarHalfWidth = 0
  /// Auto-exposure, `nil` for a fixed exposure.
  public var autoExposure: AutoExposureSettings? = nil
  /// When a dark stops fitting.
  public var darkRules = DarkRules()
  /// Whether the device's non-linearity polynomial is applied (once it passed its check).
  public var correctNonlinearity = true

  public init(exposureSeconds: Double) {
    self.exposureSeconds = exposureSeconds
  }
}
