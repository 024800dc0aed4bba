/// The rules that name the mineral phases of a spectrum from several bands, not from the ν1
/// position alone, and that keep a call stable when the instrument's axis is off by a few cm⁻¹.
///
/// How they are used (see `RamanPipeline`): the strongest local maximum inside each *anchor
/// window* is an anchor candidate (oxalate C–C stretch, phosphate ν1, brushite HPO₄ ν1, calcite
/// ν1, oxalate C–O stretch). Each window is the phase's literature range widened by
/// the tolerated offset, so an axis off by up to that much still finds the band. Bands that identify
/// a phase are then looked for *relative to the anchor*: whitlockite's HPO₄ band ~44 cm⁻¹ below
/// its ν1, apatite's ν3 ~86 cm⁻¹ above its ν1, brushite's ~880 band ~106 below its ν1, the
/// whewellite C–O doublet 27 apart. Relative positions do not move with an axis offset.
///
/// The whitlockite fraction is the *evidence* estimate from those secondary bands (HPO₄/ν1
/// against `whitlockiteHPO4Ratio`, ν3/ν1 against `apatiteNu3Ratio`, a resolved 960/976 doublet
/// as whitlockite-group evidence) wherever one of them is significant. Only where none is does
/// the *position* estimate A970/(A961 + A970) of the two ν1 components enter, combined with the
/// weak evidence by inverse variance, its σ carrying `positionFractionSigma` for the axis offset
/// and natural-position spread it cannot see: read on an axis a few cm⁻¹ high, apatite's ν1 sits
/// where whitlockite's would. The phase is named from the evidence alone
/// (`phosphate-undetermined` when no identifying band is significant).
///
/// The tolerated offset is `offsetTolerance` on an axis as the instrument gives it and shrinks on
/// a calibrated one (see `offsetTolerance(for:)`): the anchor windows, the HPO₄ search, the
/// apatite ν3 range, the hydrate rule and the brushite exclusion of the open-set check all use
/// the tolerance in effect, which every result records.
public struct RamanPhaseRules: Sendable, Equatable {
  /// Largest axis offset tolerated on an uncalibrated axis, cm⁻¹. The anchor windows below are
  /// the literature ranges widened by this much.
  public var offsetTolerance = 8.0
  /// Tolerated offset on a calibrated axis before the calibration's own scatter is added, cm⁻¹:
  /// the largest residual of a reference band on an axis calibrated from lamp and silicon
  /// (measured over the CHARISMA round-robin setups, docs/calibration.md), rounded up.
  public var calibratedOffsetMargin = 3.0
  /// A calibrated axis tolerates `calibratedOffsetMargin` plus this many times the
  /// calibration's lamp-line residual RMS.
  public var calibratedLineResidualFactor = 2.0
  /// Oxalate C–C stretch anchor window (whewellite ~896, weddellite ~910), cm⁻¹.
  public var oxalateCCWindow: ClosedRange<Double> = 886...920
  /// Crystalline phosphate ν1 anchor window (apatite, whitlockite, merrillite), cm⁻¹.
  public var phosphateNu1Window: ClosedRange<Double> = 940...981
  /// Brushite HPO₄ ν1 anchor window (985–991 in the literature), cm⁻¹.
  public var brushiteWindow: ClosedRange<Double> = 981...1001
  /// Calcite (and aragonite) carbonate ν1 anchor window (~1086), cm⁻¹.
  public var calciteWindow: ClosedRange<Double> = 1076...1098
  /// Oxalate C–O stretch anchor window (1463/1490 whewellite, 1476 weddellite), cm⁻¹.
  public var oxalateCOWindow: ClosedRange<Double> = 1452...1500
  /// A phase whose anchor band is below this share of the tallest anchor band is reported as
  /// evidence but not called (a trace band next to a dominant phase).
  public var minimumAnchorShare = 0.2
  /// A secondary (identifying) band counts as present at this many σ of its area.
  public var evidenceSignificance = 3.0
  /// Where the HPO₄ band's local maximum is found, its fit may move this far from it, cm⁻¹.
  public var hpo4SearchHalfWidth = 3.0
  /// HPO₄ band area over the ν1 area in pure whitlockite (typical 0.05–0.1).
  public var whitlockiteHPO4Ratio = 0.07
  /// Apatite ν3 (1030–1060 group) area over the ν1 area in pure apatite (typical 0.05–0.2).
  public var apatiteNu3Ratio = 0.10
  /// Tissue phenylalanine's 1032 band over its 1003 band; only 1032 area beyond this share of
  /// the 1003 area counts as apatite ν3 evidence.
  public var phenylalanine1032Ratio = 0.5
  /// Relative spread of those ratios between samples: the evidence fraction f gets a
  /// systematic σ of `evidenceRatioSpread`·f·(1 − f).
  public var evidenceRatioSpread = 0.4
  /// Systematic σ of the position estimate A970/(A961 + A970) (axis offset, natural positions:
  /// on the two RRUFF whitlockites it reads 0.50 and 0.67 for a truth of 1).
  public var positionFractionSigma = 0.5
  /// Two ν1 components at least this far apart (cm⁻¹) form a resolved doublet (merrillite's
  /// 960/976) when the weaker has at least `doubletMinimumShare` of their area.
  public var doubletMinimumSeparation = 12.0
  /// See `doubletMinimumSeparation`.
  public var doubletMinimumShare = 0.3
  /// Largest separation of a doublet's two ν1 maxima, cm⁻¹; a second maximum this close to the
  /// ν1 anchor (and at least `doubletMinimumShare` of its prominence) holds the two components.
  public var doubletMaximumSeparation = 20.0
  /// How far each doublet component may move from its maximum, cm⁻¹.
  public var doubletHalfWidth = 3.0
  /// Systematic σ of the position estimate when the doublet is resolved.
  public var resolvedDoubletSigma = 0.05
  /// Brushite's companion band (~880 cm⁻¹) must have at least this share of its ν1 area.
  public var brushiteCompanionMinimumShare = 0.1
  /// Whewellite's C–O doublet (1463/1490) separation, cm⁻¹, and how far it may deviate.
  public var monohydrateDoubletSeparation = 27.0
  /// See `monohydrateDoubletSeparation`.
  public var monohydrateDoubletTolerance = 4.0
  /// The weaker whewellite C–O band must have at least this share of the stronger.
  public var monohydrateDoubletMinimumShare = 0.25
  /// ACP is called when its broad band has at least this share of the crystalline ν1 area
  /// (or is the only phosphate band).
  public var acpMinimumShare = 0.2
  /// Open set, lone band: a ν1 band is a phosphate only where its identifying companions are not
  /// shown missing. Their summed share (HPO₄ area over `whitlockiteHPO4Ratio`·ν1 plus ν3 area
  /// over `apatiteNu3Ratio`·ν1, about 1 for any apatite–whitlockite mixture) plus
  /// `evidenceSignificance` σ must reach this; below it the band is not a phosphate (a sulfite
  /// ≈ 967 alone) and gets no phase and no fraction.
  public var companionMinimumShare = 0.3
  /// See `companionMinimumShare`: the companions are shown missing only where the share a
  /// phosphate has (about 1) also lies at least this many σ above the measured share.
  public var companionExclusionSigma = 2.0
  /// Open set, too strong: where the companions' summed share minus `evidenceSignificance` σ
  /// exceeds this (no known phase has HPO₄ or ν3 bands that strong beside its ν1; pure phases
  /// give 0.5–3.6 on the development set), the pattern does not fit and the spectrum is `phosphate-undetermined`.
  public var companionMaximumShare = 4.0
  /// Open set, full pattern: a band left in the phosphate window's fit residual (its area over
  /// `residualBandWidth` at least `residualBandSignificance` σ and `residualBandMinimumShare` of
  /// the ν1 area) is one no known phase explains; the spectrum is then `phosphate-undetermined`,
  /// the band named, and no whitlockite fraction is given.
  public var residualBandSignificance = 6.0
  /// See `residualBandSignificance`.
  public var residualBandMinimumShare = 0.15
  /// Width over which a residual band's area is summed, cm⁻¹.
  public var residualBandWidth = 10.0

  /// The documented defaults.
  public init() {}

  /// The axis offset tolerated on an axis of the given accuracy, cm⁻¹: `offsetTolerance`
  /// uncalibrated; calibrated, `calibratedOffsetMargin` + `calibratedLineResidualFactor` × the
  /// calibration's lamp-line RMS, never more than `offsetTolerance`.
  public func offsetTolerance(for accuracy: RamanAxisAccuracy) -> Double {
    switch accuracy {
    case .uncalibrated:
      return offsetTolerance
    case .calibrated(let lineResidual):
      let scatter = lineResidual.isFinite ? max(lineResidual, 0) : offsetTolerance
      return min(offsetTolerance, calibratedOffsetMargin + calibratedLineResidualFactor * scatter)
    }
  }

  /// `window` narrowed on each side by the part of `offsetTolerance` that `tolerance` does not
  /// use, but never inside `kept` (the centre ranges of the bands the window anchors).
  func anchorWindow(
    _ window: ClosedRange<Double>, keeping kept: ClosedRange<Double>, tolerance: Double
  ) -> ClosedRange<Double> {
    let narrowing = max(offsetTolerance - tolerance, 0)
    let lower = max(window.lowerBound, min(window.lowerBound + narrowing, kept.lowerBound))
    let upper = min(window.upperBound, max(window.upperBound - narrowing, kept.upperBound))
    return lower < upper ? lower...upper : window
  }
}

/// What is known about a spectrum's Raman-shift axis, which sets the axis offset the detector
/// tolerates (`RamanPhaseRules.offsetTolerance(for:)`).
public enum RamanAxisAccuracy: Sendable, Equatable {
  /// The axis as the instrument or file gives it.
  case uncalibrated
  /// The axis of an axis calibration (lamp lines and silicon); `lineResidual` is the RMS of
  /// the calibration's lamp-line residuals, cm⁻¹.
  case calibrated(lineResidual: Double)
}
