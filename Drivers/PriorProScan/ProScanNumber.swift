/// Numbers as the ProScan protocol writes them: integers in decimal with an optional minus
/// sign, decimals (the stage resolution, µm) without a trailing `.0`.
public enum ProScanNumber {
  /// `value` as the protocol writes it: an integer without `.0`, else Swift's shortest form.
  public static func text(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }

  /// A decimal integer with an optional sign, or `nil`.
  public static func integer(_ text: Substring) -> Int? {
    guard !text.isEmpty, text.count <= 12 else { return nil }
    let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : text[...]
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(text)
  }

  /// A decimal number, or `nil`.
  public static func decimal(_ text: Substring) -> Double? {
    guard !text.isEmpty, text.count <= 24,
      text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
      let value = Double(text), value.isFinite
    else { return nil }
    return value
  }
}
