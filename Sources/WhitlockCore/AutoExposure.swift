/// How auto-exposure looks for an exposure.
///
/// The defaults follow ENLIGHTEN's Auto-Raman: a peak of 40 000–50 000 counts on a 16-bit
/// detector (the window scales with the detector's full scale), exposures of 10 ms to 2 s.
public struct AutoExposureSettings: Sendable, Equatable {
  /// The window the spectrum's peak should land in, counts of a 65 535-count detector.
  public var targetCounts: ClosedRange<Double> = 40_000...50_000
  /// The exposures it may choose, s (further limited by the device's own range).
  public var exposureRange: ClosedRange<Double> = 0.01...2
  /// Total exposure time it may spend looking, s.
  public var budgetSeconds: Double = 30
  /// Frames it may take looking.
  public var maximumSteps = 12

  public init() {}
}

/// One step of auto-exposure, pure: given the exposure a frame was taken with and its counts,
/// accept that exposure or name the next one to try.
///
/// A saturated frame is never accepted: the exposure is cut until no pixel reaches full scale,
/// and a frame saturated at the shortest exposure allowed is a failure the caller reports (the
/// sample or lamp is too bright to measure). The peak is the largest 3-pixel median, so a
/// cosmic-ray spike neither shortens the exposure nor counts as signal.
public enum AutoExposure {
  /// What to do after a frame.
  public enum Decision: Sendable, Equatable {
    /// Keep this exposure: the peak is in the window, or as close as the limits allow.
    case accept
    /// Take another frame at this exposure, s.
    case retry(exposureSeconds: Double)
    /// Saturated at the shortest exposure allowed.
    case saturatedAtShortest(exposureSeconds: Double)
  }

  /// The largest 3-pixel median of `counts` (a one-pixel spike does not count).
  public static func peak(_ counts: [UInt32]) -> Double {
    medians(counts).max() ?? 0
  }

  /// The smallest 3-pixel median of `counts`: the detector's offset plus the weakest signal.
  public static func floor(_ counts: [UInt32]) -> Double {
    medians(counts).min() ?? 0
  }

  private static func medians(_ counts: [UInt32]) -> [Double] {
    guard counts.count >= 3 else { return counts.map(Double.init) }
    var values: [Double] = []
    values.reserveCapacity(counts.count - 2)
    for index in 1..<(counts.count - 1) {
      let a = counts[index - 1]
      let b = counts[index]
      let c = counts[index + 1]
      values.append(Double(max(min(a, b), min(max(a, b), c))))
    }
    return values
  }

  /// The target window for a detector of `fullScale` counts.
  public static func window(_ settings: AutoExposureSettings, fullScale: UInt32)
    -> ClosedRange<Double>
  {
    let scale = Double(fullScale) / 65_535
    return (settings.targetCounts.lowerBound * scale)...(settings.targetCounts.upperBound * scale)
  }

  /// Decides after a frame of `counts` taken at `exposureSeconds`, with exposures limited to
  /// `range` (the settings' range within the device's).
  public static func decide(
    exposureSeconds: Double, counts: [UInt32], fullScale: UInt32, settings: AutoExposureSettings,
    range: ClosedRange<Double>
  ) -> Decision {
    let saturated = counts.contains { $0 >= fullScale }
    if saturated {
      guard exposureSeconds > range.lowerBound * 1.000_001 else {
        return .saturatedAtShortest(exposureSeconds: exposureSeconds)
      }
      return .retry(exposureSeconds: max(range.lowerBound, exposureSeconds * 0.4))
    }
    let target = window(settings, fullScale: fullScale)
    let peak = peak(counts)
    if target.contains(peak) { return .accept }
    let offset = floor(counts)
    let signal = peak - offset
    let aim = (target.lowerBound + target.upperBound) / 2
    let wanted: Double
    if signal <= 1 {
      wanted = peak > target.upperBound ? range.lowerBound : range.upperBound
    } else {
      wanted = exposureSeconds * max(aim - offset, 1) / signal
    }
    let next = min(max(wanted, range.lowerBound), range.upperBound)
    if abs(next - exposureSeconds) <= exposureSeconds * 0.01 { return .accept }
    return .retry(exposureSeconds: next)
  }
}
