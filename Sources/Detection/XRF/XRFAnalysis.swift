import WhitlockCore

/// One element's fitted family area in an XRF spectrum.
public struct XRFElementArea: Sendable, Equatable {
  /// Element symbol.
  public var element: String
  /// K or L.
  public var shell: XRFLineFamily.Shell
  /// Net area of the family's α lines, counts.
  public var area: Double
  /// σ of the area.
  public var areaSigma: Double

  /// Area over σ, 0 when undetermined.
  public var significance: Double {
    area.isFinite && areaSigma.isFinite && areaSigma > 0 ? area / areaSigma : 0
  }
}

/// An element's amount relative to Ca: a molar ratio where a relative sensitivity factor is
/// configured, the net-area ratio otherwise. Below detection (the element's area under
/// `significance`·σ) there is no value, only the detection limit; a ratio is never negative.
public struct XRFRatioToCalcium: Sendable, Equatable {
  /// The ratio, or nil when Ca is not significant or the element is below detection.
  public var value: Double?
  /// σ of the ratio.
  public var sigma: Double?
  /// The element's area is below its detection threshold.
  public var belowDetection = false
  /// The ratio that an area of `significance`·σ would give: the detection limit.
  public var detectionLimit: Double?
  /// The sensitivity factor was calibrated (molar ratio) rather than 1 (net-area ratio).
  public var molar = false

  /// Creates an undetermined ratio.
  public init() {}

  /// The ratio of `element` to `calcium` areas with sensitivity `factor` (nil: net-area ratio),
  /// reported only when the element is at least `significance` σ and Ca is significant.
  init(
    _ element: FittedBand, _ calcium: FittedBand, factor: Double?, significance: Double,
    calciumSignificance: Double
  ) {
    let k = factor.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
    molar = k != nil
    let sensitivity = k ?? 1
    guard calcium.area > 0, calcium.areaSigma.isFinite,
      calcium.area >= calciumSignificance * calcium.areaSigma,
      element.area.isFinite, element.areaSigma.isFinite
    else { return }
    let limit = significance * element.areaSigma / calcium.area / sensitivity
    detectionLimit = limit.isFinite ? limit : nil
    guard element.area >= significance * element.areaSigma, element.area > 0 else {
      belowDetection = true
      return
    }
    let ratio = element.area / calcium.area / sensitivity
    let relative =
      (element.areaSigma / element.area) * (element.areaSigma / element.area)
      + (calcium.areaSigma / calcium.area) * (calcium.areaSigma / calcium.area)
    let sigma = ratio * relative.squareRoot()
    guard ratio.isFinite, sigma.isFinite else { return }
    value = ratio
    self.sigma = sigma
  }
}

/// Everything the XRF pipeline measured in one spectrum. Areas are net counts; energies keV.
public struct XRFAnalysis: Sendable, Equatable {
  /// Channels in the spectrum.
  public var channelCount = 0
  /// Adjacent channels summed into one analysed point (1 unless finer than the analysis
  /// spacing).
  public var channelsSummed = 1
  /// Channels in the fit range at full scale.
  public var saturatedChannels = 0
  /// Mg Kα from the joint fit on SNIP-subtracted counts (kept for comparison; biased where
  /// the continuum bends, see settings).
  public var magnesiumSNIP = FittedBand()
  /// Mg Kα re-fitted on raw counts with a local polynomial background and its neighbours'
  /// lines: the value used.
  public var magnesium = FittedBand()
  /// Na Kα.
  public var sodium = FittedBand()
  /// P Kα.
  public var phosphorus = FittedBand()
  /// Ca Kα.
  public var calcium = FittedBand()
  /// Ca Kβ (tied to Kα by the library's intensity ratio).
  public var calciumBeta = FittedBand()
  /// Every fitted family, in fit order.
  public var elements: [XRFElementArea] = []
  /// The energy axis and width law the fit found.
  public var axis = XRFAxisFit()
  /// Counts in sum (pile-up) peaks, and σ.
  public var sumPeaks = FittedBand()
  /// Ca Kα centroid of the net counts minus its nominal energy: a check of the energy calibration.
  public var calciumEnergyOffset = Double.nan
  /// Reduced χ² of the main fit.
  public var reducedChiSquare = Double.nan
  /// The tube's Rh L scatter area over the continuum per keV at 10–14 keV (nan unless the
  /// anode is Rh and the fit range reaches 14 keV): the soft X-ray attenuation indicator.
  public var scatterIndicator = Double.nan
  /// Soft X-ray absorber mass thickness relative to the calibration standard, g/cm², used to
  /// correct the ratios to Ca (nan when not estimated; `XRFSoftXRayAttenuation`).
  public var absorberMass = Double.nan
  /// Mg/Ca: molar when calibrated, net-area ratio otherwise; nil below detection.
  public var magnesiumToCalcium = XRFRatioToCalcium()
  /// Na/Ca, likewise.
  public var sodiumToCalcium = XRFRatioToCalcium()
  /// Quality flags.
  public var flags = QualityFlags()

  /// Mg/Ca, when determined (molar when calibrated).
  public var mgCaRatio: Double? { magnesiumToCalcium.value }
  /// σ of Mg/Ca.
  public var mgCaRatioSigma: Double? { magnesiumToCalcium.sigma }

  /// An empty analysis.
  public init() {}

  /// Name and version of the method, written as `method`.
  public static let method = "xrf-library-joint-fit-mgrefit/3.0"

  /// The record's `detection` object.
  public func jsonValue(settings: XRFPipelineSettings) -> JSONValue {
    func line(_ name: String, _ band: FittedBand) -> JSONValue {
      .object([
        ("name", .string(name)), ("net_area", .number(band.area)),
        ("net_area_sigma", .number(band.areaSigma)), ("energy_kev", .number(band.centre)),
        ("fwhm_kev", .number(band.fwhm)),
      ])
    }
    func ratio(_ prefix: String, _ value: XRFRatioToCalcium) -> [(String, JSONValue)] {
      [
        (prefix + "_ratio", .number(value.value)),
        (prefix + "_ratio_sigma", .number(value.sigma)),
        (prefix + "_ratio_basis", .string(value.molar ? "molar" : "net-area")),
        (prefix + "_below_detection", .bool(value.belowDetection)),
        (prefix + "_detection_limit", .number(value.detectionLimit)),
      ]
    }
    var members: [(String, JSONValue)] = [
      ("method", .string(Self.method)),
      ("parameters", settings.jsonValue),
      ("calibration", settings.calibrationName.map { .string($0) } ?? .null),
    ]
    members += ratio("mg_ca", magnesiumToCalcium)
    members += ratio("na_ca", sodiumToCalcium)
    members += [
      ("mg_net_area", .number(magnesium.area)),
      ("mg_net_area_sigma", .number(magnesium.areaSigma)),
      ("mg_net_area_snip", .number(magnesiumSNIP.area)),
      ("na_net_area", .number(sodium.area)),
      ("na_net_area_sigma", .number(sodium.areaSigma)),
      ("ca_net_area", .number(calcium.area)),
      ("ca_net_area_sigma", .number(calcium.areaSigma)),
      ("p_net_area", .number(phosphorus.area)),
      ("p_net_area_sigma", .number(phosphorus.areaSigma)),
      ("ca_kb_net_area", .number(calciumBeta.area)),
      ("ca_energy_offset_kev", .number(calciumEnergyOffset)),
      ("reduced_chi_square", .number(reducedChiSquare)),
      ("scatter_indicator", .number(scatterIndicator)),
      ("absorber_mass_g_cm2", .number(absorberMass)),
      ("saturated_channels", .int(Int64(saturatedChannels))),
      ("channels_summed", .int(Int64(channelsSummed))),
      (
        "elements",
        .array(
          elements.map {
            .object([
              ("element", .string($0.element)), ("shell", .string($0.shell.rawValue)),
              ("net_area", .number($0.area)), ("net_area_sigma", .number($0.areaSigma)),
              ("significance", .number($0.significance)),
            ])
          })
      ),
      (
        "axis_fit",
        .object([
          ("offset_kev", .number(axis.offset)), ("scale", .number(axis.scale)),
          ("fwhm0_kev", .number(axis.fwhmZero)), ("fwhm_slope_kev", .number(axis.fwhmSlope)),
          ("tail_fraction", .number(axis.tailFraction)),
          ("tail_slope_sigma", .number(axis.tailSlope)),
          ("step_height", .number(axis.stepHeight)),
        ])
      ),
      ("sum_peak_counts", .number(sumPeaks.area)),
      (
        "lines",
        .array([
          line(settings.magnesium.name, magnesium), line("Na Ka", sodium),
          line(settings.phosphorus.name, phosphorus), line(settings.calcium.name, calcium),
          line(settings.calciumBeta.name, calciumBeta),
        ])
      ),
      ("flags", flags.jsonValue),
    ]
    return .object(members)
  }
}

extension XRFPipelineSettings {
  /// Every parameter as JSON.
  public var jsonValue: JSONValue {
    func range(_ value: ClosedRange<Double>) -> JSONValue {
      .array([.number(value.lowerBound), .number(value.upperBound)])
    }
    return .object([
      ("elements", .array(elements.map { .string($0) })),
      ("anode", anode.map { .string($0) } ?? .null),
      ("element_significance_sigma", .number(elementSignificance)),
      ("model_error", .number(modelError)),
      ("refine_axis", .bool(refineAxis)),
      ("line_tails", .bool(lineTails)),
      ("sum_peaks", .bool(sumPeaks)),
      ("fwhm0_kev", .number(fwhmZero)), ("fwhm_slope_kev", .number(fwhmSlope)),
      ("fit_range_kev", range(fitRange)), ("snip_width_kev", .number(snipWidth)),
      ("analysis_spacing_kev", analysisSpacing.map { .number($0) } ?? .null),
      ("mg_refit_range_kev", range(magnesiumRefitRange)),
      ("mg_background_order", .int(Int64(magnesiumBackgroundOrder))),
      ("relative_sensitivity_factor", .number(relativeSensitivityFactor)),
      (
        "relative_sensitivity_factors",
        .object(sensitivities.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })
      ),
      ("ca_significance_sigma", .number(calciumSignificance)),
      ("mg_significance_sigma", .number(magnesiumSignificance)),
    ])
  }
}
