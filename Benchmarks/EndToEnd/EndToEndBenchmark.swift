import ArgumentParser
import Foundation

/// whitlockd end-to-end benchmark: raw disk speed, spool throughput, device-to-spool latency and
/// scaling with the number of instruments. Prints tables; run with `make bench-e2e` (release),
/// `make bench-e2e ARGS=--latency-only` for the latency table alone.
@main
struct EndToEndBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whitlock-e2e-bench",
    abstract:
      "Raw disk speed, spool throughput, device-to-spool latency and scaling with instruments.",
    discussion: """
      Runs the daemon's own pipeline in process (simulated Raman instruments, detection, the \
      spool, the monitor with one SSE client) and prints four tables: raw sequential write speed \
      of the scratch directory's filesystem, spool records/s beside it, latency from the end of \
      an exposure to the spool and to the live client at 10, 100 and 1000 spectra/s, and \
      spectra/s with 1, 2, 4 and 8 free-running instruments. Build in release mode \
      (`make bench-e2e` does).
      """)

  @Flag(help: "Shrink everything for a smoke run.")
  var quick = false

  @Flag(help: "Print the latency table alone.")
  var latencyOnly = false

  @Option(
    help: ArgumentHelp("Seconds per latency rate (default 20, 3 with --quick).", valueName: "n"))
  var seconds: Double?

  @Option(
    name: .customLong("dir"),
    help: ArgumentHelp("Scratch directory, on the filesystem to measure.", valueName: "path"))
  var directory: String?

  func validate() throws {
    if let seconds, !(seconds > 0 && seconds.isFinite) {
      throw ValidationError("--seconds needs a positive number")
    }
  }

  /// The settings the options select.
  var options: BenchmarkOptions {
    var options = quick ? BenchmarkOptions.quick : BenchmarkOptions()
    options.latencyOnly = latencyOnly
    if let seconds { options.latencySeconds = seconds }
    if let directory { options.directory = directory }
    return options
  }

  func run() async throws {
    try await Self.measure(options)
  }

  /// The benchmark itself, on the main actor as it ran before it had options to parse, so the
  /// cooperative pool stays free for the pipeline it measures.
  @MainActor static func measure(_ options: BenchmarkOptions) async throws {
    let directory = options.directory
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }

    print(
      "whitlockd end-to-end benchmark (\(ProcessInfo.processInfo.activeProcessorCount) cores, scratch \(directory))\n"
    )

    if !options.latencyOnly {
      let raw = try RawDiskBenchmark.run(directory: directory, megabytes: options.rawMegabytes)
      print(raw.table)

      let spool = try SpoolThroughputBenchmark.run(
        directory: directory, records: options.spoolRecords, rawBytesPerSecond: raw.bytesPerSecond)
      print(spool.table)
    }

    let latency = try await LatencyBenchmark.run(
      directory: directory, rates: options.rates, seconds: options.latencySeconds)
    print(latency.table)

    if !options.latencyOnly {
      let scaling = try await ScalingBenchmark.run(
        directory: directory, instrumentCounts: options.instrumentCounts,
        seconds: options.scalingSeconds)
      print(scaling.table)
    }
  }
}
