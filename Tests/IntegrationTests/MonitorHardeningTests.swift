import Foundation
import Synchronization
import TestSupport
import Testing
import WhitlockCtlKit

/// The real daemon's monitor against hostile clients: foreign `Host` names (DNS rebinding), more
/// live clients than allowed, a non-loopback address without and with the token, and a token
/// file its group may write.
@Suite(.processHeavy) struct MonitorHardeningTests {
  private func port(of endpoint: MonitorEndpoint) throws -> Int {
    guard case .tcp(_, let port) = endpoint else { throw StartFailure(description: "not TCP") }
    return port
  }

  @Test func loopbackMonitorAnswersOnlyLoopbackHostNames() async throws {
    let daemon = try await MonitoredDaemon.start(
      tokenMode: nil, monitorExtra: "allowed_hosts = [\"whitlock.lab.example\"]\n")
    defer { Task { await daemon.stop() } }
    let port = try port(of: daemon.endpoint)
    var client = daemon.client
    for host in ["localhost:\(port)", "127.0.0.1:\(port)", "whitlock.lab.example:\(port)"] {
      client.hostHeader = host
      #expect(try await client.send("GET", "/api/v1/status").status == 200, "\(host)")
    }
    for host in ["rebind.attacker.example:\(port)", "localhost:\(port + 1)", "127.0.0.1"] {
      client.hostHeader = host
      let response = try await client.send("GET", "/api/v1/status")
      #expect(response.status == 403, "\(host)")
      #expect(response.text.contains("allowed_hosts"), "\(response.text)")
    }
    #expect(daemon.child.standardError.contains("policy=loopback: Host must be localhost"))
  }

  @Test func liveClientsBeyondTheLimitGet503AndAreCounted() async throws {
    let daemon = try await MonitoredDaemon.start(
      tokenMode: nil, monitorExtra: "max_sse_clients = 2\n")
    defer { Task { await daemon.stop() } }
    // Two streams held open by readers that wait for their first event each.
    let opened = Opened()
    let endpoint = daemon.endpoint
    // Blocking readers on their own threads, not on the two-thread cooperative pool.
    for _ in 0..<2 {
      Thread {
        var counted = false
        try? MonitorClient(endpoint: endpoint, timeoutSeconds: 30).streamEvents { _ in
          if !counted {
            counted = true
            opened.increment()
          }
          return !opened.isStopped
        }
      }.start()
    }
    let connected = await daemon.child.wait(upTo: .seconds(60)) { _ in
      opened.count == 2
        && ((try? daemon.client.request("GET", "/api/v1/status").text) ?? "")
          .contains("\"clients\":2")
    }
    #expect(connected, "two live clients connected")
    let third = try await daemon.client.send("GET", "/api/v1/events")
    #expect(third.status == 503, "\(third.status) \(third.text)")
    #expect(third.header("Retry-After") == "5")
    #expect(third.text.contains("max_sse_clients"))
    let metrics = try await daemon.client.send("GET", "/metrics").text
    #expect(metrics.contains("whitlock_sse_clients_refused_total 1"), "\(metrics)")
    opened.stop()
  }

  @Test func nonLoopbackMonitorNeedsTheTokenForAllButHealthAndSaysSo() async throws {
    let daemon = try await MonitoredDaemon.start(tokenMode: 0o640, listen: "0.0.0.0:0")
    defer { Task { await daemon.stop() } }
    let port = try port(of: daemon.endpoint)
    let open = MonitorClient(endpoint: .tcp(host: "127.0.0.1", port: port))
    #expect(try await open.send("GET", "/healthz").status == 200)
    #expect([200, 503].contains(try await open.send("GET", "/readyz").status))
    for path in ["/", "/metrics", "/api/v1/status", "/api/v1/events"] {
      let response = try await open.send("GET", path)
      #expect(response.status == 401, "\(path): \(response.status)")
      #expect(response.header("WWW-Authenticate") == "Bearer realm=\"whitlockd\"")
    }
    let authorised = MonitorClient(
      endpoint: .tcp(host: "127.0.0.1", port: port), bearerToken: MonitoredDaemon.token)
    #expect(try await authorised.send("GET", "/api/v1/status").status == 200)
    #expect(try await authorised.send("GET", "/metrics").status == 200)
    #expect(
      daemon.child.standardError.contains(
        "policy=token required for every endpoint but /healthz and /readyz"))

    let status = try await runTool(
      try ProductsDirectory.executable("whitlockctl"),
      ["status", "--monitor", "http://127.0.0.1:\(port)", "--token-file", daemon.tokenPath])
    #expect(status.status == 0, "\(status.errors)")
  }

  @Test func nonLoopbackMonitorWithoutTokenFileIsAConfigurationError() async throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("whitlockd-open-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try "[monitor]\nlisten = \"0.0.0.0:0\"\n".write(
      toFile: directory + "/w.toml", atomically: true, encoding: .utf8)
    let child = try ChildProcess(
      try ProductsDirectory.executable("whitlockd"), ["--config", directory + "/w.toml"],
      currentDirectory: directory)
    #expect(await child.waitForExit(upTo: .seconds(30)) == 78)
    #expect(child.standardError.contains("w.toml:2: monitor.listen: 0.0.0.0:0 is not a loopback"))
  }

  @Test func groupWritableTokenFileMakesTheDaemonRefuseToStart() async throws {
    do {
      let daemon = try await MonitoredDaemon.start(tokenMode: 0o660)
      let status = await daemon.child.waitForExit(upTo: .seconds(30))
      #expect(status == 1, "\(daemon.child.standardError)")
      #expect(daemon.child.standardError.contains("must not be writable by its group"))
      try? FileManager.default.removeItem(atPath: daemon.directory)
    } catch let failure as StartFailure {
      #expect(failure.description.contains("must not be writable by its group"), "\(failure)")
    }
  }
}

/// Counts live streams that are open and lets their readers stop.
private final class Opened: Sendable {
  private let state = Mutex((open: 0, stopped: false))
  var count: Int { state.withLock { $0.open } }
  var isStopped: Bool { state.withLock { $0.stopped } }
  func increment() { state.withLock { $0.open += 1 } }
  func stop() { state.withLock { $0.stopped = true } }
}
