import Foundation
import WhitlockCore

/// Byte helpers for the device emulations; packing goes through `LittleEndian`.
enum EmulatedBytes {
  static func le<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] { LittleEndian.bytes(value) }

  static func readLE<Value: FixedWidthInteger>(_ type: Value.Type, _ bytes: [UInt8], at offset: Int)
    -> Value
  { LittleEndian.readPadded(type, from: bytes, at: offset) }

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
