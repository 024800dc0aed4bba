// Soak benchmark (a benchmark, not a test): the real whitlockd with a simulated Raman
// spectrometer at 100 spectra/s and a simulated XRF detector at 1 spectrum/s, through detection,
// the spool and the live monitor, for an hour. A consumer takes and deletes published segments as
// a downstream program would. Every interval prints a row (spectra, rate, RSS, descriptors,
// threads, latency, spool); the summary checks RSS growth after warm-up (< 5 MB) and descriptor
// growth (none).
//
//   make soak                                  # 60 minutes
//   make soak ARGS="--minutes 3"               # a short check
import ArgumentParser
import Foundation
import WhitlockCore
import WhitlockCtlKit

/// Writes a line to standard output at once (a file under nohup sees each row as it is printed).
func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let options = SoakOptions.parseOrExit()
guard FileManager.default.isExecutableFile(atPath: options.daemon) else {
  FileHandle.standardError.write(
    Data("whitlock-soak: no whitlockd at \(options.daemon) (build it, or pass --daemon)\n".utf8))
  exit(66)
}

let scratch = FileManager.default.temporaryDirectory
  .appendingPathComponent("whitlock-soak-\(UUID().uuidString.prefix(8))").path
let spool = scratch + "/spool"
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
try """
[daemon]
log_level = "notice"
[spool]
path = "\(spool)"
[monitor]
listen = "127.0.0.1:0"
[[instrument]]
id = "raman-soak"
kind = "raman"
driver = "simulated"
exposure_s = \(options.ramanExposure)
[instrument.simulation]
seed = 785
channels = \(options.ramanPixels)
pacing = 1
[[instrument]]
id = "xrf-soak"
kind = "xrf"
driver = "simulated"
exposure_s = \(options.xrfExposure)
[instrument.simulation]
seed = 3691
channels = \(options.xrfChannels)
pacing = 1
""".write(toFile: scratch + "/whitlockd.toml", atomically: true, encoding: .utf8)

// The daemon's log goes to a file: an hour of it must not pile up in this process.
let logPath = scratch + "/whitlockd.log"
_ = FileManager.default.createFile(atPath: logPath, contents: nil)
let daemon = Process()
daemon.executableURL = URL(fileURLWithPath: options.daemon)
daemon.arguments = ["--config", scratch + "/whitlockd.toml"]
// If this harness dies, the daemon stops too instead of running on unobserved.
var daemonEnvironment = ProcessInfo.processInfo.environment
daemonEnvironment[ParentProcessWatch.environmentVariable] = "1"
daemon.environment = daemonEnvironment
daemon.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
daemon.standardOutput = FileHandle.nullDevice
daemon.standardInput = FileHandle.nullDevice
try daemon.run()
let pid = daemon.processIdentifier

func daemonLog() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

func abandon(_ message: String) -> Never {
  emit("whitlock-soak: \(message)\n--- daemon log (\(logPath)) ---\n\(daemonLog().suffix(4000))")
  if daemon.isRunning { kill(pid, SIGKILL) }
  exit(1)
}

var endpoint: MonitorEndpoint?
let startDeadline = Date().addingTimeInterval(60)
while endpoint == nil && Date() < startDeadline && daemon.isRunning {
  if let range = daemonLog().range(of: "monitor listening address=") {
    endpoint = MonitorEndpoint(String(daemonLog()[range.upperBound...].prefix { $0 != " " }))
  } else {
    Thread.sleep(forTimeInterval: 0.1)
  }
}
guard let endpoint else { abandon("whitlockd did not start its monitor") }
let client = MonitorClient(endpoint: endpoint, timeoutSeconds: 10)
let latencies = LatencyCollector()
latencies.start(client)
let consumer = SegmentConsumer(spool: spool)
consumer.start()

/// One printed row.
struct Row {
  var elapsed: Double
  var sample: ProcessSample
  var status: DaemonStatus
  var ramanEndToEnd: [Double]
  var ramanAnalysis: [Double]
  var xrfEndToEnd: [Double]
  var consumed: SegmentConsumer.Counts
}

func clock(_ seconds: Double) -> String {
  let whole = Int(seconds.rounded())
  return String(format: "%d:%02d", whole / 60, whole % 60)
}

/// `text` right-aligned in `width` columns.
func pad(_ text: String, _ width: Int) -> String {
  String(repeating: " ", count: max(0, width - text.count)) + text
}

func milliseconds(_ value: Double) -> String { value.isNaN ? "–" : String(format: "%.2f", value) }

let mib = 1024.0
emit(
  """
  whitlock-soak: \(options.daemon)
    Raman: simulated, \(options.ramanPixels) px, exposure \(options.ramanExposure * 1000) ms \
  (\(String(format: "%.0f", 1 / options.ramanExposure)) spectra/s nominal); XRF: simulated, \
  \(options.xrfChannels) channels, preset \(options.xrfExposure) s
    \(String(format: "%g", options.minutes)) min, a row every \(String(format: "%g", options.interval)) s, \
  warm-up \(String(format: "%g", options.warmupMinutes)) min; segments consumed and deleted as published
    latency: end of exposure → SSE `acquisition` event at a live client (Raman; event time has
    1 ms resolution); detect: the daemon's analysis time of that spectrum (`analysis_ms`)
  """)
let header =
  "elapsed   spectra  rate/s  RSS MiB  fds  thr  lat p50  lat p99  det p50  det p99   spooled  consumed  backlog"
emit(header)

let began = Date()
var rows: [Row] = []
var previousAcquisitions = 0
var previousElapsed = 0.0
var tick = 1
while true {
  let due = Double(tick) * options.interval
  let end = options.minutes * 60
  let target = min(due, end)
  let wait = began.addingTimeInterval(target).timeIntervalSinceNow
  if wait > 0 { Thread.sleep(forTimeInterval: wait) }
  guard daemon.isRunning, let sample = ProcessSample(pid: pid) else {
    abandon(
      daemon.isRunning
        ? "cannot read /proc/\(pid)"
        : "whitlockd exited during the soak (status \(daemon.terminationStatus))")
  }
  guard let status = DaemonStatus(client) else { abandon("the status endpoint did not answer") }
  let elapsed = Date().timeIntervalSince(began)
  let interval = latencies.take()
  let row = Row(
    elapsed: elapsed, sample: sample, status: status,
    ramanEndToEnd: interval.endToEnd["raman"] ?? [],
    ramanAnalysis: interval.analysis["raman"] ?? [],
    xrfEndToEnd: interval.endToEnd["xrf"] ?? [], consumed: consumer.snapshot)
  rows.append(row)
  let total = status.totalAcquisitions
  let rate = Double(total - previousAcquisitions) / (elapsed - previousElapsed)
  previousAcquisitions = total
  previousElapsed = elapsed
  let cells = [
    pad(clock(elapsed), 7), pad(String(total), 8), pad(String(format: "%.1f", rate), 6),
    pad(String(format: "%.1f", Double(sample.residentKiB) / mib), 7),
    pad(String(sample.descriptors), 3), pad(String(sample.threads), 3),
    pad(milliseconds(percentile(row.ramanEndToEnd, 0.5)), 7),
    pad(milliseconds(percentile(row.ramanEndToEnd, 0.99)), 7),
    pad(milliseconds(percentile(row.ramanAnalysis, 0.5)), 7),
    pad(milliseconds(percentile(row.ramanAnalysis, 0.99)), 7),
    pad(String(status.recordsWritten), 8), pad(String(row.consumed.records), 8),
    pad(String(status.backlog), 7),
  ]
  emit(cells.joined(separator: "  "))
  if target >= end { break }
  tick += 1
}

// Stop: SIGTERM, the drained daemon publishes its open segment, the consumer takes the rest.
let finalStatus = rows.last!.status
latencies.stop()
let stopStarted = Date()
kill(pid, SIGTERM)
while daemon.isRunning && Date().timeIntervalSince(stopStarted) < 30 {
  Thread.sleep(forTimeInterval: 0.02)
}
let stopSeconds = Date().timeIntervalSince(stopStarted)
if daemon.isRunning { kill(pid, SIGKILL) }
daemon.waitUntilExit()
consumer.stop()
Thread.sleep(forTimeInterval: 0.6)
consumer.sweep()
let consumed = consumer.snapshot
let leftInTmp =
  ((try? FileManager.default.contentsOfDirectory(atPath: spool + "/tmp")) ?? []).count
let log = daemonLog()
let warnings = log.split(separator: "\n").filter {
  $0.contains("warning") || $0.contains("error") || $0.contains("critical")
}

// Summary.
let warmup = options.warmupMinutes * 60
let settled = rows.filter { $0.elapsed >= warmup - 1 }
let baseline = settled.first ?? rows[0]
let last = rows.last!
let afterBaseline = rows.filter { $0.elapsed > baseline.elapsed + 1 }
let rssGrowthMB = Double(last.sample.residentKiB - baseline.sample.residentKiB) * 1024 / 1e6
let rssPeak = (afterBaseline.map(\.sample.residentKiB).max() ?? baseline.sample.residentKiB)
let fdGrowth = last.sample.descriptors - baseline.sample.descriptors
let fdPeak = (afterBaseline.map(\.sample.descriptors).max() ?? baseline.sample.descriptors)
let firstLatency = afterBaseline.first ?? last
let p50First = percentile(firstLatency.ramanEndToEnd, 0.5)
let p99First = percentile(firstLatency.ramanEndToEnd, 0.99)
let p50Last = percentile(last.ramanEndToEnd, 0.5)
let p99Last = percentile(last.ramanEndToEnd, 0.99)
let xrfAll = rows.flatMap(\.xrfEndToEnd)
let ramanAll = afterBaseline.flatMap(\.ramanEndToEnd)
let runSeconds = last.elapsed
let ramanCount = finalStatus.acquisitions["raman"] ?? 0
let xrfCount = finalStatus.acquisitions["xrf"] ?? 0
let exitStatus = daemon.terminationReason == .exit ? Int(daemon.terminationStatus) : -1

func verdict(_ pass: Bool) -> String { pass ? "PASS" : "FAIL" }
var results: [(String, String, String)] = []
results.append(
  (
    "RSS growth after warm-up",
    String(format: "%+.2f MB (%.1f MiB at ", rssGrowthMB, Double(baseline.sample.residentKiB) / mib)
      + clock(baseline.elapsed)
      + String(format: " → %.1f MiB at ", Double(last.sample.residentKiB) / mib)
      + clock(last.elapsed) + String(format: ", peak %.1f MiB)", Double(rssPeak) / mib),
    verdict(rssGrowthMB < options.rssTargetMB) + String(format: " (< %g MB)", options.rssTargetMB)
  ))
results.append(
  (
    "fd growth after warm-up",
    "\(fdGrowth >= 0 ? "+" : "")\(fdGrowth) (\(baseline.sample.descriptors) → \(last.sample.descriptors), peak \(fdPeak))",
    verdict(fdGrowth <= 0) + " (≤ 0)"
  ))
results.append(
  (
    "thread count",
    "\(baseline.sample.threads) → \(last.sample.threads)",
    verdict(last.sample.threads <= baseline.sample.threads) + " (no growth)"
  ))
results.append(
  (
    "Raman latency drift",
    "p50 \(milliseconds(p50First)) → \(milliseconds(p50Last)) ms, p99 \(milliseconds(p99First)) → "
      + "\(milliseconds(p99Last)) ms (first vs last interval after warm-up)",
    verdict(p99Last <= 2 * p99First + 1) + " (last p99 ≤ 2 × first + 1 ms)"
  ))
results.append(
  (
    "Raman latency after warm-up",
    "p50 \(milliseconds(percentile(ramanAll, 0.5))) ms, p99 \(milliseconds(percentile(ramanAll, 0.99))) ms, "
      + "p99.9 \(milliseconds(percentile(ramanAll, 0.999))) ms, max \(milliseconds(ramanAll.max() ?? .nan)) ms "
      + "over \(ramanAll.count) spectra",
    "info"
  ))
results.append(
  (
    "XRF latency, whole run",
    "p50 \(milliseconds(percentile(xrfAll, 0.5))) ms, p99 \(milliseconds(percentile(xrfAll, 0.99))) ms "
      + "over \(xrfAll.count) spectra",
    "info"
  ))
results.append(
  (
    "spectra",
    String(
      format: "Raman %d (%.1f/s), XRF %d (%.2f/s); dropped %d, errors %d", ramanCount,
      Double(ramanCount) / runSeconds, xrfCount, Double(xrfCount) / runSeconds,
      finalStatus.dropped, finalStatus.errors),
    verdict(finalStatus.dropped == 0 && finalStatus.errors == 0) + " (none dropped)"
  ))
results.append(
  (
    "spool → consumer",
    "\(consumed.records) records in \(consumed.segments) segments (\(consumed.bytes / 1_000_000) MB) "
      + "taken and deleted; \(consumed.acquisitions) acquisitions ≥ \(finalStatus.totalAcquisitions) counted; "
      + "seq regressions \(consumed.seqRegressions), unreadable \(consumed.unreadable), refused \(finalStatus.refused), tmp/ left \(leftInTmp)",
    verdict(
      consumed.acquisitions >= finalStatus.totalAcquisitions && consumed.seqRegressions == 0
        && consumed.unreadable == 0 && finalStatus.refused == 0 && leftInTmp == 0)
  ))
results.append(
  (
    "shutdown",
    String(format: "SIGTERM → exit %d in %.2f s", exitStatus, stopSeconds),
    verdict(exitStatus == 0 && stopSeconds < 5) + " (exit 0 < 5 s)"
  ))
results.append(
  (
    "daemon log",
    "\(warnings.count) warning/error lines; SSE reconnects \(latencies.counters.reconnects)",
    "info"
  ))

emit("\nsoak summary: \(clock(runSeconds)) run, first \(clock(baseline.elapsed)) as warm-up")
let width = results.map(\.0.count).max() ?? 0
for (name, measured, result) in results {
  emit(
    name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
      + result.padding(
        toLength: 34, withPad: " ", startingAt: 0) + "  " + measured)
}
for line in warnings.prefix(10) { emit("  log: \(line)") }
let failed = results.contains { $0.2.hasPrefix("FAIL") }
emit(failed ? "soak: FAIL" : "soak: PASS")
if options.keep {
  emit("kept \(scratch)")
} else {
  try? FileManager.default.removeItem(atPath: scratch)
}
exit(failed ? 1 : 0)
