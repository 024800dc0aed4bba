/// Everything the Raman pipeline measured in one spectrum. A plain value without arrays, so
/// producing it allocates nothing. Areas are counts summed over pixels after baseline removal;
/// positions and widths are cm⁻¹; optional values are `nil` when not measurable.
public struct RamanAnalysis: Sendable, Equatable {
  /// Pixels in the spectrum and in the processed range.
  public var pixelCount = 0
  /// Pixels inside the processing range.
  public var processedPixels = 0
  /// Points of the analysis axis: the processed pixels after binning to the analysis spacing
  /// (equal to `processedPixels` when the spectrum is not finer than it).
  public var analysisPoints = 0
  /// Processed pixels at full scale.
  public var saturatedPixels = 0
  /// Pixels replaced by the spike filter.
  public var spikePixelsRemoved = 0
  /// Baseline iterations used.
  public var baselineIterations = 0

  /// Amorphous calcium phosphate ν1 (~950).
  public var acp = FittedBand()
  /// Hydroxyapatite ν1 (~961).
  public var hap = FittedBand()
  /// Whitlockite ν1 (~970).
  public var whitlockite = FittedBand()
  /// Phenylalanine 1003 (tissue).
  public var phenylalanine = FittedBand()
  /// Phenylalanine 1032 (tissue).
  public var phenylalanine1032 = FittedBand()
  /// Phosphate ν3 (~1046).
  public var phosphateNu3 = FittedBand()
  /// Carbonate ν1, B-type in apatite (~1070).
  public var carbonate = FittedBand()
  /// Carbonate ν1 of calcite (~1086).
  public var calcite = FittedBand()
  /// CH₂ bending (tissue, ~1445).
  public var methylene = FittedBand()
  /// Oxalate C–O band below the C–O anchor (whewellite 1463 when the anchor is 1490).
  public var whewellite1463 = FittedBand()
  /// Oxalate C–O anchor band (the strongest in 1452–1500).
  public var weddellite1476 = FittedBand()
  /// Oxalate C–O band above the C–O anchor (whewellite 1490 when the anchor is 1463).
  public var whewellite1490 = FittedBand()
  /// Whitlockite HPO₄ band (~924), started on the local maximum near it.
  public var hpo4 = FittedBand()
  /// Oxalate C–C stretch (~896 whewellite, ~910 weddellite).
  public var oxalateCC = FittedBand()
  /// Brushite ν1 (~988).
  public var brushite = FittedBand()
  /// Brushite's ~880 band.
  public var brushiteCompanion = FittedBand()

  /// Fit reports per window.
  public var phosphateFit = WindowFitReport()
  /// Carbonate window report.
  public var carbonateFit = WindowFitReport()
  /// Oxalate window report.
  public var oxalateFit = WindowFitReport()

  /// Crystalline phosphate ν1 area A961 + A970 and its σ (with their covariance).
  public var phosphateArea = Double.nan
  /// σ of `phosphateArea`.
  public var phosphateAreaSigma = Double.nan
  /// Area-weighted centre of HAP + whitlockite, cm⁻¹.
  public var phosphateCentre = Double.nan
  /// A phosphate ν1 band is really there (significance, centre, width and height tests passed).
  public var phosphateDetected = false
  /// Total oxalate area (1463 + 1476 + 1490) and σ.
  public var oxalateArea = Double.nan
  /// σ of `oxalateArea`.
  public var oxalateAreaSigma = Double.nan
  /// Oxalate bands detected.
  public var oxalateDetected = false
  /// Carbonate ν1 (B-type or calcite) detected.
  public var carbonateDetected = false

  /// A970 / (A961 + A970), only when `phosphateDetected`.
  public var whitlockiteFraction: Double?
  /// σ of the fraction by first-order propagation with the area covariance.
  public var whitlockiteFractionSigma: Double?
  /// FWHM of the HAP ν1 band (narrower = more crystalline), when HAP is significant.
  public var crystallinityFWHM: Double?
  /// σ of `crystallinityFWHM`.
  public var crystallinityFWHMSigma: Double?
  /// Carbonate ν1 area over crystalline phosphate ν1 area, when phosphate is detected.
  public var carbonateToPhosphate: Double?
  /// σ of `carbonateToPhosphate` (windows treated as independent).
  public var carbonateToPhosphateSigma: Double?
  /// What was found.
  public var calcificationType = CalcificationType.none
  /// The phase the spectrum is named for (the strongest called phase).
  public var phase = MineralPhase.none
  /// Evidence for every phase looked for.
  public var phases = PhaseEvidenceSet()
  /// Axis offset: the named phase's anchor band centre minus its reference position, cm⁻¹.
  public var axisOffset: Double?
  /// σ of `axisOffset` (fit σ and the reference's natural spread).
  public var axisOffsetSigma: Double?
  /// Whether the spectrum was analysed on a calibrated axis (`RamanAxisAccuracy`).
  public var axisCalibrated = false
  /// The axis offset the detector tolerated for this spectrum, cm⁻¹: the phase rules'
  /// `offsetTolerance` uncalibrated, less on a calibrated axis.
  public var offsetTolerance = Double.nan
  /// The whitlockite fraction estimated from identifying bands alone (HPO₄, ν3, doublet).
  public var evidenceFraction: Double?
  /// σ of `evidenceFraction`.
  public var evidenceFractionSigma: Double?
  /// The whitlockite fraction from the ν1 positions alone, A970/(A961 + A970).
  public var positionFraction: Double?
  /// σ of `positionFraction`, including the rules' systematic term.
  public var positionFractionSigma: Double?
  /// Collagen and lipid companions and the overlapping bands subtracted for them.
  public var tissue = TissueMeasurement()
  /// The open-set checks: lone band, bands the known phases leave unexplained, misfit.
  public var openSet = OpenSetReport()
  /// Quality flags.
  public var flags = QualityFlags()

  /// An empty analysis.
  public init() {}

  /// Phosphate area over its σ, or 0.
  public var phosphateSignificance: Double {
    guard phosphateArea.isFinite, phosphateAreaSigma.isFinite, phosphateAreaSigma > 0 else {
      return 0
    }
    return phosphateArea / phosphateAreaSigma
  }
}
