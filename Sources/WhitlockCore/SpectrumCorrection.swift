/// The arithmetic of the acquisition chain, pure: averaging scans, subtracting a dark,
/// correcting the detector's non-linearity and boxcar smoothing.
public enum SpectrumCorrection {
  /// The mean of `scans` per pixel (all of one length).
  public static func mean(_ scans: [[UInt32]]) -> [Double] {
    guard let first = scans.first else { return [] }
    var sums = [Double](repeating: 0, count: first.count)
    for scan in scans {
      for index in 0..<min(scan.count, sums.count) { sums[index] += Double(scan[index]) }
    }
    let divisor = Double(scans.count)
    return sums.map { $0 / divisor }
  }

  /// Corrects each value c to c / f(c) with coefficients that passed `NonlinearityCheck`.
  /// Values at or below zero are left alone (the polynomial is defined on positive counts).
  public static func correctNonlinearity(_ values: inout [Double], coefficients: [Double]) {
    for index in values.indices where values[index] > 0 {
      values[index] = NonlinearityCheck.corrected(values[index], coefficients: coefficients)
    }
  }

  /// Each value replaced by the mean of itself and `halfWidth` neighbours on each side
  /// (fewer at the ends), as ENLIGHTEN's boxcar; 0 leaves the values alone.
  public static func boxcar(_ values: [Double], halfWidth: Int) -> [Double] {
    guard halfWidth > 0, values.count > 1 else { return values }
    var prefix = [Double](repeating: 0, count: values.count + 1)
    for index in values.indices { prefix[index + 1] = prefix[index] + values[index] }
    return values.indices.map { index in
      let low = max(0, index - halfWidth)
      let high = min(values.count - 1, index + halfWidth)
      return (prefix[high + 1] - prefix[low]) / Double(high - low + 1)
    }
  }

  /// Values rounded to counts; negatives (noise where a dark exceeded the signal) become 0 and
  /// are counted, since a spectrum's counts are unsigned.
  public static func counts(_ values: [Double]) -> (counts: [UInt32], clampedPixels: Int) {
    var clamped = 0
    let counts = values.map { value -> UInt32 in
      guard value.isFinite, value > 0 else {
        if value < 0 || !value.isFinite { clamped += 1 }
        return 0
      }
      return UInt32(min(value.rounded(), Double(UInt32.max)))
    }
    return (counts, clamped)
  }
}
