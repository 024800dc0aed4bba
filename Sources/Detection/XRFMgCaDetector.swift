import WhitlockCore

/// Estimates the molar Mg/Ca ratio of one XRF spectrum from the net areas of Mg Kα and Ca Kα.
///
/// Each net area is a window sum minus a linear background from side windows (`XRFLineArea`);
/// σ comes from Poisson statistics. The ratio (net Mg / net Ca) / RSF is reported only when the
/// Ca line is significant; its σ is propagated as
/// sqrt(σMg²/Ca² + Mg²·σCa²/Ca⁴) / RSF, which stays finite when Mg is near zero.
///
/// Known limit, measured on the simulator's spectra: the straight background line between the side
/// windows runs about 5 % below the continuum's absorption bend under Mg Kα, so Mg/Ca reads about
/// +0.005 high (with RSF = the model's sensitivity); a local fit of the continuum would remove it.
public struct XRFMgCaDetector: Sendable {
  /// The detector's parameters.
  public var settings: XRFDetectorSettings

  /// Creates a detector with the given settings.
  public init(settings: XRFDetectorSettings = XRFDetectorSettings()) {
    self.settings = settings
  }

  /// Analyses one acquisition.
  public func detect(_ acquisition: Acquisition) -> XRFMgCaResult {
    detect(counts: acquisition.counts, axis: acquisition.axis, fullScale: acquisition.fullScale)
  }

  /// Analyses raw counts on the given calibration; counts ≥ `fullScale` are saturated.
  public func detect(counts: [UInt32], axis: AxisCalibration, fullScale: UInt32) -> XRFMgCaResult {
    var result = XRFMgCaResult(settings: settings)
    guard case .linearEnergy(let gain, let offset) = axis else {
      result.flags.append(.fitDegenerate)
      return result
    }
    func measure(_ energy: Double) -> XRFLineArea? {
      XRFLineArea.measure(
        counts: counts, keVPerChannel: gain, offsetKeV: offset, fullScale: fullScale,
        energy: energy, fwhm: settings.fwhm(atEnergy: energy), settings: settings)
    }
    let magnesium = measure(settings.magnesiumEnergy)
    let calcium = measure(settings.calciumEnergy)
    result.magnesium = magnesium
    result.calcium = calcium
    if (magnesium?.saturatedChannels ?? 0) + (calcium?.saturatedChannels ?? 0) > 0 {
      result.flags.append(.saturated)
    }
    let sensitivity: Double
    if let factor = settings.relativeSensitivityFactor {
      sensitivity = factor
    } else {
      sensitivity = 1
      result.flags.append(.uncalibrated)
    }
    guard let magnesium, let calcium, sensitivity > 0, sensitivity.isFinite else {
      result.flags.append(.fitDegenerate)
      return result
    }
    if magnesium.significance < settings.magnesiumSignificance {
      result.flags.append(.magnesiumNotSignificant)
    }
    let ca = calcium.netArea
    guard ca > 0, ca >= settings.calciumSignificance * calcium.netAreaSigma else {
      result.flags.append(.lowSNR)
      return result
    }
    let mg = magnesium.netArea
    let ratio = mg / ca / sensitivity
    let variance =
      (magnesium.netAreaSigma * magnesium.netAreaSigma) / (ca * ca)
      + (mg * mg) * (calcium.netAreaSigma * calcium.netAreaSigma) / (ca * ca * ca * ca)
    let sigma = variance.squareRoot() / sensitivity
    guard ratio.isFinite, sigma.isFinite else {
      result.flags.append(.fitDegenerate)
      return result
    }
    result.mgCaRatio = ratio
    result.mgCaRatioSigma = sigma
    return result
  }
}
