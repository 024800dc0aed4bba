import Detection

/// The `[detection.raman]` and `[detection.xrf]` tables: detector parameters, each with the
/// documented default of the detector itself.
public struct DetectionConfiguration: Sendable {
  public var raman = RamanDetectorSettings()
  public var xrf = XRFDetectorSettings()

  public init() {}

  static func read(_ reader: inout ConfigurationReader) throws(ConfigurationError)
    -> DetectionConfiguration
  {
    var configuration = DetectionConfiguration()
    var raman = try reader.table("raman")
    let r = RamanDetectorSettings()
    configuration.raman.windowLower = try raman.number(
      "window_min_cm1", default: r.windowLower, in: 100...3500, unit: "cm-1")
    configuration.raman.windowUpper = try raman.number(
      "window_max_cm1", default: r.windowUpper, in: 100...3500, unit: "cm-1")
    if configuration.raman.windowUpper <= configuration.raman.windowLower {
      throw raman.error("window_max_cm1", "must be above window_min_cm1")
    }
    configuration.raman.hapCentre = try raman.number(
      "hap_centre_cm1", default: r.hapCentre, in: 900...1050, unit: "cm-1")
    configuration.raman.whitlockiteCentre = try raman.number(
      "whitlockite_centre_cm1", default: r.whitlockiteCentre, in: 900...1050, unit: "cm-1")
    configuration.raman.bandFWHM = try raman.number(
      "band_fwhm_cm1", default: r.bandFWHM, in: 1...60, unit: "cm-1")
    configuration.raman.detectionThreshold = try raman.number(
      "detection_threshold_sigma", default: r.detectionThreshold, in: 0...1000)
    configuration.raman.maximumFractionSigma = try raman.number(
      "max_fraction_sigma", default: r.maximumFractionSigma, in: 0...1)
    configuration.raman.minimumWindowPixels = try raman.integer(
      "min_window_pixels", default: r.minimumWindowPixels, in: 5...100_000)
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
}
