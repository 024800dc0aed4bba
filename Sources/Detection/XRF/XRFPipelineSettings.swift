/// Every parameter of the XRF Mg/Ca pipeline with its documented default (energies in keV).
///
/// Model assumptions: lines are Gaussians whose FWHM follows the silicon-drift-detector law
/// FWHM(E) = sqrt(FWHM0² + k·E) with k = 8·ln2·F·ε ≈ 0.002327 keV (Fano factor F = 0.115,
/// pair energy ε = 3.65 eV: physics of silicon, not of one detector); strong lines above the Si K
/// edge have escape peaks 1.74 keV lower; the continuum is smooth on the scale of the SNIP window
/// except under Mg Kα, where window and air absorption bend it and the Mg area is therefore
/// re-measured on raw counts with a local quadratic background (`reference/science.md`: SNIP
/// alone overestimated Mg/Ca by ~80 %). Line energies from `reference/science.md`.
public struct XRFPipelineSettings: Sendable, Equatable {
  /// One fluorescence line of the fit.
  public struct Line: Sendable, Equatable {
    /// Name written into records.
    public var name: String
    /// Energy, keV.
    public var energy: Double
    /// Whether the line produces a Si escape peak inside the fit range.
    public var escape: Bool

    /// Creates a line.
    public init(name: String, energy: Double, escape: Bool = false) {
      self.name = name
      self.energy = energy
      self.escape = escape
    }
  }

  /// Mg Kα.
  public var magnesium = Line(name: "Mg Ka", energy: 1.254)
  /// P Kα.
  public var phosphorus = Line(name: "P Ka", energy: 2.013)
  /// Ca Kα (with escape peak).
  public var calcium = Line(name: "Ca Ka", energy: 3.691, escape: true)
  /// Ca Kβ (with escape peak).
  public var calciumBeta = Line(name: "Ca Kb", energy: 4.013, escape: true)
  /// Other lines in the fit range that must be modelled so they do not leak into the above
  /// (S, Cl, K Kα of soft tissue).
  public var interferingLines: [Line] = [
    Line(name: "S Ka", energy: 2.307), Line(name: "Cl Ka", energy: 2.622),
    Line(name: "K Ka", energy: 3.313),
  ]
  /// Energy carried away by an escaping Si Kα photon, keV.
  public var escapeEnergy = 1.74
  /// Electronic-noise width FWHM0, keV.
  public var fwhmZero = 0.070
  /// Fano slope k of FWHM² = FWHM0² + k·E, keV.
  public var fwhmSlope = 0.002327
  /// Energy range of the main fit, keV.
  public var fitRange: ClosedRange<Double> = 0.9...4.45
  /// SNIP clipping window (half-width), keV; about twice the FWHM of the lines it must remove.
  public var snipWidth = 0.3
  /// Finest channel spacing analysed, keV: a finer spectrum (4096 channels over 20 keV) has
  /// adjacent channels summed first, by the fewest that reach it. Sums of Poisson counts are
  /// Poisson counts, and lines 70 eV and wider stay seven channels wide, so the fits lose no
  /// information while running over half the channels. nil analyses every channel.
  public var analysisSpacing: Double? = 0.01
  /// Mg Kα local re-fit range on raw counts, keV. Narrow enough for a quadratic to follow the
  /// absorption bend of the continuum, wide enough to pin the background on both sides.
  public var magnesiumRefitRange: ClosedRange<Double> = 0.95...1.6
  /// Polynomial order of the local background under Mg Kα.
  public var magnesiumBackgroundOrder = 2
  /// Relative sensitivity factor: (Mg/Ca net-area ratio) per unit molar Mg/Ca, from a standard.
  /// `nil` means uncalibrated: the raw net-area ratio is reported and flagged `uncalibrated`.
  public var relativeSensitivityFactor: Double? = nil
  /// Ca Kα must be at least this many σ for a ratio.
  public var calciumSignificance = 3.0
  /// Mg Kα below this many σ is flagged `mg_not_significant`.
  public var magnesiumSignificance = 3.0

  /// The documented defaults.
  public init() {}

  /// Line width (FWHM, keV) at `energy` keV.
  public func fwhm(atEnergy energy: Double) -> Double {
    (fwhmZero * fwhmZero + fwhmSlope * max(energy, 0)).squareRoot()
  }

  /// Every line of the main fit with escapes appended: Mg, P, Ca Kα, Ca Kβ, interferences,
  /// escapes.
  var fitLines: [Line] {
    var lines = [magnesium, phosphorus, calcium, calciumBeta] + interferingLines
    for line in lines where line.escape && line.energy - escapeEnergy > fitRange.lowerBound {
      lines.append(Line(name: line.name + " escape", energy: line.energy - escapeEnergy))
    }
    return lines
  }
}
