import Foundation

/// What one run of the end-to-end benchmark measures and for how long.
struct BenchmarkOptions: Sendable {
  var directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("whitlockd-bench-\(getpid())").path
  var rawMegabytes = 256
  var spoolRecords = 20_000
  var rates: [Double] = [10, 100, 1000]
  var latencySeconds = 20.0
  var instrumentCounts = [1, 2, 4, 8]
  var scalingSeconds = 5.0
  var latencyOnly = false

  /// Everything shrunk for a smoke run (`--quick`).
  static var quick: BenchmarkOptions {
    var options = BenchmarkOptions()
    options.rawMegabytes = 32
    options.spoolRecords = 2_000
    options.latencySeconds = 3
    options.scalingSeconds = 1.5
    options.instrumentCounts = [1, 2]
    return options
  }
}
