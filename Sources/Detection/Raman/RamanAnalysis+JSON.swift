import WhitlockCore

extension RamanAnalysis {
  /// Name and version of the method, written as `method`.
  public static let method = "raman-pvoigt-lm-phases/4.0"

  /// The record's `detection` object: method and every parameter, the key numbers at the top
  /// level (`whitlockite_fraction`, `whitlockite_fraction_sigma`, …), then each band. Non-finite
  /// numbers become `null`.
  public func jsonValue(settings: RamanPipelineSettings) -> JSONValue {
    .object([
      ("method", .string(Self.method)),
      ("parameters", settings.jsonValue),
      ("calcification_type", .string(calcificationType.rawValue)),
      ("phase", .string(phase.rawValue)),
      ("phase_group", .string(phase.group)),
      ("phases", phasesJSON(settings: settings)),
      ("axis_offset_cm1", .number(axisOffset)),
      ("axis_offset_sigma_cm1", .number(axisOffsetSigma)),
      ("axis_calibrated", .bool(axisCalibrated)),
      ("axis_offset_tolerance_cm1", .number(offsetTolerance)),
      ("evidence_fraction", .number(evidenceFraction)),
      ("evidence_fraction_sigma", .number(evidenceFractionSigma)),
      ("position_fraction", .number(positionFraction)),
      ("position_fraction_sigma", .number(positionFractionSigma)),
      ("phosphate_detected", .bool(phosphateDetected)),
      ("whitlockite_fraction", .number(whitlockiteFraction)),
      ("whitlockite_fraction_sigma", .number(whitlockiteFractionSigma)),
      ("phosphate_area", .number(phosphateArea)),
      ("phosphate_area_sigma", .number(phosphateAreaSigma)),
      ("phosphate_significance", .number(phosphateSignificance)),
      ("phosphate_centre_cm1", .number(phosphateCentre)),
      ("crystallinity_fwhm_cm1", .number(crystallinityFWHM)),
      ("crystallinity_fwhm_sigma_cm1", .number(crystallinityFWHMSigma)),
      ("carbonate_phosphate_ratio", .number(carbonateToPhosphate)),
      ("carbonate_phosphate_ratio_sigma", .number(carbonateToPhosphateSigma)),
      ("carbonate_detected", .bool(carbonateDetected)),
      ("oxalate_detected", .bool(oxalateDetected)),
      ("oxalate_area", .number(oxalateArea)),
      ("oxalate_area_sigma", .number(oxalateAreaSigma)),
      (
        "bands",
        .array([
          acp.jsonValue(settings.acp.name), hap.jsonValue(settings.hap.name),
          whitlockite.jsonValue(settings.whitlockite.name),
          phenylalanine.jsonValue(settings.phenylalanine.name),
          phenylalanine1032.jsonValue(settings.phenylalanine1032.name),
          phosphateNu3.jsonValue(settings.phosphateNu3.name),
          carbonate.jsonValue(settings.carbonate.name), calcite.jsonValue(settings.calcite.name),
          methylene.jsonValue(settings.methylene.name),
          whewellite1463.jsonValue(settings.whewellite1463.name),
          weddellite1476.jsonValue(settings.weddellite1476.name),
          whewellite1490.jsonValue(settings.whewellite1490.name),
          hpo4.jsonValue(settings.hpo4.name), oxalateCC.jsonValue(settings.whewelliteCC.name),
          brushite.jsonValue(settings.brushite.name),
          brushiteCompanion.jsonValue(settings.brushiteCompanion.name),
        ])
      ),
      ("tissue", tissueJSON(settings: settings.tissue)),
      ("open_set", openSetJSON),
      (
        "fits",
        .object([
          ("phosphate", phosphateFit.jsonValue), ("carbonate", carbonateFit.jsonValue),
          ("oxalate", oxalateFit.jsonValue),
        ])
      ),
      (
        "preprocessing",
        .object([
          ("pixels", .int(Int64(pixelCount))),
          ("processed_pixels", .int(Int64(processedPixels))),
          ("analysis_points", .int(Int64(analysisPoints))),
          ("saturated_pixels", .int(Int64(saturatedPixels))),
          ("spike_pixels_removed", .int(Int64(spikePixelsRemoved))),
          ("baseline_iterations", .int(Int64(baselineIterations))),
        ])
      ),
      ("flags", flags.jsonValue),
    ])
  }
}

extension RamanAnalysis {
  /// Every phase looked for: `{phase, present, bands, area, area_sigma, significance,
  /// centre_cm1}`, the bands being the identifying ones whose areas are summed.
  func phasesJSON(settings: RamanPipelineSettings) -> JSONValue {
    func entry(_ phase: String, _ bands: [String], _ evidence: PhaseEvidence) -> JSONValue {
      .object([
        ("phase", .string(phase)), ("present", .bool(evidence.present)),
        ("bands", .array(bands.map { .string($0) })), ("area", .number(evidence.area)),
        ("area_sigma", .number(evidence.areaSigma)),
        ("significance", .number(evidence.significance)),
        ("centre_cm1", .number(evidence.centre)),
      ])
    }
    let oxalateName =
      phase == .oxalateMonohydrate || phase == .oxalateDihydrate ? phase.rawValue : "oxalate"
    return .array([
      entry(MineralPhase.whitlockite.rawValue, [settings.hpo4.name], phases.whitlockite),
      entry(
        MineralPhase.merrillite.rawValue, [settings.hap.name, settings.whitlockite.name],
        phases.merrillite),
      entry(MineralPhase.apatite.rawValue, [settings.phosphateNu3.name], phases.apatite),
      entry(MineralPhase.acp.rawValue, [settings.acp.name], phases.acp),
      entry(
        MineralPhase.brushite.rawValue,
        [settings.brushite.name, settings.brushiteCompanion.name], phases.brushite),
      entry(
        oxalateName,
        [
          settings.whewelliteCC.name, settings.whewellite1463.name,
          settings.weddellite1476.name, settings.whewellite1490.name,
        ], phases.oxalate),
      entry(MineralPhase.calcite.rawValue, [settings.calcite.name], phases.calcite),
    ])
  }
}

extension RamanAnalysis {
  /// The collagen and lipid companions and the bands subtracted for them:
  /// `{collagen_found, lipid_found, bands, subtracted: [{name, area}], collagen_offset_cm1, …}`.
  func tissueJSON(settings: RamanTissueModel) -> JSONValue {
    .object([
      ("collagen_found", .bool(tissue.collagenFound)),
      ("lipid_found", .bool(tissue.lipidFound)),
      (
        "bands",
        .array([
          tissue.collagen855.jsonValue(settings.collagen855.name),
          tissue.collagen876.jsonValue(settings.collagen876.name),
          tissue.lipid1128.jsonValue(settings.lipid1128.name),
        ])
      ),
      (
        "subtracted",
        .array([
          .object([
            ("name", .string(settings.collagen921.name)),
            ("area", .number(tissue.collagen921Area)),
          ]),
          .object([
            ("name", .string(settings.collagen938.name)),
            ("area", .number(tissue.collagen938Area)),
          ]),
          .object([
            ("name", .string(settings.lipid1063.name)), ("area", .number(tissue.lipid1063Area)),
          ]),
          .object([
            ("name", .string(settings.lipid1080.name)), ("area", .number(tissue.lipid1080Area)),
          ]),
        ])
      ),
      ("collagen_offset_cm1", .number(tissue.collagenOffset)),
      ("lipid_offset_cm1", .number(tissue.lipidOffset)),
    ])
  }

  /// The open-set checks: `{pattern_fits, lone_band, companion_share, companion_share_sigma,
  /// phosphate_misfit_chi2, residual_bands: [{centre_cm1, area, significance, share}]}`.
  var openSetJSON: JSONValue {
    .object([
      ("pattern_fits", .bool(openSet.patternFits)),
      ("lone_band", .bool(openSet.loneBand)),
      ("companion_share", .number(openSet.companionShare)),
      ("companion_share_sigma", .number(openSet.companionShareSigma)),
      ("phosphate_misfit_chi2", .number(openSet.phosphateMisfit)),
      (
        "residual_bands",
        .array(
          (0..<openSet.residualCount).map { index in
            let band = openSet.residual(index)
            return .object([
              ("centre_cm1", .number(band.centre)), ("area", .number(band.area)),
              ("significance", .number(band.significance)), ("share", .number(band.share)),
            ])
          })
      ),
    ])
  }
}

extension FittedBand {
  /// One band as `{name, area, area_sigma, centre_cm1, …}`.
  func jsonValue(_ name: String) -> JSONValue {
    .object([
      ("name", .string(name)),
      ("area", .number(area)), ("area_sigma", .number(areaSigma)),
      ("centre_cm1", .number(centre)), ("centre_sigma_cm1", .number(centreSigma)),
      ("fwhm_cm1", .number(fwhm)), ("fwhm_sigma_cm1", .number(fwhmSigma)),
    ])
  }
}

extension WindowFitReport {
  /// The report as a JSON object.
  var jsonValue: JSONValue {
    .object([
      ("pixels", .int(Int64(pixels))), ("refined", .bool(refined)),
      ("converged", .bool(converged)), ("degenerate", .bool(degenerate)),
      ("iterations", .int(Int64(iterations))), ("residual_rms", .number(residualRMS)),
      ("lorentzian_fraction", .number(lorentzianFraction)),
      ("screen_significance", .number(screenSignificance)),
      ("peak_to_noise", .number(peakToNoise)),
    ])
  }
}

extension BandPrior {
  /// The prior as a JSON object.
  var jsonValue: JSONValue {
    .object([
      ("name", .string(name)), ("centre_cm1", .number(centre)),
      (
        "centre_range_cm1",
        .array([.number(centreRange.lowerBound), .number(centreRange.upperBound)])
      ),
      ("fwhm_cm1", .number(fwhm)),
      ("fwhm_range_cm1", .array([.number(fwhmRange.lowerBound), .number(fwhmRange.upperBound)])),
      ("centre_sigma_cm1", .number(centreSigma.isFinite ? centreSigma : nil)),
      ("fwhm_sigma_cm1", .number(fwhmSigma.isFinite ? fwhmSigma : nil)),
    ])
  }
}

extension RamanPipelineSettings {
  /// Every parameter, so a record says exactly how it was produced.
  public var jsonValue: JSONValue {
    func range(_ value: ClosedRange<Double>) -> JSONValue {
      .array([.number(value.lowerBound), .number(value.upperBound)])
    }
    return .object([
      (
        "despike",
        .object([
          ("enabled", .bool(despike.enabled)), ("threshold", .number(despike.threshold)),
          ("dilation_cm1", .number(despike.dilationWavenumbers)),
          ("max_width_cm1", .number(despike.maximumWidthWavenumbers)),
        ])
      ),
      (
        "baseline",
        .object([
          ("method", .string(baseline.method.rawValue)),
          ("lambda_at_1cm1", .number(baseline.lambda)),
          ("asymmetry", .number(baseline.asymmetry)),
          ("max_iterations", .int(Int64(baseline.maximumIterations))),
          ("tolerance", .number(baseline.tolerance)),
          ("polynomial_order", .int(Int64(baseline.polynomialOrder))),
          ("solve_spacing_cm1", baseline.solveSpacing.map { .number($0) } ?? .null),
        ])
      ),
      (
        "smoothing",
        .object([
          ("enabled", .bool(smoothing.enabled)),
          ("window_cm1", .number(smoothing.windowWavenumbers)),
          ("order", .int(Int64(smoothing.order))),
        ])
      ),
      (
        "fitting",
        .object([
          ("max_iterations", .int(Int64(fitting.maximumIterations))),
          ("tolerance", .number(fitting.tolerance)),
          ("lorentzian_fraction", .number(fitting.lorentzianFraction)),
          ("fit_lorentzian_fraction", .bool(fitting.fitLorentzianFraction)),
          ("screen_significance", .number(fitting.screenSignificance)),
          ("nuisance_hold_significance", .number(fitting.nuisanceHoldSignificance)),
          (
            "misfit_reference_spacing_cm1",
            fitting.misfitReferenceSpacing.map { .number($0) } ?? .null
          ),
        ])
      ),
      (
        "decision",
        .object([
          ("min_significance", .number(decision.minimumSignificance)),
          ("phosphate_centre_range_cm1", range(decision.phosphateCentreRange)),
          ("phosphate_fwhm_range_cm1", range(decision.phosphateFWHMRange)),
          ("min_peak_to_noise", .number(decision.minimumPeakToNoise)),
          ("max_fraction_sigma", .number(decision.maximumFractionSigma)),
        ])
      ),
      ("processing_range_cm1", range(processingRange)),
      ("analysis_spacing_cm1", analysisSpacing.map { .number($0) } ?? .null),
      ("phosphate_window_cm1", range(phosphateWindow)),
      ("carbonate_window_cm1", range(carbonateWindow)),
      ("oxalate_window_cm1", range(oxalateWindow)),
      ("phase_rules", phases.jsonValue),
      ("tissue_model", tissue.jsonValue),
      ("bands", .array(allBands.map(\.jsonValue))),
    ])
  }
}

extension RamanPhaseRules {
  /// Every rule, so a record says how its phases were named.
  var jsonValue: JSONValue {
    func range(_ value: ClosedRange<Double>) -> JSONValue {
      .array([.number(value.lowerBound), .number(value.upperBound)])
    }
    return .object([
      ("offset_tolerance_cm1", .number(offsetTolerance)),
      ("calibrated_offset_margin_cm1", .number(calibratedOffsetMargin)),
      ("calibrated_line_residual_factor", .number(calibratedLineResidualFactor)),
      ("oxalate_cc_window_cm1", range(oxalateCCWindow)),
      ("phosphate_nu1_window_cm1", range(phosphateNu1Window)),
      ("brushite_window_cm1", range(brushiteWindow)),
      ("calcite_window_cm1", range(calciteWindow)),
      ("oxalate_co_window_cm1", range(oxalateCOWindow)),
      ("min_anchor_share", .number(minimumAnchorShare)),
      ("evidence_significance_sigma", .number(evidenceSignificance)),
      ("hpo4_search_half_width_cm1", .number(hpo4SearchHalfWidth)),
      ("whitlockite_hpo4_ratio", .number(whitlockiteHPO4Ratio)),
      ("apatite_nu3_ratio", .number(apatiteNu3Ratio)),
      ("phenylalanine_1032_ratio", .number(phenylalanine1032Ratio)),
      ("evidence_ratio_spread", .number(evidenceRatioSpread)),
      ("position_fraction_sigma", .number(positionFractionSigma)),
      ("doublet_min_separation_cm1", .number(doubletMinimumSeparation)),
      ("doublet_max_separation_cm1", .number(doubletMaximumSeparation)),
      ("doublet_half_width_cm1", .number(doubletHalfWidth)),
      ("doublet_min_share", .number(doubletMinimumShare)),
      ("resolved_doublet_sigma", .number(resolvedDoubletSigma)),
      ("brushite_companion_min_share", .number(brushiteCompanionMinimumShare)),
      ("com_doublet_separation_cm1", .number(monohydrateDoubletSeparation)),
      ("com_doublet_tolerance_cm1", .number(monohydrateDoubletTolerance)),
      ("com_doublet_min_share", .number(monohydrateDoubletMinimumShare)),
      ("acp_min_share", .number(acpMinimumShare)),
      ("companion_min_share", .number(companionMinimumShare)),
      ("companion_exclusion_sigma", .number(companionExclusionSigma)),
      ("companion_max_share", .number(companionMaximumShare)),
      ("residual_band_significance_sigma", .number(residualBandSignificance)),
      ("residual_band_min_share", .number(residualBandMinimumShare)),
      ("residual_band_width_cm1", .number(residualBandWidth)),
    ])
  }
}

extension RamanTissueModel {
  /// Every tissue-model setting, so a record says what was subtracted and why.
  var jsonValue: JSONValue {
    func range(_ value: ClosedRange<Double>) -> JSONValue {
      .array([.number(value.lowerBound), .number(value.upperBound)])
    }
    return .object([
      ("enabled", .bool(enabled)),
      ("collagen_window_cm1", range(collagenWindow)),
      ("lipid_window_cm1", range(lipidWindow)),
      ("collagen_921_ratio", .number(collagen921Ratio)),
      ("collagen_938_ratio", .number(collagen938Ratio)),
      ("collagen_ratio_spread", .number(collagenRatioSpread)),
      ("collagen_pair_ratio_range", range(collagenPairRatioRange)),
      ("lipid_1063_ratio", .number(lipid1063Ratio)),
      ("lipid_1080_ratio", .number(lipid1080Ratio)),
      ("lipid_ratio_spread", .number(lipidRatioSpread)),
      ("min_significance_sigma", .number(minimumSignificance)),
    ])
  }
}
