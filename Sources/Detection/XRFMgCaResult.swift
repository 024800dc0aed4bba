import WhitlockCore

/// What the XRF Mg/Ca detector found in one spectrum.
public struct XRFMgCaResult: Sendable, Equatable {
  /// Name and version of the method, written as `method`.
  public static let method = "xrf-mgca-window/1.0"

  /// The settings the result was produced with.
  public var settings: XRFDetectorSettings
  /// The Mg Kα line, or `nil` when its windows do not fit on the spectrum.
  public var magnesium: XRFLineArea?
  /// The Ca Kα line, or `nil` when its windows do not fit on the spectrum.
  public var calcium: XRFLineArea?
  /// (net Mg / net Ca) / RSF; `nil` unless the Ca line is significant.
  public var mgCaRatio: Double?
  /// σ of the ratio by error propagation from the Poisson σ of both net areas.
  public var mgCaRatioSigma: Double?
  /// Quality flags.
  public var flags: [DetectionFlag]

  /// Creates a result; the detector fills every member.
  public init(
    settings: XRFDetectorSettings, magnesium: XRFLineArea? = nil, calcium: XRFLineArea? = nil,
    mgCaRatio: Double? = nil, mgCaRatioSigma: Double? = nil, flags: [DetectionFlag] = []
  ) {
    self.settings = settings
    self.magnesium = magnesium
    self.calcium = calcium
    self.mgCaRatio = mgCaRatio
    self.mgCaRatioSigma = mgCaRatioSigma
    self.flags = flags
  }

  /// The result as the record's `detection` object; non-finite numbers become `null`.
  public var jsonValue: JSONValue {
    .object([
      ("method", .string(Self.method)),
      (
        "parameters",
        .object([
          ("mg_energy_kev", .number(settings.magnesiumEnergy)),
          ("ca_energy_kev", .number(settings.calciumEnergy)),
          ("fwhm0_kev", .number(settings.fwhmZero)),
          ("fwhm_slope_kev", .number(settings.fwhmSlope)),
          ("window_half_width_fwhm", .number(settings.windowHalfWidthFactor)),
          ("side_window_width_fwhm", .number(settings.sideWindowWidthFactor)),
          ("relative_sensitivity_factor", .number(settings.relativeSensitivityFactor)),
          ("ca_significance_sigma", .number(settings.calciumSignificance)),
        ])
      ),
      ("mg_net_area", .number(magnesium?.netArea)),
      ("mg_net_area_sigma", .number(magnesium?.netAreaSigma)),
      ("mg_background", .number(magnesium?.backgroundCounts)),
      ("ca_net_area", .number(calcium?.netArea)),
      ("ca_net_area_sigma", .number(calcium?.netAreaSigma)),
      ("ca_background", .number(calcium?.backgroundCounts)),
      ("mg_ca_ratio", .number(mgCaRatio)),
      ("mg_ca_ratio_sigma", .number(mgCaRatioSigma)),
      ("flags", flags.jsonValue),
    ])
  }
}
