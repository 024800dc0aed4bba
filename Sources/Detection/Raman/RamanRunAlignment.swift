/// The axis offset between two Raman spectra of the same sample (two runs, two laser lines, two
/// instruments), from the cross-correlation of their bands over a range of shifts.
///
/// It puts runs of one sample on a common axis without looking at the bands the phase decision
/// uses: given a range below the detector's processing range, what it measures is independent of
/// the detector's own axis-offset estimate. Both spectra are resampled at `step` over the range,
/// each loses a running mean `smoothing` wide (fluorescence and baseline; only bands stay), the
/// negative part is dropped, and the lag of the largest normalised correlation within
/// ±`maximumLag` is refined by a parabola through its neighbours.
public struct RamanRunAlignment: Sendable, Equatable {
  /// Shifts compared, cm⁻¹.
  public var range: ClosedRange<Double>
  /// Resampling step, cm⁻¹.
  public var step = 0.1
  /// Width of the running mean removed from each spectrum, cm⁻¹.
  public var smoothing = 40.0
  /// Largest offset looked for, cm⁻¹.
  public var maximumLag = 10.0

  /// An alignment over `range` with the documented defaults otherwise.
  public init(range: ClosedRange<Double>) {
    self.range = range
  }

  /// The result of one comparison.
  public struct Offset: Sendable, Equatable {
    /// How far `other`'s bands sit above `reference`'s, cm⁻¹ (subtract it from `other`'s axis
    /// to put it on `reference`'s).
    public var offset: Double
    /// Normalised correlation at that offset (1: identical band patterns).
    public var correlation: Double
  }

  /// `other`'s axis offset from `reference`'s, or nil when either does not cover `range` or has
  /// no bands in it. Axes must be ascending.
  public func offset(
    of other: (shifts: [Double], intensities: [Double]),
    from reference: (shifts: [Double], intensities: [Double])
  ) -> Offset? {
    guard let a = bands(reference), let b = bands(other) else { return nil }
    let lags = Int((maximumLag / step).rounded())
    let n = a.count
    guard n > 2 * lags + 3 else { return nil }
    var scores = [Double](repeating: -.infinity, count: 2 * lags + 1)
    for lag in -lags...lags {
      var sum = 0.0
      for i in lags..<(n - lags) { sum += a[i] * b[i + lag] }
      scores[lag + lags] = sum
    }
    var best = 0
    for k in scores.indices where scores[k] > scores[best] { best = k }
    var refined = Double(best - lags)
    if best > 0, best < scores.count - 1 {
      let left = scores[best - 1]
      let centre = scores[best]
      let right = scores[best + 1]
      let curvature = left - 2 * centre + right
      if curvature < 0 { refined += min(max(0.5 * (left - right) / curvature, -0.5), 0.5) }
    }
    return Offset(offset: refined * step, correlation: scores[best])
  }

  /// The spectrum resampled over `range`, its running mean removed, negatives dropped,
  /// normalised to unit length; nil when it does not cover the range or is flat.
  private func bands(_ spectrum: (shifts: [Double], intensities: [Double])) -> [Double]? {
    let x = spectrum.shifts
    let y = spectrum.intensities
    guard x.count == y.count, x.count >= 2, let first = x.first, let last = x.last,
      first <= range.lowerBound, last >= range.upperBound, step > 0
    else { return nil }
    let count = Int(((range.upperBound - range.lowerBound) / step).rounded(.down)) + 1
    var sampled = [Double](repeating: 0, count: count)
    var j = 0
    for i in 0..<count {
      let position = range.lowerBound + Double(i) * step
      while j < x.count - 2, x[j + 1] < position { j += 1 }
      let span = x[j + 1] - x[j]
      let t = span > 0 ? (position - x[j]) / span : 0
      sampled[i] = y[j] + t * (y[j + 1] - y[j])
    }
    let half = max(Int((smoothing / step / 2).rounded()), 1)
    var prefix = [Double](repeating: 0, count: count + 1)
    for i in 0..<count { prefix[i + 1] = prefix[i] + sampled[i] }
    var result = [Double](repeating: 0, count: count)
    var norm = 0.0
    for i in 0..<count {
      let low = max(i - half, 0)
      let high = min(i + half, count - 1)
      let mean = (prefix[high + 1] - prefix[low]) / Double(high - low + 1)
      let value = max(sampled[i] - mean, 0)
      result[i] = value
      norm += value * value
    }
    guard norm > 0, norm.isFinite else { return nil }
    let scale = 1 / norm.squareRoot()
    for i in 0..<count { result[i] *= scale }
    return result
  }
}
