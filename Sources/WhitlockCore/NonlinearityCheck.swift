/// Whether a device's detector non-linearity correction can be trusted.
///
/// Ocean Insight (and Wasatch) EEPROMs hold a polynomial f(c) = Σ aᵢ cⁱ: the response at c
/// counts relative to a linear one, so the corrected count is c / f(c). Unprogrammed or
/// corrupted memories hold zeros (c / 0 is infinite), NaN, or a polynomial that turns over,
/// so that more light would give fewer corrected counts (python-seabreeze issues 40 and 74).
/// A device whose coefficients fail is reported and used without correction, never corrected
/// with them.
public enum NonlinearityCheck {
  /// `nil` when `coefficients` (order 0 first) give a correction that is finite, positive and
  /// keeps corrected counts increasing from 1 count to `fullScale`, else why not.
  public static func problem(coefficients: [Double], fullScale: UInt32) -> String? {
    guard !coefficients.isEmpty else { return "no non-linearity coefficients" }
    if let bad = coefficients.firstIndex(where: { !$0.isFinite }) {
      return "non-linearity coefficient a\(bad) is not a finite number"
    }
    guard coefficients.contains(where: { $0 != 0 }) else {
      return "non-linearity coefficients are all zero (an unprogrammed EEPROM)"
    }
    guard fullScale > 1 else { return "full scale \(fullScale) counts" }
    let top = Double(fullScale)
    var previous = 0.0
    for step in 0...256 {
      let counts = max(1, top * Double(step) / 256)
      let factor = response(coefficients, at: counts)
      guard factor.isFinite, factor > 0 else {
        return "non-linearity factor is \(factor) at \(Int(counts)) counts (must be positive)"
      }
      let corrected = counts / factor
      guard corrected.isFinite, corrected > previous else {
        return
          "corrected counts stop increasing at \(Int(counts)) counts (the polynomial turns over)"
      }
      previous = corrected
    }
    return nil
  }

  /// f(counts) = Σ aᵢ countsⁱ.
  public static func response(_ coefficients: [Double], at counts: Double) -> Double {
    coefficients.reversed().reduce(0) { $0 * counts + $1 }
  }

  /// `counts` corrected (c / f(c)) with coefficients that passed `problem`.
  public static func corrected(_ counts: Double, coefficients: [Double]) -> Double {
    counts / response(coefficients, at: counts)
  }
}
