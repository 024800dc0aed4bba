/// Finds the emission lines or Raman bands of a spectrum and their sub-pixel centres.
public enum PeakFinder {
  /// A peak: fitted centre and width (x units) and prominence above its surroundings.
  public struct Peak: Sendable, Equatable {
    /// Fitted centre.
    public var centre: Double
    /// Fitted full width at half maximum.
    public var width: Double
    /// Height above the higher of the two minima within `neighbourhood` points on each side.
    public var prominence: Double
  }

  /// The noise standard deviation, from the median absolute deviation of first differences
  /// (robust against peaks and slow baselines).
  public static func noise(_ y: [Double]) -> Double {
    guard y.count > 2 else { return 0 }
    var differences = (1..<y.count).map { y[$0] - y[$0 - 1] }
    let centre = median(&differences)
    var deviations = differences.map { abs($0 - centre) }
    return 1.4826 * median(&deviations) / 2.0.squareRoot()
  }

  /// The `limit` most prominent peaks of `y` over `x` (ascending) whose prominence exceeds
  /// `signalToNoise` times the noise, each centred by a pseudo-Voigt fit over about its width.
  public static func peaks(
    x: [Double], y: [Double], signalToNoise: Double = 8, limit: Int = 60, neighbourhood: Int = 12
  ) -> [Peak] {
    let n = y.count
    guard n >= 7, x.count == n else { return [] }
    let threshold = signalToNoise * max(noise(y), 1e-12)
    var candidates: [(prominence: Double, index: Int)] = []
    for i in 2..<(n - 2)
    where y[i] >= y[i - 1] && y[i] > y[i + 1] && y[i] >= y[i - 2] && y[i] >= y[i + 2] {
      let left = y[max(0, i - neighbourhood)..<i].min() ?? y[i]
      let right = y[(i + 1)..<min(n, i + neighbourhood + 1)].min() ?? y[i]
      let prominence = y[i] - max(left, right)
      if prominence > threshold { candidates.append((prominence, i)) }
    }
    candidates.sort { $0.prominence > $1.prominence }
    var found: [Peak] = []
    for (prominence, i) in candidates.prefix(limit) {
      let half = y[i] - prominence / 2
      var a = i
      while a > 0 && y[a] > half { a -= 1 }
      var b = i
      while b < n - 1 && y[b] > half { b += 1 }
      let width = max(abs(x[b] - x[a]), 1e-3)
      var lo = i
      while lo > 0 && x[lo - 1] >= x[i] - 1.5 * width { lo -= 1 }
      var hi = i
      while hi < n - 1 && x[hi + 1] <= x[i] + 1.5 * width { hi += 1 }
      if hi - lo + 1 < 7 {
        lo = max(0, i - 3)
        hi = min(n - 1, i + 3)
      }
      let start = BandFitter.Start(
        band: FittedBand(centre: x[i], width: width, height: prominence),
        centreBounds: (x[i] - width)...(x[i] + width))
      guard
        let band = BandFitter.fit(x: Array(x[lo...hi]), y: Array(y[lo...hi]), starts: [start])?
          .first,
        band.height > 0
      else { continue }
      found.append(Peak(centre: band.centre, width: band.width, prominence: prominence))
    }
    return found
  }

  static func median(_ values: inout [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    values.sort()
    let middle = values.count / 2
    return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
  }
}
