/// The soft-tissue bands that sit on the identifying bands of the calcifications, and how the
/// detector keeps them from reading as those bands.
///
/// Collagen (breast stroma) has proline and hydroxyproline C–C stretches at ≈ 855, 876, 921 and
/// 938 cm⁻¹; its 921 band lies on whitlockite's HPO₄ band (≈ 923) and its 938 band beside ACP
/// and the apatite ν1 flank. Lipid (breast fat) has C–C stretches at ≈ 1063, 1080 and 1128; the
/// first two lie on B-type carbonate (≈ 1070), the apatite ν3 group (1030–1075) and calcite (1086).
/// Positions: Frushour & Koenig, Biopolymers 14 (1975) 379 (collagen); Haka et al., Cancer
/// Research 62 (2002) 5375 and PNAS 102 (2005) 12371 (collagen and fat basis spectra of breast
/// tissue); Movasaghi et al., Appl. Spectrosc. Rev. 42 (2007) 493 (assignments). Widths and
/// ratios are read from those published spectra (no table of them is published) and carry a
/// spread (`collagenRatioSpread`, `lipidRatioSpread`) for that reason.
///
/// How they are used (see `RamanPipeline`): the companion bands that nothing else in a
/// calcification spectrum explains (collagen 855 + 876 in `collagenWindow`, lipid 1128 in
/// `lipidWindow`, each measured by the linear screen at its literature centre and width) measure how much collagen and lipid the spectrum holds. Their overlapping
/// bands (collagen 921 and 938, lipid 1063 and 1080) are then predicted from those areas with the
/// ratios below, placed at the measured axis offset, and subtracted before the phosphate and
/// carbonate windows are searched and fitted. The evidence for whitlockite (HPO₄) and apatite
/// (ν3) therefore counts only beyond what the tissue explains, and each band's σ carries the
/// spread of the prediction.
public struct RamanTissueModel: Sendable, Equatable {
  /// The tissue bands, stored as one array so the settings (copied into every configuration
  /// and record writer) stay small: collagen 855, 876, 921, 938, lipid 1128, 1063, 1080.
  private var bands: [BandPrior] = [
    BandPrior(
      name: "collagen_855", centre: 855, centreRange: 845...864, fwhm: 14, fwhmRange: 6...30,
      centreSigma: 4, fwhmSigma: 6),
    BandPrior(
      name: "collagen_876", centre: 876, centreRange: 867...885, fwhm: 14, fwhmRange: 6...30,
      centreSigma: 4, fwhmSigma: 6),
    BandPrior(
      name: "collagen_921", centre: 921, centreRange: 915...927, fwhm: 14, fwhmRange: 6...30),
    BandPrior(
      name: "collagen_938", centre: 938, centreRange: 932...944, fwhm: 18, fwhmRange: 6...30),
    BandPrior(
      name: "lipid_1128", centre: 1128, centreRange: 1120...1136, fwhm: 12, fwhmRange: 5...25,
      centreSigma: 3, fwhmSigma: 5),
    BandPrior(
      name: "lipid_1063", centre: 1063, centreRange: 1057...1069, fwhm: 12, fwhmRange: 5...25),
    BandPrior(
      name: "lipid_1080", centre: 1080, centreRange: 1074...1086, fwhm: 20, fwhmRange: 5...40),
  ]
  /// Subtract the predicted collagen and lipid bands at all.
  public var enabled = true
  /// Fit window of the collagen companion bands, cm⁻¹ (inside the processing range).
  public var collagenWindow: ClosedRange<Double> = 812...892
  /// Collagen proline C–C stretch (ring).
  public var collagen855: BandPrior {
    get { bands[0] }
    set { bands[0] = newValue }
  }
  /// Collagen hydroxyproline C–C stretch.
  public var collagen876: BandPrior {
    get { bands[1] }
    set { bands[1] = newValue }
  }
  /// Collagen proline C–C stretch on whitlockite's HPO₄ band (predicted, never fitted).
  public var collagen921: BandPrior {
    get { bands[2] }
    set { bands[2] = newValue }
  }
  /// Collagen backbone C–C stretch beside ACP and apatite ν1 (predicted, never fitted).
  public var collagen938: BandPrior {
    get { bands[3] }
    set { bands[3] = newValue }
  }
  /// Collagen 921 area over the summed 855 + 876 area.
  public var collagen921Ratio = 0.30
  /// Collagen 938 area over the summed 855 + 876 area.
  public var collagen938Ratio = 0.70
  /// Relative spread of the collagen ratios between tissues: each predicted band adds this
  /// share of its area to the σ of the bands it lies on.
  public var collagenRatioSpread = 0.25
  /// Hydroxyproline 876 over proline 855 area must lie here for the pair to count as collagen
  /// (brushite's lone ≈ 880 band or an oxalate's ≈ 862 band does not).
  public var collagenPairRatioRange: ClosedRange<Double> = 0.3...3
  /// Fit window of the lipid companion band, cm⁻¹.
  public var lipidWindow: ClosedRange<Double> = 1110...1150
  /// Lipid C–C stretch (trans).
  public var lipid1128: BandPrior {
    get { bands[4] }
    set { bands[4] = newValue }
  }
  /// Lipid C–C stretch (trans) on carbonate and apatite ν3 (predicted, never fitted).
  public var lipid1063: BandPrior {
    get { bands[5] }
    set { bands[5] = newValue }
  }
  /// Lipid C–C stretch (gauche) on carbonate and calcite (predicted, never fitted).
  public var lipid1080: BandPrior {
    get { bands[6] }
    set { bands[6] = newValue }
  }
  /// Lipid 1063 area over the 1128 area.
  public var lipid1063Ratio = 1.1
  /// Lipid 1080 area over the 1128 area.
  public var lipid1080Ratio = 1.4
  /// See `collagenRatioSpread`.
  public var lipidRatioSpread = 0.25
  /// A companion measurement counts (and its bands are subtracted) from this many σ of its area.
  public var minimumSignificance = 3.0

  /// The documented defaults.
  public init() {}

  /// Every band of the tissue model, as recorded with each result.
  var allBands: [BandPrior] { bands }
}

/// What the tissue model measured in one spectrum (see `RamanTissueModel`).
public struct TissueMeasurement: Sendable, Equatable {
  /// Collagen proline band (~855).
  public var collagen855 = FittedBand()
  /// Collagen hydroxyproline band (~876).
  public var collagen876 = FittedBand()
  /// Lipid C–C band (~1128).
  public var lipid1128 = FittedBand()
  /// Collagen was found (both companions significant, in a plausible ratio) and its overlapping
  /// bands were subtracted.
  public var collagenFound = false
  /// Lipid was found and its overlapping bands were subtracted.
  public var lipidFound = false
  /// Predicted (and subtracted) collagen 921 area, counts.
  public var collagen921Area = 0.0
  /// Predicted (and subtracted) collagen 938 area, counts.
  public var collagen938Area = 0.0
  /// Predicted (and subtracted) lipid 1063 area, counts.
  public var lipid1063Area = 0.0
  /// Predicted (and subtracted) lipid 1080 area, counts.
  public var lipid1080Area = 0.0
  /// Axis offset the collagen companions show (their fitted centres against the references).
  public var collagenOffset = 0.0
  /// Axis offset the lipid companion shows.
  public var lipidOffset = 0.0

  /// Nothing measured.
  public init() {}
}
