import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Monitor
import NIOCore
import NetworkSettings
import Synchronization
import Testing
import WhitlockCore

/// The monitor's routes and access policy in process (Hummingbird's `.router` test mode: no
/// socket, no daemon): the Host check against DNS rebinding, the bearer token on run control,
/// the body limit, readiness.
@Suite struct MonitorRoutesTests {
  /// A backend that records the runs it was asked to start and reports a settable readiness.
  final class RecordingBackend: MonitorBackend {
    private let state = Mutex<(started: [String], notReady: String?)>(([], nil))

    var started: [String] { state.withLock { $0.started } }
    func setNotReady(_ reason: String?) { state.withLock { $0.notReady = reason } }

    func status() -> JSONValue { .object([("ready", .bool(notReadyReason() == nil))]) }
    func notReadyReason() -> String? { state.withLock { $0.notReady } }
    func notReadySummary() -> String? { notReadyReason() }
    func refreshMetrics() {}
    func startRun(_ request: RunRequest) async throws -> JSONValue {
      state.withLock { $0.started.append(request.sampleID) }
      return .object([("started", .object([("sample_id", .string(request.sampleID))]))])
    }
    func stopRun() async throws -> JSONValue { .object([]) }
  }

  private static let secret = "router-test-token-0123456789"

  /// The router as `MonitorServer` serves it for `address`, with run control enabled.
  private func application(
    _ backend: RecordingBackend, address: MonitorAddress, allowedHosts: [String] = []
  ) -> some ApplicationProtocol {
    var settings = MonitorServer.Settings(address: address, token: BearerToken(secret: Self.secret))
    settings.allowedHosts = allowedHosts
    return Application(
      router: MonitorServer.router(
        settings: settings, hub: LiveHub(), metrics: MonitorMetrics(), backend: backend))
  }

  // Hummingbird's router test client sends every request with `Host: localhost` and no port.

  @Test func theLivePageIsTheResourceFile() async throws {
    let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Sources/Monitor/Resources/monitor.html")
    let page = try [UInt8](Data(contentsOf: file))
    #expect(MonitorPage.bytes == page)
    let text = String(decoding: page, as: UTF8.self)
    #expect(text.contains("<title>whitlockd live</title>"))
    #expect(!text.contains("http://") && !text.contains("https://"), "no external resources")

    let app = application(
      RecordingBackend(), address: .tcp(host: "127.0.0.1", port: 9464),
      allowedHosts: ["localhost"])
    try await app.test(.router) { client in
      try await client.execute(uri: "/", method: .get) { response in
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
        #expect(Array(buffer: response.body) == page)
      }
    }
  }

  @Test func aHostWithoutTheMonitorsPortIsRefusedOnLoopback() async throws {
    let backend = RecordingBackend()
    let app = application(backend, address: .tcp(host: "127.0.0.1", port: 9464))
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/v1/status", method: .get) { response in
        #expect(response.status == .forbidden)
        #expect(String(buffer: response.body).contains("allowed_hosts"))
      }
    }
  }

  @Test func aNameInAllowedHostsIsAnsweredWithOrWithoutPort() async throws {
    let backend = RecordingBackend()
    let app = application(
      backend, address: .tcp(host: "127.0.0.1", port: 9464), allowedHosts: ["localhost"])
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/v1/status", method: .get) { response in
        #expect(response.status == .ok)
      }
    }
  }

  @Test func runControlNeedsTheBearerTokenAndBoundsTheBody() async throws {
    let backend = RecordingBackend()
    let app = application(backend, address: .unixSocket(path: "/nonexistent/monitor.sock"))
    let body = ByteBuffer(string: #"{"sample_id":"B-2024-017"}"#)
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/v1/runs", method: .post, body: body) { response in
        #expect(response.status == .unauthorized)
      }
      try await client.execute(
        uri: "/api/v1/runs", method: .post,
        headers: [.authorization: "Bearer wrong-token-0123456789abc"], body: body
      ) { response in
        #expect(response.status == .unauthorized)
      }
      let authorised: HTTPFields = [.authorization: "Bearer \(Self.secret)"]
      try await client.execute(
        uri: "/api/v1/runs", method: .post, headers: authorised,
        body: ByteBuffer(repeating: 0x20, count: RunRequest.maximumBodyBytes + 1)
      ) { response in
        #expect(response.status == .contentTooLarge)
      }
      try await client.execute(
        uri: "/api/v1/runs", method: .post, headers: authorised, body: body
      ) { response in
        #expect(response.status == .created, "\(String(buffer: response.body))")
      }
    }
    #expect(backend.started == ["B-2024-017"], "only the authorised request started a run")
  }

  /// Beyond loopback, the read token opens the read endpoints but never run control; the control
  /// token opens both.
  @Test func theReadTokenReadsButCannotStartRuns() async throws {
    let backend = RecordingBackend()
    var settings = MonitorServer.Settings(
      address: .tcp(host: "0.0.0.0", port: 9464), token: BearerToken(secret: Self.secret))
    settings.readToken = BearerToken(secret: "read-only-token-0123456789")
    let app = Application(
      router: MonitorServer.router(
        settings: settings, hub: LiveHub(), metrics: MonitorMetrics(), backend: backend))
    let reader: HTTPFields = [.authorization: "Bearer read-only-token-0123456789"]
    let controller: HTTPFields = [.authorization: "Bearer \(Self.secret)"]
    let body = ByteBuffer(string: #"{"sample_id":"B-1"}"#)
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/v1/status", method: .get) {
        #expect($0.status == .unauthorized)
      }
      try await client.execute(uri: "/api/v1/status", method: .get, headers: reader) {
        #expect($0.status == .ok)
      }
      try await client.execute(uri: "/metrics", method: .get, headers: reader) {
        #expect($0.status == .ok)
      }
      try await client.execute(
        uri: "/api/v1/runs", method: .post, headers: reader, body: body
      ) { #expect($0.status == .unauthorized) }
      try await client.execute(
        uri: "/api/v1/runs/current/stop", method: .post, headers: reader
      ) { #expect($0.status == .unauthorized) }
      try await client.execute(
        uri: "/api/v1/runs", method: .post, headers: controller, body: body
      ) { #expect($0.status == .created) }
    }
    #expect(backend.started == ["B-1"])
  }

  @Test func readinessFollowsTheBackendAndHealthDoesNot() async throws {
    let backend = RecordingBackend()
    let app = application(backend, address: .unixSocket(path: "/nonexistent/monitor.sock"))
    try await app.test(.router) { client in
      try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
      backend.setNotReady("no instrument is open")
      try await client.execute(uri: "/readyz", method: .get) { response in
        #expect(response.status == .serviceUnavailable)
        #expect(String(buffer: response.body) == "not ready: no instrument is open\n")
      }
      try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
    }
  }
}
