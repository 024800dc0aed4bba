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

/// `POST /api/v1/instruments/ID/dark` in process: the token, the body, and the statuses the
/// backend's answers map to.
@Suite struct DarkRouteTests {
  /// A backend with one instrument, `r1`, that needs the beam blocked.
  final class DarkBackend: MonitorBackend {
    private let asked = Mutex<[(String, Bool)]>([])

    var requests: [(String, Bool)] { asked.withLock { $0 } }

    func status() -> JSONValue { .object([]) }
    func notReadyReason() -> String? { nil }
    func notReadySummary() -> String? { nil }
    func refreshMetrics() {}
    func startRun(_ request: RunRequest) async throws -> JSONValue { .object([]) }
    func stopRun() async throws -> JSONValue { .object([]) }
    func takeDark(instrumentID: String, beamBlocked: Bool) async throws -> JSONValue {
      asked.withLock { $0.append((instrumentID, beamBlocked)) }
      guard instrumentID == "r1" else {
        throw ControlRefusal(notFound: true, "no instrument \(instrumentID) is configured")
      }
      guard beamBlocked else { throw ControlRefusal("block the beam, then --beam-blocked") }
      return .object([("dark_id", .string("d-1"))])
    }
  }

  private static let secret = "dark-route-token-0123456789"

  @Test func aDarkNeedsTheTokenAndMapsRefusalsToStatuses() async throws {
    let backend = DarkBackend()
    let settings = MonitorServer.Settings(
      address: .unixSocket(path: "/nonexistent/monitor.sock"),
      token: BearerToken(secret: Self.secret))
    let app = Application(
      router: MonitorServer.router(
        settings: settings, hub: LiveHub(), metrics: MonitorMetrics(), backend: backend))
    let authorised: HTTPFields = [.authorization: "Bearer \(Self.secret)"]
    let blocked = ByteBuffer(string: #"{"beam_blocked":true}"#)
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/v1/instruments/r1/dark", method: .post, body: blocked) {
        #expect($0.status == .unauthorized)
      }
      try await client.execute(
        uri: "/api/v1/instruments/r1/dark", method: .post, headers: authorised, body: blocked
      ) { response in
        #expect(response.status == .created)
        #expect(String(buffer: response.body).contains("d-1"))
      }
      try await client.execute(
        uri: "/api/v1/instruments/r1/dark", method: .post, headers: authorised
      ) { response in
        #expect(response.status == .conflict)
        #expect(String(buffer: response.body).contains("beam"))
      }
      try await client.execute(
        uri: "/api/v1/instruments/r9/dark", method: .post, headers: authorised, body: blocked
      ) { #expect($0.status == .notFound) }
      try await client.execute(
        uri: "/api/v1/instruments/r1/dark", method: .post, headers: authorised,
        body: ByteBuffer(string: #"{"beam":true}"#)
      ) { response in
        #expect(response.status == .badRequest)
        #expect(String(buffer: response.body).contains("beam_blocked"))
      }
    }
    #expect(backend.requests.map { $0.0 } == ["r1", "r1", "r9"])
    #expect(backend.requests.map { $0.1 } == [true, false, true])
  }
}
