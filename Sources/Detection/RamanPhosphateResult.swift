import WhitlockCore

/// What the Raman phosphate detector found in one spectrum.
///
/// Band areas are in counts (summed over pixels, baseline removed). Values are `nil` when the fit
/// could not be made; the whitlockite fraction is `nil` unless the phosphate band is detected.
public struct RamanPhosphateResult: Sendable, Equatable {
  /// Name and version of the method, written as `method`.
  public static let method = "raman-phosphate-lsq/1.0"

  /// The settings the result was produced with.
  public var settings: RamanDetectorSettings
  /// Pixels inside the fit window.
  public var windowPixels: Int
  /// Window pixels at full scale.
  public var saturatedPixels: Int
  /// HAP (961 cm⁻¹) band area, counts.
  public var hapArea: Double?
  /// σ of the HAP band area, counts.
  public var hapAreaSigma: Double?
  /// Whitlockite (970 cm⁻¹) band area, counts.
  public var whitlockiteArea: Double?
  /// σ of the whitlockite band area, counts.
  public var whitlockiteAreaSigma: Double?
  /// Total phosphate ν1 area (HAP + whitlockite), counts.
  public var phosphateArea: Double?
  /// σ of the total phosphate area from the fit covariance, counts.
  public var phosphateAreaSigma: Double?
  /// Whether the phosphate band is present: area positive and ≥ threshold × σ.
  public var phosphateDetected: Bool
  /// Whitlockite fraction A970 / (A961 + A970), only when the band is detected.
  public var whitlockiteFraction: Double?
  /// σ of the whitlockite fraction by first-order error propagation.
  public var whitlockiteFractionSigma: Double?
  /// Root-mean-square fit residual, counts per pixel.
  public var residualRMS: Double?
  /// Quality flags.
  public var flags: [DetectionFlag]

  /// Creates a result; the detector fills every member.
  public init(
    settings: RamanDetectorSettings, windowPixels: Int = 0, saturatedPixels: Int = 0,
    hapArea: Double? = nil, hapAreaSigma: Double? = nil, whitlockiteArea: Double? = nil,
    whitlockiteAreaSigma: Double? = nil, phosphateArea: Double? = nil,
    phosphateAreaSigma: Double? = nil, phosphateDetected: Bool = false,
    whitlockiteFraction: Double? = nil, whitlockiteFractionSigma: Double? = nil,
    residualRMS: Double? = nil, flags: [DetectionFlag] = []
  ) {
    self.settings = settings
    self.windowPixels = windowPixels
    self.saturatedPixels = saturatedPixels
    self.hapArea = hapArea
    self.hapAreaSigma = hapAreaSigma
    self.whitlockiteArea = whitlockiteArea
    self.whitlockiteAreaSigma = whitlockiteAreaSigma
    self.phosphateArea = phosphateArea
    self.phosphateAreaSigma = phosphateAreaSigma
    self.phosphateDetected = phosphateDetected
    self.whitlockiteFraction = whitlockiteFraction
    self.whitlockiteFractionSigma = whitlockiteFractionSigma
    self.residualRMS = residualRMS
    self.flags = flags
  }

  /// Phosphate area over its σ, or `nil` when either is unavailable or σ is zero.
  public var phosphateSignificance: Double? {
    guard let phosphateArea, let phosphateAreaSigma, phosphateAreaSigma > 0 else { return nil }
    return phosphateArea / phosphateAreaSigma
  }

  /// The result as the record's `detection` object; non-finite numbers become `null`.
  public var jsonValue: JSONValue {
    .object([
      ("method", .string(Self.method)),
      (
        "parameters",
        .object([
          ("window_cm1", .array([.number(settings.windowLower), .number(settings.windowUpper)])),
          ("hap_centre_cm1", .number(settings.hapCentre)),
          ("whitlockite_centre_cm1", .number(settings.whitlockiteCentre)),
          ("band_fwhm_cm1", .number(settings.bandFWHM)),
          ("detection_threshold_sigma", .number(settings.detectionThreshold)),
          ("maximum_fraction_sigma", .number(settings.maximumFractionSigma)),
        ])
      ),
      ("window_pixels", .int(Int64(windowPixels))),
      ("saturated_pixels", .int(Int64(saturatedPixels))),
      ("hap_area", .number(hapArea)),
      ("hap_area_sigma", .number(hapAreaSigma)),
      ("whitlockite_area", .number(whitlockiteArea)),
      ("whitlockite_area_sigma", .number(whitlockiteAreaSigma)),
      ("phosphate_area", .number(phosphateArea)),
      ("phosphate_area_sigma", .number(phosphateAreaSigma)),
      ("phosphate_significance", .number(phosphateSignificance)),
      ("phosphate_detected", .bool(phosphateDetected)),
      ("whitlockite_fraction", .number(whitlockiteFraction)),
      ("whitlockite_fraction_sigma", .number(whitlockiteFractionSigma)),
      ("residual_rms", .number(residualRMS)),
      ("flags", flags.jsonValue),
    ])
  }
}
