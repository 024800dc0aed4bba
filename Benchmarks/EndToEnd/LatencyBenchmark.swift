import Foundation

/// Latency from the end of an acquisition (the last byte read from the device; for simulated
/// instruments the moment the spectrum exists) to (a) its record written into the open segment
/// and (b) the segment published durably in `new/`, at several acquisition rates.
struct LatencyBenchmark {
  var table: String

  static func run(directory: String, rates: [Double], seconds: Double) async throws
    -> LatencyBenchmark
  {
    var table = Table(
      title: "Device-to-spool latency, one Raman instrument (2048 px), default segment age 5 s",
      header: [
        "target/s", "achieved/s", "stage", "n", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
      ])
    for rate in rates {
      let result = try await SessionHarness().run(
        directory: directory + "/latency-\(Int(rate))", instruments: 1,
        exposureSeconds: 1 / rate, pacing: 1, pixels: 2048, seconds: seconds)
      let achieved = Double(result.completed.values.reduce(0, +)) / result.wallSeconds
      for (stage, values) in [
        ("written to segment", result.writtenLatency),
        ("published in new/", result.publishedLatency),
      ] {
        let p = Percentiles(seconds: values)
        table.rows.append([
          format(rate, 0), format(achieved, 1), stage, "\(p.count)", format(p.p50, 2),
          format(p.p99, 2), format(p.p999, 2), format(p.max, 2),
        ])
      }
    }
    return LatencyBenchmark(table: table.rendered)
  }
}
