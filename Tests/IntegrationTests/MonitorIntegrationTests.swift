import Detection
import Foundation
import Synchronization
import TestSupport
import Testing
import WhitlockCore
import WhitlockCtlKit

/// The monitor of the real `whitlockd` binary: live events, metrics, run control, web page.
@Suite(.processHeavy) struct MonitorIntegrationTests {
  /// Acquisition events received on a background SSE connection, with arrival times.
  final class EventRecorder: Sendable {
    struct Arrival: Sendable {
      var event: ServerSentEvent
      var at: ContinuousClock.Instant
    }
    private let arrivals = Mutex([Arrival]())

    init(_ client: MonitorClient) {
      Thread.detachNewThread { [self] in
        try? client.streamEvents { event in
          arrivals.withLock { $0.append(Arrival(event: event, at: .now)) }
          return arrivals.withLock { $0.count } < 10_000
        }
      }
    }

    var all: [Arrival] { arrivals.withLock { $0 } }

    /// When the acquisition event of `instrument` with `deviceSeq` arrived.
    func arrival(instrument: String, deviceSeq: Int) -> ContinuousClock.Instant? {
      all.first { arrival in
        guard arrival.event.event == "acquisition",
          let value = try? JSONParser.parse(arrival.event.data)
        else { return false }
        return value["instrument"]?["id"]?.stringValue == instrument
          && value["device_seq"]?.doubleValue == Double(deviceSeq)
      }?.at
    }
  }

  /// The device sequence numbers of `instrument`'s acquisition log lines so far.
  private func loggedSequences(_ log: String, instrument: String) -> [Int] {
    log.split(separator: "\n").compactMap { line -> Int? in
      guard line.contains(" ch "), line.contains("instrument=\(instrument)"),
        let hash = line.range(of: " #")
      else { return nil }
      return Int(line[hash.upperBound...].prefix { $0.isNumber })
    }
  }

  @Test func acquisitionEventArrivesWithinOneSecondOfItsLogLine() async throws {
    let daemon = try await MonitoredDaemon.start()
    defer { Task { await daemon.stop() } }
    let recorder = EventRecorder(daemon.client)
    // Wait for the stream to be live (the snapshot of the run arrives first).
    #expect(await daemon.child.wait(upTo: .seconds(30)) { _ in !recorder.all.isEmpty })
    var checked = 0
    var lastSeen = loggedSequences(daemon.child.standardError, instrument: "r1").max() ?? 0
    while checked < 5 {
      var next: Int?
      let logged = await daemon.child.wait(upTo: .seconds(30)) { child in
        next = self.loggedSequences(child.standardError, instrument: "r1").first { $0 > lastSeen }
        return next != nil
      }
      try #require(logged, "no new acquisition logged")
      let sequence = try #require(next)
      let seenInLog = ContinuousClock.now
      lastSeen = sequence
      let arrived = await daemon.child.wait(upTo: .seconds(1)) { _ in
        recorder.arrival(instrument: "r1", deviceSeq: sequence) != nil
      }
      #expect(arrived, "no SSE event within 1 s of the log line of r1 #\(sequence)")
      if let at = recorder.arrival(instrument: "r1", deviceSeq: sequence) {
        #expect(at - seenInLog < .seconds(1))
      }
      checked += 1
    }
    let event = try #require(recorder.all.first { $0.event.event == "acquisition" })
    let value = try JSONParser.parse(event.event.data)
    guard case .array(let counts)? = value["spectrum"]?["counts"] else {
      Issue.record("acquisition event without spectrum counts: \(event.event.data.prefix(200))")
      return
    }
    #expect((2...256).contains(counts.count))
    #expect(value["detection"] != nil)
  }

  @Test func metricsParseWithThePrometheusReferenceParser() async throws {
    let daemon = try await MonitoredDaemon.start()
    defer { Task { await daemon.stop() } }
    #expect(
      await daemon.child.wait(upTo: .seconds(120)) {
        self.loggedSequences($0.standardError, instrument: "x1").count >= 2
      })
    let response = try await daemon.client.send("GET", "/metrics")
    #expect(response.status == 200)
    #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
    let python = try await monitorPython()
    let parsed = try await runTool(
      python, [repositoryRoot + "/scripts/monitor/check_metrics.py"], input: response.body)
    try #require(parsed.status == 0, "prometheus_client refused the exposition: \(parsed.errors)")
    let families = try #require(try JSONParser.parse(parsed.output)["families"])
    func samples(_ name: String) -> [JSONValue] {
      guard case .array(let list)? = families[name]?["samples"] else { return [] }
      return list
    }
    func value(_ name: String, instrument: String) -> Double? {
      samples(name).first { sample in
        guard case .array(let parts) = sample else { return false }
        return parts[1]["instrument"]?.stringValue == instrument
      }.flatMap { sample -> Double? in
        guard case .array(let parts) = sample else { return nil }
        return parts[2].doubleValue
      }
    }
    // prometheus_client names counter families without the `_total` suffix.
    #expect(families["whitlock_acquisitions"]?["type"]?.stringValue == "counter")
    #expect((value("whitlock_acquisitions", instrument: "x1") ?? 0) >= 2)
    #expect(value("whitlock_device_connected", instrument: "r1") == 1)
    #expect(families["whitlock_detection_latency_seconds"]?["type"]?.stringValue == "histogram")
    #expect(value("whitlock_last_mg_ca_ratio", instrument: "x1") != nil)
    #expect(value("whitlock_last_mg_ca_ratio", instrument: "r1") == nil)
    for name in [
      "whitlock_errors", "whitlock_analysis_queue_depth", "whitlock_acquisitions_dropped",
      "whitlock_spool_records_written", "whitlock_spool_segments_published",
      "whitlock_spool_bytes_written", "whitlock_spool_backlog_records",
      "whitlock_spool_lag_seconds",
      "whitlock_sse_clients", "whitlock_sse_clients_dropped",
    ] {
      #expect(families[name] != nil, "missing metric family \(name)")
    }
  }

  @Test func controlEndpointsNeedTheTokenAndStartRunsThatReachTheSpool() async throws {
    let daemon = try await MonitoredDaemon.start(tokenMode: 0o600)
    defer { Task { await daemon.stop() } }
    let client = daemon.client
    let body = Array(#"{"sample_id":"B-2024-017","operator":"jdoe","point_id":"p3"}"#.utf8)
    let missing = try await client.send("POST", "/api/v1/runs", body: body)
    #expect(missing.status == 401)
    let wrong = try await client.send(
      "POST", "/api/v1/runs", headers: [("Authorization", "Bearer wrong-token-0123456789")],
      body: body)
    #expect(wrong.status == 401)
    let auth = [("Authorization", "Bearer \(MonitoredDaemon.token)")]
    let pathLike = try await client.send(
      "POST", "/api/v1/runs", headers: auth, body: Array(#"{"sample_id":"../../etc"}"#.utf8))
    #expect(pathLike.status == 400)
    let oversize = try await client.send(
      "POST", "/api/v1/runs", headers: auth, body: [UInt8](repeating: 0x20, count: 17_000))
    #expect(oversize.status == 413)

    let started = try await client.send("POST", "/api/v1/runs", headers: auth, body: body)
    #expect(started.status == 201, "\(started.text)")
    let runID = try #require(try JSONParser.parse(started.body)["started"]?["run_id"]?.stringValue)
    let status = try JSONParser.parse(await client.send("GET", "/api/v1/status").body)
    #expect(status["run"]?["run_id"]?.stringValue == runID)
    #expect(status["run"]?["sample_id"]?.stringValue == "B-2024-017")
    // The daemon runs on this machine with this environment, so it chose the same kernels.
    #expect(
      status["daemon"]?["detector_kernels"]?.stringValue == DetectorKernels.active.rawValue)

    let spooled = await daemon.child.wait(upTo: .seconds(30)) { _ in
      daemon.records().contains { $0.contains(runID) && $0.contains("\"acquisition\"") }
    }
    #expect(spooled, "no acquisition of run \(runID) in the spool")

    let stopped = try await client.send("POST", "/api/v1/runs/current/stop", headers: auth)
    #expect(stopped.status == 200)
    let ended = await daemon.child.wait(upTo: .seconds(30)) { _ in
      daemon.records().contains {
        $0.contains(runID) && $0.contains("\"run-end\"") && $0.contains("\"stopped\"")
      }
    }
    #expect(ended, "no run-end with reason stopped for \(runID)")
    let startRecord = try #require(
      daemon.records().first { $0.contains(runID) && $0.contains("\"run-start\"") })
    let parsed = try JSONParser.parse(startRecord)
    #expect(parsed["run"]?["sample_id"]?.stringValue == "B-2024-017")
    #expect(parsed["run"]?["point_id"]?.stringValue == "p3")
    #expect(await daemon.stop() == 0)
  }

  @Test func controlIsDisabledWithoutATokenFileAndReadOnlyEndpointsWork() async throws {
    let daemon = try await MonitoredDaemon.start(tokenMode: nil)
    defer { Task { await daemon.stop() } }
    let refused = try await daemon.client.send(
      "POST", "/api/v1/runs", body: Array(#"{"sample_id":"a"}"#.utf8))
    #expect(refused.status == 403)
    #expect(refused.text.contains("token_file"))
    #expect(try await daemon.client.send("GET", "/healthz").status == 200)
    #expect(
      await daemon.child.wait(upTo: .seconds(30)) { _ in
        (try? daemon.client.request("GET", "/readyz").status) == 200
      })
    let page = try await daemon.client.send("GET", "/")
    #expect(page.status == 200 && page.text.contains("raman-canvas"))
    #expect(try await daemon.client.send("DELETE", "/api/v1/runs").status >= 400)
  }

  @Test func worldReadableTokenFileMakesTheDaemonRefuseToStart() async throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-token-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try "test-token-0123456789abcdef".write(
      toFile: directory + "/token", atomically: false, encoding: .utf8)
    chmod(directory + "/token", 0o644)
    try """
    [spool]
    path = "\(directory)/spool"
    [monitor]
    listen = "127.0.0.1:0"
    token_file = "\(directory)/token"
    [[instrument]]
    id = "r1"
    kind = "raman"
    driver = "simulated"
    """.write(toFile: directory + "/w.toml", atomically: true, encoding: .utf8)
    let child = try ChildProcess(
      try ProductsDirectory.executable("whitlockd"), ["--config", directory + "/w.toml"])
    let status = await child.waitForExit(upTo: .seconds(30))
    #expect(status != nil && status != 0)
    #expect(child.standardError.contains("must not be readable or writable by other users"))
    #expect(
      !FileManager.default.fileExists(atPath: directory + "/spool"), "refused before the spool")
  }

  @Test func whitlockctlStatusWorksOverAUnixSocket() async throws {
    let socket = "/tmp/whitlockd-test-\(UUID().uuidString.prefix(8)).sock"
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-unix-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try """
    [spool]
    path = "\(directory)/spool"
    [monitor]
    unix_socket = "\(socket)"
    [[instrument]]
    id = "r1"
    kind = "raman"
    driver = "simulated"
    exposure_s = 0.1
    """.write(toFile: directory + "/w.toml", atomically: true, encoding: .utf8)
    let child = try ChildProcess(
      try ProductsDirectory.executable("whitlockd"), ["--config", directory + "/w.toml"])
    #expect(await child.wait(upTo: .seconds(30)) { $0.standardError.contains("monitor listening") })
    #expect(
      await child.wait(upTo: .seconds(30)) { $0.standardError.contains("instrument opened") })
    let ctl = try ProductsDirectory.executable("whitlockctl")
    let result = try await runTool(ctl, ["status", "--monitor", "unix:\(socket)"])
    #expect(result.status == 0, "\(result.output) \(result.errors)")
    #expect(result.output.contains("r1") && result.output.contains("open"))
    child.send(SIGTERM)
    #expect(await child.waitForExit(upTo: .seconds(30)) == 0)
    #expect(!FileManager.default.fileExists(atPath: socket), "socket removed at exit")
  }

  @Test func livePageRendersSpectraInHeadlessChromiumWithoutConsoleErrors() async throws {
    let daemon = try await MonitoredDaemon.start()
    defer { Task { await daemon.stop() } }
    #expect(
      await daemon.child.wait(upTo: .seconds(120)) {
        self.loggedSequences($0.standardError, instrument: "x1").count >= 1
      })
    // The page opens mid-run: the fractions measured before it must be on its trend at once.
    #expect(
      await daemon.child.wait(upTo: .seconds(60)) { _ in Self.recentFractions(daemon) >= 3 })
    let python = try await monitorPython()
    let screenshot = repositoryRoot + "/artifacts/monitor-page.png"
    let result = try await runTool(
      python,
      [repositoryRoot + "/scripts/monitor/check_page.py", "\(daemon.endpoint)/", screenshot, "60"])
    try #require(result.status == 0, "page check failed: \(result.errors)")
    let report = try JSONParser.parse(result.output)
    #expect(Int(report["page"]?["raman"]?.stringValue ?? "") ?? 0 > 0, "\(result.output)")
    #expect(Int(report["page"]?["xrf"]?.stringValue ?? "") ?? 0 > 0, "\(result.output)")
    #expect(report["page"]?["connected"]?.stringValue == "true")
    #expect(report["console_errors"] == .array([]), "\(result.output)")
    #expect(FileManager.default.fileExists(atPath: screenshot))
    let history = Int(report["page"]?["history"]?.stringValue ?? "") ?? 0
    let trend = Int(report["page"]?["trend"]?.stringValue ?? "") ?? 0
    #expect(history >= 3 && trend >= history, "history replayed on load: \(result.output)")
    #expect(report["page"]?["phase"]?.stringValue != "–", "the phase is shown: \(result.output)")
    let page = try await daemon.client.send("GET", "/")
    #expect(!page.text.contains("A970/(A960+A970)"), "the fraction is not labelled as a ratio")
  }

  /// Fractions the daemon keeps for a page opened mid-run (`recent_fractions` in the status).
  private static func recentFractions(_ daemon: MonitoredDaemon) -> Int {
    guard let response = try? daemon.client.request("GET", "/api/v1/status"),
      let status = try? JSONParser.parse(response.text),
      case .array(let instruments)? = status["instruments"]
    else { return 0 }
    return instruments.reduce(0) { total, instrument in
      guard case .array(let points)? = instrument["recent_fractions"] else { return total }
      return total + points.count
    }
  }
}
