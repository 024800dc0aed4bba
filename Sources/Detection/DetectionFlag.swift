import WhitlockCore

/// A quality flag attached to a detection result, written into records by its raw value.
public enum DetectionFlag: String, Sendable, Hashable, CaseIterable {
  /// At least one pixel or channel used by the measurement is at the detector's full scale.
  case saturated
  /// The measurement is there but too noisy to be useful: for Raman the whitlockite fraction's σ
  /// exceeds the configured limit; for XRF the Ca line is not significant.
  case lowSNR = "low_snr"
  /// The fit could not be solved (too few points in the window, singular normal equations, or a
  /// spectrum whose axis is not what the detector expects).
  case fitDegenerate = "fit_degenerate"
  /// XRF only: the Mg line is not significant, so the ratio is an upper-bound-like estimate.
  case magnesiumNotSignificant = "mg_not_significant"
  /// XRF only: no relative sensitivity factor is configured, so the ratio is a raw net-area ratio.
  case uncalibrated
}

extension Array where Element == DetectionFlag {
  /// The flags as a JSON array of their names.
  var jsonValue: JSONValue { .array(map { .string($0.rawValue) }) }
}
