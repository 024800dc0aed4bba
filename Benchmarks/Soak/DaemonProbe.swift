import Foundation
import Synchronization
import WhitlockCore
import WhitlockCtlKit

/// Resident memory, threads and open descriptors of a running process, from `/proc`.
struct ProcessSample {
  /// `VmRSS` in KiB.
  var residentKiB: Int
  var threads: Int
  /// The smallest of several descriptor counts taken 50 ms apart: a segment being rotated or an
  /// HTTP request in flight opens a descriptor for a moment, a leak raises the floor.
  var descriptors: Int

  /// Reads `/proc/<pid>`; `nil` once the process is gone.
  init?(pid: Int32) {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
      return nil
    }
    func field(_ name: String) -> Int? {
      for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
        return Int(line.dropFirst(name.count + 1).split(whereSeparator: \.isWhitespace).first ?? "")
      }
      return nil
    }
    guard let resident = field("VmRSS"), let threads = field("Threads") else { return nil }
    var fewest = Int.max
    for attempt in 0..<5 {
      if attempt > 0 { Thread.sleep(forTimeInterval: 0.05) }
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
      else { return nil }
      fewest = min(fewest, names.count)
    }
    self.residentKiB = resident
    self.threads = threads
    self.descriptors = fewest
  }
}

/// What `GET /api/v1/status` says about acquisitions and the spool.
struct DaemonStatus {
  var acquisitions: [String: Int] = [:]
  var dropped = 0
  var errors = 0
  var recordsWritten = 0
  var backlog = 0
  var refused = 0

  init?(_ client: MonitorClient) {
    guard let response = try? client.request("GET", "/api/v1/status"), response.status == 200,
      let status = try? JSONParser.parse(response.body),
      case .array(let instruments)? = status["instruments"]
    else { return nil }
    for instrument in instruments {
      let kind = instrument["kind"]?.stringValue ?? "?"
      acquisitions[kind, default: 0] += Int(instrument["acquisitions"]?.doubleValue ?? 0)
      dropped += Int(instrument["dropped"]?.doubleValue ?? 0)
      errors += Int(instrument["errors"]?.doubleValue ?? 0)
    }
    recordsWritten = Int(status["spool"]?["records_written"]?.doubleValue ?? 0)
    backlog = Int(status["spool"]?["backlog"]?.doubleValue ?? 0)
    refused = Int(status["spool"]?["refused"]?.doubleValue ?? 0)
  }

  var totalAcquisitions: Int { acquisitions.values.reduce(0, +) }
}

/// Latencies of `acquisition` events on a live SSE client, per instrument kind.
///
/// The measure is end of exposure (the event's `time`, the acquisition's `endedAt`, written with
/// millisecond resolution and truncated, so it reads up to 1 ms long) to the event arriving at this
/// client: detection, spool hand-off, SSE fan-out and loopback TCP. The daemon's own analysis time
/// (`analysis_ms`, detection alone) is kept beside it.
final class LatencyCollector: Sendable {
  struct Interval {
    var endToEnd: [String: [Double]] = [:]
    var analysis: [String: [Double]] = [:]
  }

  private let state = Mutex((interval: Interval(), reconnects: 0, events: 0, unreadable: 0))
  private let stopped = Atomic<Bool>(false)

  /// Reads the event stream on a thread of its own until `stop()`, reconnecting (from the last
  /// event id) if the connection drops.
  func start(_ client: MonitorClient) {
    Thread.detachNewThread { [self] in
      var lastID: UInt64?
      while !stopped.load(ordering: .relaxed) {
        try? client.streamEvents(lastEventID: lastID) { event in
          if let id = event.id.flatMap(UInt64.init) { lastID = id }
          if event.event == "acquisition" { record(event.data) }
          return !stopped.load(ordering: .relaxed)
        }
        if !stopped.load(ordering: .relaxed) {
          state.withLock { $0.reconnects += 1 }
          Thread.sleep(forTimeInterval: 0.2)
        }
      }
    }
  }

  func stop() { stopped.store(true, ordering: .relaxed) }

  private func record(_ data: String) {
    let arrived = Date().timeIntervalSince1970
    guard let event = try? JSONParser.parse(data),
      let time = event["time"]?.stringValue.flatMap(Self.epochSeconds),
      let kind = event["instrument"]?["kind"]?.stringValue
    else {
      state.withLock { $0.unreadable += 1 }
      return
    }
    let analysis = event["analysis_ms"]?.doubleValue
    state.withLock { state in
      state.events += 1
      state.interval.endToEnd[kind, default: []].append((arrived - time) * 1000)
      if let analysis { state.interval.analysis[kind, default: []].append(analysis) }
    }
  }

  /// The latencies since the previous call.
  func take() -> Interval {
    state.withLock { state in
      defer { state.interval = Interval() }
      return state.interval
    }
  }

  var counters: (events: Int, reconnects: Int, unreadable: Int) {
    state.withLock { ($0.events, $0.reconnects, $0.unreadable) }
  }

  /// `YYYY-MM-DDThh:mm:ss.mmmZ` → seconds since 1970.
  static func epochSeconds(_ text: String) -> Double? {
    let digits = text.split(whereSeparator: { "-T:Z".contains($0) })
    guard digits.count == 6, let year = Int32(digits[0]), let month = Int32(digits[1]),
      let day = Int32(digits[2]), let hour = Int32(digits[3]), let minute = Int32(digits[4]),
      let second = Double(digits[5])
    else { return nil }
    var parts = tm()
    parts.tm_year = year - 1900
    parts.tm_mon = month - 1
    parts.tm_mday = day
    parts.tm_hour = hour
    parts.tm_min = minute
    return Double(timegm(&parts)) + second
  }
}

/// Nearest-rank percentile of `values` (0 < p ≤ 1); NaN when empty.
func percentile(_ values: [Double], _ p: Double) -> Double {
  guard !values.isEmpty else { return .nan }
  let sorted = values.sorted()
  return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}
