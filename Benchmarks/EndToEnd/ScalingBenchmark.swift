import Foundation
import TextTables

/// Several simulated Raman instruments at once, free-running (pacing 0: each produces spectra as
/// fast as its model computes them), through detection and the spool: total and per-instrument
/// throughput, CPU per spectrum and resident memory.
struct ScalingBenchmark {
  var table: String

  static func run(directory: String, instrumentCounts: [Int], seconds: Double) async throws
    -> ScalingBenchmark
  {
    var table = TextTable(
      title: "Scaling with instruments (2048 px Raman each, free-running, full pipeline to disk)",
      layout: .figures,
      headers: [
        "instruments", "spectra/s total", "per instrument min/max", "CPU ms/spectrum",
        "dropped", "RSS MiB",
      ])
    for count in instrumentCounts {
      let result = try await SessionHarness().run(
        directory: directory + "/scaling-\(count)", instruments: count, exposureSeconds: 0.001,
        pacing: 0, pixels: 2048, seconds: seconds)
      let total = Double(result.completed.values.reduce(0, +))
      let perInstrument = result.completed.values.map { Double($0) / result.wallSeconds }
      table.rows.append([
        "\(count)", format(total / result.wallSeconds, 0),
        format(perInstrument.min() ?? 0, 0) + " / " + format(perInstrument.max() ?? 0, 0),
        format(1000 * result.cpuSeconds / max(total, 1), 3), "\(result.dropped)",
        format(result.residentMiB, 1),
      ])
    }
    return ScalingBenchmark(table: table.render() + "\n")
  }
}
