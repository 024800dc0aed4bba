// whitlockd end-to-end benchmark: raw disk speed, spool throughput, device-to-spool latency and
// scaling with the number of instruments. Prints tables; run with `make bench-e2e` (release),
// `make bench-e2e ARGS=--latency-only` for the latency table alone.
import Foundation

let options = BenchmarkOptions.parse(CommandLine.arguments.dropFirst())
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
