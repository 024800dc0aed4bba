/// Every parameter of the XRF Mg/Ca pipeline with its documented default (energies in keV).
///
/// Model assumptions: lines are Gaussians whose FWHM follows the silicon-drift-detector law
/// FWHM(E) = sqrt(FWHM0² + k·E) with k = 8·ln2·F·ε ≈ 0.002327 keV (Fano factor F = 0.115,
/// pair energy ε = 3.65 eV: physics of silicon, not of one detector); strong lines above the Si K
/// edge have escape peaks 1.74 keV lower; the continuum is smooth on the scale of the SNIP window
/// except under Mg Kα, where window and air absorption bend it and the Mg area is therefore
/// re-measured on raw counts with a local quadratic background and its neighbours' lines
/// (`reference/science.md`: SNIP alone overestimated Mg/Ca by ~80 %). Lines, intensities and
/// escape fractions from `XRFLineLibrary`.
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
  /// Elements whose K families (and L families, for Zn–Sr when their K lines are fitted) the
  /// main fit models, by symbol. Empty: chosen automatically: every K family of Z = 11–38 with
  /// its Kα inside the fit range is fitted, and those below `elementSignificance` are dropped
  /// until all that remain are significant. Na, Mg, P and Ca are always fitted (their areas are
  /// in every record).
  public var elements: [String] = []
  /// X-ray tube anode whose scattered L lines are fitted (Mo, Rh, Pd, Ag, W), or nil.
  public var anode: String? = nil
  /// Automatic selection keeps an element whose area is at least this many σ.
  public var elementSignificance = 3.0
  /// Relative model error of the line shapes, added to the Poisson variance of each channel
  /// (variance = counts + (ε·counts)²): Gaussians do not follow a 10⁶-count peak to 0.1 %, and
  /// without this term the misfit at the largest peaks sets every σ.
  public var modelError = 0.02
  /// Knot spacing of the smooth correction to the SNIP background fitted with the lines, keV
  /// (triangular functions two spacings wide; nil: none). SNIP clips low where counts are few
  /// and misses the continuum's bends; left uncorrected, that surplus shows up as small areas
  /// in every line of the library. It starts above the Mg re-fit range: below, a smooth
  /// function two spacings wide could stand in for the Na–Si cluster, and Mg is re-fitted on
  /// raw counts there anyway.
  public var backgroundCorrectionSpacing: Double? = 1.0
  /// Fit the energy offset and scale and the width law (FWHM0, Fano slope) to the spectrum.
  public var refineAxis = true
  /// With `refineAxis`, also fit the detector's line shape beyond the Gaussian: a short
  /// low-energy tail and a step (PyMca's hypermet), shared by every line. Without the step, the
  /// shelf that the strong Mg–Si lines leave under Na Kα is fitted as Na.
  public var lineTails = true
  /// Largest shift of the energy axis the refinement may make, keV.
  public var axisOffsetLimit = 0.05
  /// Model sum (pile-up) peaks of the four strongest lines.
  public var sumPeaks = true
  /// Elements that are always fitted and reported.
  public static let reportedElements = ["Na", "Mg", "P", "Ca"]
  /// Si Kα energy carried off by an escape, keV.
  static let siliconKAlpha = 1.740
  /// Energy carried away by an escaping Si Kα photon, keV.
  public var escapeEnergy = 1.74
  /// Electronic-noise width FWHM0, keV.
  public var fwhmZero = 0.070
  /// Fano slope k of FWHM² = FWHM0² + k·E, keV.
  public var fwhmSlope = 0.002327
  /// Energy range of the main fit, keV (its upper end is cut to the spectrum's last channel).
  public var fitRange: ClosedRange<Double> = 0.85...16
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
  /// Name of the calibration the sensitivities come from (a standard and a date, written by
  /// `whitlockctl calibrate xrf`), or nil when uncalibrated; written into every record.
  public var calibrationName: String? = nil
  /// Relative sensitivity factors by element: (X/Ca net-area ratio) per unit molar X/Ca, from a
  /// standard. An element without one has its ratio to Ca reported as a net-area ratio,
  /// flagged `uncalibrated` (for Mg).
  public var sensitivities: [String: Double] = [:]
  /// The Mg/Ca relative sensitivity factor (`sensitivities["Mg"]`); nil means uncalibrated.
  public var relativeSensitivityFactor: Double? {
    get { sensitivities["Mg"] }
    set { sensitivities["Mg"] = newValue }
  }
  /// The calibration standard's Rh L scatter reference (`XRFSoftXRayAttenuation.reference`),
  /// or nil: with it and `standardComposition`, ratios to Ca are corrected for soft X-ray
  /// attenuation that differs from the standard's, measured in each spectrum
  /// (`XRFSoftXRayAttenuation`; needs `anode = "Rh"` and a fit range reaching 14 keV).
  public var attenuationReference: Double? = nil
  /// The calibration standard's certified composition, wt % by element: the absorber of the
  /// attenuation correction and the set of major elements that make the unknown's matrix.
  public var standardComposition: [String: Double] = [:]
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
}
