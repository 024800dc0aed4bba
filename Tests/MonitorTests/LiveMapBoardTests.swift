import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Monitor
import NIOCore
import NetworkSettings
import Testing
import WhitlockCore

/// The live map board: what a page opened mid-map replays, the point it shows on a click, the
/// "below detection" rule, a new map starting afresh and the bound on the spectra kept.
@Suite struct LiveMapBoardTests {
  static let fixture = MapEventFixture(columns: 3, rows: 2)

  static func points(_ document: JSONValue) -> [JSONValue] {
    guard case .array(let points)? = document["points"] else { return [] }
    return points
  }

  @Test func theDocumentReplaysEveryPointInGridOrderWithTheCurrentProgress() throws {
    let board = LiveMapBoard()
    #expect(board.pointsDocument()["map_id"] == .null, "no map before the first")
    let fixture = Self.fixture
    board.observe(.map, fixture.mapEvent(state: "running", done: 0))
    for events in fixture.pointEvents.reversed() {
      for event in events { board.observe(.acquisition, event) }
    }
    board.observe(.instrument, .object([("id", .string("raman-sim"))]))
    board.observe(.map, fixture.mapEvent(state: "complete", done: 6))
    let document = board.pointsDocument()
    #expect(document["map_id"] == .string("map-live"))
    #expect(document["state"] == .string("complete"))
    #expect(document["points_done"] == .int(6) && document["points_total"] == .int(6))
    #expect(document["plan"]?["step_um"] == .int(25) || document["plan"]?["step_um"] == .double(25))
    let points = Self.points(document)
    #expect(points.map { $0["grid_index"] } == (0..<6).map { .int(Int64($0)) })
    // Snake order: point 3 is the second row's last column.
    #expect(points[3]["column"] == .int(2) && points[3]["row"] == .int(1))
    for (point, events) in zip(points, fixture.pointEvents) {
      let raman = events[0]["detection"]
      #expect(point["whitlockite_fraction"] == raman?["whitlockite_fraction"])
      #expect(point["phase"] == raman?["phase"])
      #expect(point["spectrum"] == .bool(true))
      #expect(point["stage_um"] == events[0]["map"]?["stage_um"])
    }
    // The tissue column (2) has no calcium worth a ratio: below detection, never a value.
    let tissue = points.filter { $0["column"] == .int(2) }
    #expect(!tissue.isEmpty)
    for point in tissue {
      #expect(point["mg_ca_below_detection"] == .bool(true), "\(point)")
      #expect(point["mg_ca_ratio"] == .null)
    }
    let core = points.filter { $0["column"] == .int(0) }
    for point in core {
      #expect(point["mg_ca_below_detection"] == .bool(false), "\(point)")
      #expect((point["mg_ca_ratio"]?.doubleValue ?? 0) > 0)
    }
  }

  @Test func aPointAnswersWithItsSpectraAndFittedBands() throws {
    let board = LiveMapBoard()
    for events in Self.fixture.pointEvents {
      for event in events { board.observe(.acquisition, event) }
    }
    let point = try #require(board.pointDocument(index: 0))
    #expect(point["map_id"] == .string("map-live"))
    let raman = try #require(point["raman"])
    guard case .array(let axis)? = raman["axis"], case .array(let counts)? = raman["counts"],
      case .array(let bands)? = raman["bands"]
    else {
      Issue.record("no spectrum: \(point)")
      return
    }
    #expect(axis.count == counts.count && axis.count > 100)
    #expect(raman["unit"] == .string("cm-1"))
    #expect(bands.contains { $0["name"]?.stringValue?.isEmpty == false })
    #expect(bands.allSatisfy { ($0["area"]?.doubleValue ?? 0) > 0 })
    #expect(point["xrf"]?["unit"] == .string("keV"))
    #expect(board.pointDocument(index: 99) == nil)
  }

  @Test func aNewMapStartsAfreshAndOnlyTheNewestSpectraAreKept() throws {
    let board = LiveMapBoard(spectraKept: 2)
    let events = Self.fixture.pointEvents
    for point in events.prefix(4) { board.observe(.acquisition, point[0]) }
    // Point 0 measured again: its spectrum is now among the newest.
    board.observe(.acquisition, events[0][0])
    let kept = Self.points(board.pointsDocument()).map { $0["spectrum"] == .bool(true) }
    #expect(kept == [true, false, false, true])
    #expect(board.pointDocument(index: 1)?["raman"] == .null)
    #expect(board.pointDocument(index: 1)?["whitlockite_fraction"] != .null, "values stay")
    for _ in 0..<1000 { board.observe(.acquisition, events[2][0]) }
    #expect(Self.points(board.pointsDocument()).filter { $0["spectrum"] == .bool(true) }.count == 2)

    var other = MapEventFixture(columns: 1, rows: 1).mapEvent(state: "running", done: 0)
    if case .object(var members) = other {
      members[0] = ("map_id", .string("map-next"))
      other = .object(members)
    }
    board.observe(.map, other)
    #expect(board.pointsDocument()["map_id"] == .string("map-next"))
    #expect(Self.points(board.pointsDocument()).isEmpty)
  }

  @Test func theEndpointsServeTheBoardAndRefuseBadIndices() async throws {
    let hub = LiveHub()
    var settings = MonitorServer.Settings(address: .tcp(host: "127.0.0.1", port: 9464))
    settings.allowedHosts = ["localhost"]
    let app = Application(
      router: MonitorServer.router(
        settings: settings, hub: hub, metrics: MonitorMetrics(), backend: MapTestBackend()))
    hub.publish(.map, Self.fixture.mapEvent(state: "running", done: 1))
    for event in Self.fixture.pointEvents[0] { hub.publish(.acquisition, event) }
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/v1/maps/current/points", method: .get) { response in
        #expect(response.status == .ok)
        let document = try JSONParser.parse(String(buffer: response.body))
        #expect(document["map_id"] == .string("map-live"))
        #expect(Self.points(document).count == 1)
      }
      try await client.execute(uri: "/api/v1/maps/current/points/0", method: .get) { response in
        #expect(response.status == .ok)
        let document = try JSONParser.parse(String(buffer: response.body))
        #expect(document["raman"]?["bands"] != nil)
      }
      try await client.execute(uri: "/api/v1/maps/current/points/5", method: .get) { response in
        #expect(response.status == .notFound)
        #expect(String(buffer: response.body).contains("map map-live has no point 5 measured"))
      }
      try await client.execute(uri: "/api/v1/maps/current/points/x1", method: .get) { response in
        #expect(response.status == .badRequest)
        #expect(String(buffer: response.body).contains("\\\"x1\\\" is not a grid index"))
      }
    }
  }
}

/// A backend with no instruments and no run control, for the map tests.
struct MapTestBackend: MonitorBackend {
  func status() -> JSONValue { .object([("instruments", .array([]))]) }
  func notReadyReason() -> String? { nil }
  func notReadySummary() -> String? { nil }
  func refreshMetrics() {}
  func startRun(_ request: RunRequest) async throws -> JSONValue { .object([]) }
  func stopRun() async throws -> JSONValue { .object([]) }
}
