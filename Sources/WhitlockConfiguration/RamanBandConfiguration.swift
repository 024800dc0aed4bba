import Detection

/// `[detection.raman.bands.KEY]` (one table per band prior) and `[detection.raman.phases]`
/// (the phase-naming rules). Every key defaults to the pipeline's documented default.
enum RamanBandConfiguration {
  /// The band priors a configuration may set, by their table key.
  static var bands: [(key: String, path: WritableKeyPath<RamanPipelineSettings, BandPrior>)] {
    [
      ("acp", \.acp), ("hap", \.hap), ("whitlockite", \.whitlockite), ("hpo4", \.hpo4),
      ("merrillite", \.merrillite), ("phenylalanine", \.phenylalanine),
      ("phenylalanine_1032", \.phenylalanine1032), ("apatite_nu3", \.phosphateNu3),
      ("carbonate", \.carbonate), ("calcite", \.calcite), ("brushite", \.brushite),
      ("brushite_companion", \.brushiteCompanion), ("whewellite_cc", \.whewelliteCC),
      ("weddellite_cc", \.weddelliteCC), ("methylene", \.methylene),
      ("oxalate_1463", \.whewellite1463), ("oxalate_1476", \.weddellite1476),
      ("oxalate_1490", \.whewellite1490), ("collagen_855", \.tissue.collagen855),
      ("collagen_876", \.tissue.collagen876), ("collagen_921", \.tissue.collagen921),
      ("collagen_938", \.tissue.collagen938), ("lipid_1128", \.tissue.lipid1128),
      ("lipid_1063", \.tissue.lipid1063), ("lipid_1080", \.tissue.lipid1080),
    ]
  }

  /// Reads `bands` and `phases` sub-tables of `[detection.raman]` into `settings`.
  static func read(_ table: inout ConfigurationReader, into settings: inout RamanPipelineSettings)
    throws(ConfigurationError)
  {
    var bandsTable = try table.table("bands")
    for (key, path) in bands {
      var band = try bandsTable.table(key)
      settings[keyPath: path] = try readBand(&band, default: settings[keyPath: path])
      try band.finish()
    }
    try bandsTable.finish()
    var phases = try table.table("phases")
    settings.phases = try readPhases(&phases)
    try phases.finish()
    var tissue = try table.table("tissue")
    try readTissue(&tissue, into: &settings.tissue)
    try tissue.finish()
  }

  /// `[detection.raman.tissue]`: the collagen and lipid model (windows, ratios, spreads).
  private static func readTissue(
    _ table: inout ConfigurationReader, into t: inout RamanTissueModel
  ) throws(ConfigurationError) {
    t.enabled = try table.boolean("enabled", default: t.enabled)
    t.collagenWindow = try window(&table, "collagen_window", default: t.collagenWindow)
    t.lipidWindow = try window(&table, "lipid_window", default: t.lipidWindow)
    t.collagen921Ratio = try table.number(
      "collagen_921_ratio", default: t.collagen921Ratio, in: 0...10)
    t.collagen938Ratio = try table.number(
      "collagen_938_ratio", default: t.collagen938Ratio, in: 0...10)
    t.collagenRatioSpread = try table.number(
      "collagen_ratio_spread", default: t.collagenRatioSpread, in: 0...4)
    let pairLow = try table.number(
      "collagen_pair_ratio_min", default: t.collagenPairRatioRange.lowerBound, in: 0...100)
    let pairHigh = try table.number(
      "collagen_pair_ratio_max", default: t.collagenPairRatioRange.upperBound, in: 0...100)
    guard pairLow < pairHigh else {
      throw table.error("collagen_pair_ratio_max", "must be above collagen_pair_ratio_min")
    }
    t.collagenPairRatioRange = pairLow...pairHigh
    t.lipid1063Ratio = try table.number("lipid_1063_ratio", default: t.lipid1063Ratio, in: 0...10)
    t.lipid1080Ratio = try table.number("lipid_1080_ratio", default: t.lipid1080Ratio, in: 0...10)
    t.lipidRatioSpread = try table.number(
      "lipid_ratio_spread", default: t.lipidRatioSpread, in: 0...4)
    t.minimumSignificance = try table.number(
      "min_significance_sigma", default: t.minimumSignificance, in: 0...1000)
  }

  private static func readBand(_ table: inout ConfigurationReader, default d: BandPrior)
    throws(ConfigurationError) -> BandPrior
  {
    let name = try table.string("name", default: d.name)
    let centre = try table.number("centre_cm1", default: d.centre, in: 100...4000, unit: "cm-1")
    let centreMin = try table.number(
      "centre_min_cm1", default: d.centreRange.lowerBound, in: 100...4000, unit: "cm-1")
    let centreMax = try table.number(
      "centre_max_cm1", default: d.centreRange.upperBound, in: 100...4000, unit: "cm-1")
    guard centreMin < centreMax else {
      throw table.error("centre_max_cm1", "must be above centre_min_cm1 (\(centreMin))")
    }
    guard (centreMin...centreMax).contains(centre) else {
      throw table.error("centre_cm1", "\(centre) cm-1 is outside centre_min_cm1…centre_max_cm1")
    }
    let fwhm = try table.number("fwhm_cm1", default: d.fwhm, in: 0.5...200, unit: "cm-1")
    let fwhmMin = try table.number(
      "fwhm_min_cm1", default: d.fwhmRange.lowerBound, in: 0.5...200, unit: "cm-1")
    let fwhmMax = try table.number(
      "fwhm_max_cm1", default: d.fwhmRange.upperBound, in: 0.5...200, unit: "cm-1")
    guard fwhmMin < fwhmMax else {
      throw table.error("fwhm_max_cm1", "must be above fwhm_min_cm1 (\(fwhmMin))")
    }
    guard (fwhmMin...fwhmMax).contains(fwhm) else {
      throw table.error("fwhm_cm1", "\(fwhm) cm-1 is outside fwhm_min_cm1…fwhm_max_cm1")
    }
    let centreSigma = try table.number(
      "centre_sigma_cm1", default: d.centreSigma.isFinite ? d.centreSigma : 0, in: 0...100,
      unit: "cm-1")
    let fwhmSigma = try table.number(
      "fwhm_sigma_cm1", default: d.fwhmSigma.isFinite ? d.fwhmSigma : 0, in: 0...100,
      unit: "cm-1")
    return BandPrior(
      name: name, centre: centre, centreRange: centreMin...centreMax, fwhm: fwhm,
      fwhmRange: fwhmMin...fwhmMax, centreSigma: centreSigma > 0 ? centreSigma : .infinity,
      fwhmSigma: fwhmSigma > 0 ? fwhmSigma : .infinity)
  }

  private static func window(
    _ table: inout ConfigurationReader, _ key: String, default d: ClosedRange<Double>
  ) throws(ConfigurationError) -> ClosedRange<Double> {
    let low = try table.number(
      key + "_min_cm1", default: d.lowerBound, in: 100...4000, unit: "cm-1")
    let high = try table.number(
      key + "_max_cm1", default: d.upperBound, in: 100...4000, unit: "cm-1")
    guard low < high else {
      throw table.error(key + "_max_cm1", "must be above \(key)_min_cm1 (\(low))")
    }
    return low...high
  }

  private static func readPhases(_ table: inout ConfigurationReader) throws(ConfigurationError)
    -> RamanPhaseRules
  {
    var r = RamanPhaseRules()
    let d = RamanPhaseRules()
    r.offsetTolerance = try table.number(
      "offset_tolerance_cm1", default: d.offsetTolerance, in: 0...50, unit: "cm-1")
    r.calibratedOffsetMargin = try table.number(
      "calibrated_offset_margin_cm1", default: d.calibratedOffsetMargin, in: 0...50, unit: "cm-1")
    r.calibratedLineResidualFactor = try table.number(
      "calibrated_line_residual_factor", default: d.calibratedLineResidualFactor, in: 0...100)
    r.oxalateCCWindow = try window(&table, "oxalate_cc_window", default: d.oxalateCCWindow)
    r.phosphateNu1Window = try window(
      &table, "phosphate_nu1_window", default: d.phosphateNu1Window)
    r.brushiteWindow = try window(&table, "brushite_window", default: d.brushiteWindow)
    r.calciteWindow = try window(&table, "calcite_window", default: d.calciteWindow)
    r.oxalateCOWindow = try window(&table, "oxalate_co_window", default: d.oxalateCOWindow)
    r.minimumAnchorShare = try table.number(
      "min_anchor_share", default: d.minimumAnchorShare, in: 0...1)
    r.evidenceSignificance = try table.number(
      "evidence_significance_sigma", default: d.evidenceSignificance, in: 0...1000)
    r.hpo4SearchHalfWidth = try table.number(
      "hpo4_search_half_width_cm1", default: d.hpo4SearchHalfWidth, in: 0.5...20, unit: "cm-1")
    r.whitlockiteHPO4Ratio = try table.number(
      "whitlockite_hpo4_ratio", default: d.whitlockiteHPO4Ratio, in: 1e-4...10)
    r.apatiteNu3Ratio = try table.number(
      "apatite_nu3_ratio", default: d.apatiteNu3Ratio, in: 1e-4...10)
    r.phenylalanine1032Ratio = try table.number(
      "phenylalanine_1032_ratio", default: d.phenylalanine1032Ratio, in: 0...10)
    r.evidenceRatioSpread = try table.number(
      "evidence_ratio_spread", default: d.evidenceRatioSpread, in: 0...4)
    r.positionFractionSigma = try table.number(
      "position_fraction_sigma", default: d.positionFractionSigma, in: 0...1)
    r.doubletMinimumSeparation = try table.number(
      "doublet_min_separation_cm1", default: d.doubletMinimumSeparation, in: 1...100,
      unit: "cm-1")
    r.doubletMaximumSeparation = try table.number(
      "doublet_max_separation_cm1", default: d.doubletMaximumSeparation, in: 1...100,
      unit: "cm-1")
    guard r.doubletMaximumSeparation > r.doubletMinimumSeparation else {
      throw table.error(
        "doublet_max_separation_cm1",
        "must be above doublet_min_separation_cm1 (\(r.doubletMinimumSeparation))")
    }
    r.doubletHalfWidth = try table.number(
      "doublet_half_width_cm1", default: d.doubletHalfWidth, in: 0.5...20, unit: "cm-1")
    r.doubletMinimumShare = try table.number(
      "doublet_min_share", default: d.doubletMinimumShare, in: 0...0.5)
    r.resolvedDoubletSigma = try table.number(
      "resolved_doublet_sigma", default: d.resolvedDoubletSigma, in: 0...1)
    r.brushiteCompanionMinimumShare = try table.number(
      "brushite_companion_min_share", default: d.brushiteCompanionMinimumShare, in: 0...10)
    r.monohydrateDoubletSeparation = try table.number(
      "com_doublet_separation_cm1", default: d.monohydrateDoubletSeparation, in: 1...100,
      unit: "cm-1")
    r.monohydrateDoubletTolerance = try table.number(
      "com_doublet_tolerance_cm1", default: d.monohydrateDoubletTolerance, in: 0.1...50,
      unit: "cm-1")
    r.monohydrateDoubletMinimumShare = try table.number(
      "com_doublet_min_share", default: d.monohydrateDoubletMinimumShare, in: 0...10)
    r.acpMinimumShare = try table.number("acp_min_share", default: d.acpMinimumShare, in: 0...10)
    r.companionMinimumShare = try table.number(
      "companion_min_share", default: d.companionMinimumShare, in: 0...10)
    r.companionExclusionSigma = try table.number(
      "companion_exclusion_sigma", default: d.companionExclusionSigma, in: 0...100)
    r.companionMaximumShare = try table.number(
      "companion_max_share", default: d.companionMaximumShare, in: 0...1000)
    r.residualBandSignificance = try table.number(
      "residual_band_significance_sigma", default: d.residualBandSignificance, in: 0...1000)
    r.residualBandMinimumShare = try table.number(
      "residual_band_min_share", default: d.residualBandMinimumShare, in: 0...10)
    r.residualBandWidth = try table.number(
      "residual_band_width_cm1", default: d.residualBandWidth, in: 1...100, unit: "cm-1")
    return r
  }
}
