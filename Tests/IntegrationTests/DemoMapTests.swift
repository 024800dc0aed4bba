import Foundation
import TestSupport
import Testing
import WhitlockCore

/// The demo map end to end, on the real binaries: `whitlockd` with a simulated stage over the
/// simulated calcification (`[stage] demo_map`, what `make run` scans), its live map drawn by
/// the monitor page in headless Chromium (screenshot `artifacts/demo-map.png`), then the spool
/// exported with `whitlockctl export --format nexus` and opened as a 2-D map by h5py, silx and
/// nexusformat (`scripts/nexus/check_map.py`, checked against the spool).
@Suite(.processHeavy) struct DemoMapTests {
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
  static let side = 4

  /// The current map's id and points done, from `GET /api/v1/maps/current`.
  static func currentMap(_ daemon: MonitoredDaemon) -> (id: String, done: Int)? {
    guard let response = try? daemon.client.request("GET", "/api/v1/maps/current"),
      response.status == 200, let map = try? JSONParser.parse(response.text),
      let id = map["map_id"]?.stringValue
    else { return nil }
    return (id, Int(map["points_done"]?.doubleValue ?? 0))
  }

  @Test func theDemoMapIsDrawnLiveAndExportsAsANeXusMap() async throws {
    let daemon = try await MonitoredDaemon.start(
      extraConfiguration: """
        [stage]
        driver = "simulated"
        demo_map = \(Self.side)
        """)
    var stopped = false
    defer {
      if !stopped { Task { await daemon.stop() } }
    }
    // A few points measured before the page opens: they come from the history, the rest live.
    #expect(
      await daemon.child.wait(upTo: .seconds(120)) { _ in
        (Self.currentMap(daemon)?.done ?? 0) >= 3
      }, "the demo map measures: \(daemon.child.standardError.suffix(2000))")
    let first = try #require(await offPool { Self.currentMap(daemon)?.id })

    let python = try await monitorPython()
    let screenshot = Self.repositoryRoot + "/artifacts/demo-map.png"
    let page = try await runTool(
      python,
      [
        Self.repositoryRoot + "/scripts/monitor/check_map_page.py", "\(daemon.endpoint)/",
        screenshot, "3", "0,0", "120",
      ])
    try #require(page.status == 0, "map page check failed: \(page.errors) \(page.output)")
    let report = try JSONParser.parse(page.output)
    #expect(report["console_errors"] == .array([]), "\(page.output)")
    #expect(FileManager.default.fileExists(atPath: screenshot))

    // The first demo map completes; the demo then starts the next one.
    #expect(
      await daemon.child.wait(upTo: .seconds(180)) { _ in
        guard let current = Self.currentMap(daemon) else { return false }
        return current.id != first
      }, "the first demo map completes")
    daemon.child.send(SIGTERM)
    #expect(await daemon.child.waitForExit(upTo: .seconds(30)) == 0)
    stopped = true
    defer { try? FileManager.default.removeItem(atPath: daemon.directory) }

    let spool = daemon.directory + "/spool"
    let output = daemon.directory + "/demo.nxs"
    let export = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlockctl")),
      ["export", "--format", "nexus", spool, "-o", output], deadline: 600)
    #expect(export.status == 0, "\(export.standardError)")
    let nexusPython = try await NeXusExportTests.python()
    let map = try await runTool(
      nexusPython, [Self.repositoryRoot + "/scripts/nexus/check_map.py", output, spool])
    #expect(map.status == 0, "\(map.output)\(map.errors)")
    #expect(
      map.output.contains("\(first) \(Self.side)x\(Self.side) (\(Self.side * Self.side) points"),
      "the completed demo map opens as a \(Self.side) × \(Self.side) map: \(map.output)")
  }
}
