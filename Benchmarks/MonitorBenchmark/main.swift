// Monitor benchmark (not a test): a simulated Raman spectrometer at ~100 spectra/s, first with no
// live clients, then with 50 concurrent SSE clients of which some never read. Prints the
// acquisition rate of both phases and the event latency (end of exposure → event at the client).
//
//   swift build -c release --product whitlockd && swift build -c release --product MonitorBenchmark
//   .build/release/MonitorBenchmark [--clients 50] [--stalled 10] [--seconds 15] [--exposure 0.01]
import ArgumentParser
import Foundation
import Synchronization
import WhitlockCore
import WhitlockCtlKit

/// Command-line options. The benchmark itself is the script below, which reads them with
/// `parseOrExit()` (`--help`, and exit 64 naming the option at fault).
struct Options: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "MonitorBenchmark",
    abstract:
      "Acquisition rate and live-event latency of whitlockd with and without 50 SSE clients.",
    discussion: """
      Starts the whitlockd beside this program (or --daemon) with a simulated Raman spectrometer \
      (1024 px) and measures its acquisition rate first with no live clients, then with \
      --clients SSE clients of which --stalled never read, and the latency from the end of an \
      exposure to the event at a reading client. Build both in release mode.
      """)

  @Option(help: ArgumentHelp("Live SSE clients in the second phase.", valueName: "n"))
  var clients = 50

  @Option(help: ArgumentHelp("How many of the clients connect and never read.", valueName: "n"))
  var stalled = 10

  @Option(help: ArgumentHelp("Seconds per phase.", valueName: "s"))
  var seconds = 15.0

  /// Exposure of the simulated spectrometer: 0.1 s ≈ 10 spectra/s, 0.001 s ≈ 1000.
  @Option(
    help: ArgumentHelp(
      "Exposure of the simulated spectrometer: 0.1 s ≈ 10 spectra/s, 0.001 s ≈ 1000.",
      valueName: "s"))
  var exposure = 0.01

  @Option(
    name: .customLong("daemon"),
    help: ArgumentHelp(
      "The whitlockd to run (default: the one beside this program).", valueName: "path"))
  var daemonPath: String?

  /// The whitlockd to run.
  var daemon: String {
    daemonPath
      ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent().appendingPathComponent("whitlockd").path
  }

  func validate() throws {
    guard clients >= 0 else { throw ValidationError("--clients must not be negative") }
    guard stalled >= 0, stalled <= clients else {
      throw ValidationError("--stalled must be between 0 and --clients")
    }
    guard seconds > 0, seconds.isFinite else {
      throw ValidationError("--seconds must be a positive number")
    }
    guard exposure > 0, exposure.isFinite else {
      throw ValidationError("--exposure must be a positive number")
    }
  }
}

/// Latencies (ms) and counts gathered by the reading clients.
final class Gauge: Sendable {
  private let state = Mutex((latencies: [Double](), events: 0, recording: false))
  func record(_ latency: Double) {
    state.withLock { state in
      guard state.recording else { return }
      state.events += 1
      state.latencies.append(latency)
    }
  }
  func setRecording(_ on: Bool) { state.withLock { $0.recording = on } }
  var snapshot: (latencies: [Double], events: Int) {
    state.withLock { ($0.latencies, $0.events) }
  }
}

let options = Options.parseOrExit()
let directory = FileManager.default.temporaryDirectory
  .appendingPathComponent("whitlock-monitor-bench-\(UUID().uuidString)").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
try """
[spool]
path = "\(directory)/spool"
[monitor]
listen = "127.0.0.1:0"
sse_client_buffer = 256
max_sse_clients = \(max(options.clients + 1, 32))
[[instrument]]
id = "raman-fast"
kind = "raman"
driver = "simulated"
exposure_s = \(options.exposure)
[instrument.simulation]
channels = 1024
pacing = 1
""".write(toFile: directory + "/bench.toml", atomically: true, encoding: .utf8)

let daemon = Process()
daemon.executableURL = URL(fileURLWithPath: options.daemon)
daemon.arguments = ["--config", directory + "/bench.toml", "--log-level", "notice"]
// If this harness dies, the daemon stops too instead of running on unobserved.
var daemonEnvironment = ProcessInfo.processInfo.environment
daemonEnvironment[ParentProcessWatch.environmentVariable] = "1"
daemon.environment = daemonEnvironment
let logPipe = Pipe()
daemon.standardError = logPipe
try daemon.run()
defer { daemon.terminate() }
var log = ""
var endpoint: MonitorEndpoint?
let startDeadline = Date().addingTimeInterval(30)
while endpoint == nil && Date() < startDeadline {
  log += String(decoding: logPipe.fileHandleForReading.availableData, as: UTF8.self)
  if let range = log.range(of: "monitor listening address=") {
    endpoint = MonitorEndpoint(String(log[range.upperBound...].prefix { $0 != " " }))
  }
}
guard let endpoint else {
  print("whitlockd did not start its monitor:\n\(log)")
  exit(1)
}
Thread.detachNewThread {
  while !logPipe.fileHandleForReading.availableData.isEmpty {}
}
let client = MonitorClient(endpoint: endpoint, timeoutSeconds: 10)

func acquisitions() -> Double {
  guard let response = try? client.request("GET", "/api/v1/status"),
    let status = try? JSONParser.parse(response.body),
    case .array(let instruments)? = status["instruments"]
  else { return 0 }
  return instruments.first?["acquisitions"]?.doubleValue ?? 0
}

func measureRate(seconds: Double) -> Double {
  let start = acquisitions()
  let began = Date()
  Thread.sleep(forTimeInterval: seconds)
  return (acquisitions() - start) / Date().timeIntervalSince(began)
}

/// Reads the acquisition's end-of-exposure time without parsing the whole event.
enum EventTime {
  /// Seconds since UTC midnight of the event's `time` (`…THH:MM:SS.mmmZ`).
  static func secondsOfDay(_ data: String) -> Double? {
    guard let key = data.range(of: "\"time\":\"") else { return nil }
    let text = data[key.upperBound...].prefix { $0 != "\"" }
    guard let t = text.firstIndex(of: "T") else { return nil }
    let clock = text[text.index(after: t)...].dropLast()
    let parts = clock.split(separator: ":")
    guard parts.count == 3, let h = Double(parts[0]), let m = Double(parts[1]),
      let s = Double(parts[2])
    else { return nil }
    return h * 3600 + m * 60 + s
  }

  /// Milliseconds from the event's time until now.
  static func latencyMilliseconds(_ data: String) -> Double? {
    guard let then = secondsOfDay(data) else { return nil }
    let now = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 86400)
    var difference = now - then
    if difference < -43200 { difference += 86400 }
    return difference * 1000
  }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
  guard !sorted.isEmpty else { return .nan }
  return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
}

// Warm up, then the baseline without clients.
Thread.sleep(forTimeInterval: 2)
let baseline = measureRate(seconds: options.seconds)

// 50 clients: most read every event, some connect and never read a byte.
let gauge = Gauge()
let readers = max(0, options.clients - options.stalled)
for _ in 0..<readers {
  Thread.detachNewThread { [client, gauge] in
    try? client.streamEvents { event in
      if event.event == "acquisition", let latency = EventTime.latencyMilliseconds(event.data) {
        gauge.record(latency)
      }
      return true
    }
  }
}
var stalledSockets: [Int32] = []
for _ in 0..<options.stalled {
  guard case .tcp(let host, let port) = endpoint else { break }
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(UInt16(port).bigEndian)
  inet_pton(AF_INET, host, &address.sin_addr)
  var small: Int32 = 4096
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
  _ = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
    }
  }
  let request = "GET /api/v1/events HTTP/1.1\r\nHost: \(host):\(port)\r\n\r\n"
  _ = request.withCString { send(fd, $0, strlen($0), 0) }
  stalledSockets.append(fd)
}
Thread.sleep(forTimeInterval: 2)
gauge.setRecording(true)
let loaded = measureRate(seconds: options.seconds)
gauge.setRecording(false)
let (latencies, events) = gauge.snapshot
let sorted = latencies.sorted()
let status = (try? JSONParser.parse(client.request("GET", "/api/v1/status").body)) ?? .null

print(
  "whitlockd monitor benchmark: simulated Raman, 1024 px, exposure \(options.exposure * 1000) ms, \(options.seconds) s per phase"
)
print("phase                      clients  stalled  acquisitions/s")
print(String(format: "baseline (no clients)      %7d  %7d  %14.1f", 0, 0, baseline))
print(
  String(
    format: "with SSE clients           %7d  %7d  %14.1f", options.clients, options.stalled, loaded)
)
print(String(format: "rate change: %+.1f %%", (loaded - baseline) / baseline * 100))
print(
  String(
    format:
      "event latency (exposure end → client), %d events at %d readers: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
    events, readers, percentile(sorted, 0.5), percentile(sorted, 0.99), percentile(sorted, 0.999),
    sorted.last ?? .nan))
print(
  "laggard clients dropped by the daemon: \(Int(status["live"]?["clients_dropped"]?.doubleValue ?? 0)); "
    + "acquisitions dropped: \(Int((status["instruments"].flatMap { if case .array(let a) = $0 { a.first } else { nil } })?["dropped"]?.doubleValue ?? 0))"
)
for fd in stalledSockets { close(fd) }
