import WhitlockCore

/// Reduces a spectrum to at most `maximumPoints` points for the live view while keeping its shape:
/// every bucket of channels contributes its minimum and its maximum, in channel order, so narrow
/// peaks and cosmic-ray spikes stay visible however far the spectrum is reduced.
public enum SpectrumDecimator {
  /// A reduced spectrum: axis values (Raman shift in cm⁻¹ or energy in keV) and counts.
  public struct Points: Sendable, Equatable {
    public var axis: [Double]
    public var counts: [UInt32]
  }

  /// Decimates `counts`; spectra that already fit are returned whole.
  ///
  /// - Parameter maximumPoints: an upper bound on the result's length; at least 2.
  public static func decimate(
    _ counts: [UInt32], axis calibration: AxisCalibration, maximumPoints: Int = 256
  ) -> Points {
    let limit = max(2, maximumPoints)
    var points = Points(axis: [], counts: [])
    points.axis.reserveCapacity(min(counts.count, limit))
    points.counts.reserveCapacity(min(counts.count, limit))
    func append(_ channel: Int) {
      points.axis.append(calibration.axisValue(atChannel: Double(channel)))
      points.counts.append(counts[channel])
    }
    guard counts.count > limit else {
      for channel in counts.indices { append(channel) }
      return points
    }
    let buckets = limit / 2
    for bucket in 0..<buckets {
      let lower = bucket * counts.count / buckets
      let upper = (bucket + 1) * counts.count / buckets
      guard lower < upper else { continue }
      var minimum = lower
      var maximum = lower
      for channel in lower..<upper {
        if counts[channel] < counts[minimum] { minimum = channel }
        if counts[channel] > counts[maximum] { maximum = channel }
      }
      if minimum == maximum {
        append(minimum)
      } else {
        append(min(minimum, maximum))
        append(Swift.max(minimum, maximum))
      }
    }
    return points
  }
}
