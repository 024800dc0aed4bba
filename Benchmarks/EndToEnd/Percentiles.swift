import Histogram

/// Latency percentiles through an HdrHistogram (microsecond resolution, 3 significant digits).
struct Percentiles {
  var count: Int
  var p50: Double
  var p99: Double
  var p999: Double
  var max: Double

  /// From latencies in seconds; values are reported in milliseconds.
  init(seconds values: [Double]) {
    var histogram = Histogram<UInt64>(
      highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    for value in values { _ = histogram.record(UInt64(Swift.max(0, value) * 1e6)) }
    count = values.count
    p50 = Double(histogram.valueAtPercentile(50)) / 1000
    p99 = Double(histogram.valueAtPercentile(99)) / 1000
    p999 = Double(histogram.valueAtPercentile(99.9)) / 1000
    max = Double(histogram.max) / 1000
  }
}
