/// What kind of calcification a Raman spectrum shows, by which bands were detected.
public enum CalcificationType: String, Sendable, Equatable, CaseIterable {
  /// No calcification band detected (soft tissue, or too noisy to tell).
  case none
  /// Type I: calcium oxalate bands (1463/1476/1490 cm⁻¹).
  case oxalate = "type-I-oxalate"
  /// Type II: a phosphate ν1 band (HAP, whitlockite) at 955–976 cm⁻¹.
  case phosphate = "type-II-phosphate"
  /// A carbonate ν1 band (~1070–1090 cm⁻¹, e.g. calcite) without phosphate ν1: not whitlockite.
  case carbonateOnly = "carbonate-only"
}

/// How one fit window went.
public struct WindowFitReport: Sendable, Equatable {
  /// Pixels in the window.
  public var pixels = 0
  /// The nonlinear fit ran (the linear screen found a band of interest).
  public var refined = false
  /// The nonlinear fit converged (true when it did not need to run).
  public var converged = true
  /// The window could not be fitted at all.
  public var degenerate = false
  /// Levenberg–Marquardt iterations used.
  public var iterations = 0
  /// Residual RMS against the unsmoothed, baseline-corrected counts.
  public var residualRMS = Double.nan
  /// Fitted (or fixed) Lorentzian share η.
  public var lorentzianFraction = Double.nan
  /// Significance (area/σ) of the window's detection group in the linear screen.
  public var screenSignificance = 0.0
  /// Height of the detection group's tallest band over the noise (σ per pixel).
  public var peakToNoise = 0.0

  /// An empty report.
  public init() {}
}
