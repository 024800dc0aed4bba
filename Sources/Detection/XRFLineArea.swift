/// The net area of one XRF line from a window sum minus a background interpolated linearly between
/// two side windows, with its Poisson σ.
public struct XRFLineArea: Sendable, Equatable {
  /// Counts in the line window.
  public var grossCounts: Double
  /// Estimated background counts under the line window.
  public var backgroundCounts: Double
  /// Gross minus background.
  public var netArea: Double
  /// σ of the net area: sqrt(gross + variance of the interpolated background).
  public var netAreaSigma: Double
  /// Channels in the line window.
  public var windowChannels: Int
  /// Saturated channels in the line and side windows.
  public var saturatedChannels: Int

  /// Net area over its σ, or 0 when σ is 0.
  public var significance: Double { netAreaSigma > 0 ? netArea / netAreaSigma : 0 }

  /// Measures the line at `energy` keV with full width `fwhm` keV, or returns `nil` when a window
  /// falls outside the spectrum or holds no channel.
  static func measure(
    counts: [UInt32], keVPerChannel gain: Double, offsetKeV offset: Double, fullScale: UInt32,
    energy: Double, fwhm: Double, settings: XRFDetectorSettings
  ) -> XRFLineArea? {
    let halfWidth = settings.windowHalfWidthFactor * fwhm
    let sideWidth = settings.sideWindowWidthFactor * fwhm
    guard gain > 0, gain.isFinite, offset.isFinite, halfWidth > 0, sideWidth > 0 else {
      return nil
    }
    func firstChannel(atOrAbove value: Double) -> Double { ((value - offset) / gain).rounded(.up) }
    func lastChannel(atOrBelow value: Double) -> Double { ((value - offset) / gain).rounded(.down) }
    let peakLow = firstChannel(atOrAbove: energy - halfWidth)
    let peakHigh = lastChannel(atOrBelow: energy + halfWidth)
    let leftLow = firstChannel(atOrAbove: energy - halfWidth - sideWidth)
    let rightHigh = lastChannel(atOrBelow: energy + halfWidth + sideWidth)
    let limit = Double(counts.count - 1)
    guard leftLow >= 0, rightHigh <= limit, leftLow < peakLow, peakLow <= peakHigh,
      peakHigh < rightHigh
    else { return nil }
    let left = Int(leftLow)..<Int(peakLow)
    let peak = Int(peakLow)...Int(peakHigh)
    let right = (Int(peakHigh) + 1)...Int(rightHigh)
    var saturated = 0
    func sum(_ channels: some Sequence<Int>) -> (counts: Double, meanChannel: Double, n: Double) {
      var total = 0.0
      var channelSum = 0.0
      var n = 0.0
      for channel in channels {
        let value = counts[channel]
        if value >= fullScale { saturated += 1 }
        total += Double(value)
        channelSum += Double(channel)
        n += 1
      }
      return (total, channelSum / n, n)
    }
    let leftSum = sum(left)
    let peakSum = sum(peak)
    let rightSum = sum(right)
    let t =
      (peakSum.meanChannel - leftSum.meanChannel) / (rightSum.meanChannel - leftSum.meanChannel)
    let leftMean = leftSum.counts / leftSum.n
    let rightMean = rightSum.counts / rightSum.n
    let background = peakSum.n * ((1 - t) * leftMean + t * rightMean)
    let backgroundVariance =
      peakSum.n * peakSum.n
      * ((1 - t) * (1 - t) * leftSum.counts / (leftSum.n * leftSum.n)
        + t * t * rightSum.counts / (rightSum.n * rightSum.n))
    return XRFLineArea(
      grossCounts: peakSum.counts, backgroundCounts: background,
      netArea: peakSum.counts - background,
      netAreaSigma: (peakSum.counts + backgroundVariance).squareRoot(),
      windowChannels: Int(peakSum.n), saturatedChannels: saturated)
  }
}
