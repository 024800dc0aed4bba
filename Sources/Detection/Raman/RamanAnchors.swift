/// One anchor candidate: the most prominent local maximum inside an anchor window of the
/// smoothed, baseline-corrected spectrum.
struct AnchorBand {
  /// Centre by parabolic interpolation, cm⁻¹ (NaN when none was found).
  var position = Double.nan
  /// Prominence: height over the mean of the spectrum 12 cm⁻¹ either side, counts per pixel.
  var height = 0.0
  /// Prominence over the pixel noise (or the fitted height over the fit's noise once fitted).
  var peakToNoise = 0.0

  /// Whether a candidate above the noise threshold was found.
  var found: Bool { position.isFinite }
}

/// The anchor candidates of one spectrum (see `RamanPhaseRules`).
struct RamanAnchors {
  /// Oxalate C–C stretch (886–920).
  var oxalateCC = AnchorBand()
  /// Crystalline phosphate ν1 (940–981).
  var nu1 = AnchorBand()
  /// Whitlockite's HPO₄ band (a weak local maximum near 924, searched for relative to ν1).
  var hpo4 = AnchorBand()
  /// Brushite ν1 (981–999).
  var brushite = AnchorBand()
  /// Calcite ν1 (1076–1098).
  var calcite = AnchorBand()
  /// Oxalate C–O stretch (1452–1500).
  var oxalateCO = AnchorBand()
  /// Linear-screen significance of the C–C band (fixed shape on the anchor: a matched filter).
  var oxalateCCScreenSignificance = 0.0
  /// Linear-screen significance of the brushite ν1 band.
  var brushiteScreenSignificance = 0.0
  /// The HPO₄ band's centre or width ended on a bound: not a resolved band, so not evidence.
  var hpo4AtBound = false
  /// The apatite ν3 band's centre or width ended on a bound.
  var nu3AtBound = false
  /// The brushite companion's window lies inside the spectrum.
  var brushiteCompanionInRange = false

  /// The tallest prominence of all candidates.
  var tallestHeight: Double {
    max(oxalateCC.height, nu1.height, brushite.height, calcite.height, oxalateCO.height)
  }
}
