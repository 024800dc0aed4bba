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

/// `POST /api/v1/instruments/ID/calibration` in process: the token, the body's members, and the
/// statuses the backend's answers map to.
@Suite struct CalibrationRouteTests {
  /// A backend with one instrument, `r1`, whose silicon is never found.
  final class CalibratingBackend: MonitorBackend {
    private let asked = Mutex<[AxisCalibrationRequest]>([])

    var requests: [AxisCalibrationRequest] { asked.withLock { $0 } }

    func status() -> JSONValue { .object([]) }
    func notReadyReason() -> String? { nil }
    func notReadySummary() -> String? { nil }
    func refreshMetrics() {}
    func startRun(_ request: RunRequest) async throws -> JSONValue { .object([]) }
    func stopRun() async throws -> JSONValue { .object([]) }
    func calibrateAxis(instrumentID: String, _ request: AxisCalibrationRequest) async throws
      -> JSONValue
    {
      guard instrumentID == "r1" else {
        throw ControlRefusal(notFound: true, "no instrument \(instrumentID) is configured")
      }
      asked.withLock { $0.append(request) }
      if request.siliconReferenceCm1 != 520.45 {
        throw ControlRefusal("refused (silicon-not-found): no silicon band")
      }
      return .object([("state", .string("in-force"))])
    }
  }

  private static let secret = "calibration-route-token-0123456789"

  @Test func aCalibrationNeedsTheTokenValidatesItsBodyAndMapsRefusals() async throws {
    let backend = CalibratingBackend()
    let settings = MonitorServer.Settings(
      address: .unixSocket(path: "/nonexistent/monitor.sock"),
      token: BearerToken(secret: Self.secret))
    let app = Application(
      router: MonitorServer.router(
        settings: settings, hub: LiveHub(), metrics: MonitorMetrics(), backend: backend))
    let authorised: HTTPFields = [.authorization: "Bearer \(Self.secret)"]
    let uri = "/api/v1/instruments/r1/calibration"
    let verified = ByteBuffer(string: #"{"lamp":"argon","verify":"polystyrene"}"#)
    try await app.test(.router) { client in
      try await client.execute(uri: uri, method: .post, body: verified) {
        #expect($0.status == .unauthorized)
      }
      try await client.execute(uri: uri, method: .post, headers: authorised, body: verified) {
        response in
        #expect(response.status == .created)
        #expect(String(buffer: response.body).contains("in-force"))
      }
      try await client.execute(uri: uri, method: .post, headers: authorised) {
        #expect($0.status == .created, "an empty body takes the defaults")
      }
      try await client.execute(
        uri: uri, method: .post, headers: authorised,
        body: ByteBuffer(string: #"{"silicon_reference_cm1":521.0}"#)
      ) { response in
        #expect(response.status == .conflict)
        #expect(String(buffer: response.body).contains("silicon-not-found"))
      }
      for (body, member) in [
        (#"{"lamp":"polystyrene"}"#, "lamp"), (#"{"verify":"neon"}"#, "verify"),
        (#"{"max_residual_cm1":-1}"#, "max_residual_cm1"), (#"{"standard":"x"}"#, "standard"),
        (#"{"silicon_reference_cm1":"520"}"#, "silicon_reference_cm1"),
      ] {
        try await client.execute(
          uri: uri, method: .post, headers: authorised, body: ByteBuffer(string: body)
        ) { response in
          #expect(response.status == .badRequest, "\(body)")
          #expect(String(buffer: response.body).contains(member), "\(body)")
        }
      }
      try await client.execute(
        uri: "/api/v1/instruments/r9/calibration", method: .post, headers: authorised
      ) { #expect($0.status == .notFound) }
    }
    #expect(backend.requests.map(\.lamp) == [.argon, .neon, .neon])
    #expect(backend.requests.map(\.verify) == [.polystyrene, nil, nil])
  }
}
