import Foundation
import Hummingbird
import HummingbirdTesting
import Monitor
import NetworkSettings
import TestSupport
import Testing
import WhitlockCore

/// The live page's map panel in real headless Chromium (`scripts/monitor/check_map_page.py`),
/// against the real monitor routes on a loopback port, fed through a real `LiveHub`: the points
/// measured before the page opened come from `GET /api/v1/maps/current/points`, the rest over
/// SSE; the fraction, phase and Mg/Ca views (below detection drawn as such) and a click showing a
/// point's spectrum with its fitted bands. The screenshot is saved as `artifacts/monitor-map.png`.
@Suite struct LiveMapPageTests {
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  @Test func theMapPanelFillsFromHistoryAndLiveEventsAndShowsAClickedPoint() async throws {
    let fixture = MapEventFixture(columns: 6, rows: 4)
    let before = 14  // points measured before the page opens
    // What the page must end up drawing, from the same events through a board of its own.
    let expected = LiveMapBoard()
    for events in fixture.pointEvents {
      for event in events { expected.observe(.acquisition, event) }
    }
    guard case .array(let all)? = expected.pointsDocument()["points"] else {
      Issue.record("no points")
      return
    }
    let fractions = all.filter { $0["whitlockite_fraction"]?.doubleValue != nil }.count
    let phases = all.filter { $0["phase"]?.stringValue != nil }.count
    let ratios = all.filter { $0["mg_ca_ratio"]?.doubleValue != nil }.count
    let below = all.filter { $0["mg_ca_below_detection"] == .bool(true) }.count
    #expect(below > 0 && ratios > 0, "the fixture has points below detection and above")

    let python = try await Self.python()
    let hub = LiveHub()
    var settings = MonitorServer.Settings(address: .tcp(host: "127.0.0.1", port: 0))
    settings.allowedHosts = ["127.0.0.1"]
    let app = Application(
      router: MonitorServer.router(
        settings: settings, hub: hub, metrics: MonitorMetrics(), backend: MapTestBackend()),
      configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    hub.publish(.map, fixture.mapEvent(state: "running", done: before), snapshotKey: "map")
    for events in fixture.pointEvents.prefix(before) {
      for event in events { hub.publish(.acquisition, event) }
    }
    let screenshot = Self.repositoryRoot + "/artifacts/monitor-map.png"
    try? FileManager.default.removeItem(atPath: screenshot)
    try await app.test(.live) { client in
      // Open live streams end only when the hub closes, as at the daemon's shutdown.
      defer { hub.close() }
      let port = try #require(client.port)
      async let page = Subprocess.run(
        URL(fileURLWithPath: python),
        [
          Self.repositoryRoot + "/scripts/monitor/check_map_page.py",
          "http://127.0.0.1:\(port)/", screenshot, "\(fractions)", "0,0", "120",
        ], deadline: 180)
      // The rest of the map arrives once the page listens.
      let connected = ContinuousClock.now + .seconds(120)
      while hub.counters.clients == 0, ContinuousClock.now < connected {
        try await Task.sleep(for: .milliseconds(50))
      }
      #expect(hub.counters.clients > 0, "the page connected to the live stream")
      for (offset, events) in fixture.pointEvents.dropFirst(before).enumerated() {
        for event in events { hub.publish(.acquisition, event) }
        hub.publish(
          .map, fixture.mapEvent(state: "running", done: before + offset + 1), snapshotKey: "map")
      }
      hub.publish(
        .map, fixture.mapEvent(state: "complete", done: fixture.pointEvents.count),
        snapshotKey: "map")
      let result = try await page
      try #require(result.status == 0, "page check failed: \(result.standardError)")
      let report = try JSONParser.parse(result.standardOutput)
      let seen = try #require(report["page"])
      func number(_ view: String, _ key: String) -> Int {
        Int(seen[view]?[key]?.stringValue ?? "") ?? -1
      }
      #expect(Int(seen["history"]?.stringValue ?? "") ?? 0 >= before, "\(result.standardOutput)")
      #expect(number("fraction", "points") == fractions, "\(result.standardOutput)")
      #expect(number("phase", "points") == phases, "\(result.standardOutput)")
      #expect(number("mg_ca", "points") == ratios, "\(result.standardOutput)")
      #expect(number("mg_ca", "below") == below, "\(result.standardOutput)")
      #expect(number("clicked", "point_points") > 100, "\(result.standardOutput)")
      #expect(number("clicked", "bands") > 0, "the fitted bands are drawn")
      #expect(seen["clicked"]?["info"]?.stringValue?.hasPrefix("point 0 (column 0, row 0)") == true)
      #expect(seen["fraction"]?["title"]?.stringValue?.contains("map-live") == true)
      #expect(report["console_errors"] == .array([]), "\(result.standardOutput)")
    }
    #expect(FileManager.default.fileExists(atPath: screenshot))
  }

  /// The Python of the monitor tests' virtual environment (scripts/monitor/venv.sh).
  static func python() async throws -> String {
    let result = try await Subprocess.run(
      URL(fileURLWithPath: "/bin/bash"), [repositoryRoot + "/scripts/monitor/venv.sh"],
      deadline: 600)
    try #require(
      result.status == 0, "cannot create the Python environment: \(result.standardError)")
    return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
