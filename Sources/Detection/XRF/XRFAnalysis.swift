import WhitlockCore

/// Everything the XRF pipeline measured in one spectrum (a plain value: producing it does not
/// allocate). Areas are net counts; energies keV.
public struct XRFAnalysis: Sendable, Equatable {
  /// Channels in the spectrum.
  public var channelCount = 0
  /// Adjacent channels summed into one analysed point (1 unless finer than the analysis
  /// spacing).
  public var channelsSummed = 1
  /// Channels in the fit range at full scale.
  public var saturatedChannels = 0
  /// Mg Kα from the SNIP-subtracted main fit (kept for comparison; biased high, see settings).
  public var magnesiumSNIP = FittedBand()
  /// Mg Kα re-fitted on raw counts with a local polynomial background: the value used.
  public var magnesium = FittedBand()
  /// P Kα.
  public var phosphorus = FittedBand()
  /// Ca Kα.
  public var calcium = FittedBand()
  /// Ca Kβ.
  public var calciumBeta = FittedBand()
  /// Ca Kα centroid of the net counts minus its nominal energy: a check of the energy calibration.
  public var calciumEnergyOffset = Double.nan
  /// Reduced χ² of the main fit.
  public var reducedChiSquare = Double.nan
  /// (net Mg / net Ca) / RSF, when Ca Kα is significant.
  public var mgCaRatio: Double?
  /// σ of the ratio from both areas' σ.
  public var mgCaRatioSigma: Double?
  /// Quality flags.
  public var flags = QualityFlags()

  /// An empty analysis.
  public init() {}

  /// Name and version of the method, written as `method`.
  public static let method = "xrf-snip-gauss-mgrefit/2.0"

  /// The record's `detection` object.
  public func jsonValue(settings: XRFPipelineSettings) -> JSONValue {
    func line(_ name: String, _ band: FittedBand) -> JSONValue {
      .object([
        ("name", .string(name)), ("net_area", .number(band.area)),
        ("net_area_sigma", .number(band.areaSigma)), ("energy_kev", .number(band.centre)),
        ("fwhm_kev", .number(band.fwhm)),
      ])
    }
    return .object([
      ("method", .string(Self.method)),
      ("parameters", settings.jsonValue),
      ("mg_ca_ratio", .number(mgCaRatio)),
      ("mg_ca_ratio_sigma", .number(mgCaRatioSigma)),
      ("mg_net_area", .number(magnesium.area)),
      ("mg_net_area_sigma", .number(magnesium.areaSigma)),
      ("mg_net_area_snip", .number(magnesiumSNIP.area)),
      ("ca_net_area", .number(calcium.area)),
      ("ca_net_area_sigma", .number(calcium.areaSigma)),
      ("p_net_area", .number(phosphorus.area)),
      ("p_net_area_sigma", .number(phosphorus.areaSigma)),
      ("ca_kb_net_area", .number(calciumBeta.area)),
      ("ca_energy_offset_kev", .number(calciumEnergyOffset)),
      ("reduced_chi_square", .number(reducedChiSquare)),
      ("saturated_channels", .int(Int64(saturatedChannels))),
      ("channels_summed", .int(Int64(channelsSummed))),
      (
        "lines",
        .array([
          line(settings.magnesium.name, magnesium), line(settings.phosphorus.name, phosphorus),
          line(settings.calcium.name, calcium), line(settings.calciumBeta.name, calciumBeta),
        ])
      ),
      ("flags", flags.jsonValue),
    ])
  }
}

extension XRFPipelineSettings {
  /// Every parameter as JSON.
  public var jsonValue: JSONValue {
    func range(_ value: ClosedRange<Double>) -> JSONValue {
      .array([.number(value.lowerBound), .number(value.upperBound)])
    }
    return .object([
      (
        "lines_kev",
        .object(fitLines.map { ($0.name, JSONValue.number($0.energy)) })
      ),
      ("fwhm0_kev", .number(fwhmZero)), ("fwhm_slope_kev", .number(fwhmSlope)),
      ("fit_range_kev", range(fitRange)), ("snip_width_kev", .number(snipWidth)),
      ("analysis_spacing_kev", analysisSpacing.map { .number($0) } ?? .null),
      ("mg_refit_range_kev", range(magnesiumRefitRange)),
      ("mg_background_order", .int(Int64(magnesiumBackgroundOrder))),
      ("relative_sensitivity_factor", .number(relativeSensitivityFactor)),
      ("ca_significance_sigma", .number(calciumSignificance)),
      ("mg_significance_sigma", .number(magnesiumSignificance)),
    ])
  }
}
