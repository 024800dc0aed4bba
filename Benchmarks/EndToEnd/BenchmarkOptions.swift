import Foundation

/// Command-line options; `--quick` shrinks everything for a smoke run.
struct BenchmarkOptions {
  var directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("whitlockd-bench-\(getpid())").path
  var rawMegabytes = 256
  var spoolRecords = 20_000
  var rates: [Double] = [10, 100, 1000]
  var latencySeconds = 6.0
  var instrumentCounts = [1, 2, 4, 8]
  var scalingSeconds = 5.0

  static func parse(_ arguments: ArraySlice<String>) -> BenchmarkOptions {
    var options = BenchmarkOptions()
    var iterator = arguments.makeIterator()
    while let argument = iterator.next() {
      switch argument {
      case "--dir": options.directory = iterator.next() ?? options.directory
      case "--quick":
        options.rawMegabytes = 32
        options.spoolRecords = 2_000
        options.latencySeconds = 2
        options.scalingSeconds = 1.5
        options.instrumentCounts = [1, 2]
      default:
        FileHandle.standardError.write(Data("unknown option \(argument)\n".utf8))
        exit(2)
      }
    }
    return options
  }
}
