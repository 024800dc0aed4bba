import Foundation
import TestSupport
import Testing
import WhitlockCore

/// whitlockd with `[ship]`: while PostgreSQL is down the daemon keeps acquiring, the backlog
/// grows and is reported by `/readyz`, `/api/v1/status`, `/metrics` and `whitlockctl status`;
/// once the server is up the backlog drains on its own.
@Suite("whitlockd [ship]", .serialized, .processHeavy)
struct DaemonShippingTests {
  @Test("backlog reported while PostgreSQL is down, drained once it is up")
  func backlogWhileDatabaseIsDown() async throws {
    let postgres = try await PostgresServer()
    await postgres.stop()
    let daemon = try await MonitoredDaemon.start(
      ramanExposure: 0.05,
      extraConfiguration: """
        [ship]
        postgres = "\(postgres.url)"
        password_file = "\(postgres.passwordFile)"
        retry_max_s = 0.5
        """)
    // `status()` blocks on a request: called inside `wait` conditions (which run off the
    // cooperative pool) or through `offPool`; failure messages show what it saw last.
    var lastStatus: JSONValue?
    func status() -> JSONValue? {
      guard let response = try? daemon.client.request("GET", "/api/v1/status") else { return nil }
      lastStatus = try? JSONParser.parse(response.body)
      return lastStatus
    }
    func backlog() -> Int { Int(status()?["ship"]?["backlog_segments"]?.doubleValue ?? -1) }
    #expect(await daemon.child.wait(upTo: .seconds(60)) { _ in backlog() >= 3 })
    let failing = await offPool(borrowing: { status() })
    #expect(failing?["ship"]?["state"]?.stringValue == "failing")
    #expect(failing?["ship"]?["last_error"]?.stringValue?.contains("Connection refused") == true)
    let ready = try await daemon.client.send("GET", "/readyz")
    #expect(ready.status == 503)
    #expect(ready.text.contains("shipping to the database is failing"), "\(ready.text)")
    #expect(!ready.text.contains("whitlock@"), "no database user for whoever reaches the port")
    #expect(
      failing?["daemon"]?["not_ready_reason"]?.stringValue?.contains(
        "shipping to postgres://whitlock@127.0.0.1") == true)
    let metrics = try await daemon.client.send("GET", "/metrics").text
    #expect(metrics.contains("whitlock_ship_failing 1"))
    #expect(metrics.contains("whitlock_ship_backlog_segments "))
    let rendered = try await Subprocess.run(
      URL(fileURLWithPath: try ProductsDirectory.executable("whitlockctl")),
      ["status", "--monitor", daemon.endpoint.description])
    #expect(rendered.standardOutput.contains(": failing,"), "\(rendered.standardOutput)")
    #expect(rendered.standardOutput.contains("backlog "))
    let acquiredWhileDown = Int(
      await offPool(borrowing: { status() })?["spool"]?["records_written"]?.doubleValue ?? 0)
    #expect(acquiredWhileDown > 0, "acquisition goes on while the database is down")

    try await postgres.start()
    #expect(
      await daemon.child.wait(upTo: .seconds(120)) { _ in
        let ship = status()?["ship"]
        return ship?["state"]?.stringValue != "failing" && backlog() == 0
          && (ship?["records_shipped"]?.doubleValue ?? 0) >= Double(acquiredWhileDown)
      }, "\(lastStatus.map { "\($0)" } ?? "no status")")
    #expect(
      await daemon.child.wait(upTo: .seconds(60)) { _ in
        (try? daemon.client.request("GET", "/readyz").status) == 200
      })
    let spoolDirectory = daemon.directory + "/spool"
    defer { try? FileManager.default.removeItem(atPath: daemon.directory) }
    daemon.child.send(SIGTERM)
    #expect(await daemon.child.waitForExit(upTo: .seconds(30)) == 0)
    // What the daemon published last on its way out waits in new/; shipping it finishes the job.
    let drained = try await ShippingFixture.drain(spool: spoolDirectory, postgres: postgres)
    #expect(drained.status == 0)
    let spooled = ShippingFixture.spoolSequences(spoolDirectory)
    #expect(try await ShippingFixture.databaseTally(postgres).first == spooled.count)
    await postgres.stop()
  }
}
