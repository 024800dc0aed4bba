import Foundation
import TestSupport
import Testing

/// The daemon spools from simulated instruments while `whitlockctl ship` runs against a real
/// PostgreSQL server and is killed with SIGKILL at random moments, sometimes two at once; the
/// server is stopped and restarted mid-stream and a segment is replayed by hand. Afterwards the
/// database holds every spooled record exactly once and `new/` is empty. `make test` kills the
/// shipper 8 times, `make faults` 20 times (`Repetitions`).
@Suite("Shipping to PostgreSQL exactly once", .serialized, .processHeavy)
struct ShippingExactlyOnceTests {
  @Test("kill -9 of the shipper again and again, PostgreSQL restarted, a segment replayed")
  func killedShippersRestartedServerAndReplay() async throws {
    let postgres = try await PostgresServer()
    let directory = try ShippingFixture.scratchDirectory("ship-once")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let spool = directory + "/spool"
    try """
    [spool]
    path = "\(spool)"
    segment_max_records = 40
    segment_max_age_s = 0.2
    [monitor]
    enabled = false
    [[instrument]]
    id = "raman-sim"
    kind = "raman"
    driver = "simulated"
    exposure_s = 0.02
    [instrument.simulation]
    channels = 256
    acquisitions_per_point = 7
    [[instrument]]
    id = "xrf-sim"
    kind = "xrf"
    driver = "simulated"
    exposure_s = 0.05
    [instrument.simulation]
    channels = 256
    """.write(toFile: directory + "/whitlockd.toml", atomically: true, encoding: .utf8)
    let daemon = try ChildProcess(
      try ProductsDirectory.executable("whitlockd"), ["--config", directory + "/whitlockd.toml"])
    #expect(
      await daemon.wait(upTo: .seconds(60)) { _ in
        ShippingFixture.segments(spool, "new").count >= 2
      })

    let seed = UInt64.random(in: 1...UInt64.max)
    var random = SplitMix(seed: seed)
    print("ShippingExactlyOnceTests: kill moments from seed \(seed)")
    var replayed: String?
    let rounds = Repetitions.count(quick: 8, full: 20)
    let restartRound = rounds / 2
    let replayRound = rounds * 3 / 4
    for round in 1...rounds {
      // Odd rounds run two shippers on the one spool at once.
      let count = round % 2 == 1 ? 2 : 1
      let shippers = try (0..<count).map { _ in
        try ShippingFixture.startShipper(spool: spool, postgres: postgres)
      }
      if round == restartRound {
        // PostgreSQL stops under a connected shipper: the backlog grows, nothing is lost.
        #expect(
          await shippers[0].wait(upTo: .seconds(60)) {
            $0.standardError.contains("shipping spool to PostgreSQL")
          })
        await postgres.stop()
        let before = ShippingFixture.segments(spool, "new").count
        #expect(
          await shippers[0].wait(upTo: .seconds(180)) {
            $0.standardError.contains("shipping to PostgreSQL failed")
          },
          "shipper: \(shippers[0].standardError.suffix(1500)) server: \(postgres.log.suffix(1500))")
        #expect(
          await daemon.wait(upTo: .seconds(60)) { _ in
            ShippingFixture.segments(spool, "new").count >= before + 3
          }, "the backlog grows while the database is down")
        try await postgres.start()
        #expect(
          await shippers[0].wait(upTo: .seconds(180)) {
            $0.standardError.contains("connected to")
          }, "the shipper reconnects on its own: \(shippers[0].standardError.suffix(1500))")
      }
      if round == replayRound {
        // Only a shipped segment can be replayed. On a loaded machine every earlier kill may
        // have come before a shipper finished one: this round's shipper ships one first.
        #expect(
          await shippers[0].wait(upTo: .seconds(180)) { _ in
            !ShippingFixture.segments(spool, "cur").isEmpty
          }, "shipper: \(shippers[0].standardError.suffix(1500))")
        if let first = ShippingFixture.segments(spool, "cur").first {
          try ShippingFixture.replay(first, spool: spool)
          replayed = first
        }
      }
      try await Task.sleep(for: .milliseconds(Int.random(in: 30...700, using: &random)))
      for shipper in shippers {
        shipper.send(SIGKILL)
        _ = await shipper.waitForExit(upTo: .seconds(30))
      }
    }
    #expect(replayed != nil, "a segment had been shipped by round \(replayRound)")

    daemon.send(SIGTERM)
    #expect(await daemon.waitForExit(upTo: .seconds(60)) == 0)
    let drained = try await ShippingFixture.drain(spool: spool, postgres: postgres)
    #expect(drained.status == 0, "\(drained.standardError.suffix(2000))")

    #expect(ShippingFixture.segments(spool, "new").isEmpty, "new/ drains")
    #expect(ShippingFixture.segments(spool, "quarantine").isEmpty)
    let spooled = ShippingFixture.spoolSequences(spool)
    #expect(spooled.count > 200, "the daemon spooled a real stream (\(spooled.count) records)")
    #expect(Set(spooled).count == spooled.count)
    let tally = try await ShippingFixture.databaseTally(postgres)
    #expect(tally == [spooled.count, spooled.count, spooled.reduce(0, +)])
    #expect(
      try await ShippingFixture.unmatchedAcquisitions(postgres) == 0,
      "every acquisition copied once")
    #expect(drained.standardError.isEmpty || !drained.standardError.contains("ERROR"))
    await postgres.stop()
  }
}

/// A small seeded generator, so a failing run's kill moments can be repeated from its seed.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
