import Foundation

/// Command-line options: `--quick` shrinks everything for a smoke run, `--latency-only` runs just
/// the latency table, `--seconds N` sets the time per latency rate, `--dir PATH` the scratch
/// directory (on the filesystem to measure).
struct BenchmarkOptions {
  var directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("whitlockd-bench-\(getpid())").path
  var rawMegabytes = 256
  var spoolRecords = 20_000
  var rates: [Double] = [10, 100, 1000]
  var latencySeconds = 20.0
  var instrumentCounts = [1, 2, 4, 8]
  var scalingSeconds = 5.0
  var latencyOnly = false

  static func parse(_ arguments: ArraySlice<String>) -> BenchmarkOptions {
    var options = BenchmarkOptions()
    var iterator = arguments.makeIterator()
    while let argument = iterator.next() {
      switch argument {
      case "--dir": options.directory = iterator.next() ?? options.directory
      case "--latency-only": options.latencyOnly = true
      case "--seconds":
        guard let value = iterator.next().flatMap(Double.init), value > 0 else {
          fail("--seconds needs a positive number")
        }
        options.latencySeconds = value
      case "--quick":
        options.rawMegabytes = 32
        options.spoolRecords = 2_000
        options.latencySeconds = 3
        options.scalingSeconds = 1.5
        options.instrumentCounts = [1, 2]
      default: fail("unknown option \(argument)")
      }
    }
    return options
  }

  private static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(
      Data(
        "\(message)\nusage: whitlock-e2e-bench [--quick] [--latency-only] [--seconds N] [--dir PATH]\n"
          .utf8))
    exit(2)
  }
}
