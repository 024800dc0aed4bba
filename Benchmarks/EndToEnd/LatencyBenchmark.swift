import Foundation
import Spool
import TextTables

/// Latency from the end of an acquisition (the last byte read from the device; for simulated
/// instruments the moment the spectrum exists) to (a) its detection event read from the monitor's
/// SSE stream by an HTTP client over loopback, (b) its record written into the open segment and
/// (c) the segment published durably in `new/`, at several acquisition rates, all in one run of
/// the daemon's pipeline per rate.
struct LatencyBenchmark {
  var table: String

  static func run(directory: String, rates: [Double], seconds: Double) async throws
    -> LatencyBenchmark
  {
    let limits = SegmentLimits()
    let segmentBound =
      "≤ \(format(limits.maxAgeSeconds, 0)) s segment age (or \(limits.maxRecords) records)"
    var table = TextTable(
      title:
        "Device-to-client and device-to-spool latency, one simulated Raman instrument (2048 px), "
        + "monitor on 127.0.0.1 with one SSE client, \(format(seconds, 0)) s per rate",
      layout: .figures,
      headers: [
        "target/s", "achieved/s", "stage", "n", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "target",
      ])
    var notes: [String] = []
    for rate in rates {
      let result = try await SessionHarness().run(
        directory: directory + "/latency-\(Int(rate))", instruments: 1,
        exposureSeconds: 1 / rate, pacing: 1, pixels: 2048, seconds: seconds, monitor: true)
      let achieved = result.measuredRate
      for (stage, values, target) in [
        ("SSE event at client", result.eventLatency, "p99 < 5 ms"),
        ("written to segment", result.writtenLatency, ""),
        ("published in new/", result.publishedLatency, segmentBound),
      ] {
        let p = Percentiles(seconds: values)
        table.rows.append([
          format(rate, 0), format(achieved, 1), stage, "\(p.count)", format(p.p50, 2),
          format(p.p99, 2), format(p.p999, 2), format(p.max, 2), target,
        ])
      }
      if result.dropped > 0 || result.eventsMissing > 0 {
        notes.append(
          "at \(format(rate, 0))/s: \(result.dropped) spectra dropped by the analysis queue, "
            + "\(result.eventsMissing) events not seen by the client")
      }
    }
    return LatencyBenchmark(
      table: table.render() + "\n" + notes.map { "note: \($0)\n" }.joined())
  }
}
