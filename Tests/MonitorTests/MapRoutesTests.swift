import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Monitor
import NIOCore
import NetworkSettings
import Synchronization
import Testing
import WhitlockCore

/// The map routes in process: the control token on start, pause, resume and abort, the read
/// token on the map's status, and each refusal's HTTP status.
@Suite struct MapRoutesTests {
  /// A backend with one map, refusing bodies that are not JSON objects.
  final class MapBackend: MonitorBackend {
    private let state = Mutex<(plan: [UInt8]?, actions: [MapAction])>((nil, []))

    var actions: [MapAction] { state.withLock { $0.actions } }

    func status() -> JSONValue { .object([]) }
    func notReadyReason() -> String? { nil }
    func notReadySummary() -> String? { nil }
    func refreshMetrics() {}
    func startRun(_ request: RunRequest) async throws -> JSONValue { .object([]) }
    func stopRun() async throws -> JSONValue { .object([]) }

    func startMap(_ body: [UInt8]) async throws(MapControlError) -> JSONValue {
      guard case .object? = try? JSONParser.parse(body) else {
        throw MapControlError(.invalid, "step_um: is required and must be a number")
      }
      state.withLock { $0.plan = body }
      return .object([("map_id", .string("m1")), ("state", .string("running"))])
    }

    func controlMap(_ action: MapAction) async throws(MapControlError) -> JSONValue {
      guard state.withLock({ $0.plan != nil }) else {
        throw MapControlError(.conflict, "no map is running")
      }
      state.withLock { $0.actions.append(action) }
      return .object([("map_id", .string("m1")), ("state", .string(action.rawValue))])
    }

    func currentMap() throws(MapControlError) -> JSONValue {
      guard state.withLock({ $0.plan != nil }) else {
        throw MapControlError(.notFound, "no map has run since the daemon started")
      }
      return .object([("map_id", .string("m1"))])
    }
  }

  private static let secret = "map-routes-token-0123456789"
  private static let reading = "map-routes-read-token-0123456789"

  private func application(_ backend: any MonitorBackend) -> some ApplicationProtocol {
    var settings = MonitorServer.Settings(
      address: .tcp(host: "0.0.0.0", port: 9464), token: BearerToken(secret: Self.secret))
    settings.readToken = BearerToken(secret: Self.reading)
    return Application(
      router: MonitorServer.router(
        settings: settings, hub: LiveHub(), metrics: MonitorMetrics(), backend: backend))
  }

  @Test func mapControlNeedsTheControlTokenAndAnswersEachRefusal() async throws {
    let backend = MapBackend()
    let control: HTTPFields = [.authorization: "Bearer \(Self.secret)"]
    let reader: HTTPFields = [.authorization: "Bearer \(Self.reading)"]
    let plan = ByteBuffer(string: #"{"map_id":"m1"}"#)
    try await application(backend).test(.router) { client in
      try await client.execute(uri: "/api/v1/maps/current", method: .get, headers: reader) {
        #expect($0.status == .notFound)
      }
      try await client.execute(uri: "/api/v1/maps/current/pause", method: .post, headers: control) {
        #expect($0.status == .conflict)
      }
      try await client.execute(uri: "/api/v1/maps", method: .post, headers: reader, body: plan) {
        #expect($0.status == .unauthorized, "the read token cannot start maps")
      }
      try await client.execute(
        uri: "/api/v1/maps", method: .post, headers: control, body: ByteBuffer(string: "[]")
      ) { response in
        #expect(response.status == .badRequest)
        #expect(String(buffer: response.body).contains("step_um"))
      }
      try await client.execute(uri: "/api/v1/maps", method: .post, headers: control, body: plan) {
        #expect($0.status == .created)
      }
      for action in MapAction.allCases {
        try await client.execute(
          uri: "/api/v1/maps/current/\(action.rawValue)", method: .post, headers: reader
        ) { #expect($0.status == .unauthorized) }
        try await client.execute(
          uri: "/api/v1/maps/current/\(action.rawValue)", method: .post, headers: control
        ) { response in
          #expect(response.status == .ok)
          #expect(String(buffer: response.body).contains(action.rawValue))
        }
      }
      try await client.execute(uri: "/api/v1/maps/current", method: .get, headers: reader) {
        #expect($0.status == .ok)
      }
    }
    #expect(backend.actions == [.pause, .resume, .abort])
  }

  @Test func aBackendWithoutAStageRefusesMaps() async throws {
    let control: HTTPFields = [.authorization: "Bearer \(Self.secret)"]
    let app = application(MonitorRoutesTests.RecordingBackend())
    try await app.test(.router) { client in
      try await client.execute(
        uri: "/api/v1/maps", method: .post, headers: control, body: ByteBuffer(string: "{}")
      ) { response in
        #expect(response.status == .conflict)
        #expect(String(buffer: response.body).contains("no stage"))
      }
    }
  }
}
