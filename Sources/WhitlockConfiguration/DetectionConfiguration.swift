import Detection

/// The `[detection.raman]`, `[detection.xrf]` and `[detection.fusion]` tables: pipeline
/// parameters, each defaulting to the documented default of the pipeline itself.
public struct DetectionConfiguration: Sendable {
  /// Raman pipeline parameters.
  public var raman = RamanPipelineSettings()
  /// XRF pipeline parameters.
  public var xrf = XRFPipelineSettings()
  /// Fusion rule.
  public var fusion = FusionSettings()

  /// Every pipeline at its documented default.
  public init() {}

  static func read(_ reader: inout ConfigurationReader) throws(ConfigurationError)
    -> DetectionConfiguration
  {
    var configuration = DetectionConfiguration()
    var raman = try reader.table("raman")
    configuration.raman = try readRaman(&raman)
    try raman.finish()

    var xrf = try reader.table("xrf")
    configuration.xrf = try readXRF(&xrf)
    try xrf.finish()

    var fusion = try reader.table("fusion")
    configuration.fusion = try readFusion(&fusion)
    try fusion.finish()
    return configuration
  }

  /// Reads `[detection.fusion]`.
  static func readFusion(_ table: inout ConfigurationReader) throws(ConfigurationError)
    -> FusionSettings
  {
    var s = FusionSettings()
    let d = FusionSettings()
    s.fractionThreshold = try table.number(
      "fraction_threshold", default: d.fractionThreshold, in: 0...1)
    s.sigmaMultiplier = try table.number("sigma_multiplier", default: d.sigmaMultiplier, in: 0...10)
    s.mgCaAbsentBelow = try table.number(
      "mg_ca_absent_below", default: d.mgCaAbsentBelow, in: 0...10)
    s.mgCaPresentAbove = try table.number(
      "mg_ca_present_above", default: d.mgCaPresentAbove, in: 0...10)
    if s.mgCaPresentAbove < s.mgCaAbsentBelow {
      throw table.error("mg_ca_present_above", "must not be below mg_ca_absent_below")
    }
    s.requireXRF = try table.boolean("require_xrf", default: d.requireXRF)
    return s
  }

  /// Reads `[detection.xrf]`.
  static func readXRF(_ table: inout ConfigurationReader) throws(ConfigurationError)
    -> XRFPipelineSettings
  {
    var s = XRFPipelineSettings()
    let d = XRFPipelineSettings()
    s.magnesium.energy = try table.number(
      "mg_energy_kev", default: d.magnesium.energy, in: 0.5...3, unit: "keV")
    s.calcium.energy = try table.number(
      "ca_energy_kev", default: d.calcium.energy, in: 2...6, unit: "keV")
    s.fwhmZero = try table.number("fwhm0_kev", default: d.fwhmZero, in: 0.001...1, unit: "keV")
    s.fwhmSlope = try table.number(
      "fwhm_slope_kev", default: d.fwhmSlope, in: 0...0.1, unit: "keV")
    s.snipWidth = try table.number(
      "snip_width_kev", default: d.snipWidth, in: 0.01...5, unit: "keV")
    s.analysisSpacing = try table.numberOrOff(
      "analysis_spacing_kev", default: d.analysisSpacing, in: 0...1, unit: "keV")
    s.escapeEnergy = try table.number(
      "escape_energy_kev", default: d.escapeEnergy, in: 0...5, unit: "keV")
    let refitMin = try table.number(
      "mg_refit_min_kev", default: d.magnesiumRefitRange.lowerBound, in: 0.1...3, unit: "keV")
    let refitMax = try table.number(
      "mg_refit_max_kev", default: d.magnesiumRefitRange.upperBound, in: 0.1...3, unit: "keV")
    guard refitMin < s.magnesium.energy, refitMax > s.magnesium.energy else {
      throw table.error("mg_refit_max_kev", "the re-fit range must contain mg_energy_kev")
    }
    s.magnesiumRefitRange = refitMin...refitMax
    s.magnesiumBackgroundOrder = try table.integer(
      "mg_background_order", default: d.magnesiumBackgroundOrder, in: 0...4)
    try readXRFLines(&table, into: &s)
    s.calciumSignificance = try table.number(
      "ca_significance_sigma", default: d.calciumSignificance, in: 0...1000)
    s.magnesiumSignificance = try table.number(
      "mg_significance_sigma", default: d.magnesiumSignificance, in: 0...1000)
    return s
  }

  /// Reads the line-library keys of `[detection.xrf]`: `elements`, `anode`, the fit range and
  /// model, and the calibration (`calibration`, `relative_sensitivity_<element>_ca`, and the
  /// soft X-ray attenuation reference `attenuation_scatter_reference` with
  /// `standard_<element>_wt_percent`).
  static func readXRFLines(_ table: inout ConfigurationReader, into s: inout XRFPipelineSettings)
    throws(ConfigurationError)
  {
    let d = XRFPipelineSettings()
    s.elements = try table.stringArray("elements", maximumLength: 2)
    for element in s.elements
    where XRFLineLibrary.kFamily(element) == nil && XRFLineLibrary.lFamily(element) == nil {
      throw table.error(
        "elements", "\"\(element)\" is not an element of the line library (Z 11–38)")
    }
    s.anode = try table.optionalString("anode")
    if let anode = s.anode, !XRFLineLibrary.anodes.contains(anode) {
      throw table.error(
        "anode", "\"\(anode)\" is not one of \(XRFLineLibrary.anodes.joined(separator: ", "))")
    }
    let fitMin = try table.number(
      "fit_min_kev", default: d.fitRange.lowerBound, in: 0.2...10, unit: "keV")
    let fitMax = try table.number(
      "fit_max_kev", default: d.fitRange.upperBound, in: 1...60, unit: "keV")
    guard fitMax > fitMin + 1 else {
      throw table.error("fit_max_kev", "must be at least 1 keV above fit_min_kev")
    }
    s.fitRange = fitMin...fitMax
    s.elementSignificance = try table.number(
      "element_significance_sigma", default: d.elementSignificance, in: 0...1000)
    s.modelError = try table.number("model_error", default: d.modelError, in: 0...0.5)
    s.refineAxis = try table.boolean("refine_axis", default: d.refineAxis)
    s.axisOffsetLimit = try table.number(
      "axis_offset_limit_kev", default: d.axisOffsetLimit, in: 0...0.5, unit: "keV")
    s.sumPeaks = try table.boolean("sum_peaks", default: d.sumPeaks)
    s.lineTails = try table.boolean("line_tails", default: d.lineTails)
    s.calibrationName = try table.optionalString("calibration")
    for family in XRFLineLibrary.kFamilies where family.element != "Ca" {
      let key = "relative_sensitivity_\(family.element.lowercased())_ca"
      if let factor = try table.optionalNumber(key, in: 1e-9...1e9) {
        s.sensitivities[family.element] = factor
      }
    }
    s.attenuationReference = try table.optionalNumber(
      "attenuation_scatter_reference", in: 1e-12...1e12)
    for family in XRFLineLibrary.kFamilies {
      let key = "standard_\(family.element.lowercased())_wt_percent"
      if let fraction = try table.optionalNumber(key, in: 1e-9...100) {
        s.standardComposition[family.element] = fraction
      }
    }
  }

  /// Reads `[detection.raman]`: flat keys, then the `bands` and `phases` sub-tables.
  static func readRaman(_ table: inout ConfigurationReader) throws(ConfigurationError)
    -> RamanPipelineSettings
  {
    var s = RamanPipelineSettings()
    let d = RamanPipelineSettings()
    s.despike.enabled = try table.boolean("despike", default: d.despike.enabled)
    s.despike.threshold = try table.number(
      "despike_threshold", default: d.despike.threshold, in: 3...1000)
    s.despike.dilationWavenumbers = try table.number(
      "despike_dilation_cm1", default: d.despike.dilationWavenumbers, in: 0...50, unit: "cm-1")
    s.despike.maximumWidthWavenumbers = try table.number(
      "despike_max_width_cm1", default: d.despike.maximumWidthWavenumbers, in: 0.1...100,
      unit: "cm-1")
    s.baseline.method = try table.choice("baseline", default: d.baseline.method)
    s.baseline.lambda = try table.number(
      "baseline_lambda", default: d.baseline.lambda, in: 1...1e14)
    s.baseline.asymmetry = try table.number(
      "baseline_asymmetry", default: d.baseline.asymmetry, in: 1e-6...0.5)
    s.baseline.maximumIterations = try table.integer(
      "baseline_max_iterations", default: d.baseline.maximumIterations, in: 1...1000)
    s.baseline.tolerance = try table.number(
      "baseline_tolerance", default: d.baseline.tolerance, in: 0...1)
    s.baseline.polynomialOrder = try table.integer(
      "baseline_polynomial_order", default: d.baseline.polynomialOrder, in: 0...10)
    s.baseline.solveSpacing = try table.numberOrOff(
      "baseline_solve_spacing_cm1", default: d.baseline.solveSpacing, in: 0...100, unit: "cm-1")
    s.smoothing.enabled = try table.boolean("smoothing", default: d.smoothing.enabled)
    s.smoothing.windowWavenumbers = try table.number(
      "smoothing_window_cm1", default: d.smoothing.windowWavenumbers, in: 0...100, unit: "cm-1")
    s.smoothing.order = try table.integer(
      "smoothing_order", default: d.smoothing.order, in: 0...8)
    s.fitting.maximumIterations = try table.integer(
      "fit_max_iterations", default: d.fitting.maximumIterations, in: 1...10_000)
    s.fitting.tolerance = try table.number(
      "fit_tolerance", default: d.fitting.tolerance, in: 0...1)
    s.fitting.lorentzianFraction = try table.number(
      "lorentzian_fraction", default: d.fitting.lorentzianFraction, in: 0...1)
    s.fitting.fitLorentzianFraction = try table.boolean(
      "fit_lorentzian_fraction", default: d.fitting.fitLorentzianFraction)
    s.fitting.screenSignificance = try table.number(
      "screen_significance_sigma", default: d.fitting.screenSignificance, in: 0...1000)
    s.fitting.nuisanceHoldSignificance = try table.number(
      "nuisance_hold_sigma", default: d.fitting.nuisanceHoldSignificance, in: 0...1000)
    s.fitting.misfitReferenceSpacing = try table.numberOrOff(
      "misfit_reference_spacing_cm1", default: d.fitting.misfitReferenceSpacing, in: 0...100)
    s.decision.minimumSignificance = try table.number(
      "detection_threshold_sigma", default: d.decision.minimumSignificance, in: 0...1000)
    s.decision.minimumPeakToNoise = try table.number(
      "min_peak_to_noise", default: d.decision.minimumPeakToNoise, in: 0...1000)
    s.decision.maximumFractionSigma = try table.number(
      "max_fraction_sigma", default: d.decision.maximumFractionSigma, in: 0...1)
    s.analysisSpacing = try table.numberOrOff(
      "analysis_spacing_cm1", default: d.analysisSpacing, in: 0...50, unit: "cm-1")
    let processingMin = try table.number(
      "processing_min_cm1", default: d.processingRange.lowerBound, in: 100...3500, unit: "cm-1")
    let processingMax = try table.number(
      "processing_max_cm1", default: d.processingRange.upperBound, in: 100...3500, unit: "cm-1")
    guard processingMax > processingMin + 100 else {
      throw table.error("processing_max_cm1", "must be at least 100 cm-1 above processing_min_cm1")
    }
    s.processingRange = processingMin...processingMax
    try RamanBandConfiguration.read(&table, into: &s)
    return s
  }
}
