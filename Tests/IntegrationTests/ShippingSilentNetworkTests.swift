import Foundation
import TestSupport
import Testing
import WhitlockCore

/// The network between whitlockd's shipper and PostgreSQL goes silent without a reset (a relay
/// in this process stops forwarding and keeps its connections open): the shipper notices within
/// its deadline (`deadline_s`), reports it (`/api/v1/status`, `/readyz`), keeps acquiring,
/// reconnects once the path is back, and the database ends with every record exactly once.
@Suite("Shipping over a network that goes silent", .serialized, .processHeavy)
struct ShippingSilentNetworkTests {
  @Test("silence noticed within the deadline and reported; reconnected; every record once")
  func silentNetwork() async throws {
    let postgres = try await PostgresServer()
    let relay = try SilenceableRelay(forwardingTo: postgres.port)
    defer { relay.shutDown() }
    let url = postgres.url.replacingOccurrences(of: ":\(postgres.port)/", with: ":\(relay.port)/")
    let daemon = try await MonitoredDaemon.start(
      ramanExposure: 0.05,
      extraConfiguration: """
        [ship]
        postgres = "\(url)"
        password_file = "\(postgres.passwordFile)"
        retry_max_s = 0.5
        deadline_s = 5
        """)
    defer { try? FileManager.default.removeItem(atPath: daemon.directory) }
    // `status()` blocks on a request: it runs inside `wait` conditions, which run off the
    // cooperative pool; failure messages show the status the last condition saw.
    var lastStatus: JSONValue?
    func status() -> JSONValue? {
      guard let response = try? daemon.client.request("GET", "/api/v1/status") else { return nil }
      lastStatus = try? JSONParser.parse(response.body)
      return lastStatus
    }
    func ship(_ key: String) -> JSONValue? { status()?["ship"]?[key] }
    func number(_ value: JSONValue?) -> Int { Int(value?.doubleValue ?? -1) }

    #expect(
      await daemon.child.wait(upTo: .seconds(60)) { _ in number(ship("records_shipped")) > 0 },
      "\(lastStatus.map { "\($0)" } ?? "no status")")

    // The path goes silent: the next segment's transaction gets no answer.
    relay.silence()
    let silencedAt = ContinuousClock.now
    #expect(
      await daemon.child.wait(upTo: .seconds(60)) { _ in
        ship("state")?.stringValue == "failing"
      }, "\(lastStatus.map { "\($0)" } ?? "no status")")
    let noticedAfter = ContinuousClock.now - silencedAt
    let error = lastStatus?["ship"]?["last_error"]?.stringValue ?? ""
    #expect(error.contains("no answer within 5"), "\(error)")
    // The deadline bounds how long it took: without it a silent TCP peer is noticed only after
    // the kernel's retransmissions give up (about 15 minutes). The bound leaves room for the
    // segment that has to be cut first and for a machine loaded by the rest of the suite.
    #expect(
      noticedAfter < .seconds(90),
      "noticed after \(noticedAfter); log:\n\(Self.shippingLines(daemon.child.standardError))")
    let ready = try await daemon.client.send("GET", "/readyz")
    #expect(ready.status == 503)
    #expect(ready.text.contains("shipping to the database is failing"), "\(ready.text)")
    let reason = try JSONParser.parse(await daemon.client.send("GET", "/api/v1/status").body)[
      "daemon"]?["not_ready_reason"]?.stringValue
    #expect(reason?.contains("no answer within") == true, "\(String(describing: reason))")
    let writtenWhileSilent = number(
      try JSONParser.parse(await daemon.client.send("GET", "/api/v1/status").body)["spool"]?[
        "records_written"])
    #expect(
      await daemon.child.wait(upTo: .seconds(60)) { _ in
        number(status()?["spool"]?["records_written"]) > writtenWhileSilent
          && number(ship("backlog_segments")) >= 2
      }, "acquisition goes on and the backlog grows while the network is silent")
    // Reconnection attempts meet the same silence and are given up after the deadline too.
    let attempts = relay.acceptedConnections
    #expect(
      await daemon.child.wait(upTo: .seconds(60)) { _ in relay.acceptedConnections > attempts })

    relay.restore()
    #expect(
      await daemon.child.wait(upTo: .seconds(120)) { _ in
        ship("state")?.stringValue != "failing" && number(ship("backlog_segments")) == 0
      }, "\(lastStatus.map { "\($0)" } ?? "no status")")
    #expect(
      await daemon.child.wait(upTo: .seconds(60)) { _ in
        (try? daemon.client.request("GET", "/readyz").status) == 200
      })

    daemon.child.send(SIGTERM)
    #expect(await daemon.child.waitForExit(upTo: .seconds(90)) == 0)
    let spool = daemon.directory + "/spool"
    let drained = try await ShippingFixture.drain(spool: spool, postgres: postgres)
    #expect(drained.status == 0, "\(drained.standardError)")
    let spooled = ShippingFixture.spoolSequences(spool)
    #expect(
      try await ShippingFixture.databaseTally(postgres) == [
        spooled.count, spooled.count, spooled.reduce(0, +),
      ])
    #expect(try await ShippingFixture.unmatchedAcquisitions(postgres) == 0)
    #expect(ShippingFixture.segments(spool, "new").isEmpty)
    await postgres.stop()
  }

  /// The daemon's log lines about shipping, to explain a slow or missing failure.
  private static func shippingLines(_ log: String) -> String {
    log.split(separator: "\n").filter { $0.contains("ship") || $0.contains("PostgreSQL") }
      .suffix(40).joined(separator: "\n")
  }
}
