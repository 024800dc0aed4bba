/// How a measurement is written for people (log lines, `whitlockctl spool tail`): three decimals,
/// the uncertainty beside the value, and "n/a" where the detector reported nothing.
public enum MeasurementText {
  /// `value ± sigma`, `value` alone without a sigma, or `n/a` without a value.
  public static func measured(_ value: JSONValue?, sigma: JSONValue?) -> String {
    guard let number = value?.doubleValue else { return "n/a" }
    guard let uncertainty = sigma?.doubleValue else { return rounded(number) }
    return "\(rounded(number)) ± \(rounded(uncertainty))"
  }

  /// The value rounded to three decimals.
  public static func rounded(_ value: Double) -> String { "\((value * 1000).rounded() / 1000)" }
}
