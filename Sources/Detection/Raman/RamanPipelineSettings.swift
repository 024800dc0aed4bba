/// Every parameter of the Raman pipeline with its documented default. Wavenumbers are cm⁻¹ and
/// never pixels, so the same settings behave alike at 1024, 2048 or 4096 pixels.
///
/// Model assumptions, stated so they can be checked against real spectra: bands are pseudo-Voigt
/// with one Lorentzian share η per fit window; within each window the background left after the
/// global baseline is a straight line; HAP ν1 sits at 955–965 cm⁻¹, whitlockite ν1 at 966–976,
/// ACP at 938–956 and broad (15–40 FWHM); the phenylalanine ring band at ~1003 cm⁻¹ is fitted
/// inside the phosphate window because its tail reaches 1000 cm⁻¹. Band positions come from
/// `reference/science.md`. Centres and widths also carry Gaussian priors (literature value ± a
/// few cm⁻¹, see each `BandPrior`): in a 90 cm⁻¹ window at 1024 pixels there are only ~50 points
/// for 15 parameters, and without priors the broad ACP band trades area with HAP freely.
public struct RamanPipelineSettings: Sendable, Equatable {
  /// Spike (cosmic-ray) removal.
  public struct Despike: Sendable, Equatable {
    /// Remove spikes at all.
    public var enabled = true
    /// Modified z-score of first differences above which a pixel is a spike.
    public var threshold = 25.0
    /// Flags are widened by this much on each side, cm⁻¹ (rounded to whole pixels), to catch a
    /// spike's weaker trailing pixels.
    public var dilationWavenumbers = 0.5
    /// Flagged runs wider than this are treated as real structure and kept, cm⁻¹.
    public var maximumWidthWavenumbers = 8.0
    /// The defaults.
    public init() {}
  }

  /// Background estimation.
  public struct Baseline: Sendable, Equatable {
    /// Algorithm.
    public var method = BaselineMethod.asls
    /// Whittaker smoothness for a 1 cm⁻¹ spacing (AsLS, arPLS); rescaled to the actual spacing.
    /// 1e6 gives the baseline a stiffness length of about 2π·λ^¼ ≈ 200 cm⁻¹: it follows
    /// fluorescence and the detector's QE roll-off but not bands up to ~50 cm⁻¹ wide.
    public var lambda = 1e6
    /// AsLS asymmetry p: weight of points above the baseline.
    public var asymmetry = 0.01
    /// Largest number of reweighting (or clipping) iterations.
    public var maximumIterations = 12
    /// Stop when the relative weight change (or clipping change) falls below this.
    public var tolerance = 1e-3
    /// Polynomial order for `modpoly`.
    public var polynomialOrder = 5
    /// Spacing (cm⁻¹) of the grid the Whittaker baselines (AsLS, arPLS) are solved on: runs of
    /// the most whole points that stay within it are averaged into one and the baseline is
    /// interpolated back (a cubic). A baseline about 200 cm⁻¹ stiff is sampled many times over
    /// at 6 cm⁻¹, and averaging first also keeps the AsLS weights from following single noisy
    /// pixels. nil solves at the spectrum's own points.
    public var solveSpacing: Double? = 6
    /// The defaults.
    public init() {}
  }

  /// Savitzky–Golay smoothing of the baseline-corrected spectrum before fitting.
  public struct Smoothing: Sendable, Equatable {
    /// Smooth at all.
    public var enabled = true
    /// Window width, cm⁻¹ (turned into the nearest odd pixel count ≥ order + 2). Keep it below
    /// the narrowest band's FWHM so the 961/970 pair is not blurred.
    public var windowWavenumbers = 7.0
    /// Polynomial order.
    public var order = 3
    /// The defaults.
    public init() {}
  }

  /// Band fitting.
  public struct Fitting: Sendable, Equatable {
    /// Levenberg–Marquardt iteration limit; hitting it sets `not_converged`.
    public var maximumIterations = 60
    /// χ² improvement, relative to the larger of χ² and the window's pixel count, below which
    /// the fit has converged. χ² is noise-weighted, so 1e-4 stops at Δχ² ≈ 0.01 for a 100-pixel
    /// window: a parameter change of a tenth of its σ at most.
    public var tolerance = 1e-4
    /// Starting (or fixed) Lorentzian share η of the pseudo-Voigt.
    public var lorentzianFraction = 0.5
    /// Fit η (one per window, bounded to 0…1) instead of keeping it fixed. With η fixed, pure
    /// Lorentzian bands leave tails that the fit fills with the neighbouring band (a 0.16 fraction
    /// bias on a pure HAP Lorentzian). Fitting η makes the area σ larger (η trades with the tails),
    /// which is why band *detection* uses the linear screen's significance (see `Decision`).
    public var fitLorentzianFraction = true
    /// A window is refined by the nonlinear fit only when its linear screen finds a band of
    /// interest at least this many σ; otherwise the screen's areas are reported.
    public var screenSignificance = 3.0
    /// The bands that only complete the model (phenylalanine at 1003 and 1032 cm⁻¹, B-type
    /// carbonate, calcite; never evidence for the fraction) are held at zero area in the
    /// nonlinear fit when the linear screen finds them below this many σ. Such a band cannot
    /// place its own centre and width: left free, it wandered over a flat χ² valley (the slowest
    /// fits) or took area from its neighbours. Bands the fraction rests on are always fitted.
    public var nuisanceHoldSignificance = 2.0
    /// Axis spacing (cm⁻¹) at which a band-shape misfit's share of the area σ is counted. Counted
    /// per point instead, the same misfit gives a σ that grows with the spacing, so a band read
    /// by a coarser-sampled instrument (or a binned spectrum) would look less significant than
    /// the same band on a fine axis. nil counts it at the spectrum's own spacing.
    public var misfitReferenceSpacing: Double? = 0.5
    /// The defaults.
    public init() {}
  }

  /// When a band counts as really there.
  public struct Decision: Sendable, Equatable {
    /// A band (or band group) is detected when its area is at least this many σ. The σ is the
    /// larger significance of the linear screen (fixed literature shapes: a matched filter) and
    /// of the full fit, so a free line shape does not hide a clear band.
    public var minimumSignificance = 8.0
    /// The area-weighted centre of HAP + whitlockite must lie here, cm⁻¹ (the literature
    /// 955–976 widened by the tolerated axis offset).
    public var phosphateCentreRange: ClosedRange<Double> = 947...984
    /// The dominant ν1 component's FWHM must lie here, cm⁻¹.
    public var phosphateFWHMRange: ClosedRange<Double> = 4...25
    /// The ν1 peak height must be at least this many times the window's residual RMS.
    public var minimumPeakToNoise = 5.0
    /// A whitlockite fraction with a larger σ is flagged `low_snr`.
    public var maximumFractionSigma = 0.1
    /// The defaults.
    public init() {}
  }

  /// Despiking parameters.
  public var despike = Despike()
  /// Baseline parameters.
  public var baseline = Baseline()
  /// Smoothing parameters.
  public var smoothing = Smoothing()
  /// Fit parameters.
  public var fitting = Fitting()
  /// Detection rule parameters.
  public var decision = Decision()
  /// Phase-naming rules (anchor windows, identifying bands, fraction estimates).
  public var phases = RamanPhaseRules()
  /// Collagen and lipid bands measured from their companions and subtracted where they overlap
  /// the calcifications' identifying bands.
  public var tissue = RamanTissueModel()

  /// The part of the spectrum that is processed at all (despiked, baselined, smoothed), cm⁻¹.
  /// It holds every fit window with a margin so the baseline has context at their edges.
  /// From 800 so the collagen companions (855, 876) have baseline context below them.
  public var processingRange: ClosedRange<Double> = 800...1580

  /// Finest axis spacing the detector analyses, cm⁻¹. A spectrum sampled finer is despiked at its
  /// own pixels and then binned by the fewest pixels whose mean spacing reaches this (RRUFF's
  /// 0.48 cm⁻¹ and a 2048-pixel 190–2010 cm⁻¹ axis by two, 4096 pixels by three). Averaging
  /// neighbours keeps the photons, and the narrowest band the detector fits (~5 cm⁻¹ FWHM) keeps
  /// five or more points per FWHM, so binning costs no information the fits use while the fits
  /// and the baseline run over half the points. nil analyses every spectrum at its own spacing.
  public var analysisSpacing: Double? = 0.9

  /// The phosphate ν1 window, cm⁻¹ (down to 900 so whitlockite's HPO₄ band is inside).
  public var phosphateWindow: ClosedRange<Double> = 900...1015
  /// Amorphous calcium phosphate ν1.
  public var acp = BandPrior(
    name: "acp_950", centre: 950, centreRange: 942...956, fwhm: 25, fwhmRange: 15...40,
    centreSigma: 3, fwhmSigma: 5)
  /// Hydroxyapatite PO₄ ν1.
  public var hap = BandPrior(
    name: "hap_961", centre: 961, centreRange: 947...965.5, fwhm: 10, fwhmRange: 3...25,
    centreSigma: 2, fwhmSigma: 5)
  /// Whitlockite PO₄ ν1.
  public var whitlockite = BandPrior(
    name: "whitlockite_970", centre: 970, centreRange: 966...984, fwhm: 10, fwhmRange: 3...20,
    centreSigma: 2, fwhmSigma: 4)
  /// Whitlockite HPO₄ (P–OH) stretch, ~44 cm⁻¹ below whitlockite ν1; moved by the axis offset
  /// the ν1 anchor implies and started on the local maximum found near it.
  public var hpo4 = BandPrior(
    name: "whitlockite_hpo4_924", centre: 924, centreRange: 920...928, fwhm: 10,
    fwhmRange: 4...18, centreSigma: 2, fwhmSigma: 4)
  /// Merrillite's lower ν1 half (reference position for the axis offset only).
  public var merrillite = BandPrior(
    name: "merrillite_960", centre: 960, centreRange: 955...965, fwhm: 8, fwhmRange: 3...20,
    centreSigma: 2, fwhmSigma: 4)
  /// Phenylalanine ring breathing (tissue).
  public var phenylalanine = BandPrior(
    name: "phenylalanine_1003", centre: 1003, centreRange: 999...1007, fwhm: 7, fwhmRange: 3...15,
    centreSigma: 1.5, fwhmSigma: 3)

  /// The carbonate window, cm⁻¹.
  public var carbonateWindow: ClosedRange<Double> = 1015...1110
  /// Phenylalanine in-plane C–H band (tissue).
  public var phenylalanine1032 = BandPrior(
    name: "phenylalanine_1032", centre: 1032, centreRange: 1027...1037, fwhm: 10,
    fwhmRange: 4...20, centreSigma: 1.5, fwhmSigma: 3)
  /// Apatite phosphate ν3 group, ~86 cm⁻¹ above apatite ν1; moved by the axis offset the ν1
  /// anchor implies.
  public var phosphateNu3 = BandPrior(
    name: "apatite_nu3_1047", centre: 1047, centreRange: 1035...1059, fwhm: 20,
    fwhmRange: 8...40, centreSigma: 4, fwhmSigma: 8)
  /// Carbonate ν1, B-type substitution in apatite.
  public var carbonate = BandPrior(
    name: "carbonate_1070", centre: 1071, centreRange: 1062...1079, fwhm: 12, fwhmRange: 3...30,
    centreSigma: 3, fwhmSigma: 6)

  /// Carbonate ν1 of calcite (and aragonite): the look-alike that is not a phosphate.
  public var calcite = BandPrior(
    name: "calcite_1086", centre: 1086, centreRange: 1080...1092, fwhm: 6, fwhmRange: 2...20,
    centreSigma: 3, fwhmSigma: 6)

  /// Brushite HPO₄ ν1 (the anchor; its fitted centre follows the measured band).
  public var brushite = BandPrior(
    name: "brushite_988", centre: 988.5, centreRange: 985...992, fwhm: 8, fwhmRange: 3...20,
    centreSigma: 2, fwhmSigma: 4)
  /// Brushite's band near 880 cm⁻¹, placed relative to the measured brushite ν1.
  public var brushiteCompanion = BandPrior(
    name: "brushite_880", centre: 880, centreRange: 872...888, fwhm: 12, fwhmRange: 4...30,
    centreSigma: 3, fwhmSigma: 6)
  /// Whewellite (COM) C–C stretch; its centre is the reference for the hydrate and the offset.
  public var whewelliteCC = BandPrior(
    name: "oxalate_com_cc_896", centre: 896, centreRange: 892...900, fwhm: 7, fwhmRange: 2...20,
    centreSigma: 2, fwhmSigma: 4)
  /// Weddellite (COD) C–C stretch.
  public var weddelliteCC = BandPrior(
    name: "oxalate_cod_cc_910", centre: 910, centreRange: 906...914, fwhm: 7, fwhmRange: 2...20,
    centreSigma: 2, fwhmSigma: 4)

  /// The oxalate window, cm⁻¹.
  public var oxalateWindow: ClosedRange<Double> = 1415...1535
  /// CH₂ bending (tissue).
  public var methylene = BandPrior(
    name: "ch2_1445", centre: 1445, centreRange: 1435...1455, fwhm: 30, fwhmRange: 15...50,
    centreSigma: 3, fwhmSigma: 8)
  /// Whewellite (COM) C–O stretch.
  public var whewellite1463 = BandPrior(
    name: "oxalate_com_1463", centre: 1463, centreRange: 1458...1468, fwhm: 8, fwhmRange: 3...18,
    centreSigma: 2, fwhmSigma: 4)
  /// Weddellite (COD) C–O stretch.
  public var weddellite1476 = BandPrior(
    name: "oxalate_cod_1476", centre: 1476, centreRange: 1471...1481, fwhm: 8, fwhmRange: 3...18,
    centreSigma: 2, fwhmSigma: 4)
  /// Whewellite (COM) second C–O band.
  public var whewellite1490 = BandPrior(
    name: "oxalate_com_1490", centre: 1490, centreRange: 1485...1495, fwhm: 8, fwhmRange: 3...18,
    centreSigma: 2, fwhmSigma: 4)

  /// The documented defaults.
  public init() {}

  /// Bands of the phosphate window, in the order results are reported.
  var phosphateBands: [BandPrior] { [acp, hap, whitlockite, phenylalanine, hpo4] }
  /// Bands of the carbonate window.
  var carbonateBands: [BandPrior] { [phenylalanine1032, phosphateNu3, carbonate, calcite] }
  /// Bands of the oxalate window.
  var oxalateBands: [BandPrior] { [methylene, whewellite1463, weddellite1476, whewellite1490] }
  /// Every band prior, as recorded with each result.
  var allBands: [BandPrior] {
    phosphateBands + [merrillite] + carbonateBands + [brushite, brushiteCompanion]
      + [whewelliteCC, weddelliteCC] + oxalateBands + tissue.allBands
  }
}
