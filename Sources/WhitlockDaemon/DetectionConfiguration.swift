import Detection

/// The `[detection.raman]`, `[detection.xrf]` and `[detection.fusion]` tables: pipeline
/// parameters, each defaulting to the documented default of the pipeline itself.
public struct DetectionConfiguration: Sendable {
  /// Raman pipeline parameters.
  public var raman = RamanPipelineSettings()
  /// XRF pipeline parameters.
  public var xrf = XRFDetectorSettings()

  public init() {}

  static func read(_ reader: inout ConfigurationReader) throws(ConfigurationError)
    -> DetectionConfiguration
  {
    var configuration = DetectionConfiguration()
    var raman = try reader.table("raman")
    configuration.raman = try readRaman(&raman)
    try raman.finish()

    var xrf = try reader.table("xrf")
    let x = XRFDetectorSettings()
    configuration.xrf.magnesiumEnergy = try xrf.number(
      "mg_energy_kev", default: x.magnesiumEnergy, in: 0.5...3, unit: "keV")
    configuration.xrf.calciumEnergy = try xrf.number(
      "ca_energy_kev", default: x.calciumEnergy, in: 2...6, unit: "keV")
    configuration.xrf.fwhmZero = try xrf.number(
      "fwhm0_kev", default: x.fwhmZero, in: 0.001...1, unit: "keV")
    configuration.xrf.fwhmSlope = try xrf.number(
      "fwhm_slope_kev", default: x.fwhmSlope, in: 0...0.1, unit: "keV")
    configuration.xrf.windowHalfWidthFactor = try xrf.number(
      "window_half_width_fwhm", default: x.windowHalfWidthFactor, in: 0.3...5)
    configuration.xrf.sideWindowWidthFactor = try xrf.number(
      "side_window_fwhm", default: x.sideWindowWidthFactor, in: 0.1...5)
    configuration.xrf.relativeSensitivityFactor = try xrf.optionalNumber(
      "relative_sensitivity_mg_ca", in: 1e-6...1e6)
    configuration.xrf.calciumSignificance = try xrf.number(
      "ca_significance_sigma", default: x.calciumSignificance, in: 0...1000)
    configuration.xrf.magnesiumSignificance = try xrf.number(
      "mg_significance_sigma", default: x.magnesiumSignificance, in: 0...1000)
    try xrf.finish()
    return configuration
  }

  /// Reads `[detection.raman]` (flat keys; band priors keep their defaults).
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
    s.decision.minimumSignificance = try table.number(
      "detection_threshold_sigma", default: d.decision.minimumSignificance, in: 0...1000)
    s.decision.minimumPeakToNoise = try table.number(
      "min_peak_to_noise", default: d.decision.minimumPeakToNoise, in: 0...1000)
    s.decision.maximumFractionSigma = try table.number(
      "max_fraction_sigma", default: d.decision.maximumFractionSigma, in: 0...1)
    let processingMin = try table.number(
      "processing_min_cm1", default: d.processingRange.lowerBound, in: 100...3500, unit: "cm-1")
    let processingMax = try table.number(
      "processing_max_cm1", default: d.processingRange.upperBound, in: 100...3500, unit: "cm-1")
    guard processingMax > processingMin + 100 else {
      throw table.error("processing_max_cm1", "must be at least 100 cm-1 above processing_min_cm1")
    }
    s.processingRange = processingMin...processingMax
    return s
  }
}
