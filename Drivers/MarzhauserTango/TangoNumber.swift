/// Numbers as the TANGO driver writes them: µm with three decimals (nanometres), so a
/// command's text never depends on the platform's float printing.
public enum TangoNumber {
  /// `value` with exactly three decimals, e.g. `-12.500`.
  public static func text(_ value: Double) -> String {
    let thousandths = Int64((value * 1000).rounded())
    let sign = thousandths < 0 ? "-" : ""
    let magnitude = thousandths.magnitude
    let fraction = String(magnitude % 1000)
    return sign + String(magnitude / 1000) + "." + String(repeating: "0", count: 3 - fraction.count)
      + fraction
  }

  /// A decimal number as the controller writes one, or `nil`.
  public static func decimal(_ text: Substring) -> Double? {
    guard !text.isEmpty, text.count <= 24,
      text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
      let value = Double(text), value.isFinite
    else { return nil }
    return value
  }
}
