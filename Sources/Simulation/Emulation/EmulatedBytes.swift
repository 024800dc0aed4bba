import Foundation

/// Little-endian packing for the device emulations.
enum EmulatedBytes {
  static func le<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
    (0..<(Value.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
  }

  static func readLE<Value: FixedWidthInteger>(_ type: Value.Type, _ bytes: [UInt8], at offset: Int)
    -> Value
  {
    var value: Value = 0
    for index in (0..<(Value.bitWidth / 8)).reversed() where offset + index < bytes.count {
      value = value << 8 | Value(bytes[offset + index])
    }
    return value
  }

  /// Coefficients of p ↦ Σ cᵢ (p + shift)ⁱ (binomial expansion).
  static func shifted(_ coefficients: [Double], by shift: Double) -> [Double] {
    var result = [Double](repeating: 0, count: coefficients.count)
    for (power, coefficient) in coefficients.enumerated() {
      var binomial = 1.0
      for k in 0...power {
        result[k] += coefficient * binomial * pow(shift, Double(power - k))
        binomial = binomial * Double(power - k) / Double(k + 1)
      }
    }
    return result
  }
}
