import Foundation
import TestSupport
import WhitlockCore
import WhitlockCtlKit

/// One row of the fault-matrix table.
struct MatrixRow {
  var scenario: String
  var cycles: Int
  var completed: String
  var spooled: String
  var lost: String
  var duplicated: String
  var verdict: String
  var notes: String
}

/// A scenario that could not run or did not behave as required.
struct ScenarioFailure: Error, CustomStringConvertible {
  var description: String
}

/// A scratch directory for one scenario, removed when the scenario ends.
struct Scratch {
  let path: String

  init(_ name: String) throws {
    path =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlock-faults-\(name)-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  var spool: String { path + "/spool" }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Starts and reads the real binaries: `whitlockd`, `whitlock-sim dp5`, `whitlockctl`.
enum Harness {
  static func executable(_ name: String) throws -> String {
    try ProductsDirectory.executable(name)
  }

  /// Starts `whitlock-sim dp5` on a pseudo-terminal linked at `link`.
  static func simulator(link: String, _ options: [String]) async throws -> ChildProcess {
    let child = try ChildProcess(
      try executable("whitlock-sim"), ["dp5", "--link", link, "--serial", "4242"] + options)
    let started = await child.wait(upTo: .seconds(30)) {
      $0.standardOutput.contains("whitlock-sim dp5:") || !$0.isRunning
    }
    guard started, child.isRunning else {
      throw ScenarioFailure(description: "simulator did not start: \(child.standardError)")
    }
    return child
  }

  /// The `[spool]` and `[monitor]` tables every scenario's configuration starts with: the
  /// scratch spool, segments published within 0.2 s, the monitor on a port the system picks.
  static func spoolAndMonitor(_ scratch: Scratch) -> String {
    """
    [spool]
    path = "\(scratch.spool)"
    segment_max_age_s = 0.2
    [monitor]
    listen = "127.0.0.1:0"
    """
  }

  /// A configuration with one DP5 on `link` and the monitor on a port the system picks.
  static func dp5Configuration(
    _ scratch: Scratch, link: String, exposure: Double, extra: String = ""
  ) throws -> String {
    let path = scratch.path + "/whitlockd.toml"
    try """
    \(Harness.spoolAndMonitor(scratch))
    [[instrument]]
    id = "xrf-dp5"
    kind = "xrf"
    driver = "amptek-dp5"
    exposure_s = \(exposure)
    port = "\(link)"
    channels = 1024
    poll_interval_s = 0.05
    \(extra)
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// A configuration with simulated instruments acquiring as fast as they can: heavy writing.
  static func loadConfiguration(
    _ scratch: Scratch, ramanExposure: Double = 0.02, pacing: Double = 0
  ) throws -> String {
    let path = scratch.path + "/whitlockd.toml"
    try """
    \(Harness.spoolAndMonitor(scratch))
    [[instrument]]
    id = "r1"
    kind = "raman"
    driver = "simulated"
    exposure_s = \(ramanExposure)
    [instrument.simulation]
    pacing = \(pacing)
    [[instrument]]
    id = "x1"
    kind = "xrf"
    driver = "simulated"
    exposure_s = 0.5
    [instrument.simulation]
    pacing = \(pacing)
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Starts `whitlockd`; returns once its monitor reports the address it listens on.
  static func daemon(_ configuration: String, environment: [String: String] = [:]) async throws
    -> (ChildProcess, MonitorEndpoint)
  {
    let child = try ChildProcess(
      try executable("whitlockd"), ["--config", configuration], environment: environment)
    var endpoint: MonitorEndpoint?
    await child.wait(upTo: .seconds(60)) {
      endpoint = listeningEndpoint(in: $0.standardError)
      return endpoint != nil || !$0.isRunning
    }
    guard let endpoint else {
      child.send(SIGKILL)
      _ = await child.waitForExit(upTo: .seconds(10))
      throw ScenarioFailure(description: "whitlockd did not start: \(child.standardError)")
    }
    return (child, endpoint)
  }

  /// Parses `monitor listening address=HOST:PORT` from the daemon's log.
  static func listeningEndpoint(in log: String) -> MonitorEndpoint? {
    for line in log.split(separator: "\n") where line.contains("monitor listening") {
      guard let range = line.range(of: "address=") else { continue }
      return MonitorEndpoint(String(line[range.upperBound...].prefix { $0 != " " }))
    }
    return nil
  }

  /// `/metrics`, summed over labels: metric name → value.
  static func metrics(_ endpoint: MonitorEndpoint) -> [String: Double] {
    guard let response = try? MonitorClient(endpoint: endpoint).request("GET", "/metrics"),
      response.status == 200
    else { return [:] }
    var result: [String: Double] = [:]
    for line in response.text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: " ")
      guard parts.count >= 2, let value = Double(parts[parts.count - 1]) else { continue }
      let name = String(parts[0].prefix { $0 != "{" })
      result[name, default: 0] += value
      if let kind = parts[0].range(of: "kind=\"") {
        let label = parts[0][kind.upperBound...].prefix { $0 != "\"" }
        result[name + ":" + label, default: 0] += value
      }
    }
    return result
  }

  /// The HTTP status of `/readyz` (-1 when the monitor does not answer).
  static func readiness(_ endpoint: MonitorEndpoint) -> Int {
    (try? MonitorClient(endpoint: endpoint).request("GET", "/readyz"))?.status ?? -1
  }

  /// Preset numbers the simulator reports as completed, in order.
  static func completedPresets(_ simulator: ChildProcess) -> [Int] {
    simulator.standardOutput.split(separator: "\n").compactMap { line -> Int? in
      guard line.hasPrefix("dp5-sim: preset "), line.hasSuffix(" completed") else { return nil }
      return Int(line.split(separator: " ")[2])
    }
  }

  /// Every published record (new/ and cur/), parsed.
  static func records(_ spool: String, consumed: String? = nil) -> [JSONValue] {
    var result: [JSONValue] = []
    for directory in [spool + "/new", spool + "/cur"] + (consumed.map { [$0 + "/new"] } ?? []) {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for name in names.sorted() where name.hasSuffix(".ndjson") {
        let text = (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
          if let value = try? JSONParser.parse(String(line)) { result.append(value) }
        }
      }
    }
    return result
  }

  /// `whitlockctl spool verify --json` on `spool`. The deadline is long: after 100 crashes the
  /// crash row's spool holds some 50,000 records, which the debug `whitlockctl` that
  /// `make faults` builds checks at about 2.5 ms each (2 minutes).
  static func verify(_ spool: String) async throws -> JSONValue {
    let child = try ChildProcess(
      try executable("whitlockctl"), ["spool", "verify", "--json", spool])
    let limit = 900
    guard await child.waitForExit(upTo: .seconds(limit)) != nil else {
      throw ScenarioFailure(description: "whitlockctl spool verify did not finish in \(limit) s")
    }
    do { return try JSONParser.parse(child.standardOutput) } catch {
      throw ScenarioFailure(
        description:
          "spool verify printed no report: \(child.standardOutput) \(child.standardError)"
      )
    }
  }

  /// Moves published segments out of `spool`'s new/ into `destination`/new, as a consumer that
  /// ships them elsewhere does; returns how many it moved.
  @discardableResult
  static func consume(_ spool: String, into destination: String) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: spool + "/new")) ?? []
    var moved = 0
    for name in names where name.hasSuffix(".ndjson") {
      let target = destination + "/new/" + name
      do {
        try FileManager.default.copyItem(atPath: spool + "/new/" + name, toPath: target)
        try FileManager.default.removeItem(atPath: spool + "/new/" + name)
        moved += 1
      } catch { continue }
    }
    return moved
  }

  /// SIGTERM, then the exit status and how long the exit took.
  static func terminate(_ child: ChildProcess, upTo limit: Duration = .seconds(30)) async -> (
    Int32?, Duration
  ) {
    let start = ContinuousClock.now
    child.send(SIGTERM)
    let status = await child.waitForExit(upTo: limit)
    return (status, ContinuousClock.now - start)
  }
}

/// Compares the presets the device completed with the acquisitions the spool holds.
struct DeliveryAccount {
  var completed: Int
  var spooled: Int
  var lost: [Int]
  var duplicated: Int
  var interrupted: Int

  /// `completed` are the simulator's preset numbers; a spooled DP5 acquisition carries its preset
  /// number as `gp_count`. The preset a stopping daemon was waiting for is interrupted, not lost,
  /// when a `run-end` counts it as interrupted.
  init(completed presets: [Int], records: [JSONValue]) {
    let acquisitions = records.filter { $0["type"]?.stringValue == "acquisition" }
    let spooledPresets = acquisitions.compactMap {
      $0["acquisition"]?["parameters"]?["gp_count"]?.doubleValue.map { Int($0) }
    }
    interrupted = records.filter { $0["type"]?.stringValue == "run-end" }
      .reduce(0) { $0 + Int($1["summary"]?["acquisitions_interrupted"]?.doubleValue ?? 0) }
    completed = Set(presets).count
    spooled = spooledPresets.count
    duplicated = spooledPresets.count - Set(spooledPresets).count
    var missing = Set(presets).subtracting(spooledPresets)
    if interrupted > 0, let last = presets.max() { missing.remove(last) }
    lost = missing.sorted()
  }
}

extension JSONValue {
  /// The elements when this is an array.
  var elements: [JSONValue]? {
    if case .array(let values) = self { return values }
    return nil
  }
}

extension Duration {
  var seconds: Double {
    let (whole, atto) = components
    return Double(whole) + Double(atto) / 1e18
  }
}

/// Formats seconds with two decimals.
func format(_ value: Double) -> String { String(format: "%.2f", value) }
