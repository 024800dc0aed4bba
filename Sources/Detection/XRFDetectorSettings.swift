/// Parameters of the XRF Mg/Ca detector; each is written into the detection record.
///
/// Line windows are ±`windowHalfWidthFactor`·FWHM(E) around each line, with the SDD width law
/// FWHM(E) = sqrt(FWHM0² + k·E) (k = 8·ln2·F·ε ≈ 2.33 eV for silicon, F = 0.115, ε = 3.65 eV).
/// The background under each line is interpolated linearly between two side windows, each
/// `sideWindowWidthFactor`·FWHM wide, that touch the line window on either side.
public struct XRFDetectorSettings: Sendable, Equatable {
  /// Mg Kα energy, keV.
  public var magnesiumEnergy: Double = 1.254
  /// Ca Kα energy, keV.
  public var calciumEnergy: Double = 3.691
  /// Electronic-noise width FWHM0, keV.
  public var fwhmZero: Double = 0.070
  /// Fano slope k of FWHM² = FWHM0² + k·E, keV.
  public var fwhmSlope: Double = 0.002327
  /// Half-width of each line window in units of the line's FWHM.
  public var windowHalfWidthFactor: Double = 1.2
  /// Width of each background side window in units of the line's FWHM. Half a FWHM keeps the
  /// window above Ca Kα clear of Ca Kβ (4.013 keV).
  public var sideWindowWidthFactor: Double = 0.5
  /// Relative sensitivity factor: Mg/Ca net-area ratio per unit molar Mg/Ca, from a standard.
  /// `nil` means uncalibrated: the raw net-area ratio is reported and flagged `uncalibrated`.
  public var relativeSensitivityFactor: Double? = nil
  /// The Ca line is significant when its net area is positive and at least this many σ.
  public var calciumSignificance: Double = 3
  /// The Mg line is flagged `mg_not_significant` below this many σ.
  public var magnesiumSignificance: Double = 3

  /// Settings with the documented defaults.
  public init() {}

  /// Line width (FWHM, keV) at `energy` keV.
  public func fwhm(atEnergy energy: Double) -> Double {
    (fwhmZero * fwhmZero + fwhmSlope * max(energy, 0)).squareRoot()
  }
}
