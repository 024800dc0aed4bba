/// What the fit may assume about one band: a starting centre and width and the bounds that keep
/// the fit physical. All values are Raman shift in cm⁻¹ (or keV for XRF lines).
public struct BandPrior: Sendable, Equatable {
  /// Name written into records, e.g. `hap_961`.
  public var name: String
  /// Starting centre.
  public var centre: Double
  /// The centre is kept inside this range (bounded fit).
  public var centreRange: ClosedRange<Double>
  /// Starting full width at half maximum.
  public var fwhm: Double
  /// The FWHM is kept inside this range.
  public var fwhmRange: ClosedRange<Double>
  /// Standard deviation of a Gaussian prior on the centre (`.infinity`: bounds only). The prior
  /// enters the fit as one pseudo-observation, so an ill-determined centre stays near its
  /// literature value instead of trading area with a neighbour.
  public var centreSigma: Double
  /// Standard deviation of a Gaussian prior on the FWHM (`.infinity`: bounds only).
  public var fwhmSigma: Double

  /// Creates a prior; the start values are clamped into their ranges.
  public init(
    name: String, centre: Double, centreRange: ClosedRange<Double>, fwhm: Double,
    fwhmRange: ClosedRange<Double>, centreSigma: Double = .infinity, fwhmSigma: Double = .infinity
  ) {
    self.name = name
    self.centre = min(max(centre, centreRange.lowerBound), centreRange.upperBound)
    self.centreRange = centreRange
    self.fwhm = min(max(fwhm, fwhmRange.lowerBound), fwhmRange.upperBound)
    self.fwhmRange = fwhmRange
    self.centreSigma = centreSigma
    self.fwhmSigma = fwhmSigma
  }
}

/// One fitted band with 1σ uncertainties from the fit covariance. A σ is NaN when the
/// corresponding parameter is undetermined (for example the centre of a band whose area is zero).
public struct FittedBand: Sendable, Equatable {
  /// Integrated area in counts (summed over pixels, baseline removed).
  public var area: Double = .nan
  /// σ of the area.
  public var areaSigma: Double = .nan
  /// Centre, cm⁻¹.
  public var centre: Double = .nan
  /// σ of the centre.
  public var centreSigma: Double = .nan
  /// Full width at half maximum, cm⁻¹.
  public var fwhm: Double = .nan
  /// σ of the FWHM.
  public var fwhmSigma: Double = .nan

  /// An empty (not fitted) band.
  public init() {}

  /// Whether the band was fitted at all.
  public var isFitted: Bool { area.isFinite }

  /// Area over its σ, or 0 when either is unavailable.
  public var significance: Double {
    guard area.isFinite, areaSigma.isFinite, areaSigma > 0 else { return 0 }
    return area / areaSigma
  }
}
