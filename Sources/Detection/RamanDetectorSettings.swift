/// Parameters of the Raman phosphate detector; each is written into the detection record.
///
/// Defaults follow `reference/science.md`: HAP PO₄ ν1 at 961 cm⁻¹, whitlockite ν1 at 970 cm⁻¹,
/// both about 10 cm⁻¹ wide, fitted over 930–1000 cm⁻¹ on a local linear baseline.
public struct RamanDetectorSettings: Sendable, Equatable {
  /// Lower edge of the fit window, cm⁻¹.
  public var windowLower: Double = 930
  /// Upper edge of the fit window, cm⁻¹.
  public var windowUpper: Double = 1000
  /// Centre of the hydroxyapatite ν1 band, cm⁻¹.
  public var hapCentre: Double = 961
  /// Centre of the whitlockite ν1 band, cm⁻¹.
  public var whitlockiteCentre: Double = 970
  /// FWHM of both fixed-shape Lorentzian bands, cm⁻¹.
  public var bandFWHM: Double = 10
  /// The phosphate band counts as present when its total area is positive and at least this many
  /// standard deviations.
  public var detectionThreshold: Double = 5
  /// A detected band whose whitlockite fraction has a larger σ than this is flagged `low_snr`.
  public var maximumFractionSigma: Double = 0.1
  /// Fewest pixels in the window for a fit (the model has four parameters).
  public var minimumWindowPixels: Int = 8

  /// Settings with the documented defaults.
  public init() {}
}
